package org.snn4j.train.sg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snn4j.cell.Reset;
import org.snn4j.data.Dataset;
import org.snn4j.util.DivergenceException;
import org.snn4j.util.Rng;

class SgTrainingTest {
    /** Ten noisy prototypes of 8×8 pixels in [0, 1]: a small generated stand-in for MNIST. */
    static Dataset prototypes(int n, double noise, long seed) {
        Rng r = new Rng(seed);
        int dim = 64;
        double[][] proto = new double[10][dim];
        Rng pr = new Rng(99);
        for (double[] p : proto) for (int k = 0; k < dim; k++) p[k] = pr.nextDouble() < 0.3 ? 0.6 + 0.4 * pr.nextDouble() : 0;
        float[] im = new float[n * dim];
        int[] lb = new int[n];
        for (int s = 0; s < n; s++) {
            int c = r.nextInt(10);
            lb[s] = c;
            for (int k = 0; k < dim; k++) im[s * dim + k] = (float) Math.max(0, Math.min(1, proto[c][k] + noise * r.nextGaussian()));
        }
        return new Dataset("prototypes", 8, 8, 10, im, lb);
    }

    static SgNet net(int threads) {
        return SgMlp.build(64, new int[] {48}, 10, 0.9, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25), false, threads, 7);
    }

    @Test
    void learnsAboveChance() {
        Dataset train = prototypes(800, 0.2, 1), test = prototypes(300, 0.2, 2);
        try (SgNet net = net(2)) {
            SgTrainer tr = new SgTrainer(net, Loss.CE_COUNT, 10, 32, 2e-3, 0, false, 3);
            double before = tr.evaluate(test, 0)[0];
            for (int e = 1; e <= 3; e++) tr.trainEpoch(train, e, null);
            double after = tr.evaluate(test, 1)[0];
            // chance is 0.1; 300 test images: a binomial sd of 0.017 at p = 0.1
            assertTrue(after > 0.6, "test accuracy " + after + " (before training " + before + ")");
        }
    }

    /** fit = the epoch loop, and returns an immutable model with recipe and provenance that evaluates as the trainer does. */
    @Test
    void fitReturnsAnImmutableModelWithProvenance() {
        Dataset train = prototypes(300, 0.2, 1), test = prototypes(100, 0.2, 2);
        double[] viaLoop;
        float[][] loopParams;
        try (SgNet net = net(2)) {
            SgTrainer tr = new SgTrainer(net, Loss.CE_COUNT, 10, 32, 2e-3, 0, true, 3);
            tr.plan(2 * 10);
            tr.trainEpoch(train, 1, null);
            tr.trainEpoch(train, 2, null);
            viaLoop = tr.evaluate(test, 0);
            loopParams = net.params();
        }
        try (SgNet net = net(2)) {
            SgTrainer tr = new SgTrainer(net, Loss.CE_COUNT, 10, 32, 2e-3, 0, true, 3);
            SgModel model = tr.fit(train, 2, "rate", null);
            float[][] p = net.params();
            for (int t = 0; t < p.length; t++) org.junit.jupiter.api.Assertions.assertArrayEquals(loopParams[t], p[t], 0f);
            for (float[] a : p) java.util.Arrays.fill(a, 0f);   // the model is a copy: the runtime network may change
            assertEquals(viaLoop[0], model.evaluate(test, 1), 0.0);
            assertEquals(new SgModel.Recipe(10, "rate", "ce_count", 32, 3), model.recipe());
            assertEquals(3L, model.provenance().seed());
            assertEquals("prototypes", model.provenance().dataset());
            assertEquals(2e-3, model.provenance().config().get("lr"));
            assertTrue(model.provenance().metrics().containsKey("train_accuracy"));
        }
    }

    @Test
    void trainingIsIdenticalOnOneAndTwoThreads() {
        Dataset train = prototypes(200, 0.2, 1);
        float[][] ref = null;
        for (int threads : new int[] {1, 2}) {
            try (SgNet net = net(threads)) {
                SgTrainer tr = new SgTrainer(net, Loss.CE_RATE, 8, 16, 2e-3, 1e-4, true, 3);
                tr.plan(26);
                tr.trainEpoch(train, 1, null);
                tr.trainEpoch(train, 2, null);
                float[][] p = net.params();
                if (ref == null) ref = p;
                else for (int k = 0; k < p.length; k++) assertArrayEquals(ref[k], p[k], 0f, "tensor " + k);
            }
        }
    }

    /**
     * Layers at least {@link Linear#TABLE_MIN_OUT} wide take the subset-sum paths (forward and
     * weight gradient): the same parameters for a seed on 1 and 2 threads, run after run.
     */
    @Test
    void wideLayersTrainIdenticallyOnOneAndTwoThreadsAndRunToRun() {
        Dataset train = prototypes(160, 0.2, 1);
        float[][] ref = null;
        for (int threads : new int[] {1, 2, 2}) {
            try (SgNet net = SgMlp.build(64, new int[] {96, 80}, 10, 0.9, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25), false, threads, 7)) {
                SgTrainer tr = new SgTrainer(net, Loss.CE_RATE, 8, 16, 2e-3, 1e-4, true, 3);
                tr.plan(20);
                tr.trainEpoch(train, 1, null);
                float[][] p = net.params();
                if (ref == null) ref = p;
                else for (int k = 0; k < p.length; k++) assertArrayEquals(ref[k], p[k], 0f, "tensor " + k + " on " + threads + " threads");
            }
        }
    }

    @Test
    void nonFiniteGradientStopsTrainingWithItsPlace() {
        Dataset train = prototypes(64, 0.2, 1);
        try (SgNet net = net(2)) {
            ((Linear) net.layers().get(2)).weights()[3][4] = Float.NaN;
            SgTrainer tr = new SgTrainer(net, Loss.CE_COUNT, 5, 16, 1e-3, 0, false, 3);
            DivergenceException e = assertThrows(DivergenceException.class, () -> tr.trainEpoch(train, 1, null));
            assertTrue(e.getMessage().contains("training step 1"), e.getMessage());
        }
    }

    @Test
    void rateEncoderFiresWithThePixelProbability() {
        int n = 100, T = 2000, words = 2;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = i / (float) (n - 1);
        long[] bits = new long[T * words];
        RateEncoder.encode(x, 0, n, T, new Rng(5), bits, 0, words, new int[n + 1]);
        for (int i = 0; i < n; i++) {
            int c = 0;
            for (int t = 0; t < T; t++) c += (int) (bits[t * words + (i >>> 6)] >>> (i & 63) & 1L);
            double p = x[i], sd = Math.sqrt(T * p * (1 - p));
            assertEquals(T * p, c, 5 * sd + 1e-9, "pixel " + i);
        }
    }
}
