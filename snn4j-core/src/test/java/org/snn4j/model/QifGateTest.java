package org.snn4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QifGateTest {
    /** Runs one neuron at constant I; returns {spikes, Σ g f dt (charge), Σ s dt + τ_s s_K, first spike time}. */
    private static double[] drive(QifGateParams p, double in, double dt, double ms) {
        QifGate m = new QifGate(p, 1);
        m.current[0] = in;
        int steps = (int) Math.round(ms / dt);
        double sumS = 0, first = Double.NaN;
        int spikes = 0;
        for (int k = 0; k < steps; k++) {
            double before = m.theta[0];
            QifGate.advance(p, dt, m.theta, m.s, m.current, 0, 1, null);
            sumS += m.s[0] * dt;
            if (before - m.theta[0] > Math.PI) {
                spikes++;
                if (Double.isNaN(first)) first = (k + 1) * dt;
            }
        }
        // Discrete identity: Σ_k s_k dt = Σ_k g f dt − τ_s (s_K − s_0); with s_0 = 0 the charge is:
        return new double[] {spikes, sumS - m.s[0] * dt + p.tauS() * m.s[0], first};
    }

    @Test
    void firstSpikeMatchesTheAnalyticQif() {
        // τ_v dv/dt = v² + I from v = 0 reaches +∞ at t = τ_v π / (2 √I); Euler error O(dt).
        QifGateParams p = new QifGateParams(10, 10, 0.2, GateShape.COSINE);
        for (double in : new double[] {0.25, 1.0, 4.0}) {
            double t = drive(p, in, 1e-3, 60)[2];
            assertEquals(10 * Math.PI / (2 * Math.sqrt(in)), t, 0.01, "I = " + in);
        }
    }

    @Test
    void eachPassageDeliversOneUnitOfCharge() {
        // ∫ g dθ = 1 for every shape; the discrete charge per spike is a Riemann sum of it with
        // steps of ≈ 2 dt/τ_v = 2e-4 rad, so its error is ≤ ~ 1e-3 / zone; it tends to 1 as the zone narrows
        // only if dt shrinks with it, which it does here relative to the zone.
        for (GateShape shape : GateShape.values()) {
            for (double zone : new double[] {0.8, 0.2, 0.05}) {
                QifGateParams p = new QifGateParams(10, 10, zone, shape);
                double[] r = drive(p, 1.0, 1e-3, 500);
                assertTrue(r[0] >= 15, "spikes " + r[0]);
                double perSpike = r[1] / r[0];
                // the run ends between spikes and starts at θ = 0, outside the zone: whole passages only
                assertEquals(1.0, perSpike, 2e-3 / zone, shape + " zone " + zone);
            }
        }
    }

    @Test
    void partialEntryDeliversLessThanOneUnit() {
        // Start inside the zone's lower half and let a negative current push θ back: a graded response.
        QifGateParams p = new QifGateParams(10, 10, 1.0, GateShape.COSINE);
        QifGate m = new QifGate(p, 1);
        m.theta[0] = Math.PI - 0.45;
        m.current[0] = -20; // strong enough that θ turns back before π? f = (1 − c) + (1 + c) I
        // at θ = π − 0.45: 1 − c ≈ 1.90, 1 + c ≈ 0.0996 → f ≈ (1.90 − 1.99)/τ_v < 0: θ decreases
        double charge = 0, dt = 1e-3;
        for (int k = 0; k < 200_000; k++) {
            double c = Math.cos(m.theta[0]);
            double f = ((1 - c) + (1 + c) * m.current[0]) / 10;
            double u = Math.PI - Math.abs(m.theta[0]);
            charge += (u < 0.5 ? GateShape.COSINE.value(u, 0.5) : 0) * f * dt;
            QifGate.advance(p, dt, m.theta, m.s, m.current, 0, 1, null);
        }
        assertTrue(charge < 0 && charge > -1, "graded (here negative) charge " + charge);
    }

    /**
     * Two neurons: 0 driven at I = 0.5, 1 at I = −0.05 + w s_0. With {@code gate} the synapse is the
     * gate-function synapse; otherwise the hard-threshold reference: s_0 decays with τ_s and jumps by
     * 1/τ_s when θ_0 passes π (the ordinary spike-triggered synapse with unit charge). Returns the
     * spike times (ms) of neuron 1.
     */
    private static double[] pair(QifGateParams p, boolean gate, double dt, double ms, double w) {
        double[] th = new double[2], s = new double[2], cur = new double[2];
        double a = dt / p.tauS(), refS = 0;
        int steps = (int) Math.round(ms / dt);
        double[] times = new double[1000];
        int n = 0;
        for (int k = 0; k < steps; k++) {
            cur[0] = 0.5;
            cur[1] = -0.05 + w * (gate ? s[0] : refS);
            double before0 = th[0], before1 = th[1];
            QifGate.advance(p, dt, th, s, cur, 0, 2, null);
            refS = refS * (1 - a) + (before0 - th[0] > Math.PI ? 1 / p.tauS() : 0);
            if (before1 - th[1] > Math.PI && n < times.length) times[n++] = (k + 1) * dt;
        }
        return java.util.Arrays.copyOf(times, n);
    }

    @Test
    void spikeTimesApproachTheHardThresholdNetwork() {
        double dt = 1e-3, ms = 300, w = 30;
        double prevErr = Double.POSITIVE_INFINITY;
        double[] ref = pair(new QifGateParams(10, 10, 0.05, GateShape.COSINE), false, dt, ms, w);
        assertTrue(ref.length >= 3, "reference neuron 1 spikes: " + ref.length);
        for (double zone : new double[] {1.6, 0.4, 0.1}) {
            double[] t = pair(new QifGateParams(10, 10, zone, GateShape.COSINE), true, dt, ms, w);
            assertEquals(ref.length, t.length, "zone " + zone);
            double err = 0;
            for (int k = 0; k < t.length; k++) err = Math.max(err, Math.abs(t[k] - ref[k]));
            assertTrue(err < prevErr, "zone " + zone + ": error " + err + " not below " + prevErr);
            prevErr = err;
        }
        assertTrue(prevErr < 0.01, "spike times within 0.01 ms at zone 0.1 rad: " + prevErr);
    }

    /**
     * Strong inhibition at a coarse step: at I = −1000 the rest phase θ* (cos θ* = (1 + I)/(1 − I)) relaxes
     * at the rate 2√|I|/τ_v ≈ 6.3/ms, so the explicit step at dt = 1 ms overshoots by a factor |1 − 6.3| and
     * never settles, while the semi-implicit step contracts by 1/(1 + 6.3) per step onto θ* (a fixed point of
     * both maps, since f(θ*) = 0).
     */
    @Test
    void semiImplicitStepSettlesAtTheRestPhaseWhereTheExplicitStepDoesNot() {
        QifGateParams p = new QifGateParams(10, 10, 1.0, GateShape.COSINE);
        double in = -1000, rest = -Math.acos((1 + in) / (1 - in));
        double[] semi = {-0.5}, explicit = {-0.5}, s1 = {0}, s2 = {0}, cur = {in}, self = {0};
        for (int k = 0; k < 200; k++) {
            QifGate.advance(p, 1.0, semi, s1, cur, 0, 1, null, null, self);
            QifGate.advance(p, 1.0, explicit, s2, cur, 0, 1, null);
        }
        assertEquals(rest, semi[0], 1e-9);
        assertTrue(Math.abs(explicit[0] - rest) > 0.1, "explicit step settled: " + explicit[0] + " vs " + rest);
        assertTrue(Math.abs(s1[0]) < 1e-6, "a resting neuron's synapse decays: " + s1[0]);
    }

    /**
     * At a fine step both steps integrate the same flow: a neuron with self-inhibition d = −5 (driven through
     * {@link QifGate#step}, semi-implicit) fires as many spikes in 1 s as the explicit step gives.
     */
    @Test
    void semiImplicitStepAgreesWithTheExplicitStepAtFineSteps() {
        QifGateParams p = new QifGateParams(10, 10, 1.0, GateShape.COSINE);
        for (double in : new double[] {0.25, 1.0, 4.0}) {
            QifGate m = new QifGate(p, 1);
            m.semiImplicit(new double[] {-5.0});
            int[] spikes = {0};
            StepContext ctx = new StepContext() {
                public int from() { return 0; }
                public int to() { return 1; }
                public long step() { return 0; }
                public double dt() { return 0.002; }
                public org.snn4j.util.Rng rng() { return null; }
                public void spike(int i) { spikes[0]++; }
            };
            // I = in + d·s with d = −5: the self-inhibition lowers the rate; compare with the explicit step at the same fine dt
            QifGate ref = new QifGate(p, 1);
            int[] refSpikes = {0};
            for (int k = 0; k < 500_000; k++) {
                m.current[0] = in - 5.0 * m.s[0];
                m.step(ctx);
                ref.current[0] = in - 5.0 * ref.s[0];
                double before = ref.theta[0];
                QifGate.advance(p, 0.002, ref.theta, ref.s, ref.current, 0, 1, null);
                if (before - ref.theta[0] > Math.PI) refSpikes[0]++;
            }
            assertEquals(refSpikes[0], spikes[0], 1.0, "I = " + in);
            assertTrue(spikes[0] > 0);
        }
    }

    /**
     * The exact-phase step at a coarse dt (1 ms, τ_v = 10 ms): after k steps at constant I the phase is the exact
     * flow's, θ_k = 2 atan(√I tan(√I k dt/τ_v)) (mod 2π) for I &gt; 0, and θ_k = −2 atan(√|I| tanh(√|I| k dt/τ_v)) from 0 for
     * I &lt; 0, however strong I is; the explicit step is off by far more there.
     */
    @Test
    void exactPhaseStepFollowsTheExactFlowAtCoarseSteps() {
        QifGateParams p = new QifGateParams(10, 10, 1, GateShape.COSINE);
        for (double in : new double[] {0.25, 4, 100, 900, -0.5, -400}) {
            QifGate m = new QifGate(p, 1);
            m.current[0] = in;
            for (int k = 1; k <= 7; k++) {
                QifGate.advanceExactPhase(p, 1, m.theta, m.s, m.current, 0, 1, null);
                double w = Math.sqrt(Math.abs(in)) * k / 10.0;
                double expect = in > 0 ? 2 * Math.atan(Math.sqrt(in) * Math.tan(w)) : -2 * Math.atan(Math.sqrt(-in) * Math.tanh(w));
                assertEquals(0, Math.IEEEremainder(m.theta[0] - expect, 2 * Math.PI), 1e-9, "I = " + in + ", step " + k);
            }
        }
    }

    /** Each passage through π delivers exactly one unit of charge with the exact-phase step, at any dt and any gate. */
    @Test
    void exactPhaseStepDeliversOneUnitPerSpikeAtAnyStep() {
        double zone = 0.3, h = zone / 2;
        for (GateShape shape : GateShape.values())
            for (double dt : new double[] {0.1, 1, 3}) {
                QifGateParams p = new QifGateParams(10, 10, zone, shape);
                QifGate m = new QifGate(p, 1);
                m.current[0] = 2;
                double charge = 0;
                int spikes = 0;
                for (int k = 0, steps = (int) Math.round(600 / dt); k < steps; k++) {   // 600 ms: 27 periods
                    double before = m.s[0], th = m.theta[0];
                    QifGate.advanceExactPhase(p, dt, m.theta, m.s, m.current, 0, 1, null);
                    if (m.theta[0] < th) spikes++;
                    charge += 10 * (m.s[0] - before * (1 - dt / 10));   // the step's charge Q = τ_s (s' − (1 − dt/τ_s) s)
                }
                double th = m.theta[0], g = th < 0 ? 0.5 - shape.tail(Math.PI + th, h) : 0.5 + shape.tail(Math.PI - th, h);
                assertTrue(spikes > 10, "spikes " + spikes);
                assertEquals(spikes + g - 0.5, charge, 1e-9, shape + ", dt " + dt);   // from θ = 0, where G = 1/2
            }
    }

    /**
     * {@link QifGate#backwardExactPhase} is the exact vector-Jacobian product of the step: against central differences
     * for θ, s, I, τ_v and τ_s, over states below, inside and across the spike, at negative, near-zero and positive I.
     */
    @Test
    void exactPhaseBackwardMatchesCentralDifferences() {
        double[] ths = {-2.9, -1.0, 0.3, 2.5, 3.0, 2.95}, ins = {-50, -0.5, 1e-6, 0.8, 30, 5};
        int n = ths.length;
        double[] alpha = {0.7, -1.3, 0.4, 1.1, -0.6, 0.9}, beta = {0.2, 0.5, -0.8, 1.4, 0.3, -1.0};
        for (GateShape shape : new GateShape[] {GateShape.COSINE, GateShape.TRIANGLE}) {
            double tv = 10, ts = 15, dt = 1, zone = 1.2;
            java.util.function.Function<double[], Double> loss = v -> {   // v = θ (n), s (n), I (n), τ_v, τ_s
                QifGateParams q = new QifGateParams(v[3 * n], v[3 * n + 1], zone, shape);
                double[] th = java.util.Arrays.copyOfRange(v, 0, n), s = java.util.Arrays.copyOfRange(v, n, 2 * n), in = java.util.Arrays.copyOfRange(v, 2 * n, 3 * n);
                QifGate.advanceExactPhase(q, dt, th, s, in, 0, n, null);
                double l = 0;
                for (int j = 0; j < n; j++) l += alpha[j] * th[j] + beta[j] * s[j];
                return l;
            };
            double[] v = new double[3 * n + 2];
            for (int j = 0; j < n; j++) {
                v[j] = ths[j];
                v[n + j] = 0.05 * (j + 1);
                v[2 * n + j] = ins[j];
            }
            v[3 * n] = tv;
            v[3 * n + 1] = ts;
            double[] lamT = alpha.clone(), lamS = beta.clone(), gI = new double[n], gTau = new double[2];
            QifGate.backwardExactPhase(new QifGateParams(tv, ts, zone, shape), dt, java.util.Arrays.copyOfRange(v, 0, n),
                    java.util.Arrays.copyOfRange(v, n, 2 * n), java.util.Arrays.copyOfRange(v, 2 * n, 3 * n), 0, lamT, lamS, gI, 0, n, gTau);
            double[] analytic = new double[v.length];
            System.arraycopy(lamT, 0, analytic, 0, n);
            System.arraycopy(lamS, 0, analytic, n, n);
            System.arraycopy(gI, 0, analytic, 2 * n, n);
            analytic[3 * n] = gTau[0];
            analytic[3 * n + 1] = gTau[1];
            for (int k = 0; k < v.length; k++) {
                double e = 1e-6 * Math.max(1, Math.abs(v[k]));
                double[] up = v.clone(), dn = v.clone();
                up[k] += e;
                dn[k] -= e;
                double fd = (loss.apply(up) - loss.apply(dn)) / (2 * e);
                assertEquals(fd, analytic[k], 1e-6 * Math.max(1, Math.abs(fd)), shape + ", parameter " + k);
            }
        }
    }
}
