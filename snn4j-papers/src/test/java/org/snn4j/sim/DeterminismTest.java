package org.snn4j.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snn4j.papers.cuba.CubaNetwork;
import org.snn4j.model.LifCuba;
import org.snn4j.model.LifParams;
import org.snn4j.model.PoissonSource;
import org.snn4j.monitor.SpikeMonitor;
import org.snn4j.network.Connectors;
import org.snn4j.network.Network;
import org.snn4j.network.Population;
import org.snn4j.network.Projection;

class DeterminismTest {
    /** Spike trains and final state of a network with random input, delays and a CUBA core. */
    private static Object[] run(int threads) {
        return run(threads, -1);
    }

    private static Object[] run(int threads, long forceFallbackAt) {
        return run(threads, forceFallbackAt, false);
    }

    /**
     * @param stateHook whether to add a hook that reads a state variable after each step (its sums
     *                  are returned too): the loop must then deliver before the hooks run
     */
    private static Object[] run(int threads, long forceFallbackAt, boolean stateHook) {
        CubaNetwork cuba = new CubaNetwork(5000, 0.02, 3);
        Network net = cuba.network;
        Population noise = net.add(new Population("noise", new PoissonSource(3000, 5.0)));
        net.add(Projection.connect("drive", noise.all(), cuba.neurons.all(), "ge",
                Connectors.fixedProbability(0.01, 0.5, true), 4, 3));
        Simulation sim = new Simulation(net, 0.1, 77, threads);
        sim.forceFallbackAt = forceFallbackAt;
        SpikeMonitor m = new SpikeMonitor(cuba.neurons);
        SpikeMonitor n = new SpikeMonitor(noise);
        sim.add(m).add(n);
        double[] geSums = new double[3000];
        if (stateHook) {
            double[] ge = cuba.neurons.variable("ge");
            sim.add(new StepHook() {
                @Override
                public void afterStep(Simulation s, long step) {
                    double sum = 0;
                    for (double g : ge) sum += g;
                    geSums[(int) step] = sum;
                }
            });
        }
        sim.run(3000);
        if (threads > 0) assertEquals(threads, sim.threads());
        if (threads > 1 && forceFallbackAt < 0) assertEquals(!stateHook, sim.lastParallelMerged);
        return new Object[] {m.steps(), m.indices(), n.steps(), n.indices(), ((LifCuba) cuba.neurons.model()).v.clone(), geSums,
                cuba.neurons.variable("ge").clone()};
    }

    @Test
    void oneAndTwoThreadsGiveIdenticalSpikeTrains() {
        Object[] one = run(1), two = run(2), three = run(3), fellBack = run(2, 1024);
        assertTrue(((int[]) one[0]).length > 1000, "network must be active");
        for (Object[] other : new Object[][] {two, three, fellBack}) {
            assertArrayEquals((int[]) one[0], (int[]) other[0]);
            assertArrayEquals((int[]) one[1], (int[]) other[1]);
            assertArrayEquals((int[]) one[2], (int[]) other[2]);
            assertArrayEquals((int[]) one[3], (int[]) other[3]);
            assertArrayEquals((double[]) one[4], (double[]) other[4], 0.0);
        }
    }

    @Test
    void hooksThatReadStateSeeTheDeliveredStateAtAnyThreadCount() {
        Object[] one = run(1, -1, true), two = run(2, -1, true), three = run(3, -1, true);
        for (Object[] other : new Object[][] {two, three}) {
            assertArrayEquals((int[]) one[1], (int[]) other[1]);
            assertArrayEquals((double[]) one[5], (double[]) other[5], 0.0);   // after each step, as on one thread
            assertArrayEquals((double[]) one[6], (double[]) other[6], 0.0);
        }
        // the merged loop (spike monitors only) ends a run with the same delivered state
        Object[] merged = run(2);
        assertArrayEquals((double[]) one[6], (double[]) merged[6], 0.0);
        assertArrayEquals((int[]) one[1], (int[]) merged[1]);
    }

    @Test
    void automaticThreadCountIsMeasuredAndChangesNothing() {
        Object[] one = run(1), auto = run(0);
        assertArrayEquals((int[]) one[1], (int[]) auto[1]);
        assertArrayEquals((int[]) one[3], (int[]) auto[3]);
        assertArrayEquals((double[]) one[6], (double[]) auto[6], 0.0);
    }

    @Test
    void sameSeedGivesTheSameResult() {
        Object[] a = run(1), b = run(1);
        assertArrayEquals((int[]) a[1], (int[]) b[1]);
    }

    @Test
    void hookExceptionsPropagateAndWorkersStop() {
        CubaNetwork cuba = new CubaNetwork(5000, 0.02, 3);
        Simulation sim = new Simulation(cuba.network, 0.1, 1, 2);
        sim.add(new StepHook() {
            @Override
            public void afterStep(Simulation s, long step) {
                if (step == 10) throw new IllegalStateException("boom");
            }
        });
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> sim.run(100));
        assertEquals("boom", e.getMessage());
        assertEquals(11, sim.stepCount());
    }

    @Test
    void spikeListenerSeesEverySpikeOnce() {
        CubaNetwork cuba = new CubaNetwork(1000, 0.02, 3);
        Simulation sim = new Simulation(cuba.network, 0.1, 1, 1);
        SpikeMonitor m = new SpikeMonitor(cuba.neurons);
        long[] seen = new long[1000];
        sim.add(m).add(StepHook.onSpikes(cuba.neurons, (i, step) -> seen[i]++));
        sim.run(2000);
        assertArrayEquals(m.counts(), seen);
    }

    @Test
    void lifParamsRejectNonsense() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new LifParams(-1, 5, 10, -50, -60, -49, 5));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Simulation(new Network(), -0.1, 1, 1));
    }
}
