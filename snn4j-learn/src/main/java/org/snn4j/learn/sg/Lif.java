package org.snn4j.learn.sg;

import java.util.Arrays;

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
 * reset switching points) and finite differences check the backward pass exactly.
 */
public final class Lif extends Layer {
    /** Reset after a spike. */
    public enum Reset { SUBTRACT, ZERO }

    /** A smooth stand-in for the spike function, with its derivative (tests only). */
    public interface Smooth {
        float value(float x);

        float derivative(float x);
    }

    final float beta, theta;
    final Reset reset;
    final Surrogate surrogate;
    private Smooth smooth;
    float[] mem;
    /** Learnable decay (raw values, length 1 or n) and its gradient; null when β is fixed. */
    float[] betaP, gBeta;
    /** Clamped β per neuron, used by forward and backward. */
    private final float[] bEff;

    /** @param beta decay per step in (0, 1]; @param theta threshold (&gt; 0) */
    public Lif(int n, double beta, double theta, Reset reset, Surrogate surrogate) {
        super(n, n);
        if (!(beta >= 0 && beta <= 1)) throw new IllegalArgumentException("LIF beta must lie in [0, 1]: " + beta);
        if (!(theta > 0)) throw new IllegalArgumentException("LIF threshold must be positive: " + theta);
        this.beta = (float) beta;
        this.theta = (float) theta;
        this.reset = reset;
        this.surrogate = surrogate;
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

    /** The decay of neuron i as used (clamped to [0, 1]). */
    public float beta(int i) {
        return betaP == null ? beta : betaAt(i);
    }

    private float betaAt(int i) {
        float b = betaP[betaP.length == 1 ? 0 : i];
        return b < 0 ? 0 : b > 1 ? 1 : b;
    }

    private void syncBeta() {
        if (betaP == null) return;
        for (int i = 0; i < out; i++) {
            bEff[i] = betaAt(i);
        }
    }

    /** Test hook: smooth spikes (dense output) whose derivative is the surrogate. */
    public Lif smooth(Smooth f) {
        this.smooth = f;
        return this;
    }

    @Override
    public String name() {
        return "lif(" + out + ", beta=" + (betaP == null ? "" + beta : "learnable" + (betaP.length == 1 ? "" : " per neuron")) + ", "
                + reset.name().toLowerCase() + ", " + surrogate + ")";
    }

    @Override
    public boolean binaryOutput() {
        return smooth == null;
    }

    @Override
    public boolean inPlaceBackward() {
        return true;
    }

    @Override
    public int stateSize() {
        return out;
    }

    @Override
    public void allocate(int steps, int batch) {
        super.allocate(steps, batch);
        long len = (long) steps * batch * out;
        if (len > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("batch × steps × units too large: " + len);
        if (mem == null || mem.length < len) mem = new float[(int) len];
    }

    /** Membrane potential of unit i of sample b at step t (after the last forward pass). */
    public float membrane(int b, int t, int i) {
        return mem[(b * steps + t) * out + i];
    }

    @Override
    public void beforeBackward() {
        syncBeta();
    }

    @Override
    public void forward(Seq x, Seq y, int b0, int b1, Scratch s) {
        final int n = out, T = steps;
        final float bt = beta, th = theta;
        final boolean vecBeta = betaP != null;
        float[] cur = x.dense, v = mem, in0 = stateIn;
        boolean sub = reset == Reset.SUBTRACT;
        for (int b = b0; b < b1; b++) {
            for (int t = 0; t < T; t++) {
                int r = b * T + t, o = r * n, po = o - n;
                float[] pv = v;
                if (t == 0) {
                    if (in0 == null) {
                        for (int i = 0; i < n; i++) v[o + i] = cur[o + i];
                        pv = null;
                    } else {
                        pv = in0;
                        po = b * n;
                    }
                }
                if (pv == null) {
                    // v_{-1} = 0
                } else if (sub) {
                    if (vecBeta) {
                        for (int i = 0; i < n; i++) {
                            float vp = pv[po + i];
                            v[o + i] = betaAt(i) * vp + cur[o + i] - (vp > th ? th : 0f);
                        }
                    } else {
                        for (int i = 0; i < n; i++) {
                            float vp = pv[po + i];
                            v[o + i] = bt * vp + cur[o + i] - (vp > th ? th : 0f);
                        }
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        float vp = pv[po + i];
                        v[o + i] = vp > th ? 0f : (vecBeta ? betaAt(i) : bt) * vp + cur[o + i];
                    }
                }
                if (smooth == null) {
                    int wo = r * y.words;
                    long[] bits = y.bits;
                    Arrays.fill(bits, wo, wo + y.words, 0L);
                    for (int i = 0; i < n; i++)
                        if (v[o + i] > th) bits[wo + (i >>> 6)] |= 1L << (i & 63);
                } else {
                    for (int i = 0; i < n; i++) y.dense[o + i] = smooth.value(v[o + i] - th);
                }
            }
            if (stateOut != null) System.arraycopy(v, (b * T + T - 1) * n, stateOut, b * n, n);
        }
    }

    @Override
    public void backward(Seq x, Seq y, float[] gy, float[] gx, int b0, int b1, Scratch s) {
        final int n = out, T = steps;
        final float bt = beta, th = theta;
        final float[] be = bEff;
        final boolean vecBeta = betaP != null;
        float[] v = mem, carry = s.carry, gs = gradState;
        if (gx == null) gx = gy;   // first layer: ∂L/∂I kept in place for the β gradient
        boolean sub = reset == Reset.SUBTRACT;
        for (int b = b0; b < b1; b++) {
            if (gs == null) Arrays.fill(carry, 0, n, 0f);
            else System.arraycopy(gs, b * n, carry, 0, n);
            for (int t = T - 1; t >= 0; t--) {
                int o = (b * T + t) * n, po = o - n;
                if (smooth == null) surrogate.apply(v, th, gy, o, n);
                else for (int i = 0; i < n; i++) gy[o + i] *= smooth.derivative(v[o + i] - th);
                if (sub) {
                    if (vecBeta) {
                        for (int i = 0; i < n; i++) {
                            float g = gy[o + i] + carry[i];
                            gx[o + i] = g;
                            carry[i] = be[i] * g;
                        }
                    } else {
                        for (int i = 0; i < n; i++) {
                            float g = gy[o + i] + carry[i];
                            gx[o + i] = g;
                            carry[i] = bt * g;
                        }
                    }
                } else {
                    float[] pv = t > 0 ? v : stateIn;
                    if (t == 0) po = b * n;
                    for (int i = 0; i < n; i++) {
                        float g = gy[o + i] + carry[i];
                        float keep = pv != null && pv[po + i] > th ? 0f : 1f;   // 1 − r_t
                        gx[o + i] = keep * g;
                        carry[i] = keep * (vecBeta ? be[i] : bt) * g;
                    }
                }
                if (cut(t)) Arrays.fill(carry, 0, n, 0f);
            }
            if (gs != null) System.arraycopy(carry, 0, gs, b * n, n);
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

    @Override
    public long stateBytes() {
        return mem == null ? 0 : 4L * mem.length;
    }
}
