package org.snn4j.train.optim;

import java.util.Map;

/**
 * A first-order optimiser over a {@link ParamSet} (after Tribuo's {@code StochasticGradientOptimiser}):
 * {@link #initialise} once over the parameters, then one {@link #step} per mini-batch after the
 * gradients have been written into the tensors' gradient arrays; the update is applied in place.
 *
 * <p>For large parameter sets the step can be split over a thread team: {@link #begin} once, then
 * {@link #update}(part, parts) for every part, in any order or concurrently; every value gets the
 * same arithmetic whatever the split, so results do not depend on the number of threads.
 * {@link #step} is {@code begin(); update(0, 1)}.
 *
 * <p>Checkpoints: {@link #state} returns the optimiser's state as named tensors — an ordered map
 * from {@code "<param>.<slot>"} (e.g. {@code "layer0.weight.m"}) to a live float[] or double[] of
 * the parameter's type and length — plus the step count {@link #steps()}. To resume, initialise a
 * new optimiser of the same kind over the same parameters, {@link #loadState} the saved tensors and
 * set {@link #steps(long)}; the continued run is then bit-identical to an uninterrupted one.
 */
public interface Optimizer {
    /**
     * Binds the optimiser to the parameters and allocates its state (zeros); resets the step count.
     *
     * @param params the tensors to update
     */
    void initialise(ParamSet params);

    /** @return the parameters (null before {@link #initialise}) */
    ParamSet params();

    /** One step: {@code begin(); update(0, 1)}. */
    default void step() {
        begin();
        update(0, 1);
    }

    /** Starts a step (advances the step count); then call {@link #update} on every part. */
    void begin();

    /**
     * Updates part {@code part} of {@code parts} chunks of every tensor (the chunks partition each
     * tensor's range).
     *
     * @param part  which chunk, 0 ≤ part &lt; parts
     * @param parts number of chunks
     */
    void update(int part, int parts);

    /** @return the current learning rate */
    double learningRate();

    /** @param lr the learning rate for the following steps (a schedule sets it before each step) */
    void learningRate(double lr);

    /** @return steps taken (since {@link #initialise} or as restored) */
    long steps();

    /** @param steps the step count (from a checkpoint) */
    void steps(long steps);

    /** Zeros the state and the step count (the parameters are left as they are). */
    void reset();

    /** @return the optimiser's state tensors by name (live arrays; empty when it keeps none) */
    Map<String, Object> state();

    /**
     * Copies saved state tensors into this optimiser's state. Every name of {@link #state()} must
     * be present with an array of the same type and length.
     *
     * @param saved the tensors, as {@link #state()} names them
     * @throws IllegalArgumentException naming the first missing or mismatched tensor
     */
    void loadState(Map<String, ?> saved);

    /** @return a short name of the algorithm and its variant, e.g. "adam", "adamw", "sgd" */
    String kind();

    /**
     * An optimiser by name, with the defaults of its class.
     *
     * @param kind        "adam", "adamw" (decoupled weight decay 0.01), "sgd" (with momentum) or "nesterov"
     * @param lr          learning rate
     * @param momentum    momentum of "sgd" and "nesterov" (ignored otherwise)
     * @return a new, uninitialised optimiser
     * @throws org.snn4j.util.InputException for an unknown kind or a bad value (one line)
     */
    static Optimizer create(String kind, double lr, double momentum) {
        switch (kind) {
            case "adam": return new Adam(lr);
            case "adamw": return Adam.adamW(lr, 0.01);
            case "sgd": return new Sgd(lr, momentum);
            case "nesterov": return new Sgd(lr, momentum).nesterov(true);
            default: throw new org.snn4j.util.InputException("unknown optimizer '" + kind + "' (expected adam, adamw, sgd or nesterov)");
        }
    }
}
