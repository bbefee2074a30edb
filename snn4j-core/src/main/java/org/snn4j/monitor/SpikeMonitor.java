package org.snn4j.monitor;

import org.snn4j.network.Population;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;
import org.snn4j.util.IntBuffer;

/**
 * Records the spikes of a population (Brian2's SpikeMonitor, NEST's spike_recorder) as (step, flat
 * index) pairs, up to {@code maxSpikes} of them: memory stays bounded on long runs. Spike counts per
 * neuron and the total are always kept, also past the cap.
 */
public final class SpikeMonitor implements StepHook {
    private final Population population;
    private final int maxSpikes;
    private final IntBuffer steps = new IntBuffer(1024), indices = new IntBuffer(1024);
    private final long[] counts;
    private long total;
    private long firstStep = -1, lastStep = -1;
    private double dt;

    public SpikeMonitor(Population population) {
        this(population, 10_000_000);
    }

    public SpikeMonitor(Population population, int maxSpikes) {
        if (maxSpikes < 0) throw new IllegalArgumentException("maxSpikes must be >= 0");
        this.population = population;
        this.maxSpikes = maxSpikes;
        this.counts = new long[population.size() * population.batch()];
    }

    @Override
    public boolean readsOnlySpikes() {
        return true;
    }

    @Override
    public void afterStep(Simulation sim, long step) {
        if (firstStep < 0) firstStep = step;
        lastStep = step;
        dt = sim.dt();
        IntBuffer s = sim.spikes(population);
        int[] raw = s.raw();
        for (int k = 0, n = s.size(); k < n; k++) {
            int i = raw[k];
            counts[i]++;
            if (steps.size() < maxSpikes) {
                steps.add((int) step);
                indices.add(i);
            }
        }
        total += s.size();
    }

    public Population population() {
        return population;
    }

    /** All spikes seen, recorded or not. */
    public long totalSpikes() {
        return total;
    }

    /** Spikes recorded (at most the cap). */
    public int recorded() {
        return steps.size();
    }

    /** True if spikes were dropped because the cap was reached. */
    public boolean truncated() {
        return total > steps.size();
    }

    /** Step of each recorded spike. */
    public int[] steps() {
        return steps.toArray();
    }

    /** Flat neuron index of each recorded spike. */
    public int[] indices() {
        return indices.toArray();
    }

    /** Time of each recorded spike in ms (end of its step). */
    public double[] timesMs() {
        double[] t = new double[steps.size()];
        for (int k = 0; k < t.length; k++) t[k] = (steps.get(k) + 1) * dt;
        return t;
    }

    /** Spike count per flat neuron index over the whole monitored time. */
    public long[] counts() {
        return counts.clone();
    }

    /** Monitored duration in ms. */
    public double durationMs() {
        return firstStep < 0 ? 0 : (lastStep - firstStep + 1) * dt;
    }

    /** First monitored step (-1 before any). */
    public long firstStep() {
        return firstStep;
    }

    public double dt() {
        return dt;
    }
}
