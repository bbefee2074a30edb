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
}
