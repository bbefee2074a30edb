package org.snn4j.train.sg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.snn4j.cell.Reset;

/**
 * Conv2d and Pool2d: finite-difference gradients of every parameter through a small convolutional
 * network (smooth spikes, so the loss is differentiable), with varying and constant input over time,
 * strides, padding, dilation and groups; spike input equals the same input as floats; thread counts agree.
 */
class ConvLayersTest {
    /** in (2×9×9) → conv → pool → LIF → conv → pool → LIF → Linear → LIF, all smooth. */
    static List<Layer> layers(Pool2d.Mode mode, int stride, int pad, int dil, int groups, long seed) {
        List<Layer> ls = new ArrayList<>();
        Conv2d c1 = new Conv2d(2, 9, 9, 4, 3, 3, stride, pad, dil, groups, seed);
        for (int i = 0; i < c1.w.length; i++) c1.w[i] *= 3;
        ls.add(c1);
        Pool2d p1 = new Pool2d(mode, 4, c1.outH, c1.outW, 2, 2, false);
        ls.add(p1);
        ls.add(new Lif(p1.out, 0.8, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25)).smooth(SgGradientTest.SIGMOID));
        Conv2d c2 = new Conv2d(4, p1.outH, p1.outW, 6, 2, 2, 1, 1, 1, groups == 1 ? 1 : 2, seed + 1);
        for (int i = 0; i < c2.w.length; i++) c2.w[i] *= 4;
        ls.add(c2);
        ls.add(new Lif(c2.out, 0.8, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25)).smooth(SgGradientTest.SIGMOID));
        Linear fc = new Linear(c2.out, 3, seed + 2);
        for (float[] row : fc.w) for (int k = 0; k < row.length; k++) row[k] *= 3;
        ls.add(fc);
        ls.add(new Lif(3, 0.85, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25)).smooth(SgGradientTest.SIGMOID));
        return ls;
    }

    private static void fd(Pool2d.Mode mode, int stride, int pad, int dil, int groups, boolean constantInput, long seed) {
        int T = 6, B = 3, nIn = 2 * 9 * 9;
        float[] x = SgGradientTest.uniform(B * T * nIn, seed);
        if (constantInput)   // every step of a sample the same image (direct current coding)
            for (int b = 0; b < B; b++) for (int t = 1; t < T; t++) System.arraycopy(x, b * T * nIn, x, (b * T + t) * nIn, nIn);
        try (SgNet n = new SgNet(nIn, false, layers(mode, stride, pad, dil, groups, seed), 2)) {
            n.prepare(T, B);
            SgGradientTest.check(n, SgGradientTest.denseInput(x), new int[] {0, 2, 1}, Loss.CE_COUNT, 12, seed);
        }
    }

    @Test
    void maxPoolNetworkGradientsMatchFiniteDifferences() {
        fd(Pool2d.Mode.MAX, 1, 0, 1, 1, false, 11);
    }

    /** in (2×9×9) → conv with max-pooling inside → LIF → conv → LIF → Linear → LIF, smooth. */
    @Test
    void convolutionWithPoolingInsideMatchesFiniteDifferencesAndTheSeparateLayers() {
        int T = 6, B = 3, nIn = 2 * 9 * 9;
        float[] x = SgGradientTest.uniform(B * T * nIn, 21);
        for (boolean constant : new boolean[] {false, true}) {
            if (constant) for (int b = 0; b < B; b++) for (int t = 1; t < T; t++) System.arraycopy(x, b * T * nIn, x, (b * T + t) * nIn, nIn);
            float[][] grads = new float[2][];
            for (int fused = 0; fused < 2; fused++) {
                List<Layer> ls = new ArrayList<>();
                Conv2d c1 = new Conv2d(2, 9, 9, 4, 3, 3, 1, 1, 1, 1, fused == 1 ? 2 : 1, 21);
                for (int i = 0; i < c1.w.length; i++) c1.w[i] *= 3;
                ls.add(c1);
                int n1 = 4 * 4 * 4;
                if (fused == 0) ls.add(new Pool2d(4, 9, 9, 2, false));
                ls.add(new Lif(n1, 0.8, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25)).smooth(SgGradientTest.SIGMOID));
                Conv2d c2 = new Conv2d(4, 4, 4, 6, 2, 2, 1, 1, 1, 1, 2, 22);
                for (int i = 0; i < c2.w.length; i++) c2.w[i] *= 4;
                ls.add(c2);
                ls.add(new Lif(c2.out, 0.8, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25)).smooth(SgGradientTest.SIGMOID));
                Linear fc = new Linear(c2.out, 3, 23);
                for (float[] row : fc.w) for (int k = 0; k < row.length; k++) row[k] *= 3;
                ls.add(fc);
                ls.add(new Lif(3, 0.85, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25)).smooth(SgGradientTest.SIGMOID));
                try (SgNet n = new SgNet(nIn, false, ls, 2)) {
                    n.prepare(T, B);
                    if (fused == 1) SgGradientTest.check(n, SgGradientTest.denseInput(x), new int[] {0, 2, 1}, Loss.CE_COUNT, 12, 21);
                    n.gradients(SgGradientTest.denseInput(x), new int[] {0, 2, 1}, Loss.CE_COUNT);
                    grads[fused] = c1.gw.clone();
                }
            }
            assertArrayEquals(grads[0], grads[1], 0f, "pooling inside the convolution or as a layer");
        }
    }

    @Test
    void constantInputSharesTheWeightGradientOverSteps() {
        fd(Pool2d.Mode.MAX, 1, 1, 1, 1, true, 12);
    }

    @Test
    void stridedDilatedGroupedConvolutionsAndAveragePooling() {
        fd(Pool2d.Mode.AVG, 2, 1, 2, 2, false, 13);
        fd(Pool2d.Mode.SUM, 1, 0, 2, 1, false, 14);
    }

    @Test
    void spikeInputEqualsTheSameInputAsFloatsAndThreadsAgree() {
        int T = 5, B = 4, nIn = 2 * 9 * 9;
        long[] bits = SgGradientTest.spikes(B * T, nIn, 0.2, 5);
        float[] dense = new float[B * T * nIn];
        int words = (nIn + 63) >>> 6;
        for (int r = 0; r < B * T; r++)
            for (int i = 0; i < nIn; i++) dense[r * nIn + i] = (bits[r * words + (i >>> 6)] >>> (i & 63) & 1L) != 0 ? 1f : 0f;
        float[][] outs = new float[3][];
        float[][][] grads = new float[3][][];
        int[] labels = {0, 1, 2, 1};
        for (int k = 0; k < 3; k++) {
            List<Layer> ls = new ArrayList<>();
            Conv2d c = new Conv2d(2, 9, 9, 5, 3, 1, 1, 7);
            ls.add(c);
            ls.add(new Pool2d(5, 9, 9, 3, false));
            ls.add(new Lif(5 * 3 * 3, 0.9, 0.5, Reset.SUBTRACT, Surrogate.fastSigmoid(25)));
            Conv2d c2 = new Conv2d(5, 3, 3, 4, 2, 1, 0, 8);
            ls.add(c2);
            ls.add(new Pool2d(4, 2, 2, 2, false));
            ls.add(new Lif(4, 0.9, 0.5, Reset.SUBTRACT, Surrogate.fastSigmoid(25)));
            boolean binary = k != 1;
            try (SgNet n = new SgNet(nIn, binary, ls, k == 2 ? 1 : 2)) {
                n.prepare(T, B);
                n.gradients(binary ? SgGradientTest.binaryInput(bits) : SgGradientTest.denseInput(dense), labels, Loss.CE_COUNT);
                outs[k] = n.activations(0).dense.clone();
                grads[k] = new float[][] {c.gw.clone(), c.gb.clone(), c2.gw.clone()};
            }
        }
        assertArrayEquals(outs[0], outs[1], 0f, "spikes as bits or as floats");
        for (int k = 1; k < 3; k++)
            for (int g = 0; g < 3; g++) assertArrayEquals(grads[0][g], grads[k][g], 0f, "gradient " + g + " run " + k);
    }

    @Test
    void pytorchInitialisationBounds() {
        Conv2d c = new Conv2d(12, 12, 12, 64, 5, 1, 0, 1);
        double lim = 1 / Math.sqrt(12 * 25);
        float max = 0;
        for (float v : c.w) max = Math.max(max, Math.abs(v));
        assertEquals(lim, max, 0.01 * lim);
        assertEquals(64 * 8 * 8, c.out);
    }

    @Test
    void architectureStringsBuildTutorialSix() {
        List<Layer> ls = SgCnn.layers("12c5-mp2-64c5-mp2-10", 1, 28, 28, 0.95, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25), false, 1);
        assertEquals(6, ls.size());
        Conv2d c1 = (Conv2d) ls.get(0), c2 = (Conv2d) ls.get(2);
        assertEquals(12 * 12 * 12, c1.out);
        assertEquals(2, c1.pool);
        assertEquals(64 * 4 * 4, c2.out);
        assertEquals(1024, ls.get(4).in);
        assertEquals(10, ls.get(5).out);
        List<Layer> avg = SgCnn.layers("8c3s2p1-ap2-16", 2, 16, 16, 0.9, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25), true, 1);
        assertEquals(8 * 4 * 4, avg.get(1).out);   // 16 → 8 (stride 2, padding 1) → 4 (average pool)
        for (String bad : new String[] {"12c5-mp2", "12x5-10", "10-12c5-10", "12c40-10", "mp2-10"})
            org.junit.jupiter.api.Assertions.assertThrows(org.snn4j.util.InputException.class,
                    () -> SgCnn.layers(bad, 1, 28, 28, 0.95, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25), false, 1), bad);
    }

    @Test
    void convolutionalModelsRoundTripThroughTheModelFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        int T = 4, B = 2, nIn = 1 * 12 * 12;
        float[] x = SgGradientTest.uniform(B * T * nIn, 31);
        java.nio.file.Path f = dir.resolve("cnn.safetensors");
        float[] before, after;
        List<Layer> ls = SgCnn.layers("4c3-mp2-6c3p1-ap2-5", 1, 12, 12, 0.9, 0.3, Reset.SUBTRACT, Surrogate.fastSigmoid(25), false, 3);
        try (SgNet net = new SgNet(nIn, false, ls, 1)) {
            net.prepare(T, B);
            net.infer(SgGradientTest.denseInput(x), new int[] {0, 1}, Loss.CE_COUNT);
            before = ((Lif) ls.get(ls.size() - 1)).mem.clone();
            SgModel.of(net, new SgModel.Recipe(T, "direct", "ce_count", B, 1),
                    org.snn4j.io.ModelProvenance.of("test", java.util.Map.of(), 1, "none", java.util.Map.of(), java.util.Map.of())).save(f);
        }
        try (SgNet net = SgModel.load(f, 2)) {
            net.prepare(T, B);
            net.infer(SgGradientTest.denseInput(x), new int[] {0, 1}, Loss.CE_COUNT);
            after = ((Lif) net.layers().get(net.layers().size() - 1)).mem.clone();
        }
        assertArrayEquals(before, after, 0f);
    }

    @Test
    void dropoutDropsAFractionPScalesTheRestAndPassesThroughInInference() {
        int n = 500, T = 8, B = 3;
        double p = 0.3;
        Seq x = new Seq(n, false), y = new Seq(n, false);
        x.ensure(T, B);
        y.ensure(T, B);
        java.util.Arrays.fill(x.dense, 0, B * T * n, 1f);
        Dropout d = new Dropout(n, p, 9);
        d.allocate(T, B);
        d.mode(false, 0);
        d.forward(x, y, 0, B, null);
        for (int k = 0; k < B * T * n; k++) assertEquals(1f, y.dense[k]);
        d.mode(true, 5);
        d.forward(x, y, 0, B, null);
        int dropped = 0;
        for (int k = 0; k < B * T * n; k++) {
            if (y.dense[k] == 0f) dropped++;
            else assertEquals(1 / (1 - p), y.dense[k], 1e-6);
        }
        double N = B * T * n, sd = Math.sqrt(N * p * (1 - p));
        assertEquals(N * p, dropped, 5 * sd, "dropped " + dropped + " of " + N);   // binomial: 5 standard deviations
        float[] gy = new float[B * T * n], gx = new float[B * T * n];
        for (int k = 0; k < gy.length; k++) gy[k] = k % 7;
        d.backward(x, y, gy, gx, 0, B, null);
        for (int k = 0; k < gy.length; k++) assertEquals(y.dense[k] * gy[k], gx[k], 1e-5, "the same mask backward, " + k);
        // a split into sample ranges (threads) gives the same mask
        Seq y2 = new Seq(n, false);
        y2.ensure(T, B);
        d.forward(x, y2, 0, 1, null);
        d.forward(x, y2, 1, B, null);
        assertArrayEquals(java.util.Arrays.copyOf(y.dense, B * T * n), java.util.Arrays.copyOf(y2.dense, B * T * n), 0f);
        d.mode(true, 6);   // another training step, another mask
        d.forward(x, y2, 0, B, null);
        org.junit.jupiter.api.Assertions.assertFalse(java.util.Arrays.equals(y.dense, y2.dense));
    }
}
