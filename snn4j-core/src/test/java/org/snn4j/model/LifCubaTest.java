package org.snn4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.snn4j.monitor.SpikeMonitor;
import org.snn4j.network.Network;
import org.snn4j.network.Population;
import org.snn4j.sim.Simulation;

class LifCubaTest {
    private static final LifParams P = LifParams.cuba();

    /** Analytic period of an LIF neuron under constant drive RI: t_ref + τ_m ln((E_l+RI−V_r)/(E_l+RI−V_t)). */
    static double analyticPeriodMs(LifParams p, double ri) {
        double vinf = p.eLeak() + ri;
        return p.tRef() + p.tauM() * Math.log((vinf - p.vReset()) / (vinf - p.vThresh()));
    }

    @ParameterizedTest
    @ValueSource(doubles = {1.5, 3.0, 6.0, 12.0, 25.0})
    void firingRateMatchesAnalyticFICurve(double ri) {
        double dt = 0.1;
        LifCuba m = new LifCuba(P, 1);
        m.v[0] = P.vReset();
        m.drive()[0] = ri;
        Network net = new Network();
        Population pop = net.add(new Population("lif", m));
        Simulation sim = new Simulation(net, dt, 1, 1);
        SpikeMonitor mon = new SpikeMonitor(pop);
        sim.add(mon);
        sim.runFor(5000);
        int[] steps = mon.steps();
        assertTrue(steps.length > 10, "neuron must fire regularly");
        double t = analyticPeriodMs(P, ri);
        // Every inter-spike interval is the analytic period rounded to the time grid: within one dt.
        for (int k = 1; k < steps.length; k++) {
            double isi = (steps[k] - steps[k - 1]) * dt;
            assertEquals(t, isi, dt + 1e-9, "ISI " + k);
        }
        double measuredRate = (steps.length - 1) / ((steps[steps.length - 1] - steps[0]) * dt * 1e-3);
        double analyticRate = 1000 / t;
        // rate error bounded by the one-dt period error: |1/T' - 1/T| <= dt / (T (T - dt))
        assertEquals(analyticRate, measuredRate, 1000 * dt / (t * (t - dt)) + 1e-9);
    }

    @Test
    void subThresholdDriveNeverFires() {
        LifCuba m = new LifCuba(P, 1);
        m.v[0] = P.vReset();
        m.drive()[0] = -2.0;  // V_inf = E_l + RI = -51 mV < V_t: approaches -51 mV, never fires
        Network net = new Network();
        Population pop = net.add(new Population("lif", m));
        Simulation sim = new Simulation(net, 0.1, 1, 1);
        SpikeMonitor mon = new SpikeMonitor(pop);
        sim.add(mon);
        sim.runFor(1000);
        assertEquals(0, mon.totalSpikes());
        assertEquals(-51.0, m.v[0], 1e-9);
    }

    /**
     * Exact integration against forward Euler with a shrinking step: the Euler error must fall
     * about linearly with its step (first order) and be tiny at the smallest step.
     */
    @Test
    void exactIntegrationAgreesWithSmallStepEuler() {
        LifParams p = new LifParams(20, 5, 10, 1e9, -60, -49, 0);  // threshold out of reach
        double dt = 0.1;
        int steps = 2000;   // 200 ms
        double ge0 = 8.0, gi0 = -6.0, v0 = -65;
        LifCuba m = new LifCuba(p, 1);
        m.prepare(dt);
        m.v[0] = v0;
        m.ge[0] = ge0;
        m.gi[0] = gi0;
        m.drive()[0] = 3.0;
        double[] exact = new double[steps];
        StepContext ctx = new FixedContext(0, 1, dt);
        for (int s = 0; s < steps; s++) {
            if (s == 700) m.ge[0] += 5;        // a synaptic event mid-way
            m.step(ctx);
            exact[s] = m.v[0];
        }
        double prevErr = Double.NaN;
        for (int sub : new int[] {10, 100, 1000}) {
            double h = dt / sub, v = v0, ge = ge0, gi = gi0, err = 0;
            for (int s = 0; s < steps; s++) {
                if (s == 700) ge += 5;
                for (int k = 0; k < sub; k++) {
                    double dv = (p.eLeak() + 3.0 - v + ge + gi) / p.tauM();
                    ge -= h * ge / p.tauE();
                    gi -= h * gi / p.tauI();
                    v += h * dv;
                }
                err = Math.max(err, Math.abs(v - exact[s]));
            }
            if (!Double.isNaN(prevErr)) {
                double ratio = prevErr / err;
                assertTrue(ratio > 7 && ratio < 13, "Euler error must shrink ~10x per 10x smaller step, ratio " + ratio);
            }
            prevErr = err;
        }
        assertTrue(prevErr < 1e-3, "Euler with dt/1000 within 1e-3 mV of the exact solution, got " + prevErr);
    }

    @Test
    void refractoryNeuronIsHeldAtResetFor50Steps() {
        LifCuba m = new LifCuba(P, 1);
        m.prepare(0.1);
        m.v[0] = -49.99;
        m.drive()[0] = 20;  // strong drive: fires immediately, then as soon as allowed
        FixedContext ctx = new FixedContext(0, 1, 0.1);
        int[] spikeSteps = new int[3];
        int n = 0;
        for (int s = 0; s < 400 && n < 3; s++) {
            int before = ctx.count;
            m.step(ctx);
            if (ctx.count > before) spikeSteps[n++] = s;
            else if (n > 0 && s - spikeSteps[n - 1] < 50) assertEquals(P.vReset(), m.v[0], 0.0, "held at V_r at step " + s);
        }
        assertEquals(0, spikeSteps[0]);
        assertTrue(spikeSteps[1] - spikeSteps[0] >= 50, "refractory 5 ms = 50 steps");
    }

    /** A one-chunk context for calling a kernel directly. */
    static final class FixedContext implements StepContext {
        final int from, to;
        final double dt;
        long step;
        int count;
        final org.snn4j.util.Rng rng = new org.snn4j.util.Rng(1);

        FixedContext(int from, int to, double dt) {
            this.from = from;
            this.to = to;
            this.dt = dt;
        }

        @Override
        public int from() {
            return from;
        }

        @Override
        public int to() {
            return to;
        }

        @Override
        public long step() {
            return step;
        }

        @Override
        public double dt() {
            return dt;
        }

        @Override
        public org.snn4j.util.Rng rng() {
            return rng;
        }

        @Override
        public void spike(int i) {
            count++;
        }
    }
}
