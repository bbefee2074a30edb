package org.snn4j.cell;

import java.util.List;

/**
 * A neuron type, written once for every engine (Norse's split of parameters / state / step /
 * vector-Jacobian product): an implementation is an immutable parameter record with defaults and
 * withers, a state layout ({@link #stateNames()}), a forward step over a row of units and, when it is
 * differentiable, its backward step. The simulator runs a cell through {@link CellModel}; the BPTT
 * engine through {@code org.snn4j.train.sg.CellLayer}; both call these two methods and nothing else.
 *
 * <p>State is float, one array per variable, and a kernel handles a contiguous row of n units at an
 * offset (one sample at one step in BPTT, a chunk of a population in the simulator). Conventions:
 * <ul>
 *   <li>{@code prev == null} is the rest state (all variables 0, no spike before the first step);</li>
 *   <li>{@code next} may be {@code prev} at the same offset (the simulator steps in place): a kernel
 *       reads unit i's previous state before writing unit i, and units do not interact;</li>
 *   <li>the output of a spiking cell is z_t = f(x_t) with x_t from {@link #spikeArgument} (the spike
 *       is emitted when x_t &gt; 0); a non-spiking cell ({@link #spiking()} false) outputs its first
 *       state variable;</li>
 *   <li>backward carries: on entry {@code carry[k][i]} = ∂L/∂s_k at step t through the later steps,
 * *       on exit ∂L/∂s_k at step t − 1 through step t (meaningless when prev is null), so a window of BPTT can
 *       hand its carry to the previous window.</li>
 * </ul>
 * Input is a current per step (the sum of the weighted spikes that reach the unit at that step),
 * in units of the threshold-normalised membrane.
 */
public interface Cell {
    /** Short description with the parameters, e.g. {@code alif(beta=0.95, rho=0.995, theta=1.0, b=1.8)}. */
    String name();

    /** Names of the state variables in storage order. */
    List<String> stateNames();

    /** Number of state variables. */
    default int stateCount() {
        return stateNames().size();
    }

    /** True for a spiking cell; false for a readout whose output is its first state variable. */
    default boolean spiking() {
        return true;
    }

    /**
     * One step of units [0, n): prev[k][po + i] is variable k before the step (prev null: the rest
     * state), input[io + i] the input I_t; writes next[k][no + i]. {@code f} is the spike function,
     * for cells whose dynamics depend on the previous step's spike (as an adapting threshold does).
     */
    void forward(float[][] prev, int po, float[] input, int io, float[][] next, int no, int n, SpikeFunction f);

    /** x[xo + i] = the spike argument (v − threshold) of state s at offset o; spiking cells only. */
    default void spikeArgument(float[][] s, int o, float[] x, int xo, int n) {
        throw new UnsupportedOperationException(name() + " does not spike");
    }

    /** True when {@link #backward} is implemented. */
    default boolean differentiable() {
        return true;
    }

    /**
     * The vector-Jacobian product of one step: on entry gz[o + i] = ∂L/∂z_t (the output's gradient)
     * and carry as in the class comment; writes gx[o + i] = ∂L/∂I_t (gx may be gz) and updates the
     * carry. s is the state after the step (offset o), prev the state before it (po; null = rest).
     */
    default void backward(float[][] prev, int po, float[][] s, int o, float[] gz, float[] gx, float[][] carry, int n,
                          SpikeFunction f) {
        throw new UnsupportedOperationException(name() + " has no backward step");
    }

    /** Throws unless 0 ≤ value ≤ 1 (a decay per step); {@code what} names it in the message. */
    static double checkDecay(String what, double value) {
        if (!(value >= 0 && value <= 1)) throw new IllegalArgumentException(what + " must lie in [0, 1]: " + value);
        return value;
    }

    /** Throws unless value &gt; 0; {@code what} names it in the message. */
    static double checkPositive(String what, double value) {
        if (!(value > 0)) throw new IllegalArgumentException(what + " must be positive: " + value);
        return value;
    }

    /** exp(−dt/τ), the decay per step of a time constant τ (both in ms), with clear errors. */
    static double decay(double tauMs, double dtMs) {
        checkPositive("time constant (ms)", tauMs);
        checkPositive("dt (ms)", dtMs);
        return Math.exp(-dtMs / tauMs);
    }
}
