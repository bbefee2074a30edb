package org.snn4j.train.sg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.snn4j.cell.Reset;
import org.snn4j.util.Rng;

/**
 * The backward passes against finite differences of the forward pass. The spike function is made
 * smooth (a steep sigmoid s(x) = 1/(1 + e^{−κx}), whose exact derivative then stands in as the
 * surrogate), so the network is a differentiable function of its parameters away from the points
 * where a (detached) reset switches; coordinates whose ±ε evaluations change a reset are skipped.
 */
class SgGradientTest {
    static final float KAPPA = 4f;

    static final Lif.Smooth SIGMOID = new Lif.Smooth() {
        @Override
        public float value(float x) {
            return (float) (1 / (1 + Math.exp(-KAPPA * x)));
        }

        @Override
        public float derivative(float x) {
            float s = value(x);
            return KAPPA * s * (1 - s);
        }
    };

    /** Fixed dense input, uniform in [0, 1]. */
    static SgNet.InputFiller denseInput(float[] data) {
        return (in, b0, b1, sc) -> {
            int len = in.steps() * in.n;
            System.arraycopy(data, b0 * len, in.dense, b0 * len, (b1 - b0) * len);
        };
    }

    /** Fixed binary input (spikes with probability 0.4). */
    static SgNet.InputFiller binaryInput(long[] data) {
        return (in, b0, b1, sc) -> {
            int len = in.steps() * in.words;
            System.arraycopy(data, b0 * len, in.bits, b0 * len, (b1 - b0) * len);
        };
    }

    static long resetSignature(SgNet net) {
        long h = 17;
        for (Layer l : net.layers()) {
            float[] mem = null;
            float th = 0;
            if (l instanceof Lif lif) {
                mem = lif.mem;
                th = lif.theta;
            } else if (l instanceof Synaptic syn) {
                mem = syn.mem;
                th = syn.theta;
            } else if (l instanceof RecurrentLif rl) {
                mem = rl.mem;
                th = rl.theta;
            }
            if (l instanceof CellLayer cl) h = cl.resetSignature(h, net.batch(), net.steps());
            if (mem != null) for (int k = 0; k < net.batch() * net.steps() * l.out; k++) h = h * 31 + (mem[k] > th ? 1 : 0);
        }
        return h;
    }

    /** Checks every parameter gradient of {@code net} (up to {@code perTensor} random coordinates per tensor). */
    static void check(SgNet net, SgNet.InputFiller fill, int[] labels, Loss loss, int perTensor, long seed) {
        net.gradients(fill, labels, loss);
        float[][] p = net.params(), g = net.paramGrads();
        float[][] analytic = new float[g.length][];
        for (int t = 0; t < g.length; t++) analytic[t] = g[t].clone();
        long sig0 = resetSignature(net);
        Rng r = new Rng(seed);
        int checked = 0, skipped = 0;
        double maxAbs = 0;
        for (float[] a : analytic) for (float v : a) maxAbs = Math.max(maxAbs, Math.abs(v));
        assertTrue(maxAbs > 1e-6, "gradients vanish: the test would be empty");
        for (int t = 0; t < p.length; t++) {
            int n = Math.min(perTensor, p[t].length);
            for (int c = 0; c < n; c++) {
                int k = p[t].length <= perTensor ? c : r.nextInt(p[t].length);
                float orig = p[t][k];
                float eps = 5e-4f;
                p[t][k] = orig + eps;
                double lp = net.infer(fill, labels, loss);
                long sp = resetSignature(net);
                p[t][k] = orig - eps;
                double lm = net.infer(fill, labels, loss);
                long sm = resetSignature(net);
                p[t][k] = orig;
                if (sp != sig0 || sm != sig0) {
                    if (System.getenv("SG_DEBUG") != null) System.err.println("skip t=" + t + " k=" + k + " " + (sp != sig0) + " " + (sm != sig0));
                    skipped++;
                    continue;
                }
                double fd = (lp - lm) / (2 * (double) eps);
                double an = analytic[t][k];
                assertEquals(fd, an, 2e-3 * maxAbs + 2e-2 * Math.abs(an),
                        "tensor " + t + " index " + k + ": finite difference " + fd + " vs backward " + an);
                checked++;
            }
        }
        assertTrue(checked > 4 * skipped && checked >= 20, "checked " + checked + ", skipped " + skipped);
    }

    static float[] uniform(int n, long seed) {
        Rng r = new Rng(seed);
        float[] x = new float[n];
        for (int k = 0; k < n; k++) x[k] = (float) r.nextDouble();
        return x;
    }

    static long[] spikes(int rows, int n, double p, long seed) {
        Rng r = new Rng(seed);
        int words = (n + 63) >>> 6;
        long[] bits = new long[rows * words];
        for (int row = 0; row < rows; row++)
            for (int i = 0; i < n; i++) if (r.nextDouble() < p) bits[row * words + (i >>> 6)] |= 1L << (i & 63);
        return bits;
    }

    static SgNet mlp(int nIn, int nHid, int nOut, boolean binaryIn, Reset reset, boolean readout, int threads, long seed) {
        List<Layer> ls = new ArrayList<>();
        ls.add(new Linear(nIn, nHid, seed));
        ls.add(new Lif(nHid, 0.9, 1.0, reset, Surrogate.fastSigmoid(25)).smooth(SIGMOID));
        ls.add(new Linear(nHid, nOut, seed + 1));
        if (readout) ls.add(new LeakyReadout(nOut, 0.8));
        else ls.add(new Lif(nOut, 0.85, 1.0, reset, Surrogate.fastSigmoid(25)).smooth(SIGMOID));
        SgNet net = new SgNet(nIn, binaryIn, ls, threads);
        // larger input weights, so that the hidden units cross threshold and reset
        for (float[] row : ((Linear) ls.get(0)).w) for (int k = 0; k < row.length; k++) row[k] *= 3;
        for (float[] row : ((Linear) ls.get(2)).w) for (int k = 0; k < row.length; k++) row[k] *= 3;
        return net;
    }

    @Test
    void subtractiveResetCountLossDenseInput() {
        for (int T : new int[] {1, 4, 15}) {
            int B = 3, nIn = 7;
            try (SgNet net = mlp(nIn, 9, 4, false, Reset.SUBTRACT, false, 2, 11 + T)) {
                net.prepare(T, B);
                check(net, denseInput(uniform(B * T * nIn, T)), new int[] {0, 3, 1}, Loss.CE_COUNT, 40, T);
            }
        }
    }

    @Test
    void zeroResetRateLossBinaryInput() {
        for (int T : new int[] {2, 12}) {
            int B = 4, nIn = 70;   // two words per row
            try (SgNet net = mlp(nIn, 8, 3, true, Reset.ZERO, false, 2, 21 + T)) {
                net.prepare(T, B);
                check(net, binaryInput(spikes(B * T, nIn, 0.4, T)), new int[] {2, 0, 1, 2}, Loss.CE_RATE, 40, T);
            }
        }
    }

    @Test
    void readoutWithMaxAndMeanLosses() {
        int T = 10, B = 3, nIn = 6;
        for (Loss loss : new Loss[] {Loss.CE_MAX, Loss.CE_MEAN}) {
            try (SgNet net = mlp(nIn, 10, 5, false, Reset.SUBTRACT, true, 1, 6)) {
                net.prepare(T, B);
                check(net, denseInput(uniform(B * T * nIn, 9)), new int[] {4, 0, 2}, loss, 40, 3);
            }
        }
    }

    @Test
    void mseCountLoss() {
        int T = 8, B = 2, nIn = 5;
        try (SgNet net = mlp(nIn, 6, 3, false, Reset.SUBTRACT, false, 2, 8)) {
            net.prepare(T, B);
            check(net, denseInput(uniform(B * T * nIn, 4)), new int[] {1, 2}, Loss.MSE_COUNT, 40, 8);
        }
    }

    /**
     * The production network (Heaviside spikes as bits, fast-sigmoid surrogate) against a naive,
     * independent double-precision implementation of the same forward pass and BPTT.
     */
    @Test
    void heavisideNetworkMatchesNaiveBptt() {
        int T = 12, B = 3, nIn = 40, H = 16, K = 4;
        float beta1 = 0.95f, beta2 = 0.9f, k = 25f;
        List<Layer> ls = List.of(new Linear(nIn, H, 1), new Lif(H, beta1, 1, Reset.SUBTRACT, Surrogate.fastSigmoid(k)),
                new Linear(H, K, 2), new Lif(K, beta2, 1, Reset.SUBTRACT, Surrogate.fastSigmoid(k)));
        Linear l1 = (Linear) ls.get(0), l2 = (Linear) ls.get(2);
        for (float[] row : l1.w) for (int q = 0; q < row.length; q++) row[q] *= 4;
        for (float[] row : l2.w) for (int q = 0; q < row.length; q++) row[q] *= 4;
        long[] in = spikes(B * T, nIn, 0.3, 77);
        int[] y = {1, 3, 0};
        try (SgNet net = new SgNet(nIn, true, ls, 2)) {
            net.prepare(T, B);
            double loss = net.gradients(binaryInput(in), y, Loss.CE_COUNT);
            // naive reference
            double[][] gW1 = new double[nIn][H], gW2 = new double[H][K];
            double[] gb1 = new double[H], gb2 = new double[K];
            double ref = 0;
            int spikesSeen = 0;
            for (int b = 0; b < B; b++) {
                double[][] x = new double[T][nIn], v1 = new double[T][H], s1 = new double[T][H], v2 = new double[T][K], s2 = new double[T][K];
                for (int t = 0; t < T; t++)
                    for (int i = 0; i < nIn; i++) x[t][i] = (in[(b * T + t) * 1 + 0] >>> i & 1L);
                for (int t = 0; t < T; t++) {
                    for (int j = 0; j < H; j++) {
                        double cur = l1.b[j];
                        for (int i = 0; i < nIn; i++) cur += x[t][i] * l1.w[i][j];
                        double vp = t == 0 ? 0 : v1[t - 1][j];
                        v1[t][j] = beta1 * vp + cur - (vp > 1 ? 1 : 0);
                        s1[t][j] = v1[t][j] > 1 ? 1 : 0;
                        spikesSeen += (int) s1[t][j];
                    }
                    for (int j = 0; j < K; j++) {
                        double cur = l2.b[j];
                        for (int i = 0; i < H; i++) cur += s1[t][i] * l2.w[i][j];
                        double vp = t == 0 ? 0 : v2[t - 1][j];
                        v2[t][j] = beta2 * vp + cur - (vp > 1 ? 1 : 0);
                        s2[t][j] = v2[t][j] > 1 ? 1 : 0;
                    }
                }
                double[] count = new double[K];
                for (int t = 0; t < T; t++) for (int j = 0; j < K; j++) count[j] += s2[t][j];
                double m = 0, z = 0;
                for (double c : count) m = Math.max(m, c);
                for (double c : count) z += Math.exp(c - m);
                ref += (m + Math.log(z) - count[y[b]]) / B;
                double[] dcount = new double[K];
                for (int j = 0; j < K; j++) dcount[j] = (Math.exp(count[j] - m) / z - (j == y[b] ? 1 : 0)) / B;
                double[] carry2 = new double[K], carry1 = new double[H];
                for (int t = T - 1; t >= 0; t--) {
                    double[] dI2 = new double[K];
                    for (int j = 0; j < K; j++) {
                        double d = 1 + k * Math.abs(v2[t][j] - 1);
                        double g = dcount[j] / (d * d) + carry2[j];
                        dI2[j] = g;
                        carry2[j] = beta2 * g;
                        gb2[j] += g;
                        for (int i = 0; i < H; i++) gW2[i][j] += s1[t][i] * g;
                    }
                    for (int i = 0; i < H; i++) {
                        double ds = 0;
                        for (int j = 0; j < K; j++) ds += dI2[j] * l2.w[i][j];
                        double d = 1 + k * Math.abs(v1[t][i] - 1);
                        double g = ds / (d * d) + carry1[i];
                        carry1[i] = beta1 * g;
                        gb1[i] += g;
                        for (int q = 0; q < nIn; q++) gW1[q][i] += x[t][q] * g;
                    }
                }
            }
            assertTrue(spikesSeen > 20, "hidden layer silent");
            assertEquals(ref, loss, 1e-5);
            double max = 0;
            for (double[] r : gW1) for (double v : r) max = Math.max(max, Math.abs(v));
            assertTrue(max > 1e-4, "gradient vanishes");
            for (int i = 0; i < nIn; i++)
                for (int j = 0; j < H; j++) assertEquals(gW1[i][j], l1.gw[i][j], 1e-4 * max + 1e-4 * Math.abs(gW1[i][j]), "dW1");
            for (int j = 0; j < H; j++) assertEquals(gb1[j], l1.gb[j], 1e-4 * max + 1e-4 * Math.abs(gb1[j]), "db1");
            for (int i = 0; i < H; i++)
                for (int j = 0; j < K; j++) assertEquals(gW2[i][j], l2.gw[i][j], 1e-4 * max + 1e-4 * Math.abs(gW2[i][j]), "dW2");
            for (int j = 0; j < K; j++) assertEquals(gb2[j], l2.gb[j], 1e-4 * max + 1e-4 * Math.abs(gb2[j]), "db2");
        }
    }

    /** Gradients are bit-identical on 1 and 3 threads. */
    @Test
    void gradientsIndependentOfThreadCount() {
        float[][] ref = null;
        for (int threads : new int[] {1, 3}) {
            int T = 6, B = 5, nIn = 130, H = 200;
            List<Layer> ls = List.of(new Linear(nIn, H, 1), new Lif(H, 0.95, 1, Reset.SUBTRACT, Surrogate.arctan(2)),
                    new Linear(H, 10, 2), new Lif(10, 0.95, 1, Reset.SUBTRACT, Surrogate.arctan(2)));
            try (SgNet net = new SgNet(nIn, true, ls, threads)) {
                net.prepare(T, B);
                net.gradients(binaryInput(spikes(B * T, nIn, 0.5, 3)), new int[] {0, 1, 2, 3, 4}, Loss.CE_COUNT);
                float[][] g = net.paramGrads();
                if (ref == null) ref = g;
                else for (int t = 0; t < g.length; t++) assertArrayEquals(ref[t], g[t], 0f);
            }
        }
    }
}
