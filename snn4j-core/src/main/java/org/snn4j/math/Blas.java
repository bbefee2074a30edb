package org.snn4j.math;

/**
 * A small BLAS-like facade of single-precision kernels, written so that HotSpot's C2 compiler
 * vectorises the inner loops (AVX2/AVX-512 on x86).
 *
 * <p><b>Why matrices are arrays of rows.</b> C2 (JDK 17) vectorises {@code c[j] += a[j]} only when
 * every array in the loop is indexed by the same {@code j}: with {@code c[cOff + j] += a[aOff + j]}
 * it cannot exclude that c and a are one array with overlapping ranges, and it leaves the loop
 * scalar (four to five times slower here). The kernels therefore take matrices as arrays of rows
 * ({@code float[][]}, row i = {@code m[i]}) and accumulate into a separate row array; callers that
 * keep activations in one flat array copy a row in and out with {@link System#arraycopy} (cheap
 * next to the accumulation).
 *
 * <p>Spiking networks multiply binary (spike) matrices with real ones. For a binary row x,
 * {@code x·W} is the sum of the rows of W selected by the ones of x ({@link #addRows}): its cost is
 * proportional to the number of spikes, not to the input width, and it needs no multiplications.
 * Binary rows are stored as bit sets (bit i of word i/64) and expanded with {@link #bitIndices}.
 *
 * <p>The kernels are sequential; parallel callers split rows or column ranges of the output
 * between threads. Each output element is computed by a fixed sequence of operations whatever the
 * split (SIMD lanes are independent and C2 does not fuse or reorder floating-point additions), so
 * results are bit-identical whatever the number of threads.
 */
public final class Blas {
    private Blas() {
    }

    /**
     * c[j] += Σ_{p ∈ [p0, p1)} w[rows[p]][j] for j ∈ [j0, j1): the sum of selected rows of W (a binary
     * row times W). Rows are added four at a time, c += ((w₀ + w₁) + (w₂ + w₃)), then one by one.
     */
    public static void addRows(float[][] w, int[] rows, int p0, int p1, float[] c, int j0, int j1) {
        int p = p0;
        for (; p + 3 < p1; p += 4) {
            float[] w0 = w[rows[p]], w1 = w[rows[p + 1]], w2 = w[rows[p + 2]], w3 = w[rows[p + 3]];
            for (int j = j0; j < j1; j++) c[j] += (w0[j] + w1[j]) + (w2[j] + w3[j]);
        }
        for (; p < p1; p++) {
            float[] w0 = w[rows[p]];
            for (int j = j0; j < j1; j++) c[j] += w0[j];
        }
    }

    /**
     * Subset-sum table of W for binary inputs taken four at a time ("method of the four Russians"):
     * for group g (inputs 4g … 4g+3) and nibble pattern p ∈ [1, 16), row 16g + p of {@code table}
     * holds Σ_{b: bit b of p set} W[4g + b][0:n). Row 16g + p is built as row 16g + (p with its
     * lowest bit cleared) plus one weight row, so the whole table costs one row addition per entry.
     * A binary row x then gives x·W as the sum of one table row per non-zero nibble of x
     * ({@link #nibbleIndices}, then {@link #addRows}): at most ⌈in/4⌉ rows instead of one per spike,
     * half the additions at 50 % input density. Patterns that involve inputs ≥ in are not built
     * (they never occur). Rows 16g (the empty pattern) are never read.
     *
     * @param table at least 16·⌈in/4⌉ rows of length ≥ n
     */
    public static void subsetTable(float[][] w, int in, int n, float[][] table) {
        subsetTable(w, in, 0, n, table);
    }

    /** {@link #subsetTable(float[][], int, int, float[][])} restricted to columns [j0, j1). */
    public static void subsetTable(float[][] w, int in, int j0, int j1, float[][] table) {
        subsetTable(w, in, 0, (in + 3) >>> 2, j0, j1, table);
    }

    /**
     * {@link #subsetTable(float[][], int, int, float[][])} restricted to the input groups [g0, g1)
     * (inputs 4·g0 … 4·g1 − 1) and columns [j0, j1): disjoint group ranges can be built in parallel.
     */
    public static void subsetTable(float[][] w, int in, int g0, int g1, int j0, int j1, float[][] table) {
        for (int g = g0; g < g1; g++) {
            int valid = Math.min(4, in - 4 * g), lim = 1 << valid;
            for (int p = 1; p < lim; p++) {
                int low = Integer.numberOfTrailingZeros(p), rest = p & (p - 1);
                float[] dst = table[16 * g + p], src = w[4 * g + low];
                if (rest == 0) {
                    System.arraycopy(src, j0, dst, j0, j1 - j0);
                } else {
                    float[] prev = table[16 * g + rest];
                    for (int j = j0; j < j1; j++) dst[j] = prev[j] + src[j];
                }
            }
        }
    }

    /**
     * Writes the {@link #subsetTable} row of every non-zero nibble of {@code words} bit words starting
     * at {@code bits[off]} (row 16·(nibble index) + nibble value) into {@code dst} in ascending order
     * and returns their number.
     */
    public static int nibbleIndices(long[] bits, int off, int words, int[] dst) {
        int n = 0;
        for (int w = 0; w < words; w++) {
            long x = bits[off + w];
            int base = w << 8;   // 16 nibbles × 16 rows per word
            while (x != 0) {
                int k = Long.numberOfTrailingZeros(x) >>> 2;
                int p = (int) (x >>> (k << 2)) & 15;
                dst[n++] = base + (k << 4) + p;
                x &= ~(15L << (k << 2));
            }
        }
        return n;
    }

    /** c[j] += Σ_p vals[p] · w[rows[p]][j] for j ∈ [j0, j1): a sparse row times W, four rows at a time. */
    public static void addScaledRows(float[][] w, int[] rows, float[] vals, int p0, int p1, float[] c, int j0, int j1) {
        int p = p0;
        for (; p + 3 < p1; p += 4) {
            float[] w0 = w[rows[p]], w1 = w[rows[p + 1]], w2 = w[rows[p + 2]], w3 = w[rows[p + 3]];
            float a0 = vals[p], a1 = vals[p + 1], a2 = vals[p + 2], a3 = vals[p + 3];
            for (int j = j0; j < j1; j++) c[j] += (a0 * w0[j] + a1 * w1[j]) + (a2 * w2[j] + a3 * w3[j]);
        }
        for (; p < p1; p++) {
            float[] w0 = w[rows[p]];
            float a = vals[p];
            for (int j = j0; j < j1; j++) c[j] += a * w0[j];
        }
    }

    /** c[j] += a · x[j] for j ∈ [j0, j1). */
    public static void axpy(float a, float[] x, float[] c, int j0, int j1) {
        for (int j = j0; j < j1; j++) c[j] += a * x[j];
    }

    /** c[j] += x[j] for j ∈ [j0, j1). */
    public static void add(float[] x, float[] c, int j0, int j1) {
        for (int j = j0; j < j1; j++) c[j] += x[j];
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

    /** Gathers the non-zero entries of a[aOff .. aOff+k) into (idx, val) and returns their number. */
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
     * Dense C = A · B for rows [r0, r1): A is flat m × k (row r at aOff + r·k), B is k rows of n,
     * C is flat m × n (row r at cOff + r·n). Zero entries of A are skipped. {@code idx}, {@code val}
     * (length ≥ k) and {@code acc} (length ≥ n) are scratch.
     */
    public static void gemm(int r0, int r1, int n, int k, float[] a, int aOff, float[][] b, float[] c, int cOff,
                            int[] idx, float[] val, float[] acc) {
        for (int r = r0; r < r1; r++) {
            java.util.Arrays.fill(acc, 0, n, 0f);
            int nz = nonZeros(a, aOff + r * k, k, idx, val);
            addScaledRows(b, idx, val, 0, nz, acc, 0, n);
            System.arraycopy(acc, 0, c, cOff + r * n, n);
        }
    }

    /**
     * C = Aᵀ · G for a binary A, restricted to the 64 rows of C of one word column and to columns
     * [j0, j1): A is m rows of bits ({@code words} longs per row, row r at r·words), G is flat m × n,
     * C is rows of n. C[i][j0:j1] for i ∈ [64·word, 64·word + 64) is overwritten with
     * Σ_{r: A[r, i] = 1} G[r, j0:j1].
     *
     * <p>The rows of A are taken in blocks of {@code gBlock.length}; within a block, each i collects
     * the rows where it is set, and those rows of G (copied into {@code gBlock}) are summed with
     * {@link #addRows}, four at a time, into C[i]. The order of the sums depends only on A.
     *
     * @param gBlock scratch rows (each of length ≥ n); their number is the block size R
     * @param lists  scratch of length ≥ 64·R
     * @param counts scratch of length ≥ 64
     */
    public static void gemmBitsTransA(long[] bitsA, int m, int words, int word, float[] g, int n, int j0, int j1, float[][] c,
                                      int cRows, float[][] gBlock, int[] lists, int[] counts) {
        int i0 = word << 6, i1 = Math.min(cRows, i0 + 64), R = gBlock.length;
        for (int i = i0; i < i1; i++) java.util.Arrays.fill(c[i], j0, j1, 0f);
        for (int rb = 0; rb < m; rb += R) {
            int re = Math.min(m, rb + R);
            java.util.Arrays.fill(counts, 0, 64, 0);
            boolean any = false;
            for (int r = rb; r < re; r++) {
                long x = bitsA[r * words + word];
                if (x == 0) continue;
                any = true;
                int q = r - rb;
                System.arraycopy(g, r * n + j0, gBlock[q], j0, j1 - j0);
                while (x != 0) {
                    int b = Long.numberOfTrailingZeros(x);
                    lists[b * R + counts[b]++] = q;
                    x &= x - 1;
                }
            }
            if (!any) continue;
            for (int b = 0; b < 64 && i0 + b < i1; b++)
                if (counts[b] > 0) addRows(gBlock, lists, b * R, b * R + counts[b], c[i0 + b], j0, j1);
        }
    }

    /**
     * The same product as {@link #gemmBitsTransA} (C[i][j0:j1] = Σ_{r: A[r, i] = 1} G[r, j0:j1] for
     * the rows i of the word columns [word0, word1)), through subset-sum tables of G: the rows of A are taken
     * four at a time; for such a group the rows of G are copied into {@code tab} rows 16q + 2^b and the
     * other patterns p (the subsets that occur) are built as row 16q + (p with its lowest bit cleared)
     * plus one row of G (at most 11 row additions per group). Each i then adds one table row per group
     * whose 4-bit column pattern (the bits of rows 4q … 4q+3 at i) is non-zero, four at a time
     * ({@link #addRows}): at 50 % density about half the additions of the row-by-row kernel. The
     * order of the sums depends only on A, so results do not depend on how the callers split the work.
     *
     * @param word0  first word column (C rows from 64·word0) ...
     * @param word1  ... and the end of the word columns: one table serves all of them
     * @param tab    scratch rows (each of length ≥ n); 16·G rows for blocks of 4·G rows of A
     * @param lists  scratch of length ≥ 64·(word1 − word0)·G
     * @param counts scratch of length ≥ 64·(word1 − word0)
     */
    public static void gemmBitsTransA4(long[] bitsA, int m, int words, int word0, int word1, float[] g, int n, int j0, int j1,
                                       float[][] c, int cRows, float[][] tab, int[] lists, int[] counts) {
        int i0 = word0 << 6, i1 = Math.min(cRows, word1 << 6), G = tab.length >>> 4, R = 4 * G, len = j1 - j0, nb = i1 - i0;
        for (int i = i0; i < i1; i++) java.util.Arrays.fill(c[i], j0, j1, 0f);
        for (int rb = 0; rb < m; rb += R) {
            int re = Math.min(m, rb + R);
            java.util.Arrays.fill(counts, 0, nb, 0);
            for (int q = 0; 4 * q + rb < re; q++) {
                int r0 = rb + 4 * q, need = 0;
                for (int w = word0; w < word1; w++) {
                    long x0 = bitsA[r0 * words + w];
                    long x1 = r0 + 1 < re ? bitsA[(r0 + 1) * words + w] : 0L;
                    long x2 = r0 + 2 < re ? bitsA[(r0 + 2) * words + w] : 0L;
                    long x3 = r0 + 3 < re ? bitsA[(r0 + 3) * words + w] : 0L;
                    long any = x0 | x1 | x2 | x3;
                    int ob = (w - word0) << 6;
                    while (any != 0) {   // the 4-bit column pattern of each input that is set in one of the rows
                        int b = Long.numberOfTrailingZeros(any);
                        any &= any - 1;
                        int nib = (int) (x0 >>> b & 1) | (int) (x1 >>> b & 1) << 1 | (int) (x2 >>> b & 1) << 2 | (int) (x3 >>> b & 1) << 3;
                        lists[(ob + b) * G + counts[ob + b]++] = 16 * q + nib;
                        need |= 1 << nib;
                    }
                }
                if (need == 0) continue;
                // the patterns that occur, and the ones they are built from
                for (int p = 15; p > 0; p--) if ((need >>> p & 1) != 0) need |= 1 << (p & (p - 1)) | 1 << (p & -p);
                int base = 16 * q;
                for (int p = 1; p < 16; p++) {
                    if ((need >>> p & 1) == 0) continue;
                    int low = Integer.numberOfTrailingZeros(p), rest = p & (p - 1);
                    if (rest == 0) {
                        System.arraycopy(g, (r0 + low) * n + j0, tab[base + p], j0, len);
                    } else {
                        float[] dst = tab[base + p], prev = tab[base + rest], src = tab[base + (1 << low)];
                        for (int j = j0; j < j1; j++) dst[j] = prev[j] + src[j];
                    }
                }
            }
            for (int b = 0; b < nb; b++)
                if (counts[b] > 0) addRows(tab, lists, b * G, b * G + counts[b], c[i0 + b], j0, j1);
        }
    }

    /** dst[j][i] = src[i][j]: src has m rows of n, dst n rows of m. */
    public static void transpose(float[][] src, int m, int n, float[][] dst) {
        final int bs = 32;
        for (int i0 = 0; i0 < m; i0 += bs)
            for (int j0 = 0; j0 < n; j0 += bs) {
                int i1 = Math.min(m, i0 + bs), j1 = Math.min(n, j0 + bs);
                for (int i = i0; i < i1; i++) {
                    float[] s = src[i];
                    for (int j = j0; j < j1; j++) dst[j][i] = s[j];
                }
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
