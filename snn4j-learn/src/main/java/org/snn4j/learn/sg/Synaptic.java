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
 *
 * <p>Learnable decays ({@link #learn}; snnTorch {@code learn_alpha}, {@code learn_beta}): α and β
 * per layer or per neuron, clamped to [0, 1] where used (zero gradient outside), with
 * <pre>
 *   ∂L/∂α_i = Σ_{b,t} gs_{t,i} syn_{t−1,i},     ∂L/∂β_i = Σ_{b,t} k_t gm_{t,i} mem_{t−1,i}
 * </pre>
 * accumulated per sample in the backward pass and summed over samples in a fixed order.
 */
public final class Synaptic extends Layer {
    final float alpha, beta, theta;
    final Lif.Reset reset;
    final Surrogate surrogate;
    private Lif.Smooth smooth;
    float[] syn, mem;
    /** Learnable decays (raw, length 1 or n; null when fixed), their gradients, per-sample sums. */
    float[] alphaP, betaP, gAlpha, gBeta;
    private float[] accA, accB;

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

    /** Makes α and/or β trainable (from the constructor's values), per layer or per neuron. */
    public Synaptic learn(boolean alpha, boolean beta, boolean perNeuron) {
        int len = perNeuron ? out : 1;
        if (alpha) {
            alphaP = new float[len];
            gAlpha = new float[len];
            Arrays.fill(alphaP, this.alpha);
        }
        if (beta) {
            betaP = new float[len];
            gBeta = new float[len];
            Arrays.fill(betaP, this.beta);
        }
        return this;
    }

    private static float at(float[] p, float fixed, int i) {
        if (p == null) return fixed;
        float v = p[p.length == 1 ? 0 : i];
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }

    /** Test hook: smooth spikes (dense output) whose derivative is the surrogate. */
    public Synaptic smooth(Lif.Smooth f) {
        this.smooth = f;
        return this;
    }

    @Override
    public String name() {
        return "synaptic(" + out + ", alpha=" + (alphaP == null ? "" + alpha : "learnable" + (alphaP.length == 1 ? "" : " per neuron"))
                + ", beta=" + (betaP == null ? "" + beta : "learnable" + (betaP.length == 1 ? "" : " per neuron")) + ", "
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
        if ((alphaP != null || betaP != null) && (accA == null || accA.length < batch * out)) {
            accA = new float[batch * out];
            accB = new float[batch * out];
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
        final float th = theta;
        final float[] ap = alphaP, bp = betaP;
        final float a0 = alpha, b0f = beta;
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
                        float si = at(ap, a0, i) * pc[pco + i] + cur[o + i], vp = pv[pvo + i];
                        c[o + i] = si;
                        v[o + i] = at(bp, b0f, i) * vp + si - (vp > th ? th : 0f);
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        float si = at(ap, a0, i) * pc[pco + i] + cur[o + i], vp = pv[pvo + i];
                        c[o + i] = si;
                        v[o + i] = vp > th ? 0f : at(bp, b0f, i) * vp + si;
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
        final float th = theta;
        final float[] ap = alphaP, bp = betaP;
        final float a0 = alpha, bf = beta;
        final boolean sub = reset == Lif.Reset.SUBTRACT, learn = ap != null || bp != null;
        float[] v = mem, c = syn, gs = gradState;
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
            if (learn) {
                Arrays.fill(accA, b * n, b * n + n, 0f);
                Arrays.fill(accB, b * n, b * n + n, 0f);
            }
            for (int t = T - 1; t >= 0; t--) {
                int o = (b * T + t) * n;
                if (smooth == null) surrogate.apply(v, th, gy, o, n);
                else for (int i = 0; i < n; i++) gy[o + i] *= smooth.derivative(v[o + i] - th);
                float[] pv = t > 0 ? v : stateIn, pc = t > 0 ? c : stateIn;
                int po = t > 0 ? o - n : 2 * b * n + n, pco = t > 0 ? o - n : 2 * b * n;
                for (int i = 0; i < n; i++) {
                    float gm = gy[o + i] + cm[i];
                    float keep = sub || pv == null || !(pv[po + i] > th) ? 1f : 0f;
                    float gsyn = keep * gm + cs[i];
                    gx[o + i] = gsyn;
                    cm[i] = keep * at(bp, bf, i) * gm;
                    cs[i] = at(ap, a0, i) * gsyn;
                    if (learn && pv != null) {
                        accA[b * n + i] += gsyn * pc[pco + i];
                        accB[b * n + i] += keep * gm * pv[po + i];
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
    public int paramTasks() {
        return alphaP != null || betaP != null ? 1 : 0;
    }

    @Override
    public void paramGrads(Seq x, float[] gy, int task, Scratch s) {
        reduce(alphaP, gAlpha, accA);
        reduce(betaP, gBeta, accB);
    }

    /** g = Σ_b acc[b] (summed over neurons for a per-layer decay), 0 where the raw value is clamped. */
    private void reduce(float[] p, float[] g, float[] acc) {
        if (p == null) return;
        final int n = out;
        if (p.length == 1) {
            double sum = 0;
            for (int k = 0; k < batch * n; k++) sum += acc[k];
            g[0] = p[0] < 0 || p[0] > 1 ? 0f : (float) sum;
            return;
        }
        Arrays.fill(g, 0f);
        for (int b = 0; b < batch; b++) for (int i = 0; i < n; i++) g[i] += acc[b * n + i];
        for (int i = 0; i < n; i++) if (p[i] < 0 || p[i] > 1) g[i] = 0f;
    }

    @Override
    public float[][] params() {
        return alphaP == null ? betaP == null ? new float[0][] : new float[][] {betaP}
                : betaP == null ? new float[][] {alphaP} : new float[][] {alphaP, betaP};
    }

    @Override
    public float[][] grads() {
        return alphaP == null ? betaP == null ? new float[0][] : new float[][] {gBeta}
                : betaP == null ? new float[][] {gAlpha} : new float[][] {gAlpha, gBeta};
    }

    @Override
    public String[] paramNames() {
        return alphaP == null ? betaP == null ? new String[0] : new String[] {"beta"}
                : betaP == null ? new String[] {"alpha"} : new String[] {"alpha", "beta"};
    }

    @Override
    public long stateBytes() {
        return mem == null ? 0 : 8L * mem.length;
    }
}
