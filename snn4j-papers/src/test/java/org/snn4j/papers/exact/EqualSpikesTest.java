package org.snn4j.papers.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snn4j.model.GateShape;
import org.snn4j.model.QifGateParams;
import org.snn4j.model.ScnParams;
import org.snn4j.papers.scn.ScnNetwork;
import org.snn4j.train.exact.QifNet;
import org.snn4j.util.Rng;

/** The hand-built spike-coding structure and the analytic network compared at a given spike count. */
class EqualSpikesTest {
    @Test
    void scnStructureIsTheCurrentFormOfTheAnalyticNetwork() {
        QifNet net = randomNet(5, 3);
        double a = 2.5, tauS = 20;
        ExactEncodingExperiment.scnStructure(net, net, a, tauS, false);
        for (int i = 0; i < 5; i++) {
            double oi0 = net.w[net.offO + i], oi1 = net.w[net.offO + 5 + i];
            assertEquals(a * oi0, net.w[net.offU + i * 2], 1e-12);
            assertEquals(a * oi1, net.w[net.offU + i * 2 + 1], 1e-12);
            assertEquals(-a * (oi0 * oi0 + oi1 * oi1) / (2 * tauS), net.w[net.offI0 + i], 1e-12);
            for (int j = 0; j < 5; j++)
                assertEquals(-a * (oi0 * net.w[net.offO + j] + oi1 * net.w[net.offO + 5 + j]), net.w[net.offW + i * 5 + j], 1e-12);
        }
    }

    /** n neurons, 2 inputs and outputs, dt 1 ms, random weights of seed {@code seed}. */
    private static QifNet randomNet(int n, long seed) {
        return new QifNet(n, 2, 2, 1.0, new QifGateParams(10, 20, 1, GateShape.COSINE)).randomize(Rng.stream(seed, 0), 1, 0.3, 0, 0.05, 20);
    }

    /** init=scn-local: the structure's U, I_0 and W_ii, and the lateral weights as they were; scn-self keeps U too. */
    @Test
    void localStartKeepsTheLateralWeights() {
        QifNet net = randomNet(5, 3);
        QifNet full = net.withModel(net.model), local = net.withModel(net.model);
        ExactEncodingExperiment.scnStart(full, false, false, 2.5, 20, false);
        ExactEncodingExperiment.scnStart(local, true, false, 2.5, 20, false);
        QifNet self = net.withModel(net.model);   // init=scn-self: the input weights kept as well
        ExactEncodingExperiment.scnStart(self, true, true, 2.5, 20, false);
        for (int k = 0; k < net.w.length; k++) {
            boolean lateral = k >= net.offW && k < net.offW + 25 && (k - net.offW) / 5 != (k - net.offW) % 5;
            boolean input = k >= net.offU && k < net.offI0;
            assertEquals(lateral ? net.w[k] : full.w[k], local.w[k], 0, "parameter " + k);
            assertEquals(lateral || input ? net.w[k] : full.w[k], self.w[k], 0, "parameter " + k);
        }
    }

    @Test
    void perNeuronGainsGiveEveryNeuronTheSameSelfLoopAndKeepEachRowsDirection() {
        QifNet net = randomNet(6, 4);
        QifNet one = net.withModel(net.model), per = net.withModel(net.model);
        ExactEncodingExperiment.scnStructure(net, one, 3, 20, false);
        ExactEncodingExperiment.scnStructure(net, per, 3, 20, true);
        double mean = 0;
        for (int k = net.offO; k < net.w.length; k++) mean += net.w[k] * net.w[k] / 6;
        for (int i = 0; i < 6; i++) {
            assertEquals(-3 * mean, per.w[per.offW + i * 6 + i], 1e-9 * mean);
            double scale = per.w[per.offW + i * 6 + i] / one.w[one.offW + i * 6 + i];   // a_i / a, positive
            assertTrue(scale > 0);
            for (int j = 0; j < 6; j++) assertEquals(scale * one.w[one.offW + i * 6 + j], per.w[per.offW + i * 6 + j], 1e-9);
            for (int q = 0; q < 2; q++) assertEquals(scale * one.w[one.offU + i * 2 + q], per.w[per.offU + i * 2 + q], 1e-9);
            assertEquals(scale * one.w[one.offI0 + i], per.w[per.offI0 + i], 1e-9);
        }
    }

    @Test
    void analyticNetworkAtALowerRateSpendsNoMoreSpikesAndCodesWorse() {
        EncodingTask test = new EncodingTask(1, 1, 2, 1.0, 600, 20, 30, 1000, 50);
        double[][] d = ScnNetwork.randomDecoder(2, 20, 0.2, Rng.stream(1, 1));
        ScnParams sp = new ScnParams(50, 0, 0, 0, 0, ScnParams.SpikeRule.ONE_PER_STEP);
        double[] free = ExactEncodingExperiment.analyticScore(d, sp, test, 3, 7, null);
        double target = free[1] / 2;
        double[] at = ExactEncodingExperiment.analyticAtRate(d, sp, test, 3, 7, target);
        assertTrue(at[1] <= target && at[1] > 0.8 * target, "rate " + at[1] + " for target " + target);
        assertTrue(at[2] > 0, "mu " + at[2]);
        assertTrue(at[0] > free[0], "fewer spikes, larger error: " + at[0] + " vs " + free[0]);
        // a target above the free rate: the network at the given mu
        double[] above = ExactEncodingExperiment.analyticAtRate(d, sp, test, 3, 7, free[1] * 2);
        assertEquals(free[0], above[0], 0);
        assertEquals(0, above[2], 0);
    }
}
