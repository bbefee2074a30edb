package org.snn4j.train.exact;

import org.snn4j.util.DivergenceException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snn4j.model.GateShape;
import org.snn4j.model.QifGateParams;
import org.snn4j.util.Rng;

class ExactGradientTest {
    static final int N = 6, IN = 2, OUT = 2, K = 300;
    static final double DT = 0.5;

    static QifNet net(QifGateParams p, long seed) {
        // I_0 around 1: every neuron fires every ~25-40 ms, so the trial holds several passages
        // through the gate per neuron, and the recurrent weights (~1 per unit rate) matter.
        return new QifNet(N, IN, OUT, DT, p).randomize(Rng.stream(seed, 1), 8.0, 0.5, 1.0, 0.3, 5.0);
    }

    static Trial trial(long seed) {
        Rng r = Rng.stream(seed, 2);
        double[] x = new double[K * IN], y = new double[K * OUT], m = new double[K * OUT];
        for (int k = 0; k < x.length; k++) x[k] = Math.sin(0.02 * k + k % IN) + 0.3 * r.nextGaussian();
        for (int k = 0; k < y.length; k++) {
            y[k] = 0.2 * r.nextGaussian();
            m[k] = (k / OUT) % 100 < 60 ? 1.0 : 0.0; // a mask with gaps
        }
        return new Trial(K, x, y, m, 0);
    }

    /**
     * Central differences (L(w+h) − L(w−h)) / 2h against the adjoint, per parameter tensor, as the
     * max-norm error over the tensor relative to its max-norm gradient. With L = O(1) and double
     * precision the rounding error of a difference quotient is ~ 1e-16 · L / h and the truncation error
     * ~ h² L''' ; h = 1e-5 · (1 + |w|) puts both around 1e-10 … 1e-8 for these smooth gates, so a
     * tolerance of 1e-6 (the issue's) leaves two orders of margin while any error in a derivative term
     * (which would be O(1) relative) fails.
     */
    void check(QifGateParams p, double act, long seed) {
        check(net(p, seed), p, act, seed);
    }

    void check(QifNet net, QifGateParams p, double act, long seed) {
        Trial t = trial(seed);
        ExactGradient eg = new ExactGradient(net, K, 0, act);
        double[] grad = new double[net.size()], gTau = new double[2];
        double loss = eg.run(t, grad, gTau);
        assertTrue(eg.lastSpikes() > 3 * N, "too few spikes for a meaningful check: " + eg.lastSpikes());
        assertTrue(Double.isFinite(loss));
        double[] fd = new double[net.size()];
        for (int k = 0; k < net.size(); k++) {
            double w0 = net.w[k], h = Double.parseDouble(System.getProperty("fdh", "1e-6")) * (1 + Math.abs(w0));
            net.w[k] = w0 + h;
            net.sync();
            double lp = eg.run(t, null, null);
            net.w[k] = w0 - h;
            net.sync();
            double lm = eg.run(t, null, null);
            net.w[k] = w0;
            net.sync();
            fd[k] = (lp - lm) / (2 * h);
        }
        int[][] tensors = {{net.offW, net.offU}, {net.offU, net.offI0}, {net.offI0, net.offO}, {net.offO, net.size()}};
        String[] names = {"W", "U", "I0", "O"};
        for (int q = 0; q < 4; q++) {
            double err = 0, scale = 0;
            for (int k = tensors[q][0]; k < tensors[q][1]; k++) {
                err = Math.max(err, Math.abs(fd[k] - grad[k]));
                scale = Math.max(scale, Math.abs(grad[k]));
            }
            assertTrue(scale > 0, names[q] + " gradient is zero");
            assertTrue(err / scale <= 1e-6, p + " act " + act + ": d" + names[q] + " relative error " + err / scale);
        }
        // time constants
        double[] taus = {p.tauV(), p.tauS()};
        for (int q = 0; q < 2; q++) {
            double h = 1e-6 * taus[q];
            double[] tp = taus.clone(), tm = taus.clone();
            tp[q] += h;
            tm[q] -= h;
            double lp = new ExactGradient(net.withModel(p.withTaus(tp[0], tp[1])), K, 0, act).run(t, null, null);
            double lm = new ExactGradient(net.withModel(p.withTaus(tm[0], tm[1])), K, 0, act).run(t, null, null);
            double f = (lp - lm) / (2 * h);
            assertEquals(f, gTau[q], 1e-6 * Math.abs(gTau[q]), p + ": d tau_" + (q == 0 ? "v" : "s"));
        }
    }

    @Test
    void adjointMatchesFiniteDifferencesForSeveralGateWidths() {
        for (double zone : new double[] {0.3, 0.8, 2.0}) check(new QifGateParams(10, 10, zone, GateShape.COSINE), 0.0, 11);
        check(new QifGateParams(8, 15, 0.5, GateShape.COSINE), 0.5, 12);
    }

    @Test
    void adjointMatchesFiniteDifferencesForTriangleAndRectGates() {
        // Piecewise-smooth gates: the adjoint is exact wherever no sample θ_k sits within the perturbation of a
        // kink (triangle) or an edge (rect, whose jumps the derivative ignores); true for these seeds, where
        // the rect gate still shows W errors of ~5e-7 from samples near its edges, against 1e-8 for smooth gates.
        check(new QifGateParams(10, 10, 0.6, GateShape.TRIANGLE), 0.1, 13);
        check(new QifGateParams(10, 10, 0.6, GateShape.RECT), 0.1, 15);
    }

    /**
     * The exact-phase step's adjoint through the whole network (recurrence, input, readout, activity cost)
     * against central differences: every tensor and both time constants, at the step of the other tests and
     * at a coarse 2 ms step, where the phase moves up to about a radian per step.
     */
    @Test
    void exactPhaseAdjointMatchesFiniteDifferences() {
        for (long seed : new long[] {41, 42}) {
            QifGateParams p = seed == 41 ? new QifGateParams(10, 10, 0.8, GateShape.COSINE) : new QifGateParams(8, 12, 2.0, GateShape.COSINE);
            double dt = seed == 41 ? DT : 2.0;
            QifNet net = new QifNet(N, IN, OUT, dt, p, false, true).randomize(Rng.stream(seed, 1), 8.0, 0.5, 1.0, 0.3, 5.0);
            check(net, p, seed == 41 ? 0.0 : 0.3, seed);
        }
    }

    /**
     * The semi-implicit step's adjoint (self-coupling min(W_ii, 0) at the new synaptic value) against
     * central differences, with strong self-inhibition on all but one neuron, whose positive W_ii
     * stays explicit: every tensor, both time constants, the same tolerance as the explicit step.
     */
    @Test
    void semiImplicitAdjointMatchesFiniteDifferences() {
        for (long seed : new long[] {31, 32}) {
            QifGateParams p = seed == 31 ? new QifGateParams(10, 10, 0.8, GateShape.COSINE) : new QifGateParams(8, 12, 2.0, GateShape.COSINE);
            QifNet net = new QifNet(N, IN, OUT, DT, p, true).randomize(Rng.stream(seed, 1), 8.0, 0.5, 1.0, 0.3, 5.0);
            Rng r = Rng.stream(seed, 3);
            for (int i = 0; i < N; i++) net.w[net.offW + i * N + i] = i == N - 1 ? 0.4 : -(4 + 8 * r.nextDouble());
            net.sync();
            check(net, p, seed == 31 ? 0.0 : 0.3, seed);
        }
    }

    @Test
    void checkpointedGradientEqualsFullTrajectoryBitForBit() {
        QifGateParams p = new QifGateParams(10, 10, 0.5, GateShape.COSINE);
        QifNet net = net(p, 21);
        Trial t = trial(21);
        double[] full = new double[net.size()], tauFull = new double[2];
        ExactGradient a = new ExactGradient(net, K, 0, 0.2);
        double la = a.run(t, full, tauFull);
        for (int m : new int[] {1, 7, 50, 299}) {
            double[] ck = new double[net.size()], tauCk = new double[2];
            ExactGradient b = new ExactGradient(net, K, m, 0.2);
            double lb = b.run(t, ck, tauCk);
            assertEquals(la, lb, 0.0);
            assertArrayEquals(full, ck, 0.0, "checkpoint every " + m);
            assertArrayEquals(tauFull, tauCk, 0.0);
            assertArrayEquals(a.outputs, b.outputs, 0.0);
            assertEquals(a.lastSpikes(), b.lastSpikes());
            assertTrue(b.doublesHeld() < a.doublesHeld() || m == 299);
        }
    }

    @Test
    void nonFiniteStateIsReportedWithStepAndTensor() {
        QifNet net = net(QifGateParams.defaults(), 5);
        Trial t = trial(5);
        t.x()[40 * IN] = Double.NaN;
        DivergenceException e = assertThrows(DivergenceException.class, () -> new ExactGradient(net, K, 0, 0).run(t, new double[net.size()], null));
        assertTrue(e.getMessage().contains("at step 40"), e.getMessage());
    }
}
