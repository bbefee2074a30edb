package org.snn4j.learn.sg;

import java.util.Arrays;

/**
 * Second-order leaky integrate-and-fire units (a synaptic current and a membrane), with snnTorch
 * {@code Synaptic} semantics (reset_delay = True, reset detached from the graph). With input I_t,
 * synaptic decay α, membrane decay β, threshold θ:
 * <pre>
 *   syn_t = α syn_{t−1} + I_t
 *   r_t   = H(mem_{t−1} − θ)                               (constant in the backward pass)
 *   subtractive reset: mem_t = β mem_{t−1} + syn_t − r_t θ
 *   zero reset:        mem_t = (1 − r_t)(β mem_{t−1} + syn_t)   (the current is not reset)
 *   z_t   = H(mem_t − θ)
 * </pre>
 * with syn_{−1} = mem_{−1} = 0 (or the window's initial state). Backward through time, with
 * gm_t = ∂L/∂mem_t, gs_t = ∂L/∂syn_t, k_t = 1 (subtract) or 1 − r_t (zero):
 * <pre>
 *   gm_t = ∂L/∂z_t · σ'(mem_t − θ) + k_{t+1} β gm_{t+1}
 *   gs_t = k_t gm_t + α gs_{t+1},          ∂L/∂I_t = gs_t
 * </pre>
 * The layer keeps syn_t and mem_t for every step (2·B·T·n floats); its state between windows is
 * (syn, mem), 2n floats per sample.
 */
public final class Synaptic extends Layer {
    final float alpha, beta, theta;
    final Lif.Reset reset;
    final Surrogate surrogate;
    private Lif.Smooth smooth;
    float[] syn, mem;

    /** @param alpha synaptic decay in [0, 1]; @param beta membrane decay in [0, 1]; @param theta threshold &gt; 0 */
    public Synaptic(int n, double alpha, double beta, double theta, Lif.Reset reset, Surrogate surrogate) {
        super(n, n);
        if (!(alpha >= 0 && alpha <= 1)) throw new IllegalArgumentException("synaptic alpha must lie in [0, 1]: " + alpha);
        if (!(beta >= 0 && beta <= 1)) throw new IllegalArgumentException("synaptic beta must lie in [0, 1]: " + beta);
        if (!(theta > 0)) throw new IllegalArgumentException("threshold must be positive: " + theta);
        this.alpha = (float) alpha;
        this.beta = (float) beta;
        this.theta = (float) theta;
        this.reset = reset;
        this.surrogate = surrogate;
    }

    /** Test hook: smooth spikes (dense output) whose derivative is the surrogate. */
    public Synaptic smooth(Lif.Smooth f) {
        this.smooth = f;
        return this;
    }

    @Override
    public String name() {
        return "synaptic(" + out + ", alpha=" + alpha + ", beta=" + beta + ", " + reset.name().toLowerCase() + ", " + surrogate + ")";
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
        return 2 * out;
    }

    @Override
    public void allocate(int steps, int batch) {
        super.allocate(steps, batch);
        long len = (long) steps * batch * out;
        if (len > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("batch × steps × units too large: " + len);
        if (mem == null || mem.length < len) {
            mem = new float[(int) len];
            syn = new float[(int) len];
        }
    }

    /** Membrane potential of unit i of sample b at step t (after the last forward pass). */
    public float membrane(int b, int t, int i) {
        return mem[(b * steps + t) * out + i];
    }

    /** Synaptic current of unit i of sample b at step t. */
    public float current(int b, int t, int i) {
        return syn[(b * steps + t) * out + i];
    }

    @Override
    public void forward(Seq x, Seq y, int b0, int b1, Scratch s) {
        final int n = out, T = steps;
        final float a = alpha, bt = beta, th = theta;
        final boolean sub = reset == Lif.Reset.SUBTRACT;
        float[] cur = x.dense, v = mem, c = syn, in0 = stateIn;
        for (int b = b0; b < b1; b++) {
            for (int t = 0; t < T; t++) {
                int r = b * T + t, o = r * n;
                float[] pc = c, pv = v;
                int pco = o - n, pvo = o - n;
                if (t == 0) {
                    if (in0 == null) {
                        pc = null;
                    } else {
                        pc = in0;
                        pv = in0;
                        pco = 2 * b * n;
                        pvo = 2 * b * n + n;
                    }
                }
                if (pc == null) {
                    for (int i = 0; i < n; i++) {
                        c[o + i] = cur[o + i];
                        v[o + i] = cur[o + i];
                    }
                } else if (sub) {
                    for (int i = 0; i < n; i++) {
                        float si = a * pc[pco + i] + cur[o + i], vp = pv[pvo + i];
                        c[o + i] = si;
                        v[o + i] = bt * vp + si - (vp > th ? th : 0f);
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        float si = a * pc[pco + i] + cur[o + i], vp = pv[pvo + i];
                        c[o + i] = si;
                        v[o + i] = vp > th ? 0f : bt * vp + si;
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
            if (stateOut != null) {
                int last = (b * T + T - 1) * n;
                System.arraycopy(c, last, stateOut, 2 * b * n, n);
                System.arraycopy(v, last, stateOut, 2 * b * n + n, n);
            }
        }
    }

    @Override
    public void backward(Seq x, Seq y, float[] gy, float[] gx, int b0, int b1, Scratch s) {
        final int n = out, T = steps;
        final float a = alpha, bt = beta, th = theta;
        final boolean sub = reset == Lif.Reset.SUBTRACT;
        float[] v = mem, gs = gradState;
        float[] cm = s.carry, cs = s.row;   // β k gm_{t+1} and α gs_{t+1}
        if (gx == null) gx = gy;
        for (int b = b0; b < b1; b++) {
            if (gs == null) {
                Arrays.fill(cs, 0, n, 0f);
                Arrays.fill(cm, 0, n, 0f);
            } else {
                System.arraycopy(gs, 2 * b * n, cs, 0, n);
                System.arraycopy(gs, 2 * b * n + n, cm, 0, n);
            }
            for (int t = T - 1; t >= 0; t--) {
                int o = (b * T + t) * n;
                if (smooth == null) surrogate.apply(v, th, gy, o, n);
                else for (int i = 0; i < n; i++) gy[o + i] *= smooth.derivative(v[o + i] - th);
                if (sub) {
                    for (int i = 0; i < n; i++) {
                        float gm = gy[o + i] + cm[i];
                        float gsyn = gm + cs[i];
                        gx[o + i] = gsyn;
                        cm[i] = bt * gm;
                        cs[i] = a * gsyn;
                    }
                } else {
                    float[] pv = t > 0 ? v : stateIn;
                    int po = t > 0 ? o - n : 2 * b * n + n;
                    for (int i = 0; i < n; i++) {
                        float gm = gy[o + i] + cm[i];
                        float keep = pv != null && pv[po + i] > th ? 0f : 1f;
                        float gsyn = keep * gm + cs[i];
                        gx[o + i] = gsyn;
                        cm[i] = keep * bt * gm;
                        cs[i] = a * gsyn;
                    }
                }
                if (cut(t)) {
                    Arrays.fill(cm, 0, n, 0f);
                    Arrays.fill(cs, 0, n, 0f);
                }
            }
            if (gs != null) {
                System.arraycopy(cs, 0, gs, 2 * b * n, n);
                System.arraycopy(cm, 0, gs, 2 * b * n + n, n);
            }
        }
    }

    @Override
    public long stateBytes() {
        return mem == null ? 0 : 8L * mem.length;
    }
}
