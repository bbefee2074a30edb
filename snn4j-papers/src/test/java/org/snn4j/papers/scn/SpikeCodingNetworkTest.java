package org.snn4j.papers.scn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snn4j.model.ScnParams;
import org.snn4j.model.ScnParams.SpikeRule;
import org.snn4j.model.SpikeCodingModel;
import org.snn4j.monitor.SpikeMonitor;
import org.snn4j.network.Network;
import org.snn4j.network.Population;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;
import org.snn4j.util.Rng;

class SpikeCodingNetworkTest {
    /** Decoder with N unit-norm (times {@code norm}) columns at equally spaced angles in 2-D. */
    static double[][] ring(int n, double norm) {
        double[][] d = new double[2][n];
        for (int k = 0; k < n; k++) {
            d[0][k] = norm * Math.cos(2 * Math.PI * k / n);
            d[1][k] = norm * Math.sin(2 * Math.PI * k / n);
        }
        return d;
    }

    static ScnParams noiseless(double mu, SpikeRule rule) {
        return new ScnParams(50, mu, 0, 0, 0, rule);
    }

    @Test
    void analyticWeightsAndThresholdsFollowTheFormulas() {
        double[][] d = ScnNetwork.randomDecoder(3, 7, 1.0, new Rng(5));
        d[0][2] *= 2;   // one column of another norm
        double mu = 0.07, nu = 0.03;
        ScnNetwork net = ScnNetwork.analytic(d, new ScnParams(50, mu, nu, 0, 0, SpikeRule.ONE_PER_STEP));
        double[][] om = net.omega();
        for (int i = 0; i < 7; i++) {
            double norm2 = 0;
            for (int q = 0; q < 3; q++) norm2 += d[q][i] * d[q][i];
            assertEquals((norm2 + mu + nu) / 2, net.model.thresh[i], 1e-14);
            for (int k = 0; k < 7; k++) {
                double s = 0;
                for (int q = 0; q < 3; q++) s += d[q][i] * d[q][k];
                assertEquals(s + (i == k ? mu : 0), om[i][k], 1e-14);
                assertEquals(-om[i][k], net.rec.get(k, i), 0);   // the projection adds −Ω_·k on a spike of k
            }
            for (int q = 0; q < 3; q++) assertEquals(d[q][i], net.ff.get(q, i), 0);
        }
        assertEquals(0, net.omegaDistance(), 1e-12);
    }

    /** Checks V = Dᵀ(x − D r) − μ r at every step; returns the largest deviation. */
    static double maxIdentityDeviation(ScnNetwork net, double[][] d, double mu, ScnSignal signal, long steps, double dtMs) {
        Simulation sim = new Simulation(net.network, dtMs, 3, 1);
        ScnInput in = new ScnInput(net, signal);
        double[] dev = {0};
        double[] xhat = new double[d.length];
        sim.add(in).add(new StepHook() {
            @Override
            public void afterStep(Simulation s, long step) {
                net.readout(d, xhat);
                for (int i = 0; i < net.n; i++) {
                    double p = 0;
                    for (int q = 0; q < d.length; q++) p += d[q][i] * (in.x()[q] - xhat[q]);
                    p -= mu * net.model.r[i];
                    dev[0] = Math.max(dev[0], Math.abs(net.model.v[i] - p));
                }
            }
        });
        SpikeMonitor mon = new SpikeMonitor(net.population, 0);
        sim.add(mon);
        sim.run(steps);
        assertTrue(mon.totalSpikes() > 100, "the network must spike: " + mon.totalSpikes());
        return dev[0];
    }

    @Test
    void voltageIdentityHoldsAtEveryStep() {
        double[][] d = ScnNetwork.randomDecoder(2, 20, 0.3, new Rng(1));
        double mu = 0.02;
        ScnNetwork net = ScnNetwork.analytic(d, noiseless(mu, SpikeRule.ONE_PER_STEP));
        ScnSignal sig = ScnSignal.smoothedNoise(2, 2000 * 0.3, 30, 1000, new Rng(2));
        assertTrue(maxIdentityDeviation(net, d, mu, sig, 20_000, 1.0) < 1e-9);
        // All-above rule too (the identity does not depend on the spike rule).
        ScnNetwork all = ScnNetwork.analytic(d, noiseless(mu, SpikeRule.ALL_ABOVE));
        assertTrue(maxIdentityDeviation(all, d, mu, ScnSignal.smoothedNoise(2, 600, 30, 1000, new Rng(2)), 20_000, 1.0) < 1e-9);
        // With voltage noise σ_V the deviation is an AR(1) process of sd σ_V / sqrt(1 − a²), a = 1 − λ dt;
        // over 20,000 steps × 20 neurons its maximum stays below 6 sd.
        double sv = 0.001, a = 1 - 50 * 1e-3;
        ScnNetwork noisy = ScnNetwork.analytic(d, new ScnParams(50, mu, 0, sv, 0.01, SpikeRule.ONE_PER_STEP));
        double dev = maxIdentityDeviation(noisy, d, mu, ScnSignal.smoothedNoise(2, 600, 30, 1000, new Rng(2)), 20_000, 1.0);
        assertTrue(dev < 6 * sv / Math.sqrt(1 - a * a), "noisy deviation " + dev);
    }

    /** RMS and max of ‖x − D r‖ over a run with slow sines of amplitude 3 (dt = 0.1 ms). */
    static double[] trackingError(int n, double mu) {
        double[][] d = ring(n, 1.0);
        ScnNetwork net = ScnNetwork.analytic(d, noiseless(mu, SpikeRule.ONE_PER_STEP));
        double dtMs = 0.1;
        ScnSignal sig = ScnSignal.sines(new double[] {3, 3}, new double[] {1, 1.7}, new double[] {0, 1}, 50, dtMs);
        Simulation sim = new Simulation(net.network, dtMs, 9, 1);
        ScnInput in = new ScnInput(net, sig);
        double[] acc = new double[3];
        double[] xhat = new double[2];
        sim.add(in).add(new StepHook() {
            @Override
            public void afterStep(Simulation s, long step) {
                if (step < 2000) return;   // skip the first 0.2 s (the start from x = 0)
                net.readout(d, xhat);
                double e0 = in.x()[0] - xhat[0], e1 = in.x()[1] - xhat[1];
                double e = Math.sqrt(e0 * e0 + e1 * e1);
                acc[0] += e * e;
                acc[1]++;
                acc[2] = Math.max(acc[2], e);
            }
        });
        sim.run(20_000);
        return new double[] {Math.sqrt(acc[0] / acc[1]), acc[2]};
    }

    @Test
    void analyticNetworkTracksASlowSignalWithinTheBoundingPolygon() {
        // With μ = 0 the voltage identity gives V_i = D_iᵀ e, e = x − D r. A neuron spikes as soon as
        // V_i > T_i = ‖D_i‖²/2, so (one spike per step suffices for a slow signal) D_iᵀ e ≤ T_i + δ
        // at every step, δ the largest change of a voltage in one step: δ ≤ λ dt |V| + dt ‖D_i‖ ‖c‖
        // ≤ 0.005·1 + 1e-4·(2π·1.7·3·√2 + 50·3·√2) < 0.03. For unit vectors at equally spaced angles
        // this polygon has circumradius (1/2 + δ) / cos(π/N).
        int n = 16;
        double[] e = trackingError(n, 0);
        double bound = (0.5 + 0.03) / Math.cos(Math.PI / n);
        assertTrue(e[1] <= bound, "max error " + e[1] + " > bound " + bound);
        assertTrue(e[0] < 0.5, "rms error " + e[0]);
    }

    @Test
    void errorFallsAsMuGoesToZeroAndNGrows() {
        double e4 = trackingError(4, 0)[0], e8 = trackingError(8, 0)[0], e32 = trackingError(32, 0)[0];
        assertTrue(e4 > e8 && e8 > e32, "rms error vs N: " + e4 + " " + e8 + " " + e32);
        double m3 = trackingError(16, 0.3)[0], m1 = trackingError(16, 0.1)[0], m0 = trackingError(16, 0)[0];
        assertTrue(m3 > m1 && m1 > m0, "rms error vs mu: " + m3 + " " + m1 + " " + m0);
    }

    static int[] spikesAfterOneStep(SpikeRule rule) {
        SpikeCodingModel m = new SpikeCodingModel(new ScnParams(50, 0, 0, 0, 0, rule), 5);
        double[] drive = {0.2, 0.9, 0.7, 0.95, 0.1};
        System.arraycopy(drive, 0, m.iFf, 0, 5);
        Network net = new Network();
        Population p = net.add(new Population("p", m));
        Simulation sim = new Simulation(net, 1.0, 1, 1);
        sim.run(1);
        return java.util.Arrays.copyOf(sim.spikes(p).raw(), sim.spikes(p).size());
    }

    @Test
    void oneSpikePerStepRuleTakesTheNeuronFurthestAboveThreshold() {
        assertArrayEquals(new int[] {3}, spikesAfterOneStep(SpikeRule.ONE_PER_STEP));
        assertArrayEquals(new int[] {1, 2, 3}, spikesAfterOneStep(SpikeRule.ALL_ABOVE));
        // Over a run with strong input the one-spike rule never gives two spikes in a step.
        double[][] d = ring(10, 0.5);
        ScnNetwork net = ScnNetwork.analytic(d, new ScnParams(50, 0.01, 0, 0.001, 0.01, SpikeRule.ONE_PER_STEP));
        Simulation sim = new Simulation(net.network, 1.0, 4, 1);
        sim.add(new ScnInput(net, ScnSignal.smoothedNoise(2, 3000, 30, 1000, new Rng(3))));
        int[] maxPerStep = {0};
        long[] total = {0};
        sim.add(new StepHook() {
            @Override
            public void afterStep(Simulation s, long step) {
                maxPerStep[0] = Math.max(maxPerStep[0], s.spikes(net.population).size());
                total[0] += s.spikes(net.population).size();
            }
        });
        sim.run(5000);
        assertEquals(1, maxPerStep[0]);
        assertTrue(total[0] > 500);
    }

    @Test
    void refractoryNeuronWaitsItsSteps() {
        // One neuron, constant drive far above threshold, no recurrent reset: without a refractory period
        // it spikes at every step; with 3 refractory steps exactly every 4th step.
        for (int refSteps : new int[] {0, 3}) {
            SpikeCodingModel m = new SpikeCodingModel(new ScnParams(50, 0, 0, 0, 0, SpikeRule.ONE_PER_STEP, refSteps), 1);
            m.iFf[0] = 10;
            Network net = new Network();
            Population p = net.add(new Population("p", m));
            SpikeMonitor mon = new SpikeMonitor(p);
            Simulation sim = new Simulation(net, 1.0, 1, 1);
            sim.add(mon);
            sim.run(40);
            int[] steps = mon.steps();
            assertEquals(refSteps == 0 ? 40 : 10, steps.length);
            for (int k = 1; k < steps.length; k++) assertEquals(refSteps + 1, steps[k] - steps[k - 1]);
        }
    }

    @Test
    void silencedNeuronNeverSpikes() {
        double[][] d = ring(8, 0.5);
        ScnNetwork net = ScnNetwork.analytic(d, new ScnParams(50, 0.01, 0, 0.001, 0.01, SpikeRule.ONE_PER_STEP));
        net.model.silence(2);
        Simulation sim = new Simulation(net.network, 1.0, 4, 1);
        sim.add(new ScnInput(net, ScnSignal.smoothedNoise(2, 2000, 30, 1000, new Rng(3))));
        SpikeMonitor mon = new SpikeMonitor(net.population);
        sim.add(mon);
        sim.run(5000);
        assertEquals(0, mon.counts()[2]);
        assertTrue(mon.totalSpikes() > 200);
    }

    static int[] run(long seed) {
        double[][] d = ScnNetwork.randomDecoder(2, 20, 1, new Rng(1));
        ScnNetwork net = ScnNetwork.analytic(d, ScnParams.brendelFig2());
        Simulation sim = new Simulation(net.network, 1.0, seed, 0);
        sim.add(new ScnInput(net, ScnSignal.smoothedNoise(2, 2000, 30, 1000, Rng.stream(seed, 7))));
        SpikeMonitor mon = new SpikeMonitor(net.population);
        sim.add(mon);
        sim.run(3000);
        int[] s = mon.steps(), i = mon.indices();
        int[] both = new int[2 * s.length];
        for (int k = 0; k < s.length; k++) {
            both[2 * k] = s[k];
            both[2 * k + 1] = i[k];
        }
        return both;
    }

    @Test
    void deterministicForASeed() {
        int[] a = run(11), b = run(11), c = run(12);
        assertTrue(a.length > 100);
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    @Test
    void linearReadoutRecoversAnExactLinearMap() {
        Rng rng = new Rng(3);
        double[][] w = {{0.5, -1, 2}, {0, 3, 1}};
        LinearReadout fit = new LinearReadout(3, 2);
        double[] r = new double[3], x = new double[2];
        for (int t = 0; t < 500; t++) {
            for (int k = 0; k < 3; k++) r[k] = rng.nextGaussian();
            for (int q = 0; q < 2; q++) x[q] = w[q][0] * r[0] + w[q][1] * r[1] + w[q][2] * r[2];
            fit.add(r, x);
        }
        double[][] got = fit.solve(1e-12);
        for (int q = 0; q < 2; q++) assertArrayEquals(w[q], got[q], 1e-8);
        LinearReadout.ErrorMeter m = new LinearReadout.ErrorMeter(got);
        for (int t = 0; t < 100; t++) {
            for (int k = 0; k < 3; k++) r[k] = rng.nextGaussian();
            for (int q = 0; q < 2; q++) x[q] = w[q][0] * r[0] + w[q][1] * r[1] + w[q][2] * r[2];
            m.add(r, x);
        }
        assertEquals(0, m.error(), 1e-12);
    }

    /**
     * The spread decoder: in 2-D exactly N directions 2π/N apart; in 3-D the directions pushed apart, so the closest
     * pair is much farther apart than in the random decoder it starts from; every column has the asked norm.
     */
    @Test
    void spreadDecoderSpacesTheDirectionsEvenly() {
        double[][] d2 = ScnNetwork.spreadDecoder(2, 40, 0.03, new Rng(5));
        double[] ang = new double[40];
        for (int k = 0; k < 40; k++) {
            assertEquals(0.03, Math.hypot(d2[0][k], d2[1][k]), 1e-15);
            ang[k] = Math.atan2(d2[1][k], d2[0][k]);
        }
        java.util.Arrays.sort(ang);
        for (int k = 0; k < 40; k++) {
            double gap = (k + 1 < 40 ? ang[k + 1] : ang[0] + 2 * Math.PI) - ang[k];
            assertEquals(2 * Math.PI / 40, gap, 1e-12);
        }
        double[][] r3 = ScnNetwork.randomDecoder(3, 30, 2, new Rng(6)), s3 = ScnNetwork.spreadDecoder(3, 30, 2, new Rng(6));
        for (int k = 0; k < 30; k++) assertEquals(2, Math.sqrt(s3[0][k] * s3[0][k] + s3[1][k] * s3[1][k] + s3[2][k] * s3[2][k]), 1e-12);
        double minR = minAngle(r3), minS = minAngle(s3);
        // 30 points spread on the sphere are about 0.66 rad apart (Tammes); random ones come much closer
        assertTrue(minS > 0.55 && minS > 2 * minR, "closest pair: spread " + minS + " rad, random " + minR + " rad");
    }

    private static double minAngle(double[][] d) {
        double min = Math.PI;
        int n = d[0].length;
        for (int a = 0; a < n; a++)
            for (int b = a + 1; b < n; b++) {
                double dot = 0, na = 0, nb = 0;
                for (int q = 0; q < d.length; q++) {
                    dot += d[q][a] * d[q][b];
                    na += d[q][a] * d[q][a];
                    nb += d[q][b] * d[q][b];
                }
                min = Math.min(min, Math.acos(Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)))));
            }
        return min;
    }
}
