package org.snn4j.train.exact;

import java.util.Arrays;
import org.snn4j.model.QifGate;
import org.snn4j.model.StepContext;
import org.snn4j.util.DivergenceException;
import org.snn4j.util.IntBuffer;
import org.snn4j.util.Rng;

/**
 * The exact gradient of a trial's loss for a {@link QifNet}, by the discrete adjoint of the very step
 * function that simulates it (Huh &amp; Sejnowski 2018, computed for the discretised system).
 *
 * <p>Forward, for k = 0 … K−1 (the neuron update is the core model's kernel
 * {@link QifGate#step}, i.e. {@link QifGate#advance}; nothing here integrates on its own):
 * <pre>
 *   I_k = W s_k + U x_k + I_0;    (θ_{k+1}, s_{k+1}) = Φ(θ_k, s_k, I_k);    o_k = O s_{k+1}
 *   L   = Σ_k Σ_o m_ko (o_ko − y_ko)² / Σ m  +  c_act · Σ_k Σ_i s_{k+1,i}² / (K n)
 * </pre>
 * Backward, from λ_θ = λ_s = 0 at k = K, for k = K−1 … 0:
 * <pre>
 *   λ_s   += Oᵀ ∂L/∂o_k + ∂L_act/∂s_{k+1};        ∂L/∂O += ∂L/∂o_k s_{k+1}ᵀ
 *   (λ_θ, λ_s, g_I) ← VJP of Φ at (θ_k, s_k, I_k)  ({@link QifGate#backward})
 *   ∂L/∂W += g_I s_kᵀ;  ∂L/∂U += g_I x_kᵀ;  ∂L/∂I_0 += g_I;  λ_s += Wᵀ g_I
 * </pre>
 * which is the exact gradient of the discrete loss (equal to central finite differences up to
 * rounding), plus ∂L/∂τ_v and ∂L/∂τ_s.
 *
 * <p>With {@link QifNet#semiImplicit} the step is the core's semi-implicit one (θ's relaxation and the
 * self-coupling d_i = min(W_ii, 0) implicit, see {@link QifGate}), and its adjoint adds ∂L/∂d_i to
 * ∂L/∂W_ii where W_ii &lt; 0.
 *
 * <p>Memory: with {@code checkpointEvery = 0} the whole trajectory is kept (θ, s, I and cos θ per
 * step, plus ∂L/∂I for the deferred weight gradient: 5·K·n doubles); with m &gt; 0 only every m-th
 * state is kept and each segment is recomputed (by the same code, so the gradient is bit-for-bit the
 * same) just before it is back-propagated: (2·K/m + 5·m)·n doubles and one extra forward pass.
 *
 * <p>Speed: the n² loops (W s forward, Wᵀ g backward) work on row arrays, four columns or rows per
 * pass, so that C2 vectorises them; ∂L/∂W = Σ_k g_k s_kᵀ is accumulated once per segment by a
 * blocked product (four rows of the gradient stay in L1) rather than by a rank-1 update per step.
 * Every element sees the same sequence of floating-point operations as the plain loops.
 *
 * <p>One instance is a single-thread workspace (reused across trials: no allocation per step);
 * {@link BatchGradient} runs one per thread.
 */
public final class ExactGradient {
    private final QifNet net;
    private final int n, nIn, nOut, maxSteps, m;
    private final double activityCost;
    private final QifGate cell;
    private final Ctx ctx = new Ctx();
    // segment buffers, one row per local step: θ and s for local steps 0..seg, I for 0..seg-1
    private final double[][] segTheta, segS, segCur;
    // ∂L/∂I of each local step of the segment being back-propagated (for the deferred ∂L/∂W = Σ_k g_k s_kᵀ)
    private final double[][] segG;
    // cos θ of each local step, written by the forward kernel and reused by the adjoint
    private final double[][] segCos;
    // per-trial accumulators of ∂L/∂W (rows i) and ∂L/∂O (rows o), added to the caller's gradient at the end
    private final double[][] gW, gO;
    // checkpoints (checkpoint mode only)
    private final double[] ckTheta, ckS;
    private final double[] dout, lamTheta, lamS;
    // semi-implicit step: d_i = min(W_ii, 0) for the current trial and ∂L/∂d_i (null for the explicit step)
    private final double[] selfW, gSelf;
    /** Readout o_k of the last trial: [k * nOut + o]. */
    public final double[] outputs;
    private double lastMse, lastActivity;
    private long lastSpikes;
    private IntBuffer recSteps, recNeurons;

    /**
     * @param checkpointEvery 0: keep the whole trajectory; m &gt; 0: keep every m-th state and recompute
     * @param activityCost    c_act ≥ 0, the weight of the mean squared synaptic activity in the loss
     */
    public ExactGradient(QifNet net, int maxSteps, int checkpointEvery, double activityCost) {
        if (checkpointEvery < 0) throw new IllegalArgumentException("checkpointEvery must be >= 0: " + checkpointEvery);
        this.net = net;
        this.n = net.n;
        this.nIn = net.nIn;
        this.nOut = net.nOut;
        this.maxSteps = maxSteps;
        this.m = checkpointEvery == 0 || checkpointEvery >= maxSteps ? maxSteps : checkpointEvery;
        this.activityCost = activityCost;
        cell = new QifGate(net.model, n, 1);
        cell.prepare(net.dt);
        segTheta = new double[m + 1][n];
        segS = new double[m + 1][n];
        segCur = new double[m][n];
        segG = new double[m][n];
        segCos = new double[m][n];
        gW = new double[n][n];
        gO = new double[nOut][n];
        int nCk = m < maxSteps ? (maxSteps + m - 1) / m : 0;
        ckTheta = new double[nCk * n];
        ckS = new double[nCk * n];
        dout = new double[maxSteps * nOut];
        outputs = new double[maxSteps * nOut];
        lamTheta = new double[n];
        lamS = new double[n];
        selfW = net.semiImplicit ? new double[n] : null;
        gSelf = net.semiImplicit ? new double[n] : null;
    }

    /** Doubles held by this workspace (for memory reports). */
    public long doublesHeld() {
        return (5L * m + 2) * n + (long) n * n + (long) nOut * n + ckTheta.length + ckS.length + dout.length
                + outputs.length + 3L * n;
    }

    /** Records the spikes of the next trials into these buffers (step, neuron); null to stop. */
    public void recordSpikes(IntBuffer steps, IntBuffer neurons) {
        recSteps = steps;
        recNeurons = neurons;
    }

    public double lastMse() {
        return lastMse;
    }

    public double lastActivity() {
        return lastActivity;
    }

    /** Spikes of the last forward pass. */
    public long lastSpikes() {
        return lastSpikes;
    }

    /**
     * Forward (and, if {@code grad} is not null, backward) pass of one trial. Adds ∂L/∂w to
     * {@code grad} (layout of {@link QifNet#w}) and ∂L/∂τ_v, ∂L/∂τ_s to {@code gradTau} (if not null).
     * Fills {@link #outputs}. Returns the trial's loss L.
     *
     * @throws DivergenceException naming the step and tensor if a state or the loss is not finite
     */
    public double run(Trial t, double[] grad, double[] gradTau) {
        int K = t.steps();
        if (K > maxSteps) throw new IllegalArgumentException("trial of " + K + " steps exceeds this workspace's " + maxSteps);
        if (t.x().length != K * nIn || t.y().length != K * nOut)
            throw new IllegalArgumentException("trial shape does not match the network: x " + t.x().length + " for " + K + "x" + nIn
                    + ", y " + t.y().length + " for " + K + "x" + nOut);
        boolean full = m >= K;
        double maskSum = 0;
        for (double v : t.mask()) maskSum += v;
        double invMask = maskSum > 0 ? 1 / maskSum : 0;
        double actScale = activityCost / ((double) K * n);
        Arrays.fill(cell.theta, 0);
        Arrays.fill(cell.s, 0);
        if (selfW != null) for (int i = 0; i < n; i++) selfW[i] = Math.min(net.w[net.offW + i * n + i], 0.0);
        lastSpikes = 0;
        double mse = 0, act = 0;
        int nSeg = (K + m - 1) / m;
        for (int seg = 0; seg < nSeg; seg++) {
            int start = seg * m, end = Math.min(K, start + m);
            if (!full) {
                System.arraycopy(cell.theta, 0, ckTheta, seg * n, n);
                System.arraycopy(cell.s, 0, ckS, seg * n, n);
            }
            for (int k = start; k < end; k++) {
                step(t, k, full ? k - start : -1, recSteps != null);
                // readout and loss at s_{k+1}
                double[] s = cell.s;
                for (int o = 0; o < nOut; o++) {
                    double[] orow = net.oRows[o];
                    double out = 0;
                    for (int i = 0; i < n; i++) out += orow[i] * s[i];
                    int ko = k * nOut + o;
                    outputs[ko] = out;
                    double e = out - t.y()[ko], mk = t.mask()[ko];
                    mse += mk * e * e;
                    dout[ko] = 2 * mk * e * invMask;
                }
                if (activityCost != 0) for (int i = 0; i < n; i++) act += s[i] * s[i];
            }
        }
        if (full) {
            System.arraycopy(cell.theta, 0, segTheta[K], 0, n);
            System.arraycopy(cell.s, 0, segS[K], 0, n);
        }
        lastMse = mse * invMask;
        lastActivity = act / ((double) K * n);
        double loss = lastMse + activityCost * lastActivity;
        if (!Double.isFinite(loss)) throw new DivergenceException(-1, "loss", "loss is " + loss + " after the forward pass (mse " + lastMse + ")");
        if (grad == null) return loss;

        long forwardSpikes = lastSpikes;
        Arrays.fill(lamTheta, 0);
        Arrays.fill(lamS, 0);
        final double[] x = t.x();
        for (double[] r : gW) Arrays.fill(r, 0);
        for (double[] r : gO) Arrays.fill(r, 0);
        if (gSelf != null) Arrays.fill(gSelf, 0);
        final double[][] wRows = net.wRows, oRows = net.oRows;
        final int offU = net.offU, offI0 = net.offI0;
        for (int seg = nSeg - 1; seg >= 0; seg--) {
            int start = seg * m, end = Math.min(K, start + m);
            if (!full) {
                System.arraycopy(ckTheta, seg * n, cell.theta, 0, n);
                System.arraycopy(ckS, seg * n, cell.s, 0, n);
                for (int k = start; k < end; k++) step(t, k, k - start, false);
                System.arraycopy(cell.theta, 0, segTheta[end - start], 0, n);
                System.arraycopy(cell.s, 0, segS[end - start], 0, n);
            }
            for (int k = end - 1; k >= start; k--) {
                int j = k - start;
                final double[] sNext = segS[j + 1], sNow = segS[j];
                // loss at o_k = O s_{k+1}
                for (int o = 0; o < nOut; o++) {
                    double d = dout[k * nOut + o];
                    if (d == 0) continue;
                    final double[] orow = oRows[o], go = gO[o];
                    for (int i = 0; i < n; i++) {
                        lamS[i] += orow[i] * d;
                        go[i] += d * sNext[i];
                    }
                }
                if (activityCost != 0) {
                    double c2 = 2 * actScale;
                    for (int i = 0; i < n; i++) lamS[i] += c2 * sNext[i];
                }
                final double[] gI = segG[j];
                if (net.exactPhase) QifGate.backwardExactPhase(net.model, net.dt, segTheta[j], sNow, segCur[j], 0, lamTheta, lamS, gI, 0, n, gradTau);
                else QifGate.backward(net.model, net.dt, segTheta[j], sNow, segCur[j], 0, lamTheta, lamS, gI, 0, n, gradTau, segCos[j], selfW, gSelf);
                for (int i = 0; i < n; i++) {
                    double g = gI[i];
                    grad[offI0 + i] += g;
                    int ub = offU + i * nIn, xb = k * nIn;
                    for (int d = 0; d < nIn; d++) grad[ub + d] += g * x[xb + d];
                }
                adjointRecurrent(gI, wRows, lamS, n);
            }
            // ∂L/∂W += Σ_k g_k s_kᵀ over this segment, k descending (the order of the step-by-step sum)
            outerProducts(segG, segS, 0, end - start, gW, n);
        }
        for (int i = 0; i < n; i++) {
            double[] r = gW[i];
            int b = net.offW + i * n;
            for (int jj = 0; jj < n; jj++) grad[b + jj] += r[jj];
            if (gSelf != null && net.w[b + i] < 0) grad[b + i] += gSelf[i];
        }
        for (int o = 0; o < nOut; o++) {
            double[] r = gO[o];
            int b = net.offO + o * n;
            for (int i = 0; i < n; i++) grad[b + i] += r[i];
        }
        lastSpikes = forwardSpikes;
        return loss;
    }

    /**
     * One step k: I = W s + U x_k + I_0 into the cell's current, then the core kernel. If
     * {@code store} ≥ 0, θ_k, s_k, I_k are kept at local index {@code store} of the segment buffers.
     */
    private void step(Trial t, int k, int store, boolean record) {
        final double[] s = cell.s, cur = cell.current, w = net.w, x = t.x();
        final int n = this.n;
        for (int i = 0; i < n; i++) {
            double c = w[net.offI0 + i];
            int ub = net.offU + i * nIn, xb = k * nIn;
            for (int d = 0; d < nIn; d++) c += w[ub + d] * x[xb + d];
            cur[i] = c;
        }
        forwardRecurrent(s, net.wtRows, cur, n);
        if (store >= 0) {
            System.arraycopy(cell.theta, 0, segTheta[store], 0, n);
            System.arraycopy(s, 0, segS[store], 0, n);
            System.arraycopy(cur, 0, segCur[store], 0, n);
        }
        ctx.k = k;
        ctx.record = record;
        // the core model's step kernel (what cell.step runs), also keeping cos θ for the adjoint when storing
        if (net.exactPhase) QifGate.advanceExactPhase(net.model, net.dt, cell.theta, s, cur, 0, n, ctx);
        else QifGate.advance(net.model, net.dt, cell.theta, s, cur, 0, n, ctx, store >= 0 ? segCos[store] : null, selfW);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += s[i] + cell.theta[i];
        if (!Double.isFinite(sum)) {
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(s[i])) throw new DivergenceException(k, "s[" + i + "]", "state s[neuron " + i + "] = " + s[i] + " at step " + k + " (t = " + (k + 1) * net.dt + " ms); input current I was " + cur[i]);
                if (!Double.isFinite(cell.theta[i])) throw new DivergenceException(k, "theta[" + i + "]", "state theta[neuron " + i + "] = " + cell.theta[i] + " at step " + k + " (t = " + (k + 1) * net.dt + " ms); input current I was " + cur[i]);
            }
        }
    }

    /**
     * cur[i] += Σ_j s_j W_ij, as cur += s_j · (column j of W) for j ascending, four columns per pass
     * over cur: (((cur + s₀w₀) + s₁w₁) + s₂w₂) + s₃w₃, the same sequence of roundings per element as
     * one column at a time (C2 vectorises the loop over i: every array is indexed by i).
     */
    static void forwardRecurrent(double[] s, double[][] wtRows, double[] cur, int n) {
        int j = 0;
        for (; j + 3 < n; j += 4) {
            final double s0 = s[j], s1 = s[j + 1], s2 = s[j + 2], s3 = s[j + 3];
            if (s0 == 0 && s1 == 0 && s2 == 0 && s3 == 0) continue;
            final double[] c0 = wtRows[j], c1 = wtRows[j + 1], c2 = wtRows[j + 2], c3 = wtRows[j + 3];
            for (int i = 0; i < n; i++) cur[i] = (((cur[i] + s0 * c0[i]) + s1 * c1[i]) + s2 * c2[i]) + s3 * c3[i];
        }
        for (; j < n; j++) {
            final double sj = s[j];
            if (sj == 0) continue;
            final double[] c0 = wtRows[j];
            for (int i = 0; i < n; i++) cur[i] += sj * c0[i];
        }
    }

    /**
     * The recurrent part of one adjoint step: λ_s += Wᵀ g, i.e. λ_s += g_i · (row i of W) for i
     * ascending, four rows per pass over λ_s (the same roundings per element as one row at a time).
     */
    static void adjointRecurrent(double[] g, double[][] wRows, double[] lamS, int n) {
        int i = 0;
        for (; i + 3 < n; i += 4) {
            final double g0 = g[i], g1 = g[i + 1], g2 = g[i + 2], g3 = g[i + 3];
            if (g0 == 0 && g1 == 0 && g2 == 0 && g3 == 0) continue;
            final double[] w0 = wRows[i], w1 = wRows[i + 1], w2 = wRows[i + 2], w3 = wRows[i + 3];
            for (int j = 0; j < n; j++) lamS[j] = (((lamS[j] + g0 * w0[j]) + g1 * w1[j]) + g2 * w2[j]) + g3 * w3[j];
        }
        for (; i < n; i++) {
            final double gi = g[i];
            if (gi == 0) continue;
            final double[] w0 = wRows[i];
            for (int j = 0; j < n; j++) lamS[j] += gi * w0[j];
        }
    }

    /**
     * gW_i· += Σ_{k = k1−1 … k0} g_k,i s_k (descending k): the weight gradient of a segment as one
     * blocked product instead of a rank-1 update per step. Four rows of gW stay in L1 while the steps
     * stream past; each element receives the same sequence of additions as step by step.
     */
    static void outerProducts(double[][] g, double[][] s, int k0, int k1, double[][] gW, int n) {
        int i = 0;
        for (; i + 3 < n; i += 4) {
            final double[] a0 = gW[i], a1 = gW[i + 1], a2 = gW[i + 2], a3 = gW[i + 3];
            for (int k = k1 - 1; k >= k0; k--) {
                final double[] gk = g[k], sk = s[k];
                final double g0 = gk[i], g1 = gk[i + 1], g2 = gk[i + 2], g3 = gk[i + 3];
                if (g0 == 0 && g1 == 0 && g2 == 0 && g3 == 0) continue;
                for (int j = 0; j < n; j++) {
                    final double sj = sk[j];
                    a0[j] += g0 * sj;
                    a1[j] += g1 * sj;
                    a2[j] += g2 * sj;
                    a3[j] += g3 * sj;
                }
            }
        }
        for (; i < n; i++) {
            final double[] a0 = gW[i];
            for (int k = k1 - 1; k >= k0; k--) {
                final double g0 = g[k][i];
                if (g0 == 0) continue;
                final double[] sk = s[k];
                for (int j = 0; j < n; j++) a0[j] += g0 * sk[j];
            }
        }
    }

    /** The step context handed to the core kernel: whole range, spike counting and optional recording. */
    private final class Ctx implements StepContext {
        long k;
        boolean record;

        @Override
        public int from() {
            return 0;
        }

        @Override
        public int to() {
            return n;
        }

        @Override
        public long step() {
            return k;
        }

        @Override
        public double dt() {
            return net.dt;
        }

        @Override
        public Rng rng() {
            return null;
        }

        @Override
        public void spike(int i) {
            lastSpikes++;
            if (record) {
                recSteps.add((int) k);
                recNeurons.add(i);
            }
        }
    }
}
