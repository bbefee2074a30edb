package org.snn4j.papers.balanced;

import java.util.Arrays;
import org.snn4j.network.Population;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;
import org.snn4j.stats.SpikeStats;
import org.snn4j.util.IntBuffer;

/**
 * Spike counts and inter-spike-interval moments per neuron over a window that can be restarted
 * ({@link #reset}) during a run, without storing the spikes: mean rate and median ISI CV
 * (CV = sd/mean of the ISIs of a neuron, over neurons with at least {@code minSpikes} spikes).
 */
public final class IsiMeter implements StepHook {
    private final Population pop;
    private final int n;
    private final long[] count, last;
    private final double[] s1, s2;
    private long start = -1, steps;
    private double dtMs;

    public IsiMeter(Population pop) {
        this.pop = pop;
        this.n = pop.size();
        count = new long[n];
        last = new long[n];
        s1 = new double[n];
        s2 = new double[n];
        reset();
    }

    /** Starts a new window. */
    public void reset() {
        Arrays.fill(count, 0);
        Arrays.fill(last, -1);
        Arrays.fill(s1, 0);
        Arrays.fill(s2, 0);
        steps = 0;
    }

    @Override
    public void afterStep(Simulation sim, long step) {
        dtMs = sim.dt();
        steps++;
        IntBuffer sp = sim.spikes(pop);
        int[] raw = sp.raw();
        for (int k = 0, m = sp.size(); k < m; k++) {
            int i = raw[k];
            if (i >= n) continue;
            count[i]++;
            if (last[i] >= 0) {
                double d = step - last[i];
                s1[i] += d;
                s2[i] += d * d;
            }
            last[i] = step;
        }
    }

    /** Mean rate over neurons and the window (Hz). */
    public double meanRateHz() {
        long t = 0;
        for (long c : count) t += c;
        return steps == 0 ? Double.NaN : SpikeStats.meanRateHz(t, n, steps * dtMs);
    }

    /** Median ISI CV over neurons with at least {@code minSpikes} spikes in the window (NaN if none). */
    public double cvIsiMedian(int minSpikes) {
        double[] cv = new double[n];
        for (int i = 0; i < n; i++) {
            long m = count[i] - 1;
            if (count[i] < Math.max(3, minSpikes)) {
                cv[i] = Double.NaN;
                continue;
            }
            double mean = s1[i] / m, var = s2[i] / m - mean * mean;
            cv[i] = Math.sqrt(Math.max(0, var) * m / (m - 1)) / mean;
        }
        return SpikeStats.nanMedian(cv);
    }
}
