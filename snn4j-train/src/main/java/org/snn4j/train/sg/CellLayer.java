package org.snn4j.train.sg;

import java.util.Arrays;
import org.snn4j.cell.Cell;
import org.snn4j.cell.SpikeFunction;

/**
 * Any core {@link Cell} as a BPTT layer (n → n): the forward pass calls the cell's step for every
 * (sample, step) and keeps all state variables for the backward pass, which calls the cell's
 * vector-Jacobian product back through time. A neuron model written once as a cell (for example
 * {@link org.snn4j.cell.AlifCell}) therefore trains with surrogate gradients here and runs in the
 * simulator through {@link org.snn4j.cell.CellModel}, with the same kernels.
 *
 * <p>The output of a spiking cell is its spike train, binary (bits), with the surrogate's
 * derivative in the backward pass; in tests, {@link #smooth} makes the output a smooth function of
 * the spike argument whose exact derivative is used, so that finite differences check the backward
 * pass. A non-spiking cell outputs its first state variable (dense). The window state
 * ({@link #stateSize}) is the cell's variables, one block of n floats each per sample.
 *
 * <p>The dedicated layers {@link Lif}, {@link Synaptic}, {@link RecurrentLif} and
 * {@link LeakyReadout} remain for the hot paths (learnable decays, bit-packed spikes straight from
 * the membrane, fused surrogate loops); they call the same {@link org.snn4j.cell.LifKernels}.
 */
public final class CellLayer extends Layer {
    private final Cell cell;
    private final Surrogate surrogateGiven;
    private final SpikeFunction surrogate;
    private SpikeFunction smooth;
    private final int k;
    /** State variable j of every sample and step of the last forward pass, index (b·T + t)·n + i. */
    private float[][] state;

    /** A layer of n units of {@code cell}; {@code surrogate} gives the spike derivative (ignored for readouts). */
    public CellLayer(int n, Cell cell, Surrogate surrogate) {
        super(n, n);
        if (cell == null) throw new IllegalArgumentException("cell must be given");
        if (!cell.differentiable()) throw new IllegalArgumentException(cell.name() + " has no backward step: it cannot be trained with BPTT");
        this.cell = cell;
        this.surrogateGiven = surrogate;
        this.surrogate = surrogate == null ? SpikeFunction.HEAVISIDE : surrogate;
        this.k = cell.stateCount();
    }

    /** The cell. */
    public Cell cell() {
        return cell;
    }

    /** The surrogate given at construction (null for a readout). */
    public Surrogate surrogate() {
        return surrogateGiven;
    }

    /** Test hook: smooth spikes (dense output) whose exact derivative is the surrogate. */
    public CellLayer smooth(SpikeFunction f) {
        this.smooth = f;
        return this;
    }

    private SpikeFunction spikeFunction() {
        return smooth != null ? smooth : surrogate;
    }

    @Override
    public String name() {
        return cell.name().replaceFirst("\\(", "(" + out + ", ");
    }

    @Override
    public boolean binaryOutput() {
        return cell.spiking() && smooth == null;
    }

    @Override
    public boolean inPlaceBackward() {
        return true;
    }

    @Override
    public int stateSize() {
        return k * out;
    }

    @Override
    public void allocate(int steps, int batch) {
        super.allocate(steps, batch);
        long len = (long) steps * batch * out;
        if (len > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("batch × steps × units too large: " + len);
        if (state == null || state[0].length < len) state = new float[k][(int) len];
    }

    @Override
    public long stateBytes() {
        return state == null ? 0 : 4L * k * state[0].length;
    }

    /** State variable {@code var} (index in the cell's layout) of unit i, sample b, step t, after the last forward pass. */
    public float state(int var, int b, int t, int i) {
        return state[var][(b * steps + t) * out + i];
    }

    /** The window's initial state of sample b copied into rows [0, k) of {@code rows}, or null (rest). */
    private float[][] initial(int b, float[][] rows) {
        if (stateIn == null) return null;
        for (int j = 0; j < k; j++) System.arraycopy(stateIn, (b * k + j) * out, rows[j], 0, out);
        return rows;
    }

    @Override
    public void forward(Seq x, Seq y, int b0, int b1, Scratch s) {
        final int n = out, T = steps;
        final SpikeFunction f = spikeFunction();
        final float[][] st = state, scratch = s.block(2 * k + 1, n);
        final float[] arg = scratch[k];
        for (int b = b0; b < b1; b++) {
            for (int t = 0; t < T; t++) {
                int r = b * T + t, o = r * n;
                float[][] prev = t > 0 ? st : initial(b, scratch);
                cell.forward(prev, t > 0 ? o - n : 0, x.dense, o, st, o, n, f);
                emit(y, r, o, arg);
            }
            if (stateOut != null)
                for (int j = 0; j < k; j++) System.arraycopy(st[j], (b * T + T - 1) * n, stateOut, (b * k + j) * n, n);
        }
    }

    /** Writes row r of the output: spike bits where the spike argument is positive, the smooth value, or the readout. */
    private void emit(Seq y, int r, int o, float[] arg) {
        final int n = out;
        if (!cell.spiking()) {
            System.arraycopy(state[0], o, y.dense, o, n);
            return;
        }
        cell.spikeArgument(state, o, arg, 0, n);
        if (smooth != null) {
            for (int i = 0; i < n; i++) y.dense[o + i] = smooth.value(arg[i]);
            return;
        }
        long[] bits = y.bits;
        for (int base = 0, w = r * y.words; base < n; base += 64, w++) {
            int lim = Math.min(64, n - base);
            long word = 0;
            // sign bit of 0 − x: set exactly when x > 0 (0 − (+0) and 0 − (−0) are +0)
            for (int q = 0; q < lim; q++) word |= (long) (Float.floatToRawIntBits(0f - arg[base + q]) >>> 31) << q;
            bits[w] = word;
        }
    }

    @Override
    public void backward(Seq x, Seq y, float[] gy, float[] gx, int b0, int b1, Scratch s) {
        final int n = out, T = steps;
        final SpikeFunction f = spikeFunction();
        final float[][] st = state, scratch = s.block(2 * k + 1, n);
        final float[][] carry = Arrays.copyOfRange(scratch, 0, k), first = Arrays.copyOfRange(scratch, k, 2 * k);
        if (gx == null) gx = gy;
        for (int b = b0; b < b1; b++) {
            for (int j = 0; j < k; j++) {
                if (gradState == null) Arrays.fill(carry[j], 0, n, 0f);
                else System.arraycopy(gradState, (b * k + j) * n, carry[j], 0, n);
            }
            for (int t = T - 1; t >= 0; t--) {
                int o = (b * T + t) * n;
                float[][] prev = t > 0 ? st : initial(b, first);
                cell.backward(prev, t > 0 ? o - n : 0, st, o, gy, gx, carry, n, f);
                if (cut(t)) for (float[] c : carry) Arrays.fill(c, 0, n, 0f);
            }
            if (gradState != null)
                for (int j = 0; j < k; j++) System.arraycopy(carry[j], 0, gradState, (b * k + j) * n, n);
        }
    }

    /** Folds the sign of every stored spike argument into h (tests: which resets fired). */
    long resetSignature(long h, int batch, int steps) {
        if (!cell.spiking()) return h;
        float[] arg = new float[out];
        for (int r = 0; r < batch * steps; r++) {
            cell.spikeArgument(state, r * out, arg, 0, out);
            for (int i = 0; i < out; i++) h = h * 31 + (arg[i] > 0 ? 1 : 0);
        }
        return h;
    }
}
