package org.snn4j.train.sg;

import java.util.Arrays;
import org.snn4j.math.Blas;
import org.snn4j.util.Rng;

/**
 * A dense linear layer applied at every time step: y_t = x_t W + b, W stored as rows per input
 * (W[i][j] from input i to output j), initialised like PyTorch's {@code nn.Linear}: W, b ~ U(±1/√in).
 *
 * <p>Forward: for binary (spike) input, y_t = b + Σ_{i: x_t,i = 1} W[i] — the sum of the weight rows
 * of the inputs that spiked ({@link Blas#addRows}). For wide layers (≥ {@value #TABLE_MIN_OUT}
 * outputs, ≥ {@value #TABLE_MIN_ROWS} rows per call) the inputs are taken four at a time through a
 * subset-sum table of W ({@link Blas#subsetTable}, 16·⌈in/4⌉ rows of {@code out} floats; built once
 * per batch in {@link #beforeForward} and shared by the threads, or per thread at the start of a
 * forward call made without it): one table row per non-zero nibble of x_t instead of
 * one weight row per spike, about half the additions at 50 % input density; the rows are advanced
 * {@value #TABLE_ROWS} at a time, so that a table row read from memory serves several of them. For dense input, zero
 * entries are skipped; blocks of rows without zeros go through a tiled dense product instead
 * ({@value #DENSE_ROWS} rows × {@value #DENSE_COLS} columns; the same floats).
 * Backward: ∂L/∂x_t = (∂L/∂y_t) Wᵀ (through a transposed copy of W made once per batch, only for
 * layers whose input needs the gradient);
 * ∂L/∂W = Σ_{b,t} x_tᵀ (∂L/∂y_t), one task per 64 inputs (one bit-set word of binary input;
 * {@link Blas#gemmBitsTransA}) over all outputs (up to {@value #GRAD_COLS}; long rows keep the
 * vectorised loops efficient: twice as fast as 128-column tiles at 1000 outputs); for wide layers
 * (≥ {@value #TABLE_MIN_OUT} outputs) one task per {@value #GRAD_WORDS} words through subset-sum
 * tables of the rows of ∂L/∂y taken four at a time ({@link Blas#gemmBitsTransA4}, blocks of
 * {@value #GRAD_GROUPS} groups; one table serves the task's words): about half the row additions at
 * 50 % input density (the weight-gradient kernel 79 → 48 ms per 784×1000 batch of 3200 rows, one thread);
 * ∂L/∂b = Σ_{b,t} ∂L/∂y_t, one more task. Every sum runs in an order fixed by the data, so results
 * do not depend on the number of threads.
 */
public final class Linear extends Layer {
    /** Rows (sample-steps) per block of the weight-gradient kernel. */
    static final int ROW_BLOCK = 32;
    /** Groups of four rows per block of the subset-sum weight-gradient kernel (16 table rows each). */
    static final int GRAD_GROUPS = 8;
    /** The subset-sum forward is used from this many outputs (narrower rows do not amortise the table)... */
    static final int TABLE_MIN_OUT = 64;
    /** ... and from this many rows (sample-steps) per forward call. */
    static final int TABLE_MIN_ROWS = 128;
    /** Columns per pass of the subset-sum forward (the table's columns in use stay in cache). */
    static final int TABLE_COLS = 4096;
    /** Rows (sample-steps) and columns per tile of the dense forward (no-zero dense input). */
    static final int DENSE_ROWS = 8, DENSE_COLS = 512;
    final float[][] w, gw;
    /** Wᵀ for ∂L/∂x, made on first use after each {@link #beforeBackward} (never for a first layer, whose input needs no gradient). */
    private float[][] wt;
    private boolean wtStale = true;
    final float[] b, gb;
    /** Per-thread subset-sum tables of W (see {@link Blas#subsetTable}), for forward calls without {@link #beforeForward}. */
    private final ThreadLocal<float[][]> tables = new ThreadLocal<>();
    /** The subset-sum table shared by all threads, valid between {@link #beforeForward} and {@link #afterPass}. */
    private float[][] shared;
    private volatile boolean sharedValid;

    public Linear(int in, int out, long seed) {
        super(in, out);
        w = new float[in][out];
        gw = new float[in][out];
        b = new float[out];
        gb = new float[out];
        Rng r = Rng.stream(seed, 0x11EA, in, out);
        double lim = 1 / Math.sqrt(in);
        for (float[] row : w) for (int j = 0; j < out; j++) row[j] = (float) r.uniform(-lim, lim);
        for (int j = 0; j < out; j++) b[j] = (float) r.uniform(-lim, lim);
    }

    @Override
    public String name() {
        return "linear(" + in + "->" + out + ")";
    }

    @Override
    public boolean binaryOutput() {
        return false;
    }

    /** The weight rows (live): W[i][j] from input i to output j. */
    public float[][] weights() {
        return w;
    }

    /** The bias (live). */
    public float[] bias() {
        return b;
    }

    @Override
    public void forward(Seq x, Seq y, int b0, int b1, Scratch s) {
        int r0 = b0 * steps, r1 = b1 * steps;
        float[] yd = y.dense, acc = s.row;
        int[] idx = s.idx;
        boolean useShared = x.binary && sharedValid;
        if (useShared || x.binary && out >= TABLE_MIN_OUT && r1 - r0 >= TABLE_MIN_ROWS) {
            float[][] table = useShared ? shared : tables.get();
            if (table == null) {
                table = new float[16 * ((in + 3) / 4)][out];
                tables.set(table);
            }
            TableBlock tb = tableBlock();
            for (int j0 = 0; j0 < out; j0 += TABLE_COLS) {
                int j1 = Math.min(out, j0 + TABLE_COLS);
                if (!useShared) Blas.subsetTable(w, in, j0, j1, table);
                for (int r = r0; r < r1; r += TABLE_ROWS) tableRows(table, x, r, Math.min(r1, r + TABLE_ROWS), j0, j1, yd, tb);
            }
            return;
        }
        int r = r0;
        if (!x.binary)   // blocks of DENSE_ROWS rows without zero entries: W streamed once per block
            while (r + DENSE_ROWS <= r1 && noZeros(x.dense, r * in, DENSE_ROWS * in)) {
                denseBlock(x.dense, r, yd);
                r += DENSE_ROWS;
            }
        for (; r < r1; r++) {
            System.arraycopy(b, 0, acc, 0, out);
            if (x.binary) {
                int nz = Blas.bitIndices(x.bits, r * x.words, x.words, idx);
                Blas.addRows(w, idx, 0, nz, acc, 0, out);
            } else {
                int nz = Blas.nonZeros(x.dense, r * in, in, idx, s.val);
                Blas.addScaledRows(w, idx, s.val, 0, nz, acc, 0, out);
            }
            System.arraycopy(acc, 0, yd, r * out, out);
        }
    }

    /** Rows (sample-steps) per block of the subset-sum forward. */
    static final int TABLE_ROWS = 32;

    /** A thread's scratch of {@link #tableRows}: the rows' table indices and accumulators. */
    private static final class TableBlock {
        final int[][] idx;
        final int[] nz = new int[TABLE_ROWS];
        final float[][] acc;

        TableBlock(int in, int out) {
            idx = new int[TABLE_ROWS][(in + 3) / 4];
            acc = new float[TABLE_ROWS][out];
        }
    }

    private final ThreadLocal<TableBlock> tableBlocks = new ThreadLocal<>();

    private TableBlock tableBlock() {
        TableBlock t = tableBlocks.get();
        if (t == null) {
            t = new TableBlock(in, out);
            tableBlocks.set(t);
        }
        return t;
    }

    /**
     * y rows [r0, r1) (at most {@value #TABLE_ROWS}), columns [j0, j1) ← b + the table rows of each
     * row's non-zero nibbles, the rows advanced together four table rows at a time: the rows of a
     * block read table rows of the same few input groups at once, so a table row fetched from memory
     * serves several rows (a 784×1000 table is 12.5 MB, far beyond a core's cache, and was streamed
     * once per row). Each row gets exactly the additions of {@link Blas#addRows} over its
     * {@link Blas#nibbleIndices}, in the same order: the same floats as one row at a time.
     */
    private void tableRows(float[][] table, Seq x, int r0, int r1, int j0, int j1, float[] yd, TableBlock tb) {
        int n = r1 - r0, quads = 0;
        int[][] idx = tb.idx;
        int[] nz = tb.nz;
        float[][] acc = tb.acc;
        for (int k = 0; k < n; k++) {
            nz[k] = Blas.nibbleIndices(x.bits, (r0 + k) * x.words, x.words, idx[k]);
            quads = Math.max(quads, nz[k] >>> 2);
            System.arraycopy(b, j0, acc[k], j0, j1 - j0);
        }
        for (int q = 0, p = 0; q < quads; q++, p += 4)
            for (int k = 0; k < n; k++) {
                if (p + 3 >= nz[k]) continue;
                int[] ix = idx[k];
                float[] c = acc[k], w0 = table[ix[p]], w1 = table[ix[p + 1]], w2 = table[ix[p + 2]], w3 = table[ix[p + 3]];
                for (int j = j0; j < j1; j++) c[j] += (w0[j] + w1[j]) + (w2[j] + w3[j]);
            }
        for (int k = 0; k < n; k++) {
            float[] c = acc[k];
            for (int p = nz[k] & ~3; p < nz[k]; p++) {
                float[] w0 = table[idx[k][p]];
                for (int j = j0; j < j1; j++) c[j] += w0[j];
            }
            System.arraycopy(c, j0, yd, (r0 + k) * out + j0, j1 - j0);
        }
    }

    /** True when a[off, off + len) has no zero entry. */
    private static boolean noZeros(float[] a, int off, int len) {
        int zeros = 0;
        for (int i = off, e = off + len; i < e; i++) zeros += a[i] == 0 ? 1 : 0;
        return zeros == 0;
    }

    /**
     * y rows [r, r + DENSE_ROWS) ← b + x_r W for dense rows without zeros, in tiles of
     * {@value #DENSE_COLS} columns: each group of four weight rows is loaded once for all the
     * block's rows (the weights stream from memory once per block instead of once per row). Every
     * output is the same float expression, in the same order, as the sparse-row path
     * ({@link Blas#addScaledRows} over all inputs): b, then (x₀w₀ + x₁w₁) + (x₂w₂ + x₃w₃) per group
     * of four inputs, then the remaining inputs one by one; so results are bit-identical to it.
     */
    private void denseBlock(float[] x, int r, float[] y) {
        final int n = in, m = out;
        float[][] acc = denseAcc.get();
        if (acc == null || acc[0].length < m) {
            acc = new float[DENSE_ROWS][m];
            denseAcc.set(acc);
        }
        for (int j0 = 0; j0 < m; j0 += DENSE_COLS) {
            int j1 = Math.min(m, j0 + DENSE_COLS), len = j1 - j0;
            for (int k = 0; k < DENSE_ROWS; k++) System.arraycopy(b, j0, acc[k], j0, len);
            int p = 0;
            for (; p + 3 < n; p += 4) {
                float[] w0 = w[p], w1 = w[p + 1], w2 = w[p + 2], w3 = w[p + 3];
                for (int k = 0; k < DENSE_ROWS; k++) {
                    int xo = (r + k) * n + p;
                    float a0 = x[xo], a1 = x[xo + 1], a2 = x[xo + 2], a3 = x[xo + 3];
                    float[] c = acc[k];
                    for (int j = j0; j < j1; j++) c[j] += (a0 * w0[j] + a1 * w1[j]) + (a2 * w2[j] + a3 * w3[j]);
                }
            }
            for (; p < n; p++) {
                float[] w0 = w[p];
                for (int k = 0; k < DENSE_ROWS; k++) {
                    float a = x[(r + k) * n + p];
                    float[] c = acc[k];
                    for (int j = j0; j < j1; j++) c[j] += a * w0[j];
                }
            }
        }
        for (int k = 0; k < DENSE_ROWS; k++) System.arraycopy(acc[k], 0, y, (r + k) * m, m);
    }

    /** Per-thread scratch of the subset-sum weight-gradient kernel ({@link Blas#gemmBitsTransA4}). */
    private static final class GradScratch {
        final float[][] tab;
        final int[] lists, counts;

        GradScratch(int out) {
            tab = new float[16 * GRAD_GROUPS][out];
            lists = new int[64 * GRAD_WORDS * GRAD_GROUPS];
            counts = new int[64 * GRAD_WORDS];
        }
    }

    private final ThreadLocal<GradScratch> gradScratch = new ThreadLocal<>();

    private GradScratch gradScratch() {
        GradScratch g = gradScratch.get();
        if (g == null) {
            g = new GradScratch(out);
            gradScratch.set(g);
        }
        return g;
    }

    /** Per-thread accumulator rows of {@link #denseBlock}. */
    private final ThreadLocal<float[][]> denseAcc = new ThreadLocal<>();

    /** Builds this part's groups of the shared subset-sum table for the batch (wide layers, enough rows). */
    @Override
    public void beforeForward(int part, int parts) {
        if (shared == null) return;   // allocated (for wide layers and enough rows) in allocate()
        int groups = (in + 3) / 4;
        Blas.subsetTable(w, in, (int) ((long) part * groups / parts), (int) ((long) (part + 1) * groups / parts), 0, out, shared);
        sharedValid = true;
    }

    @Override
    public void allocate(int steps, int batch) {
        super.allocate(steps, batch);
        if (shared == null && out >= TABLE_MIN_OUT && (long) steps * batch >= TABLE_MIN_ROWS) shared = new float[16 * ((in + 3) / 4)][out];
    }

    @Override
    public void afterPass() {
        sharedValid = false;
    }

    @Override
    public void beforeBackward() {
        synchronized (this) {
            wtStale = true;
        }
    }

    @Override
    public void backward(Seq x, Seq y, float[] gy, float[] gx, int b0, int b1, Scratch s) {
        if (gx == null) return;
        float[][] t;
        synchronized (this) {   // the first thread to need Wᵀ makes it; the others wait for it
            if (wt == null) wt = new float[out][in];
            if (wtStale) {
                Blas.transpose(w, in, out, wt);
                wtStale = false;
            }
            t = wt;
        }
        Blas.gemm(b0 * steps, b1 * steps, in, out, gy, 0, t, gx, 0, s.idx, s.val, s.row);
    }

    /** Columns of ∂L/∂W per parameter-gradient task (at most). */
    static final int GRAD_COLS = 4096;
    /** Bit-set words (64 inputs each) per weight-gradient task of a wide layer: the tasks share one subset-sum table per block. */
    static final int GRAD_WORDS = 2;

    private int colBlocks() {
        return (out + GRAD_COLS - 1) / GRAD_COLS;
    }

    /** Words per weight-gradient task: {@value #GRAD_WORDS} for wide layers (subset-sum kernel), else 1. */
    private int taskWords() {
        return out >= TABLE_MIN_OUT ? GRAD_WORDS : 1;
    }

    /**
     * Tasks: ∂L/∂W in tiles of 64 inputs (one bit-set word of binary input; {@value #GRAD_WORDS} words
     * for wide layers) × up to {@value #GRAD_COLS} outputs, then one task for ∂L/∂b.
     */
    @Override
    public int paramTasks() {
        int words = (in + 63) / 64, tw = taskWords();
        return (words + tw - 1) / tw * colBlocks() + 1;
    }

    @Override
    public void paramGrads(Seq x, float[] gy, int task, Scratch s) {
        int rows = steps * batch, words = (in + 63) / 64, cbs = colBlocks(), tw = taskWords();
        if (task == (words + tw - 1) / tw * cbs) {   // bias
            Arrays.fill(gb, 0f);
            float[] row = s.row;
            for (int r = 0; r < rows; r++) {
                System.arraycopy(gy, r * out, row, 0, out);
                Blas.add(row, gb, 0, out);
            }
            return;
        }
        int word0 = task / cbs * tw, word1 = Math.min(words, word0 + tw), j0 = task % cbs * GRAD_COLS, j1 = Math.min(out, j0 + GRAD_COLS);
        if (x.binary) {
            if (j1 - j0 >= TABLE_MIN_OUT) {
                GradScratch g = gradScratch();
                Blas.gemmBitsTransA4(x.bits, rows, x.words, word0, word1, gy, out, j0, j1, gw, in, g.tab, g.lists, g.counts);
            } else {
                for (int word = word0; word < word1; word++)
                    Blas.gemmBitsTransA(x.bits, rows, x.words, word, gy, out, j0, j1, gw, in, s.block(ROW_BLOCK, out),
                            s.lists(64 * ROW_BLOCK), s.counts);
            }
        } else {
            int i0 = word0 * 64, i1 = Math.min(in, word1 * 64);
            for (int i = i0; i < i1; i++) Arrays.fill(gw[i], j0, j1, 0f);
            float[] row = s.row;
            for (int r = 0; r < rows; r++) {
                System.arraycopy(gy, r * out + j0, row, j0, j1 - j0);
                for (int i = i0; i < i1; i++) {
                    float v = x.dense[r * in + i];
                    if (v != 0) Blas.axpy(v, row, gw[i], j0, j1);
                }
            }
        }
    }

    @Override
    public float[][] params() {
        float[][] p = Arrays.copyOf(w, in + 1);
        p[in] = b;
        return p;
    }

    @Override
    public float[][] grads() {
        float[][] p = Arrays.copyOf(gw, in + 1);
        p[in] = gb;
        return p;
    }

    @Override
    public String[] paramNames() {
        String[] n = new String[in + 1];
        for (int i = 0; i < in; i++) n[i] = "weight row " + i;
        n[in] = "bias";
        return n;
    }
}
