package org.snn4j.train.sg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.snn4j.cell.AlifCell;
import org.snn4j.cell.Reset;
import org.snn4j.model.SpikeTimeSource;
import org.snn4j.network.Population;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;

/**
 * A network built for BPTT runs in the simulator through {@link SimulationBridge} and gives the
 * trainer's forward pass: the same spikes in every spiking layer (shifted by the delivery lag) and
 * the readout's potential to float rounding.
 */
class SimulationBridgeTest {
    static final Surrogate SG = Surrogate.fastSigmoid(25);

    @Test
    void everyCellTypeGivesTheTrainersSpikes() {
        int nIn = 40, T = 50;
        List<Layer> ls = List.of(new Linear(nIn, 30, 11), new Lif(30, 0.9, 1.0, Reset.SUBTRACT, SG),
                new Linear(30, 25, 12), new Synaptic(25, 0.6, 0.85, 1.0, Reset.ZERO, SG),
                new Linear(25, 20, 13), new CellLayer(20, AlifCell.defaults().withBeta(0.9).withRho(0.97).withAdaptation(0.5), SG),
                new Linear(20, 15, 14), new RecurrentLif(15, 0.8, 1.0, Reset.SUBTRACT, SG, 15),
                new Linear(15, 4, 16), new LeakyReadout(4, 0.8));
        for (Layer l : ls) if (l instanceof Linear lin) for (float[] row : lin.w) for (int j = 0; j < row.length; j++) row[j] *= 3;
        long[] in = SgGradientTest.spikes(T, nIn, 0.3, 5);
        int L = 5;
        boolean[][][] z = new boolean[L][T][];
        float[][] readout = new float[T][4];
        try (SgNet net = new SgNet(nIn, true, ls, 1)) {
            net.prepare(T, 1);
            net.infer(SgGradientTest.binaryInput(in), null, Loss.CE_MAX);
            for (int k = 0; k < L - 1; k++)
                for (int t = 0; t < T; t++) {
                    Seq y = net.activations(2 * k + 1);
                    z[k][t] = new boolean[y.n];
                    for (int i = 0; i < y.n; i++) z[k][t][i] = y.get(0, t, i) != 0;
                }
            for (int t = 0; t < T; t++) for (int i = 0; i < 4; i++) readout[t][i] = net.activations(2 * L - 1).get(0, t, i);

            double[][] times = new double[nIn][];
            for (int i = 0; i < nIn; i++) {
                double[] ts = new double[T];
                int c = 0;
                for (int t = 0; t < T; t++) if ((in[t] >>> i & 1) != 0) ts[c++] = t;
                times[i] = java.util.Arrays.copyOf(ts, c);
            }
            SimulationBridge.Converted cv = SimulationBridge.convert(net, new SpikeTimeSource(times));
            Simulation sim = new Simulation(cv.network(), 1.0, 1, 1);
            boolean[][][] sz = new boolean[L][T + L + 1][];
            for (int k = 0; k < L; k++) {
                Population p = cv.layers().get(k);
                for (int s = 0; s < T + L + 1; s++) sz[k][s] = new boolean[p.size()];
                final int kk = k;
                sim.add(StepHook.onSpikes(p, (i, step) -> sz[kk][(int) step][i] = true));
            }
            double[] v = cv.layers().get(L - 1).variable("v");
            double[][] sv = new double[T][4];
            sim.add(new StepHook() {
                @Override
                public void afterStep(Simulation s, long step) {
                    long t = step - L;
                    if (t >= 0 && t < T) for (int i = 0; i < 4; i++) sv[(int) t][i] = v[i];
                }
            });
            sim.run(T + L + 1);
            int spikes = 0;
            for (int k = 0; k < L - 1; k++)
                for (int t = 0; t < T; t++)
                    for (int i = 0; i < z[k][t].length; i++) {
                        assertEquals(z[k][t][i], sz[k][t + k + 1][i], "layer " + k + " unit " + i + " step " + t);
                        if (z[k][t][i]) spikes++;
                    }
            for (int t = 0; t < T; t++) for (int i = 0; i < 4; i++) assertEquals(readout[t][i], sv[t][i], 1e-4, "readout " + i + " step " + t);
            assertTrue(spikes > 400, "too few spikes to be a test: " + spikes);
        }
    }

    @Test
    void refusesWhatTheSimulatorCannotRun() {
        try (SgNet net = new SgNet(5, true, List.of(new Linear(5, 3, 1)), 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SimulationBridge.convert(net, new SpikeTimeSource(new double[5][0])));
            assertTrue(e.getMessage().contains("ends with a Linear"), e.getMessage());
        }
        try (SgNet net = new SgNet(5, true, List.of(new Linear(5, 3, 1), new Lif(3, 0.9, 1, Reset.ZERO, SG)), 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SimulationBridge.convert(net, new SpikeTimeSource(new double[4][0])));
            assertTrue(e.getMessage().contains("expects 5"), e.getMessage());
        }
    }
}
