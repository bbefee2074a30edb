package org.snn4j.papers.erbp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.snn4j.data.Dataset;
import org.snn4j.model.SpikeTimeSource;
import org.snn4j.model.TwoCompartmentLif;
import org.snn4j.model.TwoCompartmentParams;
import org.snn4j.network.DenseWeights;
import org.snn4j.network.Network;
import org.snn4j.network.Population;
import org.snn4j.network.Projection;
import org.snn4j.sim.Simulation;
import org.snn4j.util.Rng;

class ErbpTest {
    /**
     * One eRBP rule on a hand-set scene: spike-time sources (one row of times per presynaptic neuron)
     * onto two-compartment neurons started at synaptic currents i0 and dendrites u0, through zero
     * weights (so that the spikes do not change I), dt 0.1 ms, one thread.
     */
    record RuleBench(Simulation sim, ErbpRule rule, DenseWeights w, TwoCompartmentParams params) {
        static RuleBench of(double[][] spikeTimes, double[] i0, double[] u0, double eta, ErbpRule.Gate gate) {
            Network net = new Network();
            Population pre = net.add(new Population("pre", new SpikeTimeSource(spikeTimes)));
            TwoCompartmentParams p = TwoCompartmentParams.erbp();
            TwoCompartmentLif m = new TwoCompartmentLif(p, i0.length);
            Population post = net.add(new Population("post", m));
            System.arraycopy(i0, 0, m.iSyn, 0, i0.length);
            System.arraycopy(u0, 0, m.u, 0, u0.length);
            DenseWeights w = new DenseWeights(spikeTimes.length, i0.length);
            Projection pr = net.add(new Projection("w", pre.all(), post.all(), "i_syn", w, 0));
            ErbpRule rule = new ErbpRule(pr, eta, -1.15, 1.15, gate);
            Simulation sim = new Simulation(net, 0.1, 1, 1);
            sim.add(rule);
            return new RuleBench(sim, rule, w, p);
        }
    }

    @Test
    void ruleChangesWeightsOnlyOnPresynapticSpikesInsideTheBoxcarByEtaU() {
        // pre 0 spikes at 1.05 ms (step 10) and 2.05 ms (step 20); pre 1 never
        // I0: inside the gate, above it, below it; U0 of each
        double[] i0 = {0.5, 3.0, -3.0}, u0 = {0.4, 0.7, -0.2};
        double eta = 1e-3;
        RuleBench b = RuleBench.of(new double[][] {{1.05, 2.05}, {}}, i0, u0, eta, ErbpRule.Gate.BOXCAR);
        TwoCompartmentParams p = b.params();
        DenseWeights w = b.w();
        ErbpRule rule = b.rule();
        Simulation sim = b.sim();
        double eS = Math.exp(-0.1 / p.tauSyn()), eU = Math.exp(-0.1 / p.tauU());
        double[] expected = new double[3];
        double[] gates = new double[3];   // below, open, above: post neurons on the steps with a presynaptic spike
        for (int s = 0; s < 30; s++) {
            double[][] before = w.toDense();
            sim.run(1);
            boolean spike = s == 10 || s == 20;
            for (int j = 0; j < 3; j++) {
                double iNow = i0[j] * Math.pow(eS, s + 1), uNow = u0[j] * Math.pow(eU, s + 1);
                boolean inside = iNow > -1.15 && iNow < 1.15;
                if (spike && inside) expected[j] += eta * uNow;
                if (spike) gates[iNow <= -1.15 ? 0 : inside ? 1 : 2]++;
                assertEquals(expected[j], w.get(0, j), 1e-15, "step " + s + " post " + j);
                assertEquals(0.0, w.get(1, j), "no presynaptic spike, no change");
                if (!spike) assertEquals(before[0][j], w.get(0, j), "no change without a spike");
            }
        }
        assertTrue(expected[0] > 0, "post 0 learned");
        assertEquals(0.0, w.get(0, 2), "below the gate: no change");
        // post 1 (I0 = 3) has decayed into the gate by step 20 (3·e^{-2.1/4} ≈ 1.78: still outside)
        assertEquals(0.0, w.get(0, 1));
        // gate occupancy: 2 spike steps x 3 neurons (one inside, one above, one below on both)
        double[] occ = rule.gateOccupancy();
        for (int k = 0; k < 3; k++) assertEquals(gates[k] / 6, occ[k], 1e-15, "gate fraction " + k);
        assertArrayEquals(new double[] {2, 2, 2}, gates);
        rule.resetGateStats();
        assertTrue(Double.isNaN(rule.gateOccupancy()[1]), "no learning step counted yet");
        // disabled: no learning
        rule.setEnabled(false);
        double before = w.get(0, 0);
        sim.runFor(5);
        assertEquals(before, w.get(0, 0));
    }

    @Test
    void presentationAndRateApplyHoldTheUpdatesUntilFlush() {
        for (ErbpRule.Apply apply : new ErbpRule.Apply[] {ErbpRule.Apply.PRESENTATION, ErbpRule.Apply.RATE}) {
            // as above: pre 0 spikes at steps 10 and 20, zero weights; post 0 inside the boxcar, 1 above, 2 below
            double[] u0 = {0.4, 0.7, -0.2};
            double eta = 1e-3;
            RuleBench b = RuleBench.of(new double[][] {{1.05, 2.05}, {}}, new double[] {0.5, 3.0, -3.0}, u0, eta, ErbpRule.Gate.BOXCAR);
            TwoCompartmentParams p = b.params();
            DenseWeights w = b.w();
            ErbpRule rule = b.rule();
            rule.setApply(apply);
            Simulation sim = b.sim();
            double eU = Math.exp(-0.1 / p.tauU());
            double eventSum = 0, uMean = 0;
            for (int s = 0; s < 30; s++) {
                sim.run(1);
                double uNow = u0[0] * Math.pow(eU, s + 1);
                uMean += uNow / 30;
                if (s == 10 || s == 20) eventSum += eta * uNow;
                for (int j = 0; j < 3; j++) assertEquals(0.0, w.get(0, j), apply + ": no change before the flush, step " + s);
            }
            rule.flush();
            // PRESENTATION: the paper's updates, summed; RATE: η · 2 gated spikes · mean U over the 30 learning steps
            double expected = apply == ErbpRule.Apply.PRESENTATION ? eventSum : eta * 2 * uMean;
            assertEquals(expected, w.get(0, 0), 1e-15, apply + ": post 0");
            assertEquals(0.0, w.get(0, 1), apply + ": above the gate");
            assertEquals(0.0, w.get(0, 2), apply + ": below the gate");
            assertEquals(0.0, w.get(1, 0), apply + ": no presynaptic spike");
            rule.flush();
            assertEquals(expected, w.get(0, 0), 1e-15, apply + ": a second flush adds nothing");
        }
    }

    @Test
    void gradientApplyWritesTheNegatedUnitRateUpdatesAndLeavesTheWeights() {
        // as above; GRADIENT: the same updates with η = 1 and the sign reversed, into the caller's array
        double[] u0 = {0.4, 0.7, -0.2};
        RuleBench b = RuleBench.of(new double[][] {{1.05, 2.05}, {}}, new double[] {0.5, 3.0, -3.0}, u0, 1e-3, ErbpRule.Gate.BOXCAR);
        TwoCompartmentParams p = b.params();
        ErbpRule rule = b.rule();
        assertThrows(IllegalStateException.class, () -> rule.gradientInto(new double[b.w().w.length]), "needs apply = GRADIENT");
        rule.setApply(ErbpRule.Apply.GRADIENT);
        assertThrows(IllegalStateException.class, () -> b.sim().run(12), "a spike with no gradient array bound");
        RuleBench c = RuleBench.of(new double[][] {{1.05, 2.05}, {}}, new double[] {0.5, 3.0, -3.0}, u0, 1e-3, ErbpRule.Gate.BOXCAR);
        ErbpRule r = c.rule();
        r.setApply(ErbpRule.Apply.GRADIENT);
        double[] g = new double[c.w().w.length];
        r.gradientInto(g);
        assertThrows(IllegalArgumentException.class, () -> r.gradientInto(new double[g.length + 1]));
        double eU = Math.exp(-0.1 / p.tauU()), sum = 0;
        for (int s = 0; s < 30; s++) {
            c.sim().run(1);
            if (s == 10 || s == 20) sum += u0[0] * Math.pow(eU, s + 1);
        }
        r.flush();
        assertEquals(-sum, g[0], 1e-15, "post 0: minus the summed U of the two gated spikes");
        assertEquals(0.0, g[1], "above the gate");
        assertEquals(0.0, g[2], "below the gate");
        assertEquals(0.0, g[3], "no presynaptic spike");
        for (double v : c.w().w) assertEquals(0.0, v, "the weights are the optimiser's to change");
    }

    @Test
    void towardGateAlsoLearnsOutsideTheBoxcarWhenTheUpdateMovesTheCurrentBack() {
        // pre 0 spikes at steps 10 and 20; post neurons inside, above and below the boxcar with U of either sign
        double[] i0 = {0.5, 3.0, 3.0, -3.0, -3.0}, u0 = {0.4, -0.7, 0.7, 0.2, -0.2};
        double eta = 1e-3;
        RuleBench b = RuleBench.of(new double[][] {{1.05, 2.05}}, i0, u0, eta, ErbpRule.Gate.TOWARD);
        TwoCompartmentParams p = b.params();
        DenseWeights w = b.w();
        ErbpRule rule = b.rule();
        Simulation sim = b.sim();
        double eS = Math.exp(-0.1 / p.tauSyn()), eU = Math.exp(-0.1 / p.tauU());
        double[] expected = new double[5];
        for (int s = 0; s < 30; s++) {
            sim.run(1);
            if (s != 10 && s != 20) continue;
            for (int j = 0; j < 5; j++) {
                double iNow = i0[j] * Math.pow(eS, s + 1), uNow = u0[j] * Math.pow(eU, s + 1);
                assertTrue(j == 0 || Math.abs(iNow) >= 1.15, "neurons 1-4 stay outside the boxcar");
                boolean learn = Math.abs(iNow) < 1.15 || (iNow >= 1.15 && uNow < 0) || (iNow <= -1.15 && uNow > 0);
                if (learn) expected[j] += eta * uNow;
            }
        }
        for (int j = 0; j < 5; j++) assertEquals(expected[j], w.get(0, j), 1e-15, "post " + j);
        assertTrue(expected[1] < 0 && expected[3] > 0, "above with U < 0 and below with U > 0 learn");
        assertEquals(0.0, w.get(0, 2), "above with U > 0: no change");
        assertEquals(0.0, w.get(0, 4), "below with U < 0: no change");
        // the occupancy counts where I is, not what learned: one inside, two above, two below on both spike steps
        assertArrayEquals(new double[] {0.4, 0.2, 0.4}, rule.gateOccupancy(), 1e-15);
    }

    @Test
    void eightBitWeightsStayOnTheGridAndMoveInExpectation() {
        Network net = new Network();
        Population pre = net.add(new Population("pre", new SpikeTimeSource(new double[][] {spikeTimes(2000)})));
        TwoCompartmentLif m = new TwoCompartmentLif(TwoCompartmentParams.erbp(), 1);
        Population post = net.add(new Population("post", m));
        DenseWeights w = new DenseWeights(1, 1);
        Projection pr = net.add(new Projection("w", pre.all(), post.all(), "i_syn", w, 0));
        ErbpRule rule = new ErbpRule(pr, 1e-3, -1e9, 1e9);
        rule.quantize(8, 4.0, 3);
        double delta = rule.quantum();
        assertEquals(4.0 / 127, delta);
        Simulation sim = new Simulation(net, 0.1, 1, 1);
        sim.add(rule);
        // U held at 1 before each step: each spike adds 1e-3·U·e^{-dt/τ_U} in expectation, far below Δ
        double mean = 0;
        for (int s = 0; s < 2000; s++) {
            m.u[0] = 1.0;
            sim.run(1);
            double q = w.get(0, 0) / delta;
            assertEquals(Math.rint(q), q, 1e-9, "on the grid");
        }
        mean = 2000 * 1e-3 * Math.exp(-0.1 / 5.0);
        // stochastic rounding: the sum of 2000 Bernoulli increments of Δ, sd ≤ Δ·sqrt(2000/4)
        assertEquals(mean, w.get(0, 0), 5 * delta * Math.sqrt(500));
        assertTrue(w.get(0, 0) > 0.5 * mean);
    }

    static double[] spikeTimes(int n) {
        double[] t = new double[n];
        for (int k = 0; k < n; k++) t[k] = 0.05 + 0.1 * k;
        return t;
    }

    /** Ten noisy prototypes of 8×8 pixels: a small generated stand-in for MNIST. */
    static Dataset prototypes(int n, long seed) {
        Rng r = new Rng(seed);
        int dim = 64;
        double[][] proto = new double[10][dim];
        for (double[] p : proto) for (int k = 0; k < dim; k++) p[k] = r.nextDouble() < 0.3 ? 0.7 + 0.3 * r.nextDouble() : 0;
        float[] im = new float[n * dim];
        int[] lb = new int[n];
        for (int s = 0; s < n; s++) {
            int c = s % 10;
            lb[s] = c;
            for (int k = 0; k < dim; k++) {
                double v = proto[c][k] > 0 ? proto[c][k] + 0.15 * r.nextGaussian() : 0;
                im[s * dim + k] = (float) Math.max(0, Math.min(1, v));
            }
        }
        return new Dataset("prototypes", 8, 8, 10, im, lb);
    }

    @Test
    void quickErbpRunLearnsAGeneratedTaskAboveChance() {
        Dataset all = prototypes(400, 5);
        for (boolean blankout : new boolean[] {false, true}) {
            // 300 presentations of 100 ms: the paper's η (tuned for 50,000 presentations of 250 ms) is
            // too slow to show anything here, so the learning rates are larger
            ErbpConfig cfg = ErbpConfig.paper(new int[] {40}, blankout, 11).withInputs(64).withTimes(0.1, 100, 100, 20)
                    .withEta(blankout ? 3e-2 : 1e-2);
            ErbpNetwork net = new ErbpNetwork(cfg);
            float[] x = new float[64];
            int[] order = Dataset.permutation(300, new Rng(1));
            for (int k : order) {
                all.image(k, x);
                net.present(x, all.label(k), true);
            }
            int ok = 0;
            for (int k = 300; k < 400; k++) {
                all.image(k, x);
                if (net.present(x, all.label(k), false) == all.label(k)) ok++;
            }
            // chance is 10/100; a binomial(100, 0.1) exceeds 30 with probability < 1e-8
            assertTrue(ok > 50, (blankout ? "eRBPx" : "eRBP+") + ": " + ok + "/100 correct");
        }
    }

    @Test
    void sixteenBitStatesAndScaledInitialWeightsStillLearn() {
        Dataset all = prototypes(400, 5);
        ErbpConfig cfg = ErbpConfig.paper(new int[] {40}, false, 11).withInputs(64).withTimes(0.1, 100, 100, 20).withEta(1e-2)
                .withStateBits(16).withInitScales(0.6, 0.5);
        ErbpNetwork net = new ErbpNetwork(cfg);
        double[] q = ((org.snn4j.model.TwoCompartmentLif) net.output().model()).stateQuanta();
        assertEquals(ErbpNetwork.STATE_I_MAX / 32767, q[0], 1e-15);
        double lim = 0.6 * Math.sqrt(7.0 / (64 + 40)), maxW = 0;
        for (double w : net.weights(1)) maxW = Math.max(maxW, Math.abs(w));
        assertTrue(maxW <= lim && maxW > 0.9 * lim, "initial weights within the scaled range: " + maxW + " vs " + lim);
        float[] x = new float[64];
        for (int k : Dataset.permutation(300, new Rng(1))) {
            all.image(k, x);
            net.present(x, all.label(k), true);
        }
        int ok = 0;
        for (int k = 300; k < 400; k++) {
            all.image(k, x);
            if (net.present(x, all.label(k), false) == all.label(k)) ok++;
        }
        assertTrue(ok > 50, "eRBP+ with 16-bit states: " + ok + "/100 correct");
    }

    @Test
    void layerCountsAreEachNeuronsSpikesInThePresentation() {
        Dataset all = prototypes(2, 5);
        ErbpConfig cfg = ErbpConfig.paper(new int[] {30, 20}, true, 5).withInputs(64).withTimes(0.1, 30, 30, 5);
        ErbpNetwork net = new ErbpNetwork(cfg);
        net.countLayers(true);
        ErbpNetwork.Recorder rec = net.record();
        float[] x = new float[64];
        all.image(0, x);
        net.present(x, all.label(0), true);   // a training presentation first: the counts must start afresh
        int firstEnd = rec.pop.size();
        all.image(1, x);
        net.present(x, -1, false);
        List<Population> pops = rec.populations();
        Population[] layers = {pops.stream().filter(q -> q.name().equals("data")).findFirst().orElseThrow(), net.hidden().get(0), net.hidden().get(1)};
        int total = 0;
        for (int l = 0; l < 3; l++) {
            int[] expected = new int[layers[l].size()];
            int pi = pops.indexOf(layers[l]);
            for (int k = firstEnd; k < rec.pop.size(); k++) if (rec.pop.get(k) == pi) expected[rec.neuron.get(k)]++;
            assertArrayEquals(expected, net.layerCounts(l), "layer " + l);
            for (int c : expected) total += c;
        }
        assertTrue(total > 0, "the check must see spikes");
    }

    @Test
    void anyThreadCountGivesBitIdenticalLearning() {
        Dataset all = prototypes(6, 5);
        for (boolean blankout : new boolean[] {false, true}) {
            double[][] w1 = new double[2][], w2 = new double[2][];
            int[][] pred = new int[2][6];
            int[] counts = {1, 2};   // (3 threads: DeterminismTest covers the loop; the rule splits 80 columns in 2 parts at most)
            for (int c = 0; c < counts.length; c++) {
                ErbpConfig cfg = ErbpConfig.paper(new int[] {80}, blankout, 11).withInputs(64).withTimes(0.1, 20, 20, 5)
                        .withEta(blankout ? 3e-2 : 1e-2);
                ErbpNetwork net = new ErbpNetwork(cfg, counts[c]);
                double[] initial = net.weights(1).clone();
                float[] x = new float[64];
                for (int k = 0; k < 4; k++) {
                    all.image(k, x);
                    pred[c][k] = net.present(x, all.label(k), true);
                }
                for (int k = 4; k < 6; k++) {
                    all.image(k, x);
                    pred[c][k] = net.present(x, all.label(k), false);
                }
                assertEquals(counts[c], net.simulation().threads());
                assertTrue(!java.util.Arrays.equals(initial, net.weights(1)), "the rule must have learned something");
                w1[c] = net.weights(1).clone();
                w2[c] = net.weights(2).clone();
            }
            for (int c = 1; c < counts.length; c++) {
                assertArrayEquals(w1[0], w1[c], 0.0, "layer 1 at " + counts[c] + " threads, blank-out " + blankout);
                assertArrayEquals(w2[0], w2[c], 0.0, "layer 2 at " + counts[c] + " threads, blank-out " + blankout);
                assertArrayEquals(pred[0], pred[c]);
            }
        }
    }
}
