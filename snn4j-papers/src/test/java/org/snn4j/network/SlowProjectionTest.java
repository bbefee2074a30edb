package org.snn4j.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snn4j.model.ScnParams;
import org.snn4j.model.SpikeCodingModel;
import org.snn4j.model.SpikeTimeSource;
import org.snn4j.papers.scn.ScnInput;
import org.snn4j.papers.scn.ScnNetwork;
import org.snn4j.papers.scn.ScnSignal;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;
import org.snn4j.util.Rng;

class SlowProjectionTest {
    /**
     * Two presynaptic spike trains at known steps onto three silent integrators (V_t = a V_{t−1} + input):
     * the traces follow r_t = a_s r_{t−1} + o_t and the voltages the recursion with dt·g·Σ_j W_jk r_j,
     * computed here independently from the spike times; a weight change acts from the next step on.
     */
    @Test
    void tracesAndDeliveredCurrentFollowTheRecursion() {
        for (SlowProjection.Decay decay : SlowProjection.Decay.values()) {
            double dtMs = 0.5, tau = 20, lambda = 10, gain = 1.7;
            double[][] times = {{2.0, 7.5, 8.1, 30}, {10, 10.6, 50}};
            Population src = new Population("src", new SpikeTimeSource(times));
            SpikeCodingModel m = new SpikeCodingModel(new ScnParams(lambda, 0, 0, 0, 0, ScnParams.SpikeRule.ALL_ABOVE), 3);
            for (int k = 0; k < 3; k++) m.silence(k);
            Population post = new Population("post", m);
            Network net = new Network();
            net.add(src);
            net.add(post);
            DenseWeights w = DenseWeights.of(new double[][] {{1, -2, 0.5}, {0.3, 4, -1}});
            SlowProjection slow = new SlowProjection("slow", src.all(), post.all(), "i_rec", w, tau, gain, decay);
            Simulation sim = new Simulation(net, dtMs, 1, 1);
            double as = decay == SlowProjection.Decay.EULER ? 1 - dtMs / tau : Math.exp(-dtMs / tau);
            double am = 1 - lambda * dtMs * 1e-3;
            double[] r = new double[2], v = new double[3];
            double[][] wm = {{1, -2, 0.5}, {0.3, 4, -1}};
            double[] maxErr = {0, 0};
            sim.add(slow).add(new StepHook() {
                @Override
                public void afterStep(Simulation s, long step) {
                    // expected voltage: input of this step used the traces of the previous steps
                    for (int k = 0; k < 3; k++) {
                        double cur = 0;
                        for (int j = 0; j < 2; j++) cur += wm[j][k] * r[j];
                        v[k] = am * v[k] + gain * dtMs * 1e-3 * cur;
                        maxErr[1] = Math.max(maxErr[1], Math.abs(v[k] - m.v[k]));
                    }
                    for (int j = 0; j < 2; j++) {
                        r[j] *= as;
                        for (double t : times[j]) if (Math.floor(t / dtMs + 1e-9) == step) r[j] += 1;
                    }
                    if (step == 60) {   // change a weight: both the test model and the projection
                        wm[1][1] = -3;
                        w.set(1, 1, -3);
                    }
                }
            });
            // the slow projection's afterStep runs before the checker's: compare traces in a later hook
            sim.add(new StepHook() {
                @Override
                public void afterStep(Simulation s, long step) {
                    for (int j = 0; j < 2; j++) maxErr[0] = Math.max(maxErr[0], Math.abs(slow.trace()[j] - r[j]));
                }
            });
            sim.run(200);
            assertEquals(0, maxErr[0], 1e-12, "trace, " + decay);
            assertEquals(0, maxErr[1], 1e-12, "voltage, " + decay);
            assertTrue(Math.abs(m.v[1]) > 1e-4, "the current must have reached the neurons");
        }
    }

    /** With τ = 1/λ and Euler decay the trace is the SCN's own filtered spike train r, one step ahead. */
    @Test
    void eulerTraceEqualsTheScnRate() {
        double lambda = 20, dtMs = 1;
        double[][] d = ScnNetwork.randomDecoder(2, 12, 0.3, new Rng(3));
        ScnNetwork net = ScnNetwork.analytic(d, new ScnParams(lambda, 0.001, 0, 1e-4, 1e-3, ScnParams.SpikeRule.ONE_PER_STEP));
        SlowProjection slow = new SlowProjection("slow", net.population.all(), net.population.all(), "i_rec",
                new DenseWeights(12, 12), 1000 / lambda);
        Simulation sim = new Simulation(net.network, dtMs, 5, 1);
        double[] prev = new double[12];
        double[] maxErr = {0};
        long[] spikes = {0};
        sim.add(new ScnInput(net, ScnSignal.smoothedNoise(2, 300, 20, 500, new Rng(4)))).add(slow).add(new StepHook() {
            @Override
            public void afterStep(Simulation s, long step) {
                // model r after step t equals the trace after step t−1
                if (step > 0) for (int i = 0; i < 12; i++) maxErr[0] = Math.max(maxErr[0], Math.abs(net.model.r[i] - prev[i]));
                System.arraycopy(slow.trace(), 0, prev, 0, 12);
                spikes[0] += s.spikes(net.population).size();
            }
        });
        sim.run(2000);
        assertTrue(spikes[0] > 100, "the network must spike: " + spikes[0]);
        assertEquals(0, maxErr[0], 1e-12);
    }

    @Test
    void rejectsBadShapesAndTimeConstants() {
        SpikeCodingModel m = new SpikeCodingModel(new ScnParams(10, 0, 0, 0, 0, ScnParams.SpikeRule.ALL_ABOVE), 3);
        Population p = new Population("p", m);
        assertThrows(IllegalArgumentException.class, () -> new SlowProjection("s", p.all(), p.all(), "i_rec", new DenseWeights(3, 2), 10));
        assertThrows(IllegalArgumentException.class, () -> new SlowProjection("s", p.all(), p.all(), "i_rec", new DenseWeights(3, 3), 0));
        assertThrows(IllegalArgumentException.class, () -> new SlowProjection("s", p.all(), p.all(), "nope", new DenseWeights(3, 3), 10));
    }
}
