package org.snn4j.cell;

/**
 * The spike nonlinearity z = f(x) of a cell, x = v − threshold, with the derivative its backward
 * step uses. For training with surrogate gradients the value is the step H(x) (1 when x &gt; 0) and
 * the derivative is a surrogate (snnTorch's {@code spike_grad}); for finite-difference tests both
 * are a smooth function and its exact derivative.
 */
public interface SpikeFunction {
    /** z = f(x). */
    float value(float x);

    /** dz/dx as the backward step uses it. */
    float derivative(float x);

    /**
     * g[p] ← g[p] · f'(v[p] − θ) for p ∈ [o, o + n): the spike function's backward over a row, which
     * an implementation may specialise (the surrogates do, in loops the JIT vectorises).
     */
    default void scaleByDerivative(float[] v, float theta, float[] g, int o, int n) {
        for (int p = o; p < o + n; p++) g[p] = g[p] * derivative(v[p] - theta);
    }

    /** H(x) with a zero derivative: the simulator's spike function (no gradient). */
    SpikeFunction HEAVISIDE = step(x -> 0f);

    /** H(x) forward, {@code surrogate} backward. */
    static SpikeFunction step(Derivative surrogate) {
        return new SpikeFunction() {
            @Override
            public float value(float x) {
                return x > 0 ? 1f : 0f;
            }

            @Override
            public float derivative(float x) {
                return surrogate.at(x);
            }
        };
    }

    /** A derivative of the spike function (a surrogate). */
    @FunctionalInterface
    interface Derivative {
        /** The derivative at x = v − threshold. */
        float at(float x);
    }
}
