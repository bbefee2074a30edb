package org.snn4j.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.snn4j.util.DivergenceException;

class OptimizerTest {
    static ParamSet one(double[] p, double[] g) {
        return ParamSet.builder().add("p", p, g).build();
    }

    @Test
    void plainSgdStepIsLrTimesGradient() {
        double[] p = {1, -2}, g = {0.5, -0.25};
        Sgd o = new Sgd(0.1, 0);
        o.initialise(one(p, g));
        o.step();
        assertArrayEquals(new double[] {1 - 0.05, -2 + 0.025}, p, 1e-15);
        assertTrue(o.state().isEmpty());
    }

    @Test
    void heavyBallAndNesterovMomentumByHand() {
        double lr = 0.1, mu = 0.9, g1 = 1, g2 = 2;
        double[] p = {0}, g = {g1};
        Sgd hb = new Sgd(lr, mu);
        hb.initialise(one(p, g));
        hb.step();
        g[0] = g2;
        hb.step();
        double u1 = g1, u2 = mu * u1 + g2;
        assertEquals(-lr * u1 - lr * u2, p[0], 1e-15);

        double[] q = {0}, h = {g1};
        Sgd nes = new Sgd(lr, mu).nesterov(true);
        nes.initialise(one(q, h));
        nes.step();
        h[0] = g2;
        nes.step();
        assertEquals(-lr * (g1 + mu * u1) - lr * (g2 + mu * u2), q[0], 1e-15);
        assertEquals("nesterov", nes.kind());
    }

    @Test
    void adamFirstTwoStepsByHand() {
        double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        double[] p = {1.0}, g = {0.3};
        float[] pf = {1.0f}, gf = {0.3f};
        Adam a = new Adam(lr);
        a.initialise(ParamSet.builder().add("d", p, g).add("f", pf, gf).build());
        a.step();
        // step 1: m̂ = g, v̂ = g²: the update is lr · g / (|g| + ε)
        double e1 = 1.0 - lr * 0.3 / (0.3 + eps);
        assertEquals(e1, p[0], 1e-15);
        assertEquals(e1, pf[0], 1e-6);
        g[0] = -0.1;
        gf[0] = -0.1f;
        a.step();
        double m = b1 * (1 - b1) * 0.3 + (1 - b1) * -0.1, v = b2 * (1 - b2) * 0.09 + (1 - b2) * 0.01;
        double mh = m / (1 - b1 * b1), vh = v / (1 - b2 * b2);
        double e2 = e1 - lr * mh / (Math.sqrt(vh) + eps);
        assertEquals(e2, p[0], 1e-15);
        assertEquals(e2, pf[0], 1e-6);
        assertEquals(2, a.steps());
    }

    @Test
    void adamWDecaysDecoupledWhileAdamAddsL2ToTheGradient() {
        double lr = 0.1, wd = 0.5;
        double[] p = {2.0}, g = {0.0};
        Adam w = Adam.adamW(lr, wd);
        w.initialise(one(p, g));
        w.step();
        assertEquals(2.0 * (1 - lr * wd), p[0], 1e-15);   // zero gradient: only the decay moves it
        assertEquals("adamw", w.kind());

        double[] q = {2.0}, h = {0.0};
        Adam l2 = new Adam(lr).weightDecay(wd);
        l2.initialise(one(q, h));
        l2.step();
        assertEquals(2.0 - lr * (wd * 2.0) / (wd * 2.0 + 1e-8), q[0], 1e-12);   // Adam normalises the decay term away
        assertNotEquals(p[0], q[0]);
    }

    @Test
    void floatAndDoubleTensorsAgree() {
        Supplier<double[]> init = () -> new double[] {0.5, -1.5, 3, 0.01};
        double[] pd = init.get(), gd = new double[4];
        float[] pf = new float[4], gf = new float[4];
        for (int i = 0; i < 4; i++) pf[i] = (float) pd[i];
        for (Optimizer o : new Optimizer[] {new Adam(0.01), Adam.adamW(0.01, 0.1), new Sgd(0.01, 0.9), new Sgd(0.01, 0.5).nesterov(true)}) {
            double[] d = init.get();
            for (int i = 0; i < 4; i++) pf[i] = (float) d[i];
            o.initialise(ParamSet.builder().add("d", d, gd).add("f", pf, gf).build());
            for (int s = 0; s < 20; s++) {
                for (int i = 0; i < 4; i++) {
                    gd[i] = d[i] - i;   // ∇ of ½ (p − i)²
                    gf[i] = pf[i] - i;
                }
                o.step();
            }
            for (int i = 0; i < 4; i++) assertEquals(d[i], pf[i], 2e-5, o.kind() + " " + i);
        }
    }

    @Test
    void everyOptimiserMinimisesAQuadratic() {
        // f(p) = ½ Σ a_i (p_i − c_i)², ill-conditioned by a factor 100
        double[] a = {1, 10, 100}, c = {1, -2, 0.5};
        for (Optimizer o : new Optimizer[] {new Adam(0.05), Adam.adamW(0.05, 1e-4), new Sgd(0.009, 0), new Sgd(0.009, 0.9),
                new Sgd(0.009, 0.9).nesterov(true)}) {
            double[] p = new double[3], g = new double[3];
            o.initialise(one(p, g));
            double lr0 = o.learningRate();
            for (int s = 0; s < 3000; s++) {
                for (int i = 0; i < 3; i++) g[i] = a[i] * (p[i] - c[i]);
                o.learningRate(Schedule.cosine().rate(lr0, s, 3000));
                o.step();
            }
            for (int i = 0; i < 3; i++) assertEquals(c[i], p[i], 2e-3, o.kind() + " coordinate " + i);
        }
    }

    @Test
    void splitUpdateIsBitIdenticalToOneStep() {
        for (int parts : new int[] {2, 3, 7}) {
            float[] p1 = new float[50], g = new float[50], p2 = new float[50];
            for (int i = 0; i < 50; i++) {
                p1[i] = p2[i] = (float) Math.sin(i);
                g[i] = (float) Math.cos(3 * i);
            }
            Adam a = new Adam(0.01), b = new Adam(0.01);
            a.initialise(ParamSet.builder().add("w", p1, g).build());
            b.initialise(ParamSet.builder().add("w", p2, g).build());
            for (int s = 0; s < 3; s++) {
                a.step();
                b.begin();
                for (int k = parts - 1; k >= 0; k--) b.update(k, parts);
            }
            assertArrayEquals(p1, p2, 0f);
        }
    }

    @Test
    void stateRoundTripContinuesBitIdentically() {
        double[] pa = {1, 2, 3}, ga = new double[3], pb = pa.clone(), gb = new double[3];
        Adam a = new Adam(0.1);
        a.initialise(one(pa, ga));
        for (int s = 0; s < 10; s++) {
            for (int i = 0; i < 3; i++) ga[i] = pa[i] * pa[i] - 1;
            a.step();
            if (s == 4) {   // "checkpoint" after 5 steps: copy parameters and state, resume in b
                System.arraycopy(pa, 0, pb, 0, 3);
                Map<String, Object> saved = new LinkedHashMap<>();
                a.state().forEach((k, v) -> saved.put(k, ((double[]) v).clone()));
                assertEquals(java.util.List.of("p.m", "p.v"), java.util.List.copyOf(saved.keySet()));
                Adam b = new Adam(0.1);
                b.initialise(one(pb, gb));
                b.loadState(saved);
                b.steps(a.steps());
                for (int t = 5; t < 10; t++) {
                    for (int i = 0; i < 3; i++) gb[i] = pb[i] * pb[i] - 1;
                    b.step();
                }
            }
        }
        assertArrayEquals(pa, pb, 0.0);
        Adam c = new Adam(0.1);
        c.initialise(one(new double[3], new double[3]));
        assertThrows(IllegalArgumentException.class, () -> c.loadState(Map.of("p.m", new double[2], "p.v", new double[3])));
        assertThrows(IllegalArgumentException.class, () -> c.loadState(Map.of("p.m", new float[3], "p.v", new double[3])));
        assertThrows(IllegalArgumentException.class, () -> c.loadState(Map.of("p.m", new double[3])));
    }

    @Test
    void viewsAndLearningRateScalesTouchOnlyTheirRange() {
        double[] flat = {1, 1, 1, 1, 1}, g = {1, 1, 1, 1, 1};
        ParamSet ps = ParamSet.builder().view("A", flat, g, 1, 2, 1.0).view("B", flat, g, 3, 2, 0.0).build();
        Sgd o = new Sgd(0.5, 0);
        o.initialise(ps);
        o.step();
        assertArrayEquals(new double[] {1, 0.5, 0.5, 1, 1}, flat, 0.0);
        assertThrows(IllegalArgumentException.class, () -> ParamSet.builder().view("C", flat, g, 4, 2, 1.0).build());
        assertThrows(IllegalArgumentException.class, () -> ParamSet.builder().add("x", flat, g).add("x", flat, g));
        assertThrows(IllegalArgumentException.class, () -> ParamSet.builder().add("x", flat, g, 2, 2));
    }

    @Test
    void clippingByGlobalNormAndByValue() {
        double[] g1 = {3};
        float[] g2 = {4f};
        ParamSet ps = ParamSet.builder().add("a", new double[1], g1).add("b", new float[1], g2).build();
        assertEquals(5, Clip.globalNorm(ps), 1e-15);
        assertEquals(5, Clip.byGlobalNorm(ps, 10), 1e-15);   // under the limit: unchanged
        assertEquals(3, g1[0], 0.0);
        assertEquals(5, Clip.byGlobalNorm(ps, 1), 1e-15);
        assertEquals(0.6, g1[0], 1e-15);
        assertEquals(0.8f, g2[0], 1e-7f);
        assertEquals(1, Clip.globalNorm(ps), 1e-7);
        double[] h = {-3, 0.1, 2};
        assertEquals(2, Clip.byValue(ParamSet.builder().add("h", new double[3], h).build(), 1));
        assertArrayEquals(new double[] {-1, 0.1, 1}, h, 0.0);
    }

    @Test
    void schedules() {
        assertEquals(0.3, Schedule.constant().rate(0.3, 77, 100), 0.0);
        Schedule cos = Schedule.cosine();
        assertEquals(1.0, cos.rate(1, 0, 100), 0.0);
        assertEquals(0.5, cos.rate(1, 50, 100), 1e-15);
        assertEquals(0.5 * (1 + Math.cos(Math.PI * 0.99)), cos.rate(1, 99, 100), 1e-15);
        Schedule exp = Schedule.exponential(0.01);
        assertEquals(2.0, exp.rate(2, 0, 11), 0.0);
        assertEquals(0.2, exp.rate(2, 5, 11), 1e-15);   // halfway in log space
        assertEquals(0.02, exp.rate(2, 10, 11), 1e-15);
        Schedule st = Schedule.step(10, 0.5);
        assertEquals(1.0, st.rate(1, 9, 100), 0.0);
        assertEquals(0.25, st.rate(1, 25, 100), 0.0);
    }

    @Test
    void createByNameAndBadValues() {
        assertEquals("adam", Optimizer.create("adam", 0.1, 0).kind());
        assertEquals("adamw", Optimizer.create("adamw", 0.1, 0).kind());
        assertEquals("sgd", Optimizer.create("sgd", 0.1, 0.9).kind());
        assertThrows(org.snn4j.util.InputException.class, () -> Optimizer.create("rmsprop", 0.1, 0));
        assertThrows(RuntimeException.class, () -> new Adam(0));
        assertThrows(RuntimeException.class, () -> new Sgd(0.1, 1));
        assertThrows(IllegalStateException.class, () -> new Adam(0.1).step());
    }

    @Test
    void divergenceNamesStepTensorAndEntry() {
        double[] w = new double[6], gw = new double[6];
        float[] b = new float[2], gb = new float[2];
        ParamSet ps = ParamSet.builder().add("W", w, gw, 2, 3).add("b", b, gb).build();
        Divergence.checkGrads(ps, "iteration", 4);
        gw[5] = Double.NaN;
        DivergenceException e = assertThrows(DivergenceException.class, () -> Divergence.checkGrads(ps, "iteration", 4));
        assertEquals("iteration 4: gradient of W[1,2] is NaN", e.getMessage());
        assertEquals(4, e.step());
        assertEquals("W[1,2]", e.tensor());
        b[1] = Float.POSITIVE_INFINITY;
        e = assertThrows(DivergenceException.class, () -> Divergence.checkValues(ps, "training step", 9));
        assertTrue(e.getMessage().startsWith("training step 9: parameter b[1] is Infinity after the update"), e.getMessage());
        e = assertThrows(DivergenceException.class, () -> Divergence.checkLoss("iteration", 2, Double.NaN));
        assertEquals("loss", e.tensor());
        assertTrue(e instanceof org.snn4j.util.InputException);   // the CLI: one line, exit 2
    }

    @Test
    void parallelDivergenceCheckFindsTheSameFirstEntryAtAnyTeamSize() {
        assertTrue(Divergence.finite(new float[] {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -0f}, 0, 4));
        assertTrue(Divergence.finite(new double[] {Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, -0.0}, 0, 4));
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
            assertFalse(Divergence.finite(new float[] {1f, bad, 2f}, 0, 3));
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
            assertFalse(Divergence.finite(new double[] {1.0, 2.0, bad}, 0, 3));
        assertTrue(Divergence.finite(new double[] {Double.NaN, 1.0}, 1, 2));   // only the range is read
        String[] msg = new String[2];
        for (int threads = 1; threads <= 2; threads++)
            try (org.snn4j.math.Parallel team = new org.snn4j.math.Parallel(threads)) {
                ParamSet.Builder b = ParamSet.builder();
                float[][] g = new float[40][50];
                for (int k = 0; k < g.length; k++) b.add("row" + k, new float[50], g[k]);
                ParamSet ps = b.build();
                Divergence.checkGrads(ps, "training step", 3, team);
                Divergence.checkValues(ps, "training step", 3, team);
                g[31][7] = Float.NEGATIVE_INFINITY;   // in the second member's half ...
                g[33][1] = Float.NaN;
                g[12][40] = Float.NaN;                  // ... and the first one in the first member's half
                msg[threads - 1] = assertThrows(DivergenceException.class, () -> Divergence.checkGrads(ps, "training step", 3, team)).getMessage();
            }
        assertEquals("training step 3: gradient of row12[40] is NaN", msg[0]);
        assertEquals(msg[0], msg[1]);
    }
}
