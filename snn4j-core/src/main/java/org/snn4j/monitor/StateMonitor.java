package org.snn4j.monitor;

import java.util.Arrays;
import org.snn4j.network.Population;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;

/**
 * Records one state variable of chosen neurons every {@code every} steps (Brian2's StateMonitor with
 * {@code dt}, NEST's multimeter with an interval), up to {@code maxSamples} samples: bounded memory.
 */
public final class StateMonitor implements StepHook {
    private final Population population;
    private final String variable;
    private final int[] neurons;
    private final int every, maxSamples;
    private double[][] data;     // [neuron][sample]
    private int samples;
    private long[] sampleSteps;
    private double dt;

    /**
     * @param neurons    flat indices to record
     * @param every      record every this many steps (decimation), ≥ 1
     * @param maxSamples most samples kept per neuron
     */
    public StateMonitor(Population population, String variable, int[] neurons, int every, int maxSamples) {
        if (every < 1) throw new IllegalArgumentException("every must be >= 1");
        population.variable(variable);
        for (int i : neurons)
            if (i < 0 || i >= population.size() * population.batch())
                throw new IllegalArgumentException("neuron " + i + " outside population " + population.name());
        this.population = population;
        this.variable = variable;
        this.neurons = neurons.clone();
        this.every = every;
        this.maxSamples = maxSamples;
        this.data = new double[neurons.length][Math.min(maxSamples, 1024)];
        this.sampleSteps = new long[Math.min(maxSamples, 1024)];
    }

    @Override
    public void afterStep(Simulation sim, long step) {
        dt = sim.dt();
        if (step % every != 0 || samples >= maxSamples) return;
        if (samples == sampleSteps.length) {
            int cap = Math.min(maxSamples, samples * 2);
            sampleSteps = Arrays.copyOf(sampleSteps, cap);
            for (int k = 0; k < data.length; k++) data[k] = Arrays.copyOf(data[k], cap);
        }
        double[] x = population.variable(variable);
        for (int k = 0; k < neurons.length; k++) data[k][samples] = x[neurons[k]];
        sampleSteps[samples++] = step;
    }

    public int samples() {
        return samples;
    }

    public int[] neurons() {
        return neurons.clone();
    }

    public String variable() {
        return variable;
    }

    /** The trace of the k-th recorded neuron. */
    public double[] trace(int k) {
        return Arrays.copyOf(data[k], samples);
    }

    /** Sample times in ms (end of the sampled step). */
    public double[] timesMs() {
        double[] t = new double[samples];
        for (int k = 0; k < samples; k++) t[k] = (sampleSteps[k] + 1) * dt;
        return t;
    }
}
