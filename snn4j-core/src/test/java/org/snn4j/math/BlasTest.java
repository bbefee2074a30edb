package org.snn4j.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.snn4j.util.Rng;

/** The blocked and table-driven kernels against the naive products (in double). */
class BlasTest {
    static long[] randomBits(int rows, int in, double density, Rng r) {
        int words = (in + 63) / 64;
        long[] bits = new long[rows * words];
        for (int row = 0; row < rows; row++)
            for (int i = 0; i < in; i++)
                if (r.nextDouble() < density) bits[row * words + (i >>> 6)] |= 1L << (i & 63);
        return bits;
    }

    static boolean bit(long[] bits, int words, int row, int i) {
        return (bits[row * words + (i >>> 6)] >>> (i & 63) & 1L) != 0;
    }

    static float[][] randomRows(int m, int n, Rng r) {
        float[][] a = new float[m][n];
        for (float[] row : a) for (int j = 0; j < n; j++) row[j] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    @Test
    void subsetTableForwardEqualsNaiveProduct() {
        Rng r = new Rng(7);
        for (int in : new int[] {1, 3, 4, 63, 64, 65, 130, 784}) {
            for (double density : new double[] {0.05, 0.5, 0.97}) {
                int n = 37, rows = 20, words = (in + 63) / 64;
                float[][] w = randomRows(in, n, r);
                long[] x = randomBits(rows, in, density, r);
                float[][] table = new float[16 * ((in + 3) / 4)][n];
                Blas.subsetTable(w, in, n, table);
                int[] idx = new int[in + 1];
                for (int row = 0; row < rows; row++) {
                    float[] c = new float[n];
                    int nz = Blas.nibbleIndices(x, row * words, words, idx);
                    assertEquals(true, nz <= (in + 3) / 4);
                    Blas.addRows(table, idx, 0, nz, c, 0, n);
                    for (int j = 0; j < n; j++) {
                        double s = 0, mag = 0;
                        for (int i = 0; i < in; i++)
                            if (bit(x, words, row, i)) {
                                s += w[i][j];
                                mag += Math.abs(w[i][j]);
                            }
                        // float sums of at most `in` terms: error ≤ in · ε · Σ|terms|
                        assertEquals(s, c[j], 1e-7 * in * (mag + 1), "in " + in + " row " + row + " col " + j);
                    }
                }
            }
        }
    }

    @Test
    void subsetTableColumnRangeFillsOnlyThoseColumns() {
        Rng r = new Rng(8);
        float[][] w = randomRows(10, 40, r);
        float[][] full = new float[48][40], part = new float[48][40];
        Blas.subsetTable(w, 10, 40, full);
        Blas.subsetTable(w, 10, 0, 16, part);
        Blas.subsetTable(w, 10, 16, 40, part);
        for (int k = 0; k < 48; k++) assertArrayEquals(full[k], part[k]);
    }

    @Test
    void bitGradientKernelEqualsNaiveProductAtAnyColumnTile() {
        Rng r = new Rng(9);
        int m = 70, in = 150, n = 45, words = (in + 63) / 64;
        long[] x = randomBits(m, in, 0.4, r);
        float[] g = new float[m * n];
        for (int k = 0; k < g.length; k++) g[k] = (float) (r.nextDouble() * 2 - 1);
        float[][] ref = null;
        for (int tile : new int[] {n, 16, 7}) {
            float[][] c = new float[in][n];
            float[][] block = new float[32][n];
            for (int word = 0; word < words; word++)
                for (int j0 = 0; j0 < n; j0 += tile)
                    Blas.gemmBitsTransA(x, m, words, word, g, n, j0, Math.min(n, j0 + tile), c, in, block, new int[64 * 32], new int[64]);
            for (int i = 0; i < in; i++)
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int row = 0; row < m; row++) if (bit(x, words, row, i)) s += g[row * n + j];
                    assertEquals(s, c[i][j], 1e-5, "dW[" + i + "][" + j + "]");
                }
            if (ref == null) ref = c;
            else for (int i = 0; i < in; i++) assertArrayEquals(ref[i], c[i], "the column tile does not change any sum");
        }
    }

    @Test
    void subsetSumGradientKernelEqualsNaiveProductAndIsTheSameAtAnyTileOrBlock() {
        Rng r = new Rng(10);
        for (double density : new double[] {0.5, 0.05, 0.95}) {
            int m = 71, in = 150, n = 45, words = (in + 63) / 64;   // m not a multiple of 4 or of the block
            long[] x = randomBits(m, in, density, r);
            float[] g = new float[m * n];
            for (int k = 0; k < g.length; k++) g[k] = (float) (r.nextDouble() * 2 - 1);
            float[][] ref = null;
            for (int tile : new int[] {n, 16, 7}) {
                float[][] c = new float[in][n];
                for (int i = 0; i < in; i++) java.util.Arrays.fill(c[i], Float.NaN);   // must be overwritten
                float[][] tab = new float[16 * 8][n];
                for (float[] t : tab) java.util.Arrays.fill(t, Float.NaN);   // unused table rows must never be read
                int span = tile == 16 ? 2 : 1;   // one word per call, or two words sharing the tables
                for (int word = 0; word < words; word += span)
                    for (int j0 = 0; j0 < n; j0 += tile)
                        Blas.gemmBitsTransA4(x, m, words, word, Math.min(words, word + span), g, n, j0, Math.min(n, j0 + tile), c, in, tab,
                                new int[64 * 2 * 8], new int[64 * 2]);
                for (int i = 0; i < in; i++)
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int row = 0; row < m; row++) if (bit(x, words, row, i)) s += g[row * n + j];
                        assertEquals(s, c[i][j], 1e-5, "dW[" + i + "][" + j + "] at density " + density);
                    }
                if (ref == null) ref = c;
                else for (int i = 0; i < in; i++) assertArrayEquals(ref[i], c[i], "neither the column tile nor the word span changes any sum");
            }
        }
    }
}
