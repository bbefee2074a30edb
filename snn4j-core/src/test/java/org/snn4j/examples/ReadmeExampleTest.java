package org.snn4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snn4j.model.LifCuba;
import org.snn4j.model.LifParams;
import org.snn4j.model.PoissonSource;
import org.snn4j.monitor.SpikeMonitor;
import org.snn4j.network.Connectors;
import org.snn4j.network.Network;
import org.snn4j.network.Population;
import org.snn4j.network.Projection;
import org.snn4j.sim.Simulation;
import org.snn4j.stats.SpikeStats;

/** The API example of README.md, kept compiling and true. */
class ReadmeExampleTest {
    @Test
    void readmeExample() {
        // --- README example start
        Network net = new Network();
        Population input = net.add(new Population("input", new PoissonSource(1000, 10.0)));      // 10 Hz
        Population lif = net.add(new Population("lif", new LifCuba(LifParams.cuba(), 400)));
        net.add(Projection.connect("in->lif", input.all(), lif.all(), "ge",
                Connectors.fixedProbability(0.1, 1.0, true), /* seed */ 1, /* delay steps */ 0));
        net.add(Projection.connect("lif->lif", lif.all(), lif.all(), "gi",
                Connectors.fixedProbability(0.05, -2.0, false), 2, 10));                          // 1 ms delay

        Simulation sim = new Simulation(net, /* dt ms */ 0.1, /* seed */ 42, /* threads, 0 = auto */ 0);
        SpikeMonitor spikes = new SpikeMonitor(lif);
        sim.add(spikes);
        sim.runFor(1000);                                                                        // ms
        double rateHz = SpikeStats.meanRateHz(spikes.totalSpikes(), lif.size(), sim.timeMs());
        // --- README example end
        assertTrue(rateHz > 1 && rateHz < 200, "rate " + rateHz);
    }
}
