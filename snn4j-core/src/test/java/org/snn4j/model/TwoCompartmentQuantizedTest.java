package org.snn4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snn4j.network.Network;
import org.snn4j.network.Population;
import org.snn4j.sim.Simulation;

/** 16-bit states of the two-compartment neuron: on the grid, clipped, and close to the exact solution. */
class TwoCompartmentQuantizedTest {
    static boolean onGrid(double x, double q) {
        double k = x / q;
        return Math.abs(k - Math.rint(k)) < 1e-6;
    }

    @Test
    void statesStayOnTheGridAndNearTheExactSolutionAndDecaysReachZero() {
        TwoCompartmentParams p = TwoCompartmentParams.erbp();
        TwoCompartmentLif m = new TwoCompartmentLif(p, 3);
        m.quantizeStates(16, 8, 8, 1);
        double[] q = m.stateQuanta();
        assertEquals(8.0 / 32767, q[0], 1e-18);
        assertEquals(1.0 / 32767, q[2], 1e-18);
        m.iExt[0] = 0.07;   // sub-threshold step: V(t) = 0.07 (1 − e^{−t/τ_V})
        m.u[1] = 0.3;       // dendrite decay: U(t) = 0.3 e^{−t/τ_U}
        m.iSyn[2] = 9.5;    // beyond the range: clipped to 8
        Network net = new Network();
        net.add(new Population("n", m));
        Simulation sim = new Simulation(net, 0.1, 1, 1);
        double eV = Math.exp(-0.1 / p.tauV()), eU = Math.exp(-0.1 / p.tauU());
        // two truncations per step, each losing less than Δ: the error obeys e' = E e + r, |r| < 2Δ → |e| < 2Δ/(1 − E)
        double boundV = 2 * q[1] / (1 - eV), boundU = 2 * q[2] / (1 - eU);
        int zeroAt = -1;
        for (int s = 1; s <= 2000; s++) {
            sim.run(1);
            double t = s * 0.1;
            assertTrue(Math.abs(m.v[0] - 0.07 * (1 - Math.exp(-t / p.tauV()))) <= boundV, "V at " + t);
            assertTrue(Math.abs(m.u[1] - 0.3 * Math.exp(-t / p.tauU())) <= boundU, "U at " + t);
            for (int i = 0; i < 3; i++) {
                assertTrue(onGrid(m.iSyn[i], q[0]) && onGrid(m.v[i], q[1]) && onGrid(m.u[i], q[2]), "off the grid at step " + s);
                assertTrue(Math.abs(m.iSyn[i]) <= 8 && Math.abs(m.u[i]) <= 1);
            }
            if (zeroAt < 0 && m.u[1] == 0) zeroAt = s;
        }
        // truncation toward zero lets the decay reach 0 (round-to-nearest would stop where 0.0198·U < Δ/2)
        assertTrue(zeroAt > 0, "the quantised dendrite never reached 0");
        assertEquals(0, m.u[1]);
        assertEquals(0, m.iSyn[2]);
        // the clipped current started at 8, not 9.5: after one step it was 8·E_syn truncated
        assertTrue(zeroAt < 2000);
    }

    @Test
    void badQuantisationArgumentsAreRejected() {
        TwoCompartmentLif m = new TwoCompartmentLif(TwoCompartmentParams.erbp(), 1);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> m.quantizeStates(1, 1, 1, 1));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> m.quantizeStates(16, 0, 1, 1));
        assertEquals(0, m.stateQuanta()[0]);
    }
}
