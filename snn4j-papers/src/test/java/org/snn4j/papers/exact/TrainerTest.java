package org.snn4j.papers.exact;

import org.snn4j.train.exact.BatchGradient;
import org.snn4j.train.exact.ExactGradient;
import org.snn4j.train.exact.QifNet;
import org.snn4j.train.exact.Trainer;
import org.snn4j.train.exact.Trial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snn4j.model.QifGateParams;
import org.snn4j.train.optim.Clip;
import org.snn4j.train.optim.Optimizer;
import org.snn4j.train.optim.ParamSet;
import org.snn4j.util.DivergenceException;
import org.snn4j.util.Rng;

class TrainerTest {
    static final double DT = 1.0;
    static final XorTask TASK = new XorTask(3, 0, DT, 200, 8, 20, 40, 30, 50, 30, 50, 10, 30);

    static QifNet net() {
        return new QifNet(10, 2, 1, DT, QifGateParams.defaults()).randomize(Rng.stream(4, 1), 5, 1, 0.1, 0.1, 10);
    }

    static double[] train(int threads, String optimizer, Path ck, int stopAfter, int iterations) throws Exception {
        QifNet net = net();
        try (BatchGradient bg = new BatchGradient(net, 200, 0, 0.01, threads)) {
            Optimizer opt = Optimizer.create(optimizer, 0.01, 0.9);
            Trainer tr = new Trainer(net, bg, opt, TASK, new Trainer.Config(iterations, 6, 5.0, 0.5, 2, ck, 0), null).lrScales(1, 1, 0.5, 10);
            if (stopAfter > 0) tr.stopAfter(stopAfter);
            tr.train();
            return net.w.clone();
        }
    }

    @Test
    void resumedRunEndsWithTheSameWeightsAsAnUninterruptedOne(@TempDir Path dir) throws Exception {
        for (String opt : new String[] {"adam", "sgd"}) {
            double[] straight = train(2, opt, null, 0, 7);
            Path ck = dir.resolve(opt + "-ck.safetensors");
            train(2, opt, ck, 3, 7);           // "killed" after 3 iterations (checkpoint at 2)
            assertTrue(Files.exists(ck));
            train(2, opt, ck, 1, 7);           // killed again after 1 more
            double[] resumed = train(2, opt, ck, 0, 7);
            assertArrayEquals(straight, resumed, 0.0, opt);
        }
    }

    /** A net large enough (N 100: 10,000+ parameters) that the batch gradient is reduced in column blocks on the team. */
    @Test
    void batchGradientOfALargeNetIsTheSameAtOneAndTwoThreads() {
        int n = 100, k = 100, b = 5;
        QifNet net = new QifNet(n, 2, 1, DT, QifGateParams.defaults()).randomize(Rng.stream(4, 2), 5, 1, 0.1, 0.1, 10);
        org.snn4j.train.exact.Trial[] batch = new org.snn4j.train.exact.Trial[b];
        Rng r = Rng.stream(4, 3);
        for (int t = 0; t < b; t++) {
            double[] x = new double[k * 2], y = new double[k], mask = new double[k];
            for (int q = 0; q < x.length; q++) x[q] = r.nextGaussian();
            for (int q = 0; q < k; q++) {
                y[q] = 0.1 * r.nextGaussian();
                mask[q] = 1;
            }
            batch[t] = new org.snn4j.train.exact.Trial(k, x, y, mask, 0);
        }
        assertTrue(net.size() >= 8192, "two reduction blocks: " + net.size());
        double[][] g = new double[2][net.size()];
        double[] loss = new double[2];
        for (int threads = 1; threads <= 2; threads++)
            try (BatchGradient bg = new BatchGradient(net, k, 0, 0.0, threads)) {
                loss[threads - 1] = bg.lossAndGradient(batch, g[threads - 1], null);
            }
        assertEquals(loss[0], loss[1], 0.0);
        assertArrayEquals(g[0], g[1], 0.0);
        double sum = 0;
        for (double v : g[0]) sum += Math.abs(v);
        assertTrue(sum > 0, "a gradient at all");
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() throws Exception {
        assertArrayEquals(train(1, "adam", null, 0, 3), train(2, "adam", null, 0, 3), 0.0);
        assertArrayEquals(train(1, "adam", null, 0, 3), train(3, "adam", null, 0, 3), 0.0);
    }

    @Test
    void trainingReducesTheLoss() throws Exception {
        // A fixed mini-batch (the same 8 trials every iteration): the exact gradient must fit it.
        QifNet net = net();
        Trial[] fixed = new Trial[8];
        for (int k = 0; k < fixed.length; k++) fixed[k] = TASK.trial(k);
        try (BatchGradient bg = new BatchGradient(net, 200, 0, 0.0, 2)) {
            Optimizer opt = Optimizer.create("adam", 0.05, 0.9);
            Trainer tr = new Trainer(net, bg, opt, i -> fixed[(int) (i % fixed.length)], new Trainer.Config(100, 8, 0, 1, 0, null, 0), null)
                    .lrScales(1, 1, 0.5, 10);
            tr.train();
            double first = tr.loss[0], last = ExactTraining.mean(tr.loss, 95, 100);
            assertTrue(last < 0.6 * first, "loss " + first + " -> " + last); // measured 1.10 -> 0.56
        }
    }

    @Test
    void nonFiniteGradientStopsTrainingNamingTheTensor() {
        QifNet net = net();
        net.w[net.offO] = Double.NaN;
        try (BatchGradient bg = new BatchGradient(net, 200, 0, 0.0, 2)) {
            Optimizer opt = Optimizer.create("adam", 0.01, 0.9);
            Trainer tr = new Trainer(net, bg, opt, TASK, new Trainer.Config(2, 4, 0, 1, 0, null, 0), null);
            DivergenceException e = assertThrows(DivergenceException.class, tr::train);
            assertTrue(e.getMessage().contains("loss"), e.getMessage());
        }
        QifNet net2 = net();
        try (BatchGradient bg = new BatchGradient(net2, 200, 0, 0.0, 2)) {
            Optimizer opt = Optimizer.create("sgd", 1e300, 0.0);
            Trainer tr = new Trainer(net2, bg, opt, TASK, new Trainer.Config(3, 4, 0, 1, 0, null, 0), null);
            DivergenceException e = assertThrows(DivergenceException.class, tr::train);
            assertTrue(e.getMessage().matches(".*(iteration \\d+: parameter (W|U|I0|O)\\[.*|state (s|theta)\\[neuron.*|loss.*)"), e.getMessage());
        }
    }

    @Test
    void modelFileRoundTripsWithProvenance(@TempDir Path dir) throws Exception {
        QifNet net = net();
        Path f = dir.resolve("model.safetensors");
        net.save(f, org.snn4j.io.ModelProvenance.of("test", java.util.Map.of("neurons", 7L), 42, "", java.util.Map.of(), java.util.Map.of()));
        QifNet back = QifNet.load(f);
        assertArrayEquals(net.w, back.w, 0.0);
        assertEquals(net.model, back.model);
        assertEquals(net.n, back.n);
        assertEquals("test", back.lastLoadedProvenance().experiment());
        assertEquals(42, back.lastLoadedProvenance().seed());
        assertFalse(back.lastLoadedProvenance().gitCommit().isEmpty());
        org.snn4j.io.SafeTensors file = org.snn4j.io.SafeTensors.read(f);
        assertArrayEquals(new long[] {net.n, net.n}, file.tensor("W").shape());
        assertArrayEquals(new long[] {net.nOut, net.n}, file.tensor("O").shape());
        Trial t = TASK.trial(0);
        assertEquals(new ExactGradient(net, 200, 0, 0).run(t, null, null), new ExactGradient(back, 200, 0, 0).run(t, null, null), 0.0);
        assertFalse(back.semiImplicit);
        // the step is part of the model: a semi-implicit network loads as one
        QifNet semi = new QifNet(net.n, net.nIn, net.nOut, net.dt, net.model, true);
        System.arraycopy(net.w, 0, semi.w, 0, net.w.length);
        semi.sync();
        semi.save(f, org.snn4j.io.ModelProvenance.of("test", java.util.Map.of(), 1, "", java.util.Map.of(), java.util.Map.of()));
        QifNet semiBack = QifNet.load(f);
        assertTrue(semiBack.semiImplicit);
        assertEquals(new ExactGradient(semi, 200, 0, 0).run(t, null, null), new ExactGradient(semiBack, 200, 0, 0).run(t, null, null), 0.0);
    }

    @Test
    void clipNormBoundsTheGradient() {
        double[] g = {3, 4};
        assertEquals(5, Clip.byGlobalNorm(ParamSet.builder().add("g", new double[2], g).build(), 1), 1e-15);
        assertEquals(1, Math.hypot(g[0], g[1]), 1e-15);
    }
}
