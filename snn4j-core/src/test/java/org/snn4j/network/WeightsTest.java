package org.snn4j.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.snn4j.model.LifCuba;
import org.snn4j.model.LifParams;
import org.snn4j.model.PoissonSource;
import org.snn4j.monitor.SpikeMonitor;
import org.snn4j.sim.Simulation;
import org.snn4j.util.Rng;

class WeightsTest {
    /** A random sparse matrix whose weights are exact in float, so CSR (float) and dense (double) agree bit for bit. */
    static double[][] randomMatrix(int rows, int cols, double density, long seed) {
        Rng r = new Rng(seed);
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                if (r.nextDouble() < density) m[i][j] = (r.nextInt(64) - 32) / 16.0;
        return m;
    }

    @Test
    void csrDeliveryEqualsDenseReferenceForAnyPartition() {
        for (long seed = 1; seed <= 5; seed++) {
            int rows = 37, cols = 53;
            double[][] m = randomMatrix(rows, cols, 0.2, seed);
            CsrWeights csr = CsrWeights.fromDense(m);
            for (int parts : new int[] {1, 2, 3, 7}) {
                int[] bounds = new int[parts + 1];
                for (int k = 0; k <= parts; k++) bounds[k] = cols * k / parts;
                csr.partition(bounds);
                double[] target = new double[cols + 5];
                double[] reference = new double[cols + 5];
                int[] spikes = {3, 0, 36, 3, 17};
                for (int s : spikes) {
                    for (int k = 0; k < parts; k++) csr.deliverRow(s, k, target, 5);
                    for (int j = 0; j < cols; j++) reference[5 + j] += m[s][j];
                }
                assertArrayEquals(reference, target, 0.0, "parts " + parts);
            }
            assertArrayEquals(flatten(m), flatten(csr.toDense()), 0.0);
        }
    }

    @Test
    void sparseAndDenseProjectionsGiveTheSameSpikeTrains() {
        int nIn = 200, nOut = 300;
        double[][] m = randomMatrix(nIn, nOut, 0.1, 11);
        for (double[] row : m) for (int j = 0; j < row.length; j++) row[j] = Math.abs(row[j]);
        long[][] counts = new long[2][];
        for (int variant = 0; variant < 2; variant++) {
            Network net = new Network();
            Population in = net.add(new Population("in", new PoissonSource(nIn, 50)));
            LifCuba lif = new LifCuba(LifParams.cuba(), nOut);
            Population out = net.add(new Population("out", lif));
            net.add(Projection.connect("p", in.all(), out.all(), "ge", Connectors.fromMatrix(m, variant == 0), 1, 0));
            Simulation sim = new Simulation(net, 0.1, 5, 1);
            SpikeMonitor mon = new SpikeMonitor(out);
            sim.add(mon);
            sim.runFor(500);
            counts[variant] = mon.counts();
            assertEquals(true, mon.totalSpikes() > 100, "the test network must be active");
        }
        assertArrayEquals(counts[0], counts[1]);
    }

    @Test
    void matrixReadWriteRoundTrips() {
        double[][] m = randomMatrix(10, 12, 0.3, 3);
        CsrWeights csr = CsrWeights.fromDense(m);
        double[][] scaled = csr.toDense();
        for (double[] row : scaled) for (int j = 0; j < row.length; j++) row[j] *= 2;
        csr.setFromDense(scaled);
        assertArrayEquals(flatten(scaled), flatten(csr.toDense()), 0.0);
        double[][] wrong = new double[10][12];
        wrong[0][0] = m[0][0] == 0 ? 1 : 0;
        if (m[0][0] == 0) assertThrows(IllegalArgumentException.class, () -> csr.setFromDense(wrong));
        DenseWeights d = DenseWeights.of(m);
        d.set(2, 3, 0.5);
        assertEquals(0.5, d.get(2, 3));
        assertEquals(0.5, d.toDense()[2][3]);
    }

    @Test
    void fixedProbabilityHasTheRightDensityAndIsSeeded() {
        Weights a = Connectors.fixedProbability(0.05, 1.0, true).connect(1000, 800, 9);
        Weights b = Connectors.fixedProbability(0.05, 1.0, true).connect(1000, 800, 9);
        double expected = 0.05 * 1000 * 800;
        assertEquals(expected, a.synapses(), 4 * Math.sqrt(expected * 0.95));
        assertArrayEquals(flatten(a.toDense()), flatten(b.toDense()), 0.0);
        Weights noSelf = Connectors.fixedProbability(1.0, 1.0, false).connect(50, 50, 1);
        assertEquals(50 * 49, noSelf.synapses());
        Weights one = Connectors.oneToOne(2.0).connect(4, 4, 0);
        assertEquals(2.0, one.get(3, 3));
        assertEquals(0.0, one.get(3, 2));
    }

    @Test
    void delayedSpikesArriveDelaySteps_later() {
        for (int delay : new int[] {0, 1, 7}) {
            Network net = new Network();
            Population src = net.add(new Population("src", new org.snn4j.model.SpikeTimeSource(new double[][] {{1.0}})));
            LifCuba lif = new LifCuba(new LifParams(20, 5, 10, 1e9, -60, -70, 0), 1);
            Population dst = net.add(new Population("dst", lif));
            net.add(Projection.connect("p", src.all(), dst.all(), "ge", Connectors.oneToOne(1.0), 0, delay));
            Simulation sim = new Simulation(net, 0.1, 1, 1);
            int[] arrival = {-1};
            sim.add(new org.snn4j.sim.StepHook() {
                @Override
                public void afterStep(Simulation s, long step) {
                    if (arrival[0] < 0 && lif.ge[0] > 0) arrival[0] = (int) step;
                }
            });
            sim.run(40);
            assertEquals(10 + delay, arrival[0], "spike at step 10 with delay " + delay);
        }
    }

    static double[] flatten(double[][] m) {
        return java.util.Arrays.stream(m).flatMapToDouble(java.util.Arrays::stream).toArray();
    }
}
