package org.snn4j.train.sg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.snn4j.cell.Reset;

/**
 * Learnable-decay LIF, Synaptic and recurrent LIF layers against finite differences of their
 * forward pass (smooth spikes whose derivative stands in for the surrogate, as in
 * {@link SgGradientTest}), for several T; the windowed (recompute) engine against the plain one;
 * truncated BPTT.
 */
class SgLayersTest {
    /** The resets the dedicated layers run (the reset within the spike's step is a cell's; CellLayerTest checks it). */
    private static final Reset[] DELAYED_RESETS = {Reset.SUBTRACT, Reset.ZERO};

    /** Linear(nIn, H) → hidden → Linear(H, K) → LIF(K), smooth spikes; input weights scaled up so that units reset. */
    static SgNet net(int nIn, int nHid, int nOut, Layer hidden, boolean binaryIn, int threads, long seed) {
        List<Layer> ls = new ArrayList<>();
        ls.add(new Linear(nIn, nHid, seed));
        ls.add(hidden);
        ls.add(new Linear(nHid, nOut, seed + 1));
        ls.add(new Lif(nOut, 0.85, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25)).smooth(SgGradientTest.SIGMOID));
        for (float[] row : ((Linear) ls.get(0)).w) for (int k = 0; k < row.length; k++) row[k] *= 2;
        for (float[] row : ((Linear) ls.get(2)).w) for (int k = 0; k < row.length; k++) row[k] *= 3;
        return new SgNet(nIn, binaryIn, ls, threads);
    }

    static void fdCheck(IntFunction<Layer> hidden, Reset[] resets, long seed) {
        int nIn = 6, H = 8, K = 3, B = 3;
        for (int T : new int[] {1, 5, 14}) {
            try (SgNet n = net(nIn, H, K, hidden.apply(T), false, 2, seed + T)) {
                n.prepare(T, B);
                SgGradientTest.check(n, SgGradientTest.denseInput(SgGradientTest.uniform(B * T * nIn, seed + 7 * T)), new int[] {0, 2, 1},
                        Loss.CE_COUNT, 40, T);
            }
        }
    }

    @Test
    void lifLearnableBetaPerLayerAndPerNeuron() {
        for (Reset r : DELAYED_RESETS) {
            fdCheck(T -> new Lif(8, 0.9, 1.0, r, Surrogate.fastSigmoid(25)).smooth(SgGradientTest.SIGMOID).learnBeta(false), null, 31);
            fdCheck(T -> {
                Lif l = new Lif(8, 0.9, 1.0, r, Surrogate.fastSigmoid(25)).smooth(SgGradientTest.SIGMOID).learnBeta(true);
                for (int i = 0; i < 8; i++) l.betaP[i] = 0.5f + 0.05f * i;   // distinct decays
                return l;
            }, null, 41);
        }
    }

    @Test
    void learnableBetaIsClampedWithZeroGradientOutside() {
        Lif l = new Lif(4, 0.9, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25)).learnBeta(true);
        l.betaP[0] = 1.3f;
        l.betaP[1] = -0.2f;
        assertEquals(1f, l.beta(0));
        assertEquals(0f, l.beta(1));
        assertEquals(0.9f, l.beta(2));
        try (SgNet n = new SgNet(3, false, List.of(new Linear(3, 4, 1), l), 1)) {
            n.prepare(6, 2);
            n.gradients(SgGradientTest.denseInput(SgGradientTest.uniform(36, 2)), new int[] {0, 1}, Loss.CE_RATE);
            assertEquals(0f, l.gBeta[0]);
            assertEquals(0f, l.gBeta[1]);
        }
    }

    @Test
    void synapticBackwardMatchesFiniteDifferences() {
        for (Reset r : DELAYED_RESETS)
            fdCheck(T -> new Synaptic(8, 0.7, 0.85, 1.0, r, Surrogate.fastSigmoid(25)).smooth(SgGradientTest.SIGMOID), null, 51);
    }

    @Test
    void synapticLearnableDecaysMatchFiniteDifferences() {
        for (Reset r : DELAYED_RESETS) {
            fdCheck(T -> new Synaptic(8, 0.3, 0.6, 1.0, r, Surrogate.fastSigmoid(25)).smooth(SgGradientTest.SIGMOID).learn(true, true, false),
                    null, 71);
            fdCheck(T -> {
                Synaptic l = new Synaptic(8, 0.3, 0.6, 1.0, r, Surrogate.fastSigmoid(25)).smooth(SgGradientTest.SIGMOID).learn(true, true, true);
                for (int i = 0; i < 8; i++) {
                    l.alphaP[i] = 0.2f + 0.03f * i;
                    l.betaP[i] = 0.7f - 0.03f * i;
                }
                return l;
            }, null, 81);
        }
    }

    @Test
    void recurrentLifBackwardMatchesFiniteDifferences() {
        for (Reset r : DELAYED_RESETS)
            fdCheck(T -> {
                RecurrentLif l = new RecurrentLif(8, 0.9, 1.0, r, Surrogate.fastSigmoid(25), 5).smooth(SgGradientTest.SIGMOID);
                for (float[] row : l.v) for (int j = 0; j < row.length; j++) row[j] *= 2;   // a recurrent path that matters
                return l;
            }, null, 61);
    }

    /** A spiking network of every stateful layer (Heaviside spikes as bits). */
    static SgNet mixed(int threads, int window, int truncate) {
        int nIn = 90, H = 70;
        List<Layer> ls = new ArrayList<>();
        ls.add(new Linear(nIn, H, 1));
        ls.add(new Synaptic(H, 0.8, 0.9, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25)).learn(true, true, true));
        ls.add(new Linear(H, H, 2));
        ls.add(new RecurrentLif(H, 0.9, 1.0, Reset.ZERO, Surrogate.arctan(2), 3));
        ls.add(new Linear(H, H, 4));
        ls.add(new Lif(H, 0.9, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25)).learnBeta(true));
        ls.add(new Linear(H, 5, 5));
        ls.add(new LeakyReadout(5, 0.9));
        for (int l : new int[] {0, 2, 4, 6}) for (float[] row : ((Linear) ls.get(l)).w) for (int k = 0; k < row.length; k++) row[k] *= 3;
        return new SgNet(nIn, true, ls, threads).truncate(truncate).memoryWindow(window);
    }

    static float[][] grads(int threads, int window, int truncate, int T, double[] lossOut) {
        int B = 5;
        try (SgNet n = mixed(threads, window, truncate)) {
            n.prepare(T, B);
            double l = n.gradients(SgGradientTest.binaryInput(SgGradientTest.spikes(B * T, 90, 0.3, 9)), new int[] {0, 1, 2, 3, 4},
                    Loss.CE_MAX);
            if (lossOut != null) lossOut[0] = l;
            float[][] g = n.paramGrads();
            float[][] c = new float[g.length][];
            for (int p = 0; p < g.length; p++) c[p] = g[p].clone();
            return c;
        }
    }

    static void assertClose(float[][] a, float[][] b, String what) {
        double max = 0;
        for (float[] r : a) for (float v : r) max = Math.max(max, Math.abs(v));
        assertTrue(max > 1e-5, "gradients vanish");
        for (int p = 0; p < a.length; p++)
            for (int i = 0; i < a[p].length; i++)
                assertEquals(a[p][i], b[p][i], 1e-5 * max + 1e-4 * Math.abs(a[p][i]), what + ": tensor " + p + " index " + i);
    }

    @Test
    void recomputeWindowsGiveTheFullGradient() {
        int T = 23;
        double[] l0 = new double[1], l1 = new double[1];
        float[][] full = grads(2, 0, 0, T, l0);
        for (int m : new int[] {1, 5, 8}) {
            float[][] win = grads(2, m, 0, T, l1);
            assertEquals(l0[0], l1[0], 1e-9, "loss");
            assertClose(full, win, "window " + m);
        }
        // deterministic whatever the thread count
        float[][] a = grads(1, 5, 0, T, null), b = grads(3, 5, 0, T, null);
        for (int p = 0; p < a.length; p++) assertArrayEquals(a[p], b[p], 0f);
    }

    /** The bit-set path of the recurrent weight gradient against a naive sum over spikes. */
    @Test
    void recurrentWeightGradientFromSpikeBits() {
        int T = 12, B = 5;
        try (SgNet n = mixed(2, 0, 0)) {
            n.prepare(T, B);
            n.gradients(SgGradientTest.binaryInput(SgGradientTest.spikes(B * T, 90, 0.3, 9)), new int[] {0, 1, 2, 3, 4}, Loss.CE_MAX);
            RecurrentLif rl = (RecurrentLif) n.layers().get(3);
            Seq y = n.activations(3);
            float[] gI = n.grads[3];
            int H = rl.out, spikes = 0;
            double max = 0;
            for (int i = 0; i < H; i++)
                for (int j = 0; j < H; j++) {
                    double g = 0;
                    for (int b = 0; b < B; b++)
                        for (int t = 1; t < T; t++)
                            if (y.get(b, t - 1, i) != 0) g += gI[(b * T + t) * H + j];
                    assertEquals(g, rl.gv[i][j], 1e-5 + 1e-4 * Math.abs(g), "dV[" + i + "][" + j + "]");
                    max = Math.max(max, Math.abs(g));
                }
            for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) for (int i = 0; i < H; i++) spikes += (int) y.get(b, t, i);
            assertTrue(spikes > 50 && max > 1e-4, spikes + " recurrent spikes, max gradient " + max);
        }
    }

    @Test
    void truncatedBptt() {
        int T = 20;
        // a window of at least T is full BPTT
        float[][] full = grads(2, 0, 0, T, null);
        float[][] tr = grads(2, 0, T, T, null);
        for (int p = 0; p < full.length; p++) assertArrayEquals(full[p], tr[p], 0f);
        // truncation changes the gradient, and the recompute engine truncates the same way
        float[][] t6 = grads(2, 0, 6, T, null);
        boolean differs = false;
        for (int p = 0; p < full.length && !differs; p++) differs = !java.util.Arrays.equals(full[p], t6[p]);
        assertTrue(differs, "truncation had no effect");
        assertClose(t6, grads(2, 4, 6, T, null), "truncate 6, window 4");
        assertClose(t6, grads(2, 6, 6, T, null), "truncate 6, window 6");
    }

    /**
     * Truncation to one step in a single LIF layer: ∂L/∂I_t is the surrogate times ∂L/∂z_t alone
     * (no carry through the membrane).
     */
    @Test
    void truncationToOneStepDropsTheTemporalCarry() {
        int T = 7, B = 2, n = 4;
        Lif lif = new Lif(n, 0.9, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25));
        try (SgNet net = new SgNet(n, false, List.of(lif), 1).truncate(1)) {
            net.prepare(T, B);
            float[] x = SgGradientTest.uniform(B * T * n, 3);
            for (int k = 0; k < x.length; k++) x[k] *= 2;
            net.gradients(SgGradientTest.denseInput(x), new int[] {1, 3}, Loss.MSE_COUNT);
            float[] gI = net.grads[0];
            // MSE_COUNT: ∂L/∂z_t = 2 (count − target) / K / B for every t
            for (int b = 0; b < B; b++) {
                double[] count = new double[n];
                for (int t = 0; t < T; t++) for (int i = 0; i < n; i++) count[i] += net.output().get(b, t, i);
                for (int t = 0; t < T; t++)
                    for (int i = 0; i < n; i++) {
                        double dz = 2 * (count[i] - (i == (b == 0 ? 1 : 3) ? 0.8 : 0.2) * T) / n / B;
                        double d = 1 + 25 * Math.abs(lif.membrane(b, t, i) - 1);
                        assertEquals(dz / (d * d), gI[(b * T + t) * n + i], 1e-6);
                    }
            }
        }
    }

    @Test
    void recomputeKeepsLessState() {
        int T = 200, B = 4;
        long full, win;
        try (SgNet n = mixed(1, 0, 0)) {
            n.prepare(T, B);
            full = n.stateBytes();
        }
        try (SgNet n = mixed(1, 10, 0)) {
            n.prepare(T, B);
            win = n.stateBytes();
        }
        assertTrue(win * 4 < full, "windowed " + win + " vs full " + full);
        // both grow linearly in T: equal increments from T = 100 to 200 and from 200 to 300
        for (int m : new int[] {0, 10}) {
            long[] b = new long[3];
            for (int k = 0; k < 3; k++)
                try (SgNet n = mixed(1, m, 0)) {
                    n.prepare(100 * (k + 1), B);
                    b[k] = n.stateBytes();
                }
            assertEquals(b[1] - b[0], b[2] - b[1], "window " + m + ": " + java.util.Arrays.toString(b));
        }
    }
}
