package org.snn4j.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.snn4j.model.EscapeRateSource;
import org.snn4j.model.TwoCompartmentLif;
import org.snn4j.model.TwoCompartmentParams;
import org.snn4j.network.BlankoutWeights;
import org.snn4j.network.Connectors;
import org.snn4j.network.DenseWeights;
import org.snn4j.network.Network;
import org.snn4j.network.Population;
import org.snn4j.network.Projection;
import org.snn4j.util.IntBuffer;
import org.snn4j.util.Rng;

/**
 * {@link Simulation#reseed} with a reset of the neuron states makes what follows depend only on
 * (seed, ids): whatever ran before, and whatever the thread count.
 */
class ReseedTest {
    /** Random input spike times (escape-rate sources), soma noise (eRBP+ neurons), blank-out synapses. */
    private static final class Net {
        final EscapeRateSource src = new EscapeRateSource(2100, 1, 100, 0.1, 0.05, 4.0);
        final TwoCompartmentLif tc = new TwoCompartmentLif(TwoCompartmentParams.erbpPlus(), 2600);
        final TwoCompartmentLif out = new TwoCompartmentLif(TwoCompartmentParams.erbpPlus(), 40);
        final BlankoutWeights blank;
        final Population pSrc, pTc, pOut;
        final Simulation sim;

        Net(int threads) {
            Network net = new Network();
            pSrc = net.add(new Population("src", src));
            pTc = net.add(new Population("tc", tc));
            pOut = net.add(new Population("out", out));
            net.add(Projection.connect("src>tc", pSrc.all(), pTc.all(), "i_syn", Connectors.fixedProbability(0.01, 0.25, true), 5, 0));
            DenseWeights d = new DenseWeights(2600, 40);
            Rng r = new Rng(9);
            for (int k = 0; k < d.w.length; k++) d.w[k] = r.uniform(0, 0.4);
            blank = new BlankoutWeights(d, 0.45, 17);
            net.add(new Projection("tc>out", pTc.all(), pOut.all(), "i_syn", blank, 0));
            sim = new Simulation(net, 0.1, 21, threads);
        }

        void drive() {
            double[] cur = new double[2100];
            for (int k = 0; k < cur.length; k++) cur[k] = k % 7 == 0 ? Double.NEGATIVE_INFINITY : 0.02 * (k % 9);
            src.setCurrents(0, cur);
        }

        void reset() {
            src.resetState();
            tc.resetState();
            out.resetState();
        }

        /** Spikes of every population over {@code steps} steps, as (step since start, population, neuron) triples. */
        int[] record(int steps) {
            IntBuffer rec = new IntBuffer();
            long start = sim.stepCount();
            Population[] pops = {pSrc, pTc, pOut};
            StepHook h = new StepHook() {
                @Override
                public void afterStep(Simulation s, long step) {
                    for (int p = 0; p < pops.length; p++) {
                        IntBuffer b = s.spikes(pops[p]);
                        for (int k = 0; k < b.size(); k++) {
                            rec.add((int) (step - start));
                            rec.add(p);
                            rec.add(b.get(k));
                        }
                    }
                }
            };
            sim.add(h);
            sim.run(steps);
            return Arrays.copyOf(rec.raw(), rec.size());
        }
    }

    @Test
    void resetAndReseedRepeatARunWhateverCameBeforeAndWhateverTheThreadCount() {
        // A: 400 steps of history, then reset + reseed(3, 1)
        Net a = new Net(1);
        a.drive();
        a.sim.run(200);
        a.reset();
        a.blank.reseed(99);
        a.drive();
        a.sim.reseed(3, 1);
        int[] ra = a.record(300);
        // B: a new network on 2 threads, reseeded before its first step (before the loop is prepared)
        Net b = new Net(2);
        b.blank.reseed(99);
        b.drive();
        b.sim.reseed(3, 1);
        int[] rb = b.record(300);
        assertEquals(2, b.sim.threads());
        int out = 0;
        for (int k = 1; k < ra.length; k += 3) if (ra[k] == 2) out++;
        assertTrue(ra.length > 3 * 3000 && out > 50, "every population must be active: " + ra.length / 3 + " spikes, " + out + " output");
        assertArrayEquals(ra, rb, "same reset state and (seed, ids): same spikes");
        assertArrayEquals(a.tc.v, b.tc.v, 0.0);
        assertArrayEquals(a.out.u, b.out.u, 0.0);

        // other ids: other input spike times, noise and transmissions
        Net c = new Net(1);
        c.blank.reseed(99);
        c.drive();
        c.sim.reseed(3, 2);
        assertFalse(Arrays.equals(ra, c.record(300)), "reseed(3, 2) must give other streams than reseed(3, 1)");
    }

    @Test
    void reseedWithoutIdsRestoresTheStreamsOfANewSimulation() {
        Net fresh = new Net(1);
        fresh.drive();
        int[] r0 = fresh.record(300);
        Net used = new Net(2);
        used.drive();
        used.sim.run(150);
        used.reset();
        used.blank.reseed(17);   // the seed it was built with
        used.drive();
        used.sim.reseed();
        assertArrayEquals(r0, used.record(300));
    }
}
