package org.snn4j.train.sg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.snn4j.util.Rng;

/** Linear's three forward paths (direct, per-thread table, shared table) agree with the plain sum. */
class SgLinearPathsTest {
    @Test
    void forwardPathsAgreeWithTheNaiveProduct() {
        int in = 130, out = 80, T = 20, B = 8;
        Linear lin = new Linear(in, out, 3);
        lin.allocate(T, B);
        Seq x = new Seq(in, true);
        x.ensure(T, B);
        Rng r = new Rng(4);
        for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) for (int i = 0; i < in; i++) if (r.nextDouble() < 0.4) x.set(b, t, i, 1);
        Layer.Scratch s = new Layer.Scratch(in + 1);
        Seq direct = new Seq(out, false), perThread = new Seq(out, false), shared = new Seq(out, false);
        for (Seq y : new Seq[] {direct, perThread, shared}) y.ensure(T, B);
        for (int b = 0; b < B; b++) lin.forward(x, direct, b, b + 1, s);   // 20 rows per call: below the table threshold
        lin.forward(x, perThread, 0, B, s);                                 // 160 rows: per-thread table
        lin.beforeForward();
        lin.forward(x, shared, 0, B, s);
        lin.afterPass();
        assertArrayEquals(perThread.dense, shared.dense, "the same table, the same order");
        float[][] w = lin.weights();
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++)
                for (int j = 0; j < out; j++) {
                    double sum = lin.bias()[j];
                    for (int i = 0; i < in; i++) if (x.get(b, t, i) != 0) sum += w[i][j];
                    assertEquals(sum, direct.get(b, t, j), 1e-5);
                    assertEquals(sum, shared.get(b, t, j), 1e-5);
                }
        // after the pass the shared table is not used: changed weights take effect at once
        w[0][0] += 1f;
        Seq again = new Seq(out, false);
        again.ensure(T, B);
        lin.forward(x, again, 0, B, s);
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++)
                assertEquals(perThread.get(b, t, 0) + x.get(b, t, 0), again.get(b, t, 0), 1e-5);
    }

    /** The table forward's blocks of rows give each row the floats of one row at a time (nibble rows through addRows). */
    @Test
    void blockedTableRowsAreBitIdenticalToOneRowAtATime() {
        int in = 130, out = 80, T = 21, B = 7;   // 147 rows: blocks of 32 and a partial one
        Linear lin = new Linear(in, out, 5);
        lin.allocate(T, B);
        Seq x = new Seq(in, true);
        x.ensure(T, B);
        Rng r = new Rng(6);
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++) {
                double density = (b * T + t) % 5 == 0 ? 0.03 : 0.1 + 0.8 * r.nextDouble();   // rows far apart in the table too
                for (int i = 0; i < in; i++) if (r.nextDouble() < density) x.set(b, t, i, 1);
            }
        Seq y = new Seq(out, false);
        y.ensure(T, B);
        lin.forward(x, y, 0, B, new Layer.Scratch(in + 1));
        float[][] table = new float[16 * ((in + 3) / 4)][out];
        org.snn4j.math.Blas.subsetTable(lin.weights(), in, out, table);
        int[] idx = new int[(in + 3) / 4];
        float[] acc = new float[out];
        for (int row = 0; row < T * B; row++) {
            System.arraycopy(lin.bias(), 0, acc, 0, out);
            int nz = org.snn4j.math.Blas.nibbleIndices(x.bits, row * x.words, x.words, idx);
            org.snn4j.math.Blas.addRows(table, idx, 0, nz, acc, 0, out);
            for (int j = 0; j < out; j++)
                assertEquals(Float.floatToRawIntBits(acc[j]), Float.floatToRawIntBits(y.dense[row * out + j]), "row " + row + ", column " + j);
        }
    }

    /** ∂L/∂W of a wide layer (the subset-sum gradient kernel) equals Σ_{b,t} x_tᵀ g_t. */
    @Test
    void wideWeightGradientEqualsTheNaiveProduct() {
        int in = 130, out = 80, T = 21, B = 7;
        Linear lin = new Linear(in, out, 3);
        lin.allocate(T, B);
        Seq x = new Seq(in, true);
        x.ensure(T, B);
        Rng r = new Rng(5);
        for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) for (int i = 0; i < in; i++) if (r.nextDouble() < 0.5) x.set(b, t, i, 1);
        float[] g = new float[T * B * out];
        for (int k = 0; k < g.length; k++) g[k] = (float) (r.nextDouble() * 2 - 1);
        Layer.Scratch s = new Layer.Scratch(in + 1);
        for (int task = 0; task < lin.paramTasks(); task++) lin.paramGrads(x, g, task, s);
        for (int i = 0; i < in; i++)
            for (int j = 0; j < out; j++) {
                double sum = 0;
                for (int row = 0; row < T * B; row++) if (x.get(row / T, row % T, i) != 0) sum += g[row * out + j];
                assertEquals(sum, lin.gw[i][j], 1e-5, "dW[" + i + "][" + j + "]");
            }
    }

    /** The tiled dense forward (rows without zeros) gives the very floats of the sparse-row path (Blas.addScaledRows over all inputs). */
    @Test
    void denseTilesAreBitIdenticalToTheRowPath() {
        int in = 203, out = Linear.DENSE_COLS + 77, T = 7, B = 5;   // 35 rows: 4 blocks of 8 and a rest; in % 4 = 3
        Linear lin = new Linear(in, out, 9);
        lin.allocate(T, B);
        Seq x = new Seq(in, false);
        x.ensure(T, B);
        Rng r = new Rng(5);
        for (int k = 0; k < T * B * in; k++) x.dense[k] = (float) (r.nextDouble() * 2 - 1);
        x.dense[17 * in + 3] = 0f;   // one row with a zero: its block takes the row path
        Seq y = new Seq(out, false);
        y.ensure(T, B);
        lin.forward(x, y, 0, B, new Layer.Scratch(Math.max(in, out) + 1));
        int[] all = new int[in];
        float[] vals = new float[in], acc = new float[out];
        for (int row = 0; row < T * B; row++) {
            int nz = 0;
            for (int i = 0; i < in; i++) if (x.dense[row * in + i] != 0) {
                all[nz] = i;
                vals[nz++] = x.dense[row * in + i];
            }
            System.arraycopy(lin.bias(), 0, acc, 0, out);
            org.snn4j.math.Blas.addScaledRows(lin.weights(), all, vals, 0, nz, acc, 0, out);
            for (int j = 0; j < out; j++)
                assertEquals(Float.floatToRawIntBits(acc[j]), Float.floatToRawIntBits(y.dense[row * out + j]), "row " + row + ", column " + j);
        }
    }
}
