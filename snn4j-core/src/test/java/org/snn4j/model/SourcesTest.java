package org.snn4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snn4j.monitor.SpikeMonitor;
import org.snn4j.network.Network;
import org.snn4j.network.Population;
import org.snn4j.sim.Simulation;
import org.snn4j.stats.SpikeStats;

class SourcesTest {
    @Test
    void poissonCountsHaveTheRightMeanAndAreIrregular() {
        int n = 500;
        double rate = 20, dt = 0.1, ms = 10_000;
        Network net = new Network();
        Population pop = net.add(new Population("poisson", new PoissonSource(n, rate)));
        Simulation sim = new Simulation(net, dt, 7, 1);
        SpikeMonitor mon = new SpikeMonitor(pop);
        sim.add(mon);
        sim.runFor(ms);
        // total count ~ Binomial(n*steps, rate*dt): mean n*rate*T, sd ~ sqrt(mean); allow 4 sd
        double expected = n * rate * ms * 1e-3;
        assertEquals(expected, mon.totalSpikes(), 4 * Math.sqrt(expected));
        int[][] trains = SpikeStats.trains(mon.steps(), mon.indices(), n);
        double cv = SpikeStats.nanMean(SpikeStats.cvIsi(trains));
        // ISI CV of a Poisson train is 1 (slightly below on a grid with p = 0.002 per step)
        assertEquals(1.0, cv, 0.05);
        double fano = SpikeStats.nanMean(SpikeStats.fano(trains, 0, 1000, 100));
        assertEquals(1.0, fano, 0.05);
    }

    @Test
    void spikeTimesAreEmittedInTheirSteps() {
        double[][] times = {{0.05, 1.0, 2.55}, {}, {0.3}};
        Network net = new Network();
        Population pop = net.add(new Population("gen", new SpikeTimeSource(times)));
        Simulation sim = new Simulation(net, 0.1, 1, 1);
        SpikeMonitor mon = new SpikeMonitor(pop);
        sim.add(mon);
        sim.runFor(5);
        assertArrayEquals(new int[] {0, 3, 10, 25}, mon.steps());
        assertArrayEquals(new int[] {0, 2, 0, 0}, mon.indices());
        assertTrue(mon.totalSpikes() == 4);
    }
}
