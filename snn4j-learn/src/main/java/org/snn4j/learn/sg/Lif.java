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

    /** @param beta decay per step in (0, 1]; @param theta threshold (&gt; 0) */
    public Lif(int n, double beta, double theta, Reset reset, Surrogate surrogate) {
        super(n, n);
        if (!(beta >= 0 && beta <= 1)) throw new IllegalArgumentException("LIF beta must lie in [0, 1]: " + beta);
        if (!(theta > 0)) throw new IllegalArgumentException("LIF threshold must be positive: " + theta);
        this.beta = (float) beta;
        this.theta = (float) theta;
        this.reset = reset;
        this.surrogate = surrogate;
    }

    /** Test hook: smooth spikes (dense output) whose derivative is the surrogate. */
    public Lif smooth(Smooth f) {
        this.smooth = f;
        return this;
    }

    @Override
    public String name() {
        return "lif(" + out + ", beta=" + beta + ", " + reset.name().toLowerCase() + ", " + surrogate + ")";
    }

    @Override
    public boolean binaryOutput() {
        return smooth == null;
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
    public void forward(Seq x, Seq y, int b0, int b1, Scratch s) {
        final int n = out, T = steps;
        final float bt = beta, th = theta;
        float[] cur = x.dense, v = mem;
        boolean sub = reset == Reset.SUBTRACT;
        for (int b = b0; b < b1; b++) {
            for (int t = 0; t < T; t++) {
                int r = b * T + t, o = r * n, po = o - n;
                if (t == 0) {
                    for (int i = 0; i < n; i++) v[o + i] = cur[o + i];
                } else if (sub) {
                    for (int i = 0; i < n; i++) {
                        float vp = v[po + i];
                        v[o + i] = bt * vp + cur[o + i] - (vp > th ? th : 0f);
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        float vp = v[po + i];
                        v[o + i] = vp > th ? 0f : bt * vp + cur[o + i];
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
        }
    }

    @Override
    public void backward(Seq x, Seq y, float[] gy, float[] gx, int b0, int b1, Scratch s) {
        final int n = out, T = steps;
        final float bt = beta, th = theta;
        float[] v = mem, carry = s.carry;
        boolean sub = reset == Reset.SUBTRACT;
        for (int b = b0; b < b1; b++) {
            Arrays.fill(carry, 0, n, 0f);
            for (int t = T - 1; t >= 0; t--) {
                int o = (b * T + t) * n, po = o - n;
                if (smooth == null) surrogate.apply(v, th, gy, o, n);
                else for (int i = 0; i < n; i++) gy[o + i] *= smooth.derivative(v[o + i] - th);
                if (sub) {
                    for (int i = 0; i < n; i++) {
                        float g = gy[o + i] + carry[i];
                        gx[o + i] = g;
                        carry[i] = bt * g;
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        float g = gy[o + i] + carry[i];
                        float keep = t > 0 && v[po + i] > th ? 0f : 1f;   // 1 − r_t
                        gx[o + i] = keep * g;
                        carry[i] = keep * bt * g;
                    }
                }
            }
        }
    }

    @Override
    public long stateBytes() {
        return mem == null ? 0 : 4L * mem.length;
    }
}
