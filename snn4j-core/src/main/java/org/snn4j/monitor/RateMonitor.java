package org.snn4j.monitor;

import java.util.Arrays;
import org.snn4j.network.Population;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;

/**
 * Population firing rate in bins of {@code binSteps} steps (Brian2's PopulationRateMonitor, binned),
 * in Hz per neuron; at most {@code maxBins} bins are kept.
 */
public final class RateMonitor implements StepHook {
    private final Population population;
    private final int binSteps, maxBins;
    private long[] counts = new long[256];
    private int bins;
    private long inBin;
    private int stepsInBin;
    private double dt;

    public RateMonitor(Population population, int binSteps, int maxBins) {
        if (binSteps < 1) throw new IllegalArgumentException("binSteps must be >= 1");
        this.population = population;
        this.binSteps = binSteps;
        this.maxBins = maxBins;
    }

    @Override
    public void afterStep(Simulation sim, long step) {
        dt = sim.dt();
        inBin += sim.spikes(population).size();
        if (++stepsInBin == binSteps) {
            if (bins < maxBins) {
                if (bins == counts.length) counts = Arrays.copyOf(counts, Math.min(maxBins, bins * 2));
                counts[bins++] = inBin;
            }
            inBin = 0;
            stepsInBin = 0;
        }
    }

    /** Rate of each completed bin in Hz (spikes per neuron per second). */
    public double[] ratesHz() {
        double n = (double) population.size() * population.batch();
        double binSeconds = binSteps * dt * 1e-3;
        double[] r = new double[bins];
        for (int k = 0; k < bins; k++) r[k] = counts[k] / n / binSeconds;
        return r;
    }

    /** Centre of each bin in ms. */
    public double[] timesMs() {
        double[] t = new double[bins];
        for (int k = 0; k < bins; k++) t[k] = (k + 0.5) * binSteps * dt;
        return t;
    }

    public double binMs() {
        return binSteps * dt;
    }
}
