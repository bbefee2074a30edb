package org.snn4j.papers.scn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snn4j.model.ScnParams;
import org.snn4j.model.ScnParams.SpikeRule;
import org.snn4j.papers.scn.ScnInput;
import org.snn4j.papers.scn.ScnNetwork;
import org.snn4j.papers.scn.ScnSignal;
import org.snn4j.sim.Simulation;
import org.snn4j.util.InputException;

class ScnLearningRulesTest {
    /**
     * N = 2, J = 1, dt = 1 ms, λ = 50/s (a = 0.95), F = (1, −1), Ω = [[1.2, 0.4], [0.3, 1.2]],
     * thresholds 0.5, constant command c = 1000 (x_1 = 1), ε_f = ε_r = 0.1, α = 0.5, β = 2, μ = 0.1.
     * Step 0: V = (1, −1), r = 0, neuron 0 spikes:
     *   F_0 = 1 + 0.1 (0.5·1 − 1) = 0.95;  Ω_00 = 1.2 + 0.1 (2·1 − 1.2 + 0.1) = 1.29;
     *   Ω_10 = 0.3 + 0.1 (2·(−1) − 0.3) = 0.07.
     * Step 1 (the spike arrives with the old weights): x = 1.95, r_0 = 1, V_0 = 0.95 + 0.95 − 1.2 = 0.7,
     * V_1 = −0.95 − 1 − 0.3 = −2.25, neuron 0 spikes again:
     *   F_0 = 0.95 + 0.1 (0.5·1.95 − 0.95) = 0.9525;  Ω_00 = 1.29 + 0.1 (2 (0.7 + 0.1·1) − 1.29 + 0.1) = 1.331;
     *   Ω_10 = 0.07 + 0.1 (2 (−2.25 + 0.1·0) − 0.07) = −0.387;  F_1, Ω_01, Ω_11 never change.
     */
    @Test
    void rulesMatchTheFormulasOnAHandComputedCase() {
        HandCase c = new HandCase();
        ScnNetwork net = c.net;
        ScnInput in = c.in;
        Simulation sim = c.sim;
        FeedforwardHebbianRule ff = new FeedforwardHebbianRule(net, in, 0.1, 0.5, LearningSchedule.constant());
        RecurrentVoltageRule rec = new RecurrentVoltageRule(net, 0.1, 2, 0.1, LearningSchedule.constant());
        sim.add(in).add(ff).add(rec);
        sim.run(1);
        assertEquals(1.0, net.model.v[0], 1e-12);
        assertEquals(0.95, net.ff.get(0, 0), 1e-12);
        assertEquals(-1, net.ff.get(0, 1), 0);
        double[][] om = net.omega();
        assertEquals(1.29, om[0][0], 1e-12);
        assertEquals(0.07, om[1][0], 1e-12);
        assertEquals(0.4, om[0][1], 0);
        assertEquals(1.2, om[1][1], 0);
        sim.run(1);
        assertEquals(0.7, net.model.v[0], 1e-12);
        assertEquals(-2.25, net.model.v[1], 1e-12);
        assertEquals(1.0, net.model.r[0], 1e-12);
        assertEquals(0.9525, net.ff.get(0, 0), 1e-12);
        om = net.omega();
        assertEquals(1.331, om[0][0], 1e-12);
        assertEquals(-0.387, om[1][0], 1e-12);
        assertEquals(0.4, om[0][1], 0);
        assertEquals(2, ff.updates());
        assertEquals(2, rec.updates());
    }

    /** The lateral gain scales the lateral targets only: the self-weight's update is the published rule's. */
    @Test
    void lateralGainScalesOnlyTheLateralTargets() {
        HandCase c = new HandCase();
        c.sim.add(c.in).add(new RecurrentVoltageRule(c.net, 0.1, 2, 0.1, LearningSchedule.constant()).lateralGain(1.5));
        c.sim.run(1);
        double[][] om = c.net.omega();
        assertEquals(1.29, om[0][0], 1e-12);          // as with gain 1 (the test above)
        assertEquals(0.3 + 0.1 * (1.5 * -2.0 - 0.3), om[1][0], 1e-12);   // gain 1 gives 0.07: β(V_1 + μ r_1) = −2
        assertEquals(0.4, om[0][1], 0);
    }

    /** The two-neuron network of the hand-computed case (see the comment above its test). */
    private static final class HandCase {
        final ScnNetwork net = new ScnNetwork(new ScnParams(50, 0.1, 0, 0, 0, SpikeRule.ONE_PER_STEP), new double[][] {{1, -1}},
                new double[][] {{1.2, 0.4}, {0.3, 1.2}}, new double[] {0.5, 0.5});
        final ScnInput in = new ScnInput(net, ScnSignal.steps(new double[][] {{20}}, 1000, 50));
        final Simulation sim = new Simulation(net.network, 1.0, 1, 1);
    }

    @Test
    void scheduleScalesTheRate() {
        LearningSchedule s = new LearningSchedule(10, 100, 20);
        assertEquals(0, s.factor(9));
        assertEquals(1, s.factor(10));
        assertEquals(0.5, s.factor(30), 1e-15);
        assertEquals(0, s.factor(100));
        assertEquals(1, LearningSchedule.constant().factor(123456));
    }

    @Test
    void divergenceStopsWithTheStepAndTheWeight() {
        HandCase c = new HandCase();
        ScnNetwork net = c.net;
        ScnInput in = c.in;
        Simulation sim = c.sim;
        sim.add(in).add(new FeedforwardHebbianRule(net, in, Double.MAX_VALUE, 1e300, LearningSchedule.constant()));
        InputException e = assertThrows(InputException.class, () -> sim.run(5));
        assertTrue(e.getMessage().contains("step 0") && e.getMessage().contains("F[0][0]"), e.getMessage());
    }

    @Test
    void shortTrainingLowersDecodingErrorAndOmegaDistance() {
        ScnTrainer t = new ScnTrainer(ScnTrainer.brendelFig2(42));
        ScnEvaluator ev = new ScnEvaluator(new ScnEvaluator.Config(1.0, 10_000, 10_000, 2000, 30, 1000, 0, 2, 1000, 90, 10, 0, 7));
        ScnEvaluator.Result before = ev.evaluate(t.net);
        double dBefore = t.net.omegaDistance();
        t.trainTo(200_000);
        ScnEvaluator.Result after = ev.evaluate(t.net);
        double dAfter = t.net.omegaDistance();
        System.out.printf("error %.4f -> %.4f, omega distance %.4f -> %.4f, rate %.2f -> %.2f Hz%n", before.decodingError,
                after.decodingError, dBefore, dAfter, before.meanRateHz, after.meanRateHz);
        assertTrue(after.decodingError < 0.5 * before.decodingError, before.decodingError + " -> " + after.decodingError);
        assertTrue(dAfter < 0.7 * dBefore, dBefore + " -> " + dAfter);
    }
}
