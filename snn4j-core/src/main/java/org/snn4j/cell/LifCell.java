package org.snn4j.cell;

import java.util.List;

/**
 * Leaky integrate-and-fire neuron in discrete time, snnTorch's {@code Leaky} (reset_delay = True,
 * reset detached from the graph). Dimensionless membrane v (threshold-normalised), input current
 * I_t per step, decay β = exp(−dt/τ_m) per step:
 * <pre>
 *   r_t = H(v_{t−1} − θ)
 *   subtractive reset: v_t = β v_{t−1} + I_t − r_t θ
 *   zero reset:        v_t = (1 − r_t)(β v_{t−1} + I_t)
 *   zero reset within the spike's step (NIR, Norse): v_t = β (1 − r_t) v_{t−1} + I_t
 *   z_t = H(v_t − θ)
 * </pre>
 * State: {@code v}. The kernels are {@link LifKernels}, shared with the BPTT layers.
 *
 * @param beta      membrane decay per step, in [0, 1] (default 0.9)
 * @param threshold θ &gt; 0 (default 1)
 * @param reset     reset mechanism (default {@link Reset#SUBTRACT})
 */
public record LifCell(double beta, double threshold, Reset reset) implements Cell {
    public LifCell {
        Cell.checkDecay("LIF beta", beta);
        Cell.checkPositive("LIF threshold", threshold);
        if (reset == null) throw new IllegalArgumentException("LIF reset must be given");
    }

    /** β = 0.9, θ = 1, subtractive reset. */
    public static LifCell defaults() {
        return new LifCell(0.9, 1.0, Reset.SUBTRACT);
    }

    /** Integrate-and-fire (NIR's {@code IF}): no leak, β = 1, θ = 1, subtractive reset. */
    public static LifCell integrateAndFire() {
        return of(1.0);
    }

    /** The defaults with decay β. */
    public static LifCell of(double beta) {
        return defaults().withBeta(beta);
    }

    /** The defaults with β = exp(−dt/τ_m). */
    public static LifCell fromTau(double tauMemMs, double dtMs) {
        return of(Cell.decay(tauMemMs, dtMs));
    }

    /** This cell with decay β. */
    public LifCell withBeta(double beta) {
        return new LifCell(beta, threshold, reset);
    }

    /** This cell with threshold θ. */
    public LifCell withThreshold(double threshold) {
        return new LifCell(beta, threshold, reset);
    }

    /** This cell with another reset. */
    public LifCell withReset(Reset reset) {
        return new LifCell(beta, threshold, reset);
    }

    @Override
    public String name() {
        return "lif(beta=" + beta + ", theta=" + threshold + ", " + reset.name().toLowerCase() + ")";
    }

    @Override
    public List<String> stateNames() {
        return List.of("v");
    }

    @Override
    public void forward(float[][] prev, int po, float[] input, int io, float[][] next, int no, int n, SpikeFunction f) {
        if (reset == Reset.ZERO_IMMEDIATE)
            LifKernels.integrateResetNow((float) beta, (float) threshold, prev == null ? null : prev[0], po, input, io, next[0], no, n);
        else LifKernels.integrate(reset == Reset.SUBTRACT, (float) beta, (float) threshold, prev == null ? null : prev[0], po,
                input, io, next[0], no, n);
    }

    @Override
    public void spikeArgument(float[][] s, int o, float[] x, int xo, int n) {
        final float th = (float) threshold;
        final float[] v = s[0];
        for (int i = 0; i < n; i++) x[xo + i] = v[o + i] - th;
    }

    @Override
    public void backward(float[][] prev, int po, float[][] s, int o, float[] gz, float[] gx, float[][] carry, int n,
                         SpikeFunction f) {
        final float th = (float) threshold;
        final float[] v = s[0];
        f.scaleByDerivative(v, th, gz, o, n);
        if (reset == Reset.ZERO_IMMEDIATE)
            LifKernels.integrateResetNowBackward((float) beta, th, prev == null ? null : prev[0], po, gz, gx, o, carry[0], n);
        else LifKernels.integrateBackward(reset == Reset.SUBTRACT, (float) beta, th, prev == null ? null : prev[0], po, gz, gx, o,
                carry[0], n);
    }
}
