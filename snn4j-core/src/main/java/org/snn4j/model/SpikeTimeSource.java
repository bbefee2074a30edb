package org.snn4j.model;

import java.util.Arrays;
import java.util.List;

/**
 * Emits spikes at given times (NEST's spike_generator, Brian2's SpikeGeneratorGroup).
 *
 * <p>Neuron i fires in the step whose interval [k·dt, (k+1)·dt) contains each of its times (ms), at
 * most once per step. Times are fixed at construction; the variable {@code next} exposes, per
 * neuron, the index of its next pending spike.
 */
public final class SpikeTimeSource extends ArrayStateModel {
    private final double[][] timesMs;
    private long[][] steps;
    private final double[] next;

    /** @param timesMs spike times in ms for each neuron (any order; sorted here) */
    public SpikeTimeSource(double[][] timesMs) {
        super(timesMs.length, 1);
        if (timesMs.length == 0) throw new IllegalArgumentException("need at least one neuron");
        this.timesMs = new double[size][];
        for (int i = 0; i < size; i++) {
            double[] t = timesMs[i] == null ? new double[0] : timesMs[i].clone();
            for (double x : t)
                if (!(x >= 0)) throw new IllegalArgumentException("spike times must be >= 0 ms: " + x);
            Arrays.sort(t);
            this.timesMs[i] = t;
        }
        next = state("next");
    }

    @Override
    public void prepare(double dtMs) {
        steps = new long[size][];
        for (int i = 0; i < size; i++) {
            long[] s = new long[timesMs[i].length];
            for (int k = 0; k < s.length; k++) s[k] = (long) Math.floor(timesMs[i][k] / dtMs + 1e-9);
            steps[i] = s;
        }
    }

    @Override
    public void step(StepContext ctx) {
        long t = ctx.step();
        for (int i = ctx.from(), to = ctx.to(); i < to; i++) {
            long[] s = steps[i];
            int k = (int) next[i];
            if (k < s.length && s[k] <= t) {
                while (k < s.length && s[k] <= t) k++;
                next[i] = k;
                ctx.spike(i);
            }
        }
    }
}
