package org.snn4j.train.sg;

import static org.snn4j.cell.LifKernels.integrate;
import static org.snn4j.cell.LifKernels.integrateBackward;
import static org.snn4j.cell.LifKernels.spikeMask;

import java.util.Arrays;
import org.snn4j.cell.Reset;

/**
 * A layer of leaky integrate-and-fire units in discrete time, with snnTorch {@code Leaky} semantics
 * (reset_delay = True, reset detached from the graph). With input current I_t (from the layer
 * below), threshold θ and decay β:
 * <pre>
 *   r_t = H(v_{t−1} − θ)                      (reset, treated as a constant in the backward pass)
 *   subtractive reset: v_t = β v_{t−1} + I_t − r_t θ
 *   zero reset:        v_t = (1 − r_t) (β v_{t−1} + I_t)
 *   z_t = H(v_t − θ)                          (spike output, binary)
 * </pre>
 * with v_{−1} = 0. Backward through time with the surrogate σ'(x) ≈ H'(x):
 * <pre>
 *   g_t = ∂L/∂z_t · σ'(v_t − θ) + ∂v_{t+1}/∂v_t · g_{t+1},    ∂L/∂I_t = ∂v_t/∂I_t · g_t
 *   subtractive: ∂v_{t+1}/∂v_t = β,          ∂v_t/∂I_t = 1
 *   zero:        ∂v_{t+1}/∂v_t = (1 − r_{t+1}) β, ∂v_t/∂I_t = 1 − r_t
 * </pre>
 * where g_t = ∂L/∂v_t. The layer keeps v_t for every step (B·T·n floats) for the backward pass.
 *
 * <p>Learnable decay ({@link #learnBeta}): β is a parameter, one per layer or one per neuron,
 * clamped to [0, 1] where it is used (snnTorch {@code learn_beta=True}: {@code beta.clamp(0, 1)}; the
 * gradient is zero where the raw value lies outside). With gI_t = ∂L/∂I_t (the backward's output):
 * <pre>
 *   ∂L/∂β_i = Σ_{b,t} gI_{t,i} · v_{t−1,i}      (both resets: ∂v_t/∂β = (1 − r_t) v_{t−1} for zero reset)
 * </pre>
 * summed over neurons for a per-layer β.
 *
 * <p>For tests, {@link #smooth} replaces H in the spike output by a smooth function whose exact
 * derivative is then used as the surrogate: the forward pass becomes differentiable (away from the
 * reset switching points) and finite differences check the backward pass exactly. The membrane step
 * and its backward are the shared kernels of {@link SpikingLayer} with the drive J_t = I_t.
 */
public final class Lif extends SpikingLayer {
    /** A smooth stand-in for the spike function, with its derivative (tests only). */
    public interface Smooth extends org.snn4j.cell.SpikeFunction {
    }

    /** Learnable decay (raw values, length 1 or n) and its gradient; null when β is fixed. */
    float[] betaP, gBeta;
    /** Clamped β per neuron, used by the backward pass (refreshed in {@link #beforeBackward}). */
    private final float[] bEff;

    /** @param beta decay per step in (0, 1]; @param theta threshold (&gt; 0) */
    public Lif(int n, double beta, double theta, Reset reset, Surrogate surrogate) {
        super(n, beta, theta, reset, surrogate);
        checkDecay("LIF beta", beta);
        checkThreshold("LIF threshold", theta);
        this.bEff = new float[n];
        java.util.Arrays.fill(bEff, this.beta);
    }

    /**
     * Makes β trainable, starting from the constructor's value: one β for the layer, or one per
     * neuron when {@code perNeuron}.
     */
    public Lif learnBeta(boolean perNeuron) {
        betaP = new float[perNeuron ? out : 1];
        gBeta = new float[betaP.length];
        Arrays.fill(betaP, beta);
        return this;
    }

    @Override
    public boolean learnsDecay() {
        return betaP != null;
    }

    /** The decay of neuron i as used (clamped to [0, 1]). */
    public float beta(int i) {
        return decayAt(betaP, beta, i);
    }

    /** Test hook: smooth spikes (dense output) whose derivative is the surrogate. */
    public Lif smooth(Smooth f) {
        this.smooth = f;
        return this;
    }

    @Override
    public String name() {
        return "lif(" + out + ", beta=" + decayName(betaP, beta) + resetAndSurrogate();
    }

    @Override
    public int stateSize() {
        return out;
    }

    @Override
    public void beforeBackward() {
        if (betaP != null) decays(betaP, beta, bEff, out);
    }

    @Override
    public void forward(Seq x, Seq y, int b0, int b1, Scratch s) {
        final int n = out, T = steps;
        final float bt = beta, th = theta;
        final boolean vecBeta = betaP != null, sub = reset == Reset.SUBTRACT;
        final float[] cur = x.dense, v = mem, in0 = stateIn, be = s.carry;
        if (vecBeta) decays(betaP, bt, be, n);   // clamped β_i (the weights are fixed during the pass)
        for (int b = b0; b < b1; b++) {
            for (int t = 0; t < T; t++) {
                int r = b * T + t, o = r * n;
                float[] pv = t > 0 ? v : in0;
                int po = t > 0 ? o - n : b * n;
                if (vecBeta) integrate(sub, be, th, pv, po, cur, o, v, o, n);
                else integrate(sub, bt, th, pv, po, cur, o, v, o, n);
                emit(y, r);
            }
            if (stateOut != null) System.arraycopy(v, (b * T + T - 1) * n, stateOut, b * n, n);
        }
    }

    @Override
    public void backward(Seq x, Seq y, float[] gy, float[] gx, int b0, int b1, Scratch s) {
        final int n = out, T = steps;
        final float bt = beta, th = theta;
        final float[] be = bEff, v = mem, carry = s.carry, gs = gradState;
        final boolean vecBeta = betaP != null, sub = reset == Reset.SUBTRACT;
        if (gx == null) gx = gy;   // first layer: ∂L/∂I kept in place for the β gradient
        for (int b = b0; b < b1; b++) {
            loadCarry(gs, b * n, carry, n);
            for (int t = T - 1; t >= 0; t--) {
                int o = (b * T + t) * n;
                spikeBackward(gy, o);
                float[] pv = t > 0 ? v : stateIn;
                int po = t > 0 ? o - n : b * n;
                if (vecBeta) integrateBackward(sub, be, th, pv, po, gy, gx, o, carry, n);
                else integrateBackward(sub, bt, th, pv, po, gy, gx, o, carry, n);
                if (cut(t)) Arrays.fill(carry, 0, n, 0f);
            }
            storeCarry(carry, gs, b * n, n);
        }
    }

    @Override
    public int paramTasks() {
        return betaP == null ? 0 : 1;
    }

    /** ∂L/∂β = Σ_{b,t} gI_{t,i} v_{t−1,i}, with gI in {@code gy} (the in-place backward's output). */
    @Override
    public void paramGrads(Seq x, float[] gy, int task, Scratch s) {
        final int n = out, T = steps;
        float[] acc = s.row, v = mem;
        Arrays.fill(acc, 0, n, 0f);
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < T; t++) {
                int o = (b * T + t) * n;
                float[] pv = t > 0 ? v : stateIn;
                if (pv == null) continue;
                int po = t > 0 ? o - n : b * n;
                for (int i = 0; i < n; i++) acc[i] += gy[o + i] * pv[po + i];
            }
        if (betaP.length == 1) {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += acc[i];
            float raw = betaP[0];
            gBeta[0] = raw < 0 || raw > 1 ? 0f : (float) sum;
        } else {
            for (int i = 0; i < n; i++) gBeta[i] = betaP[i] < 0 || betaP[i] > 1 ? 0f : acc[i];
        }
    }

    @Override
    public float[][] params() {
        return betaP == null ? new float[0][] : new float[][] {betaP};
    }

    @Override
    public float[][] grads() {
        return betaP == null ? new float[0][] : new float[][] {gBeta};
    }

    @Override
    public String[] paramNames() {
        return betaP == null ? new String[0] : new String[] {"beta"};
    }
}
