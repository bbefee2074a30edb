package org.snn4j.train.sg;

import static org.snn4j.cell.LifKernels.integrate;
import static org.snn4j.cell.LifKernels.integrateBackward;
import static org.snn4j.cell.LifKernels.spikeMask;

import java.util.Arrays;
import org.snn4j.cell.Reset;
import org.snn4j.math.Blas;
import org.snn4j.util.Rng;

/**
 * Leaky integrate-and-fire units with all-to-all recurrent connections, with snnTorch
 * {@code RLeaky} semantics (all_to_all = True, reset_delay = True, detached reset; the recurrent
 * map here has no bias, the feed-forward {@link Linear} below already has one). With input I_t,
 * recurrent weights V (V[i][j] from unit i to unit j, learnable, initialised U(±1/√n) like
 * {@code nn.Linear}), decay β, threshold θ:
 * <pre>
 *   rec_t = z_{t−1} V                                   (z_{−1} = 0 or the window's state)
 *   r_t   = H(v_{t−1} − θ)                              (constant in the backward pass)
 *   subtractive: v_t = β v_{t−1} + I_t + rec_t − r_t θ
 *   zero:        v_t = (1 − r_t)(β v_{t−1} + I_t + rec_t)
 *   z_t   = H(v_t − θ)
 * </pre>
 * Backward through time, with k_t = 1 (subtract) or 1 − r_t (zero), g_t = ∂L/∂v_t:
 * <pre>
 *   ∂L/∂z_t = ∂L/∂y_t + V gI_{t+1}                      (the recurrent path, through the surrogate)
 *   g_t     = ∂L/∂z_t · σ'(v_t − θ) + k_{t+1} β g_{t+1}
 *   gI_t    = ∂L/∂I_t = k_t g_t,       ∂L/∂V = Σ_{b,t} z_{t−1}ᵀ gI_t
 * </pre>
 * State between windows: (v, z), 2n floats per sample. The backward pass costs n² per step and
 * sample (the recurrent path), the forward pass n per recurrent spike. The membrane step and its
 * backward are the shared kernels of {@link SpikingLayer} with the drive J_t = I_t + rec_t.
 */
public final class RecurrentLif extends SpikingLayer {
    final float[][] v, gv;
    /** Vᵀ (vt[j][i] = V[i][j]), refreshed before each backward pass: the recurrent gradient as row sums. */
    private final float[][] vt;

    public RecurrentLif(int n, double beta, double theta, Reset reset, Surrogate surrogate, long seed) {
        super(n, beta, theta, reset, surrogate);
        checkDecay("RLIF beta", beta);
        checkThreshold("RLIF threshold", theta);
        v = new float[n][n];
        gv = new float[n][n];
        vt = new float[n][n];
        Rng r = Rng.stream(seed, 0x2EC, n);
        double lim = 1 / Math.sqrt(n);
        for (float[] row : v) for (int j = 0; j < n; j++) row[j] = (float) r.uniform(-lim, lim);
    }

    /** Test hook: smooth spikes (dense output) whose derivative is the surrogate. */
    public RecurrentLif smooth(Lif.Smooth f) {
        this.smooth = f;
        return this;
    }

    /** The recurrent weights (live): V[i][j] from unit i to unit j. */
    public float[][] recurrentWeights() {
        return v;
    }

    @Override
    public String name() {
        return "rlif(" + out + ", beta=" + beta + resetAndSurrogate();
    }

    @Override
    public int stateSize() {
        return 2 * out;
    }

    /** Adds z_{t−1} V to acc; z_{t−1} from the output row r − 1, or from the initial state at t = 0. */
    private void addRecurrent(Seq y, int b, int t, float[] acc, Scratch s) {
        final int n = out;
        if (t > 0) {
            int r = b * steps + t - 1;
            if (y.binary) {
                int nz = Blas.bitIndices(y.bits, r * y.words, y.words, s.idx);
                Blas.addRows(v, s.idx, 0, nz, acc, 0, n);
            } else {
                int nz = Blas.nonZeros(y.dense, r * n, n, s.idx, s.val);
                Blas.addScaledRows(v, s.idx, s.val, 0, nz, acc, 0, n);
            }
        } else if (stateIn != null) {
            int nz = Blas.nonZeros(stateIn, 2 * b * n + n, n, s.idx, s.val);
            Blas.addScaledRows(v, s.idx, s.val, 0, nz, acc, 0, n);
        }
    }

    @Override
    public void forward(Seq x, Seq y, int b0, int b1, Scratch s) {
        final int n = out, T = steps;
        final float bt = beta, th = theta;
        final boolean sub = reset == Reset.SUBTRACT;
        float[] cur = x.dense, m = mem, acc = s.row, in0 = stateIn;
        output = y;
        for (int b = b0; b < b1; b++) {
            for (int t = 0; t < T; t++) {
                int r = b * T + t, o = r * n;
                System.arraycopy(cur, o, acc, 0, n);
                addRecurrent(y, b, t, acc, s);
                float[] pv = t > 0 ? m : in0;
                int po = t > 0 ? o - n : 2 * b * n;
                integrate(sub, bt, th, pv, po, acc, 0, m, o, n);
                emit(y, r);
            }
            if (stateOut != null) {
                int last = b * T + T - 1;
                System.arraycopy(m, last * n, stateOut, 2 * b * n, n);
                for (int i = 0; i < n; i++) stateOut[2 * b * n + n + i] = y.get(b, T - 1, i);
            }
        }
    }

    @Override
    public void backward(Seq x, Seq y, float[] gy, float[] gx, int b0, int b1, Scratch s) {
        final int n = out, T = steps;
        final float bt = beta, th = theta;
        final boolean sub = reset == Reset.SUBTRACT;
        float[] m = mem, gs = gradState;
        float[] cv = s.carry, cz = s.row;   // k β g_{t+1} and V gI_{t+1}
        if (gx == null) gx = gy;
        for (int b = b0; b < b1; b++) {
            loadCarry(gs, b, cv, cz, n);   // state (v, z)
            for (int t = T - 1; t >= 0; t--) {
                int o = (b * T + t) * n;
                for (int i = 0; i < n; i++) gy[o + i] += cz[i];
                spikeBackward(gy, o);
                float[] pv = t > 0 ? m : stateIn;
                int po = t > 0 ? o - n : 2 * b * n;
                integrateBackward(sub, bt, th, pv, po, gy, gx, o, cv, n);
                // cz = V gI_t = Σ_j gI_t,j Vᵀ[j] (row sums that vectorise; zero entries skipped)
                Arrays.fill(cz, 0, n, 0f);
                for (int j = 0; j < n; j++) {
                    float gj = gx[o + j];
                    if (gj != 0f) Blas.axpy(gj, vt[j], cz, 0, n);
                }
                cutCarry(t, cv, cz, n);
            }
            storeCarry(cv, cz, gs, b, n);
        }
    }

    /** Tasks: ∂L/∂V in blocks of 64 source units (one bit-set word). */
    @Override
    public int paramTasks() {
        return (out + 63) / 64;
    }

    /** ∂L/∂V[i][·] = Σ_{b,t} z_{t−1,i} gI_t for the 64 source units of block {@code task}; gI in gy (in place). */
    @Override
    public void paramGrads(Seq x, float[] gy, int task, Scratch s) {
        final int n = out, T = steps;
        int i0 = task * 64, i1 = Math.min(n, i0 + 64);
        for (int i = i0; i < i1; i++) Arrays.fill(gv[i], 0f);
        Seq y = output;
        float[] row = s.row;
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < T; t++) {
                int o = (b * T + t) * n;
                if (t > 0 && y.binary) {   // the spikes of word `task` at step t − 1
                    long word = y.bits[(b * T + t - 1) * y.words + task];
                    if (word != 0) System.arraycopy(gy, o, row, 0, n);   // same index in both arrays: vectorised adds
                    while (word != 0) {
                        int i = i0 + Long.numberOfTrailingZeros(word);
                        word &= word - 1;
                        Blas.add(row, gv[i], 0, n);
                    }
                    continue;
                }
                for (int i = i0; i < i1; i++) {
                    float z;
                    if (t > 0) z = y.get(b, t - 1, i);
                    else z = stateIn == null ? 0f : stateIn[2 * b * n + n + i];
                    if (z != 0) {
                        float[] gi = gv[i];
                        for (int j = 0; j < n; j++) gi[j] += z * gy[o + j];
                    }
                }
            }
    }

    @Override
    public void beforeBackward() {
        Blas.transpose(v, out, out, vt);
    }

    /** The output sequence of the last forward pass (the parameter gradients need z_{t−1}). */
    private Seq output;

    @Override
    public float[][] params() {
        return v;
    }

    @Override
    public float[][] grads() {
        return gv;
    }

    @Override
    public String[] paramNames() {
        String[] names = new String[out];
        for (int i = 0; i < out; i++) names[i] = "recurrent weight row " + i;
        return names;
    }
}
