package org.snn4j.cell;

import java.util.List;

/**
 * Adaptive leaky integrate-and-fire neuron (ALIF) of the long short-term memory spiking networks,
 * LSNN (Bellec et al. 2018; e-prop, Bellec et al. 2020): a LIF neuron whose threshold rises by b
 * with every spike and relaxes back with its own time constant τ_a, much longer than τ_m, which
 * gives the network a memory of seconds. Discrete time, snnTorch conventions as {@link LifCell}
 * (reset_delay = True; the reset subtracts the baseline threshold, as in e-prop, and is detached
 * from the graph), dimensionless membrane, input current I_t per step:
 * <pre>
 *   z_{t−1} = H(v_{t−1} − A_{t−1})                  (0 before the first step)
 *   a_t = ρ a_{t−1} + z_{t−1}                        (adaptation, ρ = exp(−dt/τ_a))
 *   A_t = θ + b a_t                                  (adaptive threshold)
 *   v_t = β v_{t−1} + I_t − z_{t−1} θ                (β = exp(−dt/τ_m))
 *   z_t = H(v_t − A_t)
 * </pre>
 * The gradient flows through the adaptation (the surrogate of z_{t−1} feeds a_t), which is what
 * lets BPTT use the long memory; with h_t = σ'(v_t − A_t), gv_t = ∂L/∂v_t, ga_t = ∂L/∂a_t:
 * <pre>
 *   gv_t = ∂L/∂z_t h_t + β gv_{t+1} + ga_{t+1} h_t
 *   ga_t = −b (∂L/∂z_t + ga_{t+1}) h_t + ρ ga_{t+1}
 *   ∂L/∂I_t = gv_t
 * </pre>
 * State: {@code v} (membrane), {@code a} (adaptation).
 *
 * @param beta       membrane decay per step, in [0, 1] (default exp(−1/20): τ_m = 20 ms at dt = 1 ms)
 * @param rho        adaptation decay per step, in [0, 1] (default exp(−1/200): τ_a = 200 ms at dt = 1 ms)
 * @param threshold  baseline threshold θ &gt; 0 (default 1)
 * @param adaptation threshold increase per spike b ≥ 0 (default 1.8, Bellec et al.'s β)
 */
public record AlifCell(double beta, double rho, double threshold, double adaptation) implements Cell {
    public AlifCell {
        Cell.checkDecay("ALIF beta", beta);
        Cell.checkDecay("ALIF rho", rho);
        Cell.checkPositive("ALIF threshold", threshold);
        if (!(adaptation >= 0)) throw new IllegalArgumentException("ALIF adaptation must be >= 0: " + adaptation);
    }

    /** τ_m = 20 ms, τ_a = 200 ms at dt = 1 ms, θ = 1, b = 1.8. */
    public static AlifCell defaults() {
        return fromTimeConstants(20, 200, 1);
    }

    /** The defaults with β = exp(−dt/τ_m) and ρ = exp(−dt/τ_a) (all in ms). */
    public static AlifCell fromTimeConstants(double tauMemMs, double tauAdaptMs, double dtMs) {
        return new AlifCell(Cell.decay(tauMemMs, dtMs), Cell.decay(tauAdaptMs, dtMs), 1.0, 1.8);
    }

    /** This cell with membrane decay β. */
    public AlifCell withBeta(double beta) {
        return new AlifCell(beta, rho, threshold, adaptation);
    }

    /** This cell with adaptation decay ρ. */
    public AlifCell withRho(double rho) {
        return new AlifCell(beta, rho, threshold, adaptation);
    }

    /** This cell with baseline threshold θ. */
    public AlifCell withThreshold(double threshold) {
        return new AlifCell(beta, rho, threshold, adaptation);
    }

    /** This cell with threshold increase b per spike. */
    public AlifCell withAdaptation(double adaptation) {
        return new AlifCell(beta, rho, threshold, adaptation);
    }

    @Override
    public String name() {
        return "alif(beta=" + beta + ", rho=" + rho + ", theta=" + threshold + ", b=" + adaptation + ")";
    }

    @Override
    public List<String> stateNames() {
        return List.of("v", "a");
    }

    @Override
    public void forward(float[][] prev, int po, float[] input, int io, float[][] next, int no, int n, SpikeFunction f) {
        final float bt = (float) beta, r = (float) rho, th = (float) threshold, b = (float) adaptation;
        final float[] v = next[0], a = next[1];
        if (prev == null) {
            for (int i = 0; i < n; i++) {
                v[no + i] = input[io + i];
                a[no + i] = 0f;
            }
            return;
        }
        final float[] pv = prev[0], pa = prev[1];
        for (int i = 0; i < n; i++) {
            float vp = pv[po + i], ap = pa[po + i], x = vp - (th + b * ap);
            float fired = x > 0 ? 1f : 0f;   // the reset, detached
            a[no + i] = r * ap + f.value(x);
            v[no + i] = bt * vp + input[io + i] - fired * th;
        }
    }

    @Override
    public void spikeArgument(float[][] s, int o, float[] x, int xo, int n) {
        final float th = (float) threshold, b = (float) adaptation;
        final float[] v = s[0], a = s[1];
        for (int i = 0; i < n; i++) x[xo + i] = v[o + i] - (th + b * a[o + i]);
    }

    @Override
    public void backward(float[][] prev, int po, float[][] s, int o, float[] gz, float[] gx, float[][] carry, int n,
                         SpikeFunction f) {
        final float bt = (float) beta, r = (float) rho, th = (float) threshold, b = (float) adaptation;
        final float[] v = s[0], a = s[1], cv = carry[0], ca = carry[1];
        for (int i = 0; i < n; i++) {
            float d = gz[o + i] * f.derivative(v[o + i] - (th + b * a[o + i]));
            float gv = d + cv[i], ga = ca[i] - b * d;
            gx[o + i] = gv;
            // through step t to step t − 1: v_t = β v_{t−1} + …, a_t = ρ a_{t−1} + z_{t−1}(v_{t−1}, a_{t−1})
            float hp = prev == null ? 0f : f.derivative(prev[0][po + i] - (th + b * prev[1][po + i]));
            cv[i] = bt * gv + ga * hp;
            ca[i] = r * ga - b * ga * hp;
        }
    }
}
