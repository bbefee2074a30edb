package org.snn4j.train.sg;

import static org.snn4j.cell.LifKernels.integrate;
import static org.snn4j.cell.LifKernels.integrateBackward;
import static org.snn4j.cell.LifKernels.spikeMask;

import java.util.Arrays;
import org.snn4j.cell.Reset;

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
 * accumulated per sample in the backward pass and summed over samples in a fixed order. The
 * membrane step and its backward are the shared kernels of {@link SpikingLayer} with the drive
 * J_t = syn_t (their ∂L/∂J_t = k_t gm_t).
 */
public final class Synaptic extends SpikingLayer {
    final float alpha;
    float[] syn;
    /** Learnable decays (raw, length 1 or n; null when fixed), their gradients, per-sample sums. */
    float[] alphaP, betaP, gAlpha, gBeta;
    private float[] accA, accB;
    /** Clamped α and β per neuron, used by the backward pass (refreshed in {@link #beforeBackward}). */
    private final float[] aEff, bEff;

    /** @param alpha synaptic decay in [0, 1]; @param beta membrane decay in [0, 1]; @param theta threshold &gt; 0 */
    public Synaptic(int n, double alpha, double beta, double theta, Reset reset, Surrogate surrogate) {
        super(n, beta, theta, reset, surrogate);
        checkDecay("synaptic alpha", alpha);
        checkDecay("synaptic beta", beta);
        checkThreshold("threshold", theta);
        this.alpha = (float) alpha;
        aEff = new float[n];
        bEff = new float[n];
        Arrays.fill(aEff, this.alpha);
        Arrays.fill(bEff, this.beta);
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

    /** Test hook: smooth spikes (dense output) whose derivative is the surrogate. */
    public Synaptic smooth(Lif.Smooth f) {
        this.smooth = f;
        return this;
    }

    @Override
    public String name() {
        return "synaptic(" + out + ", alpha=" + decayName(alphaP, alpha) + ", beta=" + decayName(betaP, beta) + resetAndSurrogate();
    }

    @Override
    public int stateSize() {
        return 2 * out;
    }

    @Override
    public void allocate(int steps, int batch) {
        super.allocate(steps, batch);
        if (syn == null || syn.length < mem.length) syn = new float[mem.length];
        if ((alphaP != null || betaP != null) && (accA == null || accA.length < batch * out)) {
            accA = new float[batch * out];
            accB = new float[batch * out];
        }
    }

    /** Synaptic current of unit i of sample b at step t. */
    public float current(int b, int t, int i) {
        return syn[(b * steps + t) * out + i];
    }

    @Override
    public void beforeBackward() {
        decays(alphaP, alpha, aEff, out);
        decays(betaP, beta, bEff, out);
    }

    @Override
    public void forward(Seq x, Seq y, int b0, int b1, Scratch s) {
        final int n = out, T = steps;
        final float th = theta;
        final boolean sub = reset == Reset.SUBTRACT;
        final float[] cur = x.dense, v = mem, c = syn, in0 = stateIn, ae = s.row, be = s.carry;
        decays(alphaP, alpha, ae, n);   // clamped α_i, β_i (the parameters are fixed during the pass)
        decays(betaP, beta, be, n);
        for (int b = b0; b < b1; b++) {
            for (int t = 0; t < T; t++) {
                int r = b * T + t, o = r * n;
                float[] pc = t > 0 ? c : in0, pv = t > 0 ? v : in0;
                int pco = t > 0 ? o - n : 2 * b * n, pvo = t > 0 ? o - n : 2 * b * n + n;
                if (pc == null) System.arraycopy(cur, o, c, o, n);   // syn_{−1} = 0
                else for (int i = 0; i < n; i++) c[o + i] = ae[i] * pc[pco + i] + cur[o + i];
                integrate(sub, be, th, pv, pvo, c, o, v, o, n);
                emit(y, r);
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
        final boolean sub = reset == Reset.SUBTRACT, learn = alphaP != null || betaP != null;
        final float[] v = mem, c = syn, gs = gradState, ae = aEff, be = bEff;
        final float[] cm = s.carry, cs = s.row;   // β k gm_{t+1} and α gs_{t+1}
        if (gx == null) gx = gy;
        for (int b = b0; b < b1; b++) {
            loadCarry(gs, b, cs, cm, n);   // state (syn, mem)
            if (learn) {
                Arrays.fill(accA, b * n, b * n + n, 0f);
                Arrays.fill(accB, b * n, b * n + n, 0f);
            }
            for (int t = T - 1; t >= 0; t--) {
                int o = (b * T + t) * n;
                spikeBackward(gy, o);
                float[] pv = t > 0 ? v : stateIn, pc = t > 0 ? c : stateIn;
                int po = t > 0 ? o - n : 2 * b * n + n, pco = t > 0 ? o - n : 2 * b * n;
                integrateBackward(sub, be, th, pv, po, gy, gx, o, cm, n);   // gx = k_t gm_t
                for (int i = 0; i < n; i++) {
                    float kgm = gx[o + i], gsyn = kgm + cs[i];
                    gx[o + i] = gsyn;
                    cs[i] = ae[i] * gsyn;
                    if (learn && pv != null) {
                        accA[b * n + i] += gsyn * pc[pco + i];
                        accB[b * n + i] += kgm * pv[po + i];
                    }
                }
                cutCarry(t, cs, cm, n);
            }
            storeCarry(cs, cm, gs, b, n);
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
        return 2 * super.stateBytes();   // syn and mem
    }
}
