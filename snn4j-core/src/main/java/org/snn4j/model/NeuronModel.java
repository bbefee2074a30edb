package org.snn4j.model;

import java.util.List;

/**
 * The state and the step kernel of one population's neurons.
 *
 * <p>State lives in flat {@code double[]} arrays, one per variable, batch-major: the value of neuron
 * {@code i} in batch entry {@code b} is at {@code b * size() + i}. A step kernel advances a
 * contiguous range of these flat indices by one time step; the simulation loop calls it on fixed
 * chunks (independent of the thread count), possibly from several threads at once on disjoint
 * chunks, so a kernel must touch only the indices it is given.
 *
 * <p>Within one step the loop's order is (as in Brian2): every population's kernel (state update,
 * threshold, reset), then synaptic propagation of this step's spikes into the receiving variables,
 * which the kernels see at the next step.
 */
public interface NeuronModel {
    /** Neurons per batch entry. */
    int size();

    /** Number of independent copies simulated side by side (1 for a single network). */
    int batch();

    /** Names of the state variables that {@link #variable(String)} gives access to. */
    List<String> variableNames();

    /**
     * The flat state array of a variable (length {@code batch() * size()}), live: writes change the
     * simulation. Projections deliver into these arrays by name.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    double[] variable(String name);

    /** Called once before a run (and again if dt changes): precompute propagators for step dt (ms). */
    void prepare(double dtMs);

    /** Advances flat indices [ctx.from(), ctx.to()) by one step, reporting spikes through ctx. */
    void step(StepContext ctx);

    /** Convenience: the variable, with a clear error naming the model for an unknown name. */
    static IllegalArgumentException unknownVariable(NeuronModel m, String name) {
        return new IllegalArgumentException(m.getClass().getSimpleName() + " has no variable '" + name
                + "' (it has " + m.variableNames() + ")");
    }
}
