package org.snn4j.learn.exact;

import java.util.Arrays;
import org.snn4j.model.QifGate;
import org.snn4j.model.StepContext;
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
 * <p>Memory: with {@code checkpointEvery = 0} the whole trajectory (θ, s, I per step: 3·K·n
 * doubles) is kept; with m &gt; 0 only every m-th state is kept and each segment is recomputed (by the
 * same code, so the gradient is bit-for-bit the same) just before it is back-propagated:
 * 2·(K/m + m)·n doubles and one extra forward pass.
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
    // segment buffers: θ and s for local steps 0..seg, I for 0..seg-1
    private final double[] segTheta, segS, segCur;
    // checkpoints (checkpoint mode only)
    private final double[] ckTheta, ckS;
    private final double[] dout, lamTheta, lamS, gI;
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
        segTheta = new double[(m + 1) * n];
        segS = new double[(m + 1) * n];
        segCur = new double[m * n];
        int nCk = m < maxSteps ? (maxSteps + m - 1) / m : 0;
        ckTheta = new double[nCk * n];
        ckS = new double[nCk * n];
        dout = new double[maxSteps * nOut];
        outputs = new double[maxSteps * nOut];
        lamTheta = new double[n];
        lamS = new double[n];
        gI = new double[n];
    }

    /** Doubles held by this workspace (for memory reports). */
    public long doublesHeld() {
        return (long) segTheta.length + segS.length + segCur.length + ckTheta.length + ckS.length + dout.length
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
     * @throws NonFiniteException naming the step and tensor if a state or the loss is not finite
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
                    int base = net.offO + o * n;
                    double out = 0;
                    for (int i = 0; i < n; i++) out += net.w[base + i] * s[i];
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
            System.arraycopy(cell.theta, 0, segTheta, K * n, n);
            System.arraycopy(cell.s, 0, segS, K * n, n);
        }
        lastMse = mse * invMask;
        lastActivity = act / ((double) K * n);
        double loss = lastMse + activityCost * lastActivity;
        if (!Double.isFinite(loss)) throw new NonFiniteException("loss is " + loss + " after the forward pass (mse " + lastMse + ")");
        if (grad == null) return loss;

        long forwardSpikes = lastSpikes;
        Arrays.fill(lamTheta, 0);
        Arrays.fill(lamS, 0);
        final double[] w = net.w;
        final double[] x = t.x();
        for (int seg = nSeg - 1; seg >= 0; seg--) {
            int start = seg * m, end = Math.min(K, start + m);
            if (!full) {
                System.arraycopy(ckTheta, seg * n, cell.theta, 0, n);
                System.arraycopy(ckS, seg * n, cell.s, 0, n);
                for (int k = start; k < end; k++) step(t, k, k - start, false);
                System.arraycopy(cell.theta, 0, segTheta, (end - start) * n, n);
                System.arraycopy(cell.s, 0, segS, (end - start) * n, n);
            }
            for (int k = end - 1; k >= start; k--) {
                int j = k - start;
                int sNext = (j + 1) * n, sNow = j * n;
                // loss at o_k = O s_{k+1}
                for (int o = 0; o < nOut; o++) {
                    double d = dout[k * nOut + o];
                    if (d == 0) continue;
                    int base = net.offO + o * n;
                    for (int i = 0; i < n; i++) {
                        lamS[i] += w[base + i] * d;
                        grad[base + i] += d * segS[sNext + i];
                    }
                }
                if (activityCost != 0) {
                    double c2 = 2 * actScale;
                    for (int i = 0; i < n; i++) lamS[i] += c2 * segS[sNext + i];
                }
                QifGate.backward(net.model, net.dt, segTheta, segS, segCur, sNow, lamTheta, lamS, gI, 0, n, gradTau);
                for (int i = 0; i < n; i++) {
                    double g = gI[i];
                    grad[net.offI0 + i] += g;
                    int ub = net.offU + i * nIn, xb = k * nIn;
                    for (int d = 0; d < nIn; d++) grad[ub + d] += g * x[xb + d];
                    if (g == 0) continue;
                    int wb = net.offW + i * n;
                    for (int jj = 0; jj < n; jj++) {
                        grad[wb + jj] += g * segS[sNow + jj];
                        lamS[jj] += g * w[wb + jj];
                    }
                }
            }
        }
        lastSpikes = forwardSpikes;
        return loss;
    }

    /**
     * One step k: I = W s + U x_k + I_0 into the cell's current, then the core kernel. If
     * {@code store} ≥ 0, θ_k, s_k, I_k are kept at local index {@code store} of the segment buffers.
     */
    private void step(Trial t, int k, int store, boolean record) {
        final double[] s = cell.s, cur = cell.current, w = net.w, wt = net.wt, x = t.x();
        final int n = this.n;
        for (int i = 0; i < n; i++) {
            double c = w[net.offI0 + i];
            int ub = net.offU + i * nIn, xb = k * nIn;
            for (int d = 0; d < nIn; d++) c += w[ub + d] * x[xb + d];
            cur[i] = c;
        }
        for (int j = 0; j < n; j++) {
            double sj = s[j];
            if (sj == 0) continue;
            int b = j * n;
            for (int i = 0; i < n; i++) cur[i] += sj * wt[b + i];
        }
        if (store >= 0) {
            System.arraycopy(cell.theta, 0, segTheta, store * n, n);
            System.arraycopy(s, 0, segS, store * n, n);
            System.arraycopy(cur, 0, segCur, store * n, n);
        }
        ctx.k = k;
        ctx.record = record;
        cell.step(ctx);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += s[i] + cell.theta[i];
        if (!Double.isFinite(sum)) {
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(s[i])) throw new NonFiniteException("state s[neuron " + i + "] = " + s[i] + " at step " + k + " (t = " + (k + 1) * net.dt + " ms); input current I was " + cur[i]);
                if (!Double.isFinite(cell.theta[i])) throw new NonFiniteException("state theta[neuron " + i + "] = " + cell.theta[i] + " at step " + k + " (t = " + (k + 1) * net.dt + " ms); input current I was " + cur[i]);
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
