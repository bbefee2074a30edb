package org.snn4j.model;

import org.snn4j.util.Rng;

/**
 * What a step kernel sees of the loop: the range of flat neuron indices it must advance, the step
 * number, a random stream owned by this chunk (the same stream whatever the thread count), and the
 * sink for spikes.
 */
public interface StepContext {
    /** First flat index (inclusive). */
    int from();

    /** Last flat index (exclusive). */
    int to();

    /** The step being computed (0-based); time of its end is (step + 1) · dt. */
    long step();

    /** Step length in ms. */
    double dt();

    /** This chunk's random stream. */
    Rng rng();

    /** Reports a spike of flat index {@code i}; indices must be reported in ascending order. */
    void spike(int i);
}
