package org.snn4j.math;

/**
 * A small BLAS-like facade of single-precision kernels on flat row-major arrays, written so that
 * HotSpot's C2 compiler vectorises the inner loops (contiguous {@code c[j] += …} loops over a
 * column range, no reductions), and cache-blocked over columns so that the block of the right-hand
 * matrix being read stays in the L2 cache.
 *
 * <p>All matrices are row-major: element (r, j) of a matrix with leading dimension {@code ld} at
 * {@code off + r·ld + j}. The kernels are sequential; parallel callers split rows (of C) or column
 * ranges (of C) between threads. Every output element is computed by one fixed sequence of
 * floating-point operations that does not depend on the split (the column blocking only changes the
 * loop order over independent elements), so results are bit-identical whatever the number of
 * threads.
 *
 * <p>Spiking networks multiply binary (spike) matrices with real ones. For a binary row x,
 * {@code x·W} is the sum of the rows of W selected by the ones of x ({@link #addRows}); its cost is
 * proportional to the number of spikes, not to the input width. Binary rows are stored as bit sets
 * ({@code long} words, bit i of word i/64) and expanded with {@link #bitIndices}.
 */
public final class Blas {
    private Blas() {
    }

    /** Columns per block: a k × {@value} block of a float matrix with k ≈ 800 takes about 400 kB (half an L2). */
    public static final int COLUMN_BLOCK = 128;

    /**
     * c[cOff + j] += Σ_{p ∈ [p0, p1)} w[rows[p]·ldw + j] for j ∈ [j0, j1): the sum of selected rows of
     * W (a binary row times W). Rows are added four at a time, ((w₀ + w₁) + (w₂ + w₃)), then one by
     * one for the remainder.
     */
    public static void addRows(float[] w, int ldw, int[] rows, int p0, int p1, float[] c, int cOff, int j0, int j1) {
        int p = p0;
        for (; p + 3 < p1; p += 4) {
            int o0 = rows[p] * ldw, o1 = rows[p + 1] * ldw, o2 = rows[p + 2] * ldw, o3 = rows[p + 3] * ldw;
            for (int j = j0; j < j1; j++)
                c[cOff + j] += (w[o0 + j] + w[o1 + j]) + (w[o2 + j] + w[o3 + j]);
        }
        for (; p < p1; p++) {
            int o = rows[p] * ldw;
            for (int j = j0; j < j1; j++) c[cOff + j] += w[o + j];
        }
    }

    /**
     * c[cOff + j] += Σ_p vals[p] · w[rows[p]·ldw + j] for j ∈ [j0, j1): a sparse row (indices and
     * values) times W, four rows at a time.
     */
    public static void addScaledRows(float[] w, int ldw, int[] rows, float[] vals, int p0, int p1, float[] c, int cOff,
                                     int j0, int j1) {
        int p = p0;
        for (; p + 3 < p1; p += 4) {
            int o0 = rows[p] * ldw, o1 = rows[p + 1] * ldw, o2 = rows[p + 2] * ldw, o3 = rows[p + 3] * ldw;
            float a0 = vals[p], a1 = vals[p + 1], a2 = vals[p + 2], a3 = vals[p + 3];
            for (int j = j0; j < j1; j++)
                c[cOff + j] += (a0 * w[o0 + j] + a1 * w[o1 + j]) + (a2 * w[o2 + j] + a3 * w[o3 + j]);
        }
        for (; p < p1; p++) {
            int o = rows[p] * ldw;
            float a = vals[p];
            for (int j = j0; j < j1; j++) c[cOff + j] += a * w[o + j];
        }
    }

    /** c[cOff + j] += a · x[xOff + j] for j ∈ [j0, j1). */
    public static void axpy(float a, float[] x, int xOff, float[] c, int cOff, int j0, int j1) {
        for (int j = j0; j < j1; j++) c[cOff + j] += a * x[xOff + j];
    }

    /** c[cOff + j] += x[xOff + j] for j ∈ [j0, j1). */
    public static void add(float[] x, int xOff, float[] c, int cOff, int j0, int j1) {
        for (int j = j0; j < j1; j++) c[cOff + j] += x[xOff + j];
    }

    /**
     * Writes the indices of the set bits of {@code words} words starting at {@code bits[off]} into
     * {@code dst} in ascending order and returns their number.
     */
    public static int bitIndices(long[] bits, int off, int words, int[] dst) {
        int n = 0;
        for (int w = 0; w < words; w++) {
            long x = bits[off + w];
            int base = w << 6;
            while (x != 0) {
                dst[n++] = base + Long.numberOfTrailingZeros(x);
                x &= x - 1;
            }
        }
        return n;
    }

    /**
     * Gathers the non-zero entries of row {@code a[aOff .. aOff+k)} into (idx, val) and returns their
     * number.
     */
    public static int nonZeros(float[] a, int aOff, int k, int[] idx, float[] val) {
        int n = 0;
        for (int p = 0; p < k; p++) {
            float v = a[aOff + p];
            if (v != 0) {
                idx[n] = p;
                val[n++] = v;
            }
        }
        return n;
    }

    /**
     * C (+)= A · B for rows [r0, r1) of C: A is m × k (lda), B is k × n (ldb), C is m × n (ldc). Zero
     * entries of A are skipped (cheap for sparse activations). {@code idx} and {@code val} are
     * scratch arrays of length ≥ k. With {@code accumulate} false, C's rows are overwritten.
     */
    public static void gemm(int r0, int r1, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc, boolean accumulate, int[] idx, float[] val) {
        if (bOff != 0) throw new IllegalArgumentException("gemm: B must start at offset 0");
        for (int r = r0; r < r1; r++) {
            int co = cOff + r * ldc;
            if (!accumulate) java.util.Arrays.fill(c, co, co + n, 0f);
            int nz = nonZeros(a, aOff + r * lda, k, idx, val);
            for (int j0 = 0; j0 < n; j0 += COLUMN_BLOCK)
                addScaledRows(b, ldb, idx, val, 0, nz, c, co, j0, Math.min(n, j0 + COLUMN_BLOCK));
        }
    }

    /**
     * C += Aᵀ · B restricted to columns [j0, j1) of C: A is m × k (lda), B is m × n (ldb), C is k × n
     * (ldc). Each row r of A scatters a[r, i] · B[r, j0:j1] into row i of C; zero entries of A are
     * skipped. Callers split the columns of C between threads (each element of C then sums over r in
     * the same order whatever the split).
     */
    public static void gemmTransA(int m, int k, int j0, int j1, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                  float[] c, int ldc, int[] idx, float[] val) {
        for (int r = 0; r < m; r++) {
            int nz = nonZeros(a, aOff + r * lda, k, idx, val);
            int bo = bOff + r * ldb;
            for (int p = 0; p < nz; p++) axpy(val[p], b, bo, c, idx[p] * ldc, j0, j1);
        }
    }

    /** dst (n × m) = srcᵀ, src m × n, both dense. */
    public static void transpose(float[] src, int m, int n, float[] dst) {
        final int bs = 32;
        for (int i0 = 0; i0 < m; i0 += bs)
            for (int j0 = 0; j0 < n; j0 += bs) {
                int i1 = Math.min(m, i0 + bs), j1 = Math.min(n, j0 + bs);
                for (int i = i0; i < i1; i++)
                    for (int j = j0; j < j1; j++) dst[j * m + i] = src[i * n + j];
            }
    }

    /** The index of the first NaN or infinite element of x[off .. off+len), or −1 when all are finite. */
    public static int firstNonFinite(float[] x, int off, int len) {
        for (int p = off; p < off + len; p++) {
            float v = x[p];
            if (v - v != 0) return p;   // NaN or ±Inf
        }
        return -1;
    }
}
