package org.snn4j.papers.scn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snn4j.model.ScnParams;
import org.snn4j.model.ScnParams.SpikeRule;
import org.snn4j.papers.scn.ScnInput;
import org.snn4j.papers.scn.ScnSignal;
import org.snn4j.sim.Simulation;
import org.snn4j.util.Rng;

class DaleLearningTest {
    /**
     * NE = 2, NI = 1, J = 1, dt = 1 ms, λ = 50/s (a = 0.95), κ_E = 6 (a_E = 0.7), κ_I = 1 (a_I = 0.95),
     * ε_f = ε_r = 0.1, μ = 0.1, F_E = (1, −1), C_EE = −0.02 I, C_IE = (−0.15, −0.15)ᵀ, C_EI = (0.8, 0.8),
     * C_II = −0.5, thresholds 0.5, constant command c = 1500.
     * Step 0: ī_E = 1.5, V_E = (1.5, −1.5): E0 spikes. F_E,0 = 1 + 0.1 (1.5 − 1) = 1.05;
     *   C_EE(1,0) = max(0 − 0.1 (−1.5), 0) = 0.15; C_EE(0,0) = −0.02 (autapse).
     * Step 1: ī_E = 0.7·1.5 + 1.5 = 2.55, ī_I = (1, 0), r_E = (1, 0); the E0 spike arrives with the old
     *   weights: V_E = (0.95·1.5 + 1.05·1.5 − 0.02, −0.95·1.5 − 1.5) = (2.98, −2.925), V_I = 0.8: E0 and I0 spike.
     *   E0: F_E,0 = 1.05 + 0.1 (2.55 − 1.05) = 1.2; C_EE(1,0) = 0.15 − 0.1 (−2.925 + 0.15) = 0.4275.
     *   I0: C_EI = (0.8 + 0.1 (1 − 0.8), 0.8 + 0.1 (0 − 0.8)) = (0.82, 0.72);
     *       C_II = −0.5 − 0.1 (0.8 + 0 − 0.5 + 0.1) = −0.54;
     *       C_IE(0,0) = −0.15 − 0.1 (2.98 + 0.1·1 − 0.15) = −0.443; C_IE(1,0) = min(−0.15 + 0.3075, 0) = 0.
     */
    @Test
    void rulesMatchTheFormulasOnAHandComputedCase() {
        ScnParams p = new ScnParams(50, 0.1, 0, 0, 0, SpikeRule.ONE_PER_STEP, 0);
        DaleNetwork net = new DaleNetwork(p, new double[][] {{1, -1}}, new double[][] {{-0.02, 0}, {0, -0.02}},
                new double[][] {{-0.15}, {-0.15}}, new double[][] {{0.8, 0.8}}, new double[][] {{-0.5}}, new double[] {0.5, 0.5},
                new double[] {0.5});
        ScnInput in = new ScnInput(net.ffE, net.e, ScnSignal.steps(new double[][] {{30}}, 1000, 50));
        DaleLearning rule = new DaleLearning(net, in, 0.1, 0.1, 0.1, 6, 1, -0.02, LearningSchedule.constant());
        Simulation sim = new Simulation(net.network, 1.0, 1, 1);
        sim.add(in).add(rule);
        sim.run(1);
        assertEquals(1.05, net.ffE.get(0, 0), 1e-12);
        assertEquals(0.15, net.ee.get(0, 1), 1e-12);    // C_EE(1,0): row = presynaptic 0, column = post 1
        assertEquals(-0.02, net.ee.get(0, 0), 0);
        sim.run(1);
        assertEquals(2.98, net.e.v[0], 1e-12);
        assertEquals(-2.925, net.e.v[1], 1e-12);
        assertEquals(0.8, net.i.v[0], 1e-12);
        assertEquals(1.2, net.ffE.get(0, 0), 1e-12);
        assertEquals(-1, net.ffE.get(0, 1), 0);
        assertEquals(0.4275, net.ee.get(0, 1), 1e-12);
        assertEquals(0.82, net.ei.get(0, 0), 1e-12);    // C_EI(0,0): pre E0 → post I0
        assertEquals(0.72, net.ei.get(1, 0), 1e-12);
        assertEquals(-0.54, net.ii.get(0, 0), 1e-12);
        assertEquals(-0.443, net.ie.get(0, 0), 1e-12);  // C_IE(0,0): pre I0 → post E0
        assertEquals(0, net.ie.get(0, 1), 0);
    }

    @Test
    void shortTrainingKeepsSignsAndImprovesTheReadout() {
        ScnParams p = new ScnParams(50, 0.002, 0, 0.002, 0.02, SpikeRule.ONE_PER_STEP, 10);
        DaleNetwork net = DaleNetwork.brendelInitial(p, 40, 10, 2, new Rng(3));
        ScnInput in = new ScnInput(net.ffE, net.e, ScnSignal.smoothedNoise(2, 2000, 30, 1000, new Rng(4)));
        Simulation sim = new Simulation(net.network, 0.1, 5, 1);
        sim.add(in).add(new DaleLearning(net, in, 1e-4, 1e-3, 0.002, 6, 1, -0.02, LearningSchedule.constant()));
        DaleEvaluator ev = new DaleEvaluator(new ScnEvaluator.Config(0.1, 10_000, 10_000, 2000, 30, 1000, 0, 2, 1, 90, 10, 0, 9));
        DaleEvaluator.Result before = ev.evaluate(net);
        sim.run(300_000);
        DaleEvaluator.Result after = ev.evaluate(net);
        for (double w : net.ee.w) assertTrue(w >= 0 || w == -0.02);
        for (double w : net.ei.w) assertTrue(w >= 0);
        for (double w : net.ie.w) assertTrue(w <= 0);
        for (double w : net.ii.w) assertTrue(w <= 0);
        assertTrue(after.decodingError < 0.5 * before.decodingError, before.decodingError + " -> " + after.decodingError);
        assertTrue(after.eiBalanceCorr > before.eiBalanceCorr, before.eiBalanceCorr + " -> " + after.eiBalanceCorr);
    }
}
