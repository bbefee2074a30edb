package org.snn4j.cell;

import java.util.List;

/**
 * Current-based leaky integrate-and-fire neuron in discrete time (a synaptic current and a
 * membrane), snnTorch's {@code Synaptic}. With input I_t per step, synaptic decay α = exp(−dt/τ_syn),
 * membrane decay β = exp(−dt/τ_m), threshold θ (dimensionless, threshold-normalised):
 * <pre>
 *   syn_t = α syn_{t−1} + I_t
 *   r_t   = H(v_{t−1} − θ)                             (detached)
 *   subtractive reset: v_t = β v_{t−1} + syn_t − r_t θ
 *   zero reset:        v_t = (1 − r_t)(β v_{t−1} + syn_t)
 *   zero reset within the spike's step (NIR, Norse): v_t = β (1 − r_t) v_{t−1} + syn_t
 *   z_t   = H(v_t − θ)
 * </pre>
 * Backward, with gm_t = ∂L/∂v_t, gs_t = ∂L/∂syn_t, k_t = 1 (subtract) or 1 − r_t (zero):
 * gm_t = ∂L/∂z_t σ'(v_t − θ) + k_{t+1} β gm_{t+1}, gs_t = k_t gm_t + α gs_{t+1}, ∂L/∂I_t = gs_t.
 *
 * <p>This is the same linear CUBA dynamics as the simulator's {@link org.snn4j.model.LifCuba}
 * (τ_m dV/dt = −V + g, τ_syn dg/dt = −g) in another discretisation: LifCuba integrates the
 * sub-threshold system exactly (coupling τ_s/(τ_s − τ_m)(e^{−dt/τ_s} − e^{−dt/τ_m}) from the current
 * into the membrane) and adds refractoriness, a leak reversal and separate E and I currents for the
 * Brette et al. benchmark; this cell uses snnTorch's unit coupling so that networks trained in
 * snnTorch or snn4j's BPTT behave the same. {@link #fromTimeConstants} derives α and β from the same
 * time constants. State: {@code syn}, {@code v}.
 *
 * @param alpha     synaptic decay per step, in [0, 1]
 * @param beta      membrane decay per step, in [0, 1]
 * @param threshold θ &gt; 0 (default 1)
 * @param reset     reset mechanism (default {@link Reset#SUBTRACT})
 */
public record CubaLifCell(double alpha, double beta, double threshold, Reset reset) implements Cell {
    public CubaLifCell {
        Cell.checkDecay("synaptic alpha", alpha);
        Cell.checkDecay("synaptic beta", beta);
        Cell.checkPositive("threshold", threshold);
        if (reset == null) throw new IllegalArgumentException("reset must be given");
    }

    /** α = exp(−dt/τ_syn), β = exp(−dt/τ_m) (ms), θ = 1, subtractive reset. */
    public static CubaLifCell fromTimeConstants(double tauSynMs, double tauMemMs, double dtMs) {
        return new CubaLifCell(Cell.decay(tauSynMs, dtMs), Cell.decay(tauMemMs, dtMs), 1.0, Reset.SUBTRACT);
    }

    /** This cell with threshold θ. */
    public CubaLifCell withThreshold(double threshold) {
        return new CubaLifCell(alpha, beta, threshold, reset);
    }

    /** This cell with another reset. */
    public CubaLifCell withReset(Reset reset) {
        return new CubaLifCell(alpha, beta, threshold, reset);
    }

    @Override
    public String name() {
        return "cuba_lif(alpha=" + alpha + ", beta=" + beta + ", theta=" + threshold + ", " + reset.name().toLowerCase() + ")";
    }

    @Override
    public List<String> stateNames() {
        return List.of("syn", "v");
    }

    @Override
    public void forward(float[][] prev, int po, float[] input, int io, float[][] next, int no, int n, SpikeFunction f) {
        final float a = (float) alpha;
        final float[] syn = next[0];
        if (prev == null) System.arraycopy(input, io, syn, no, n);
        else for (int i = 0, ps = po; i < n; i++) syn[no + i] = a * prev[0][ps + i] + input[io + i];
        if (reset == Reset.ZERO_IMMEDIATE)
            LifKernels.integrateResetNow((float) beta, (float) threshold, prev == null ? null : prev[1], po, syn, no, next[1], no, n);
        else LifKernels.integrate(reset == Reset.SUBTRACT, (float) beta, (float) threshold, prev == null ? null : prev[1], po,
                syn, no, next[1], no, n);
    }

    @Override
    public void spikeArgument(float[][] s, int o, float[] x, int xo, int n) {
        final float th = (float) threshold;
        final float[] v = s[1];
        for (int i = 0; i < n; i++) x[xo + i] = v[o + i] - th;
    }

    @Override
    public void backward(float[][] prev, int po, float[][] s, int o, float[] gz, float[] gx, float[][] carry, int n,
                         SpikeFunction f) {
        final float th = (float) threshold, a = (float) alpha;
        final float[] v = s[1], cs = carry[0];
        f.scaleByDerivative(v, th, gz, o, n);
        if (reset == Reset.ZERO_IMMEDIATE)
            LifKernels.integrateResetNowBackward((float) beta, th, prev == null ? null : prev[1], po, gz, gx, o, carry[1], n);
        else LifKernels.integrateBackward(reset == Reset.SUBTRACT, (float) beta, th, prev == null ? null : prev[1], po, gz, gx, o,
                carry[1], n);   // gx = k_t gm_t
        for (int i = 0; i < n; i++) {
            float gsyn = gx[o + i] + cs[i];
            gx[o + i] = gsyn;
            cs[i] = a * gsyn;
        }
    }
}
