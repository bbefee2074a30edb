package org.snn4j.train.sg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.snn4j.cell.Reset;
import org.snn4j.model.NonLeakyIntegrator;
import org.snn4j.model.SpikeTimeSource;
import org.snn4j.network.DenseWeights;
import org.snn4j.network.Network;
import org.snn4j.network.Population;
import org.snn4j.network.Projection;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;

/**
 * One model, two engines: the batched surrogate-gradient forward pass (Linear → Lif → Linear → Lif,
 * snnTorch Leaky with subtractive reset) against the core's simulation loop running the same network
 * with the core model {@link NonLeakyIntegrator} (decay β, no floor). Input spikes come from a
 * {@link SpikeTimeSource}; biases from always-on source neurons. Every population's delivery reaches
 * the next kernel one step later, so layer k of the core lags the batched step by k + 1 steps.
 * Spike trains must agree exactly; membrane potentials to float rounding. The test also checks that
 * no potential came within 1e-4 of the threshold, where float (batched) and double (core) rounding
 * could legitimately disagree.
 */
class SgCoreEquivalenceTest {
    @Test
    void batchedForwardEqualsTheSimulationLoop() {
        int nIn = 20, H = 30, K = 5, T = 60;
        double b1 = 0.9, b2 = 0.8;
        Linear l1 = new Linear(nIn, H, 11), l2 = new Linear(H, K, 12);
        for (float[] row : l1.w) for (int j = 0; j < H; j++) row[j] *= 3;
        for (float[] row : l2.w) for (int j = 0; j < K; j++) row[j] *= 5;
        Lif lif1 = new Lif(H, b1, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25));
        Lif lif2 = new Lif(K, b2, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25));
        long[] in = SgGradientTest.spikes(T, nIn, 0.3, 5);
        float[][] vh = new float[T][H], vo = new float[T][K];
        boolean[][] zh = new boolean[T][H], zo = new boolean[T][K];
        try (SgNet net = new SgNet(nIn, true, List.of(l1, lif1, l2, lif2), 1)) {
            net.prepare(T, 1);
            net.infer(SgGradientTest.binaryInput(in), null, Loss.CE_COUNT);
            for (int t = 0; t < T; t++) {
                for (int i = 0; i < H; i++) {
                    vh[t][i] = lif1.membrane(0, t, i);
                    zh[t][i] = net.activations(1).get(0, t, i) != 0;
                }
                for (int k = 0; k < K; k++) {
                    vo[t][k] = lif2.membrane(0, t, k);
                    zo[t][k] = net.activations(3).get(0, t, k) != 0;
                }
            }
        }
        // the core network
        double[][] times = new double[nIn][];
        for (int i = 0; i < nIn; i++) {
            int c = 0;
            double[] ts = new double[T];
            for (int t = 0; t < T; t++) if ((in[t] >>> i & 1) != 0) ts[c++] = t;
            times[i] = java.util.Arrays.copyOf(ts, c);
        }
        double[][] biasTimes = new double[2][T];
        for (int t = 0; t < T; t++) {
            biasTimes[0][t] = t;       // hidden bias, with the input of batched step t
            biasTimes[1][t] = t + 1;   // output bias, with the hidden spikes of batched step t
        }
        Network nw = new Network();
        Population src = nw.add(new Population("input", new SpikeTimeSource(times)));
        Population bias = nw.add(new Population("bias", new SpikeTimeSource(biasTimes)));
        NonLeakyIntegrator m1 = new NonLeakyIntegrator(H, 1, 1.0, b1, false), m2 = new NonLeakyIntegrator(K, 1, 1.0, b2, false);
        Population hid = nw.add(new Population("hidden", m1));
        Population out = nw.add(new Population("output", m2));
        nw.add(new Projection("w1", src.all(), hid.all(), "v", DenseWeights.of(toDouble(l1.w)), 0));
        nw.add(new Projection("b1", bias.slice(0, 1), hid.all(), "v", DenseWeights.of(new double[][] {toDouble(l1.b)}), 0));
        nw.add(new Projection("w2", hid.all(), out.all(), "v", DenseWeights.of(toDouble(l2.w)), 0));
        nw.add(new Projection("b2", bias.slice(1, 1), out.all(), "v", DenseWeights.of(new double[][] {toDouble(l2.b)}), 0));
        Simulation sim = new Simulation(nw, 1.0, 1, 1);
        boolean[][] ch = new boolean[T + 2][H], co = new boolean[T + 2][K];
        double[][] cvh = new double[T][H], cvo = new double[T][K];
        sim.add(StepHook.onSpikes(hid, (i, step) -> ch[(int) step][i] = true));
        sim.add(StepHook.onSpikes(out, (i, step) -> co[(int) step][i] = true));
        sim.add(new StepHook() {
            @Override
            public void beforeStep(Simulation s, long step) {
                if (step >= 1 && step - 1 < T) System.arraycopy(m1.v, 0, cvh[(int) step - 1], 0, H);
                if (step >= 2 && step - 2 < T) System.arraycopy(m2.v, 0, cvo[(int) step - 2], 0, K);
            }
        });
        sim.run(T + 2);
        double margin = Double.POSITIVE_INFINITY;
        int spikesH = 0, spikesO = 0;
        for (int t = 0; t < T; t++) {
            for (int i = 0; i < H; i++) {
                assertEquals(zh[t][i], ch[t + 1][i], "hidden unit " + i + " at step " + t);
                assertEquals(vh[t][i], cvh[t][i], 1e-4, "hidden membrane " + i + " at step " + t);
                margin = Math.min(margin, Math.abs(cvh[t][i] - 1));
                if (zh[t][i]) spikesH++;
            }
            for (int k = 0; k < K; k++) {
                assertEquals(zo[t][k], co[t + 2][k], "output unit " + k + " at step " + t);
                assertEquals(vo[t][k], cvo[t][k], 1e-4, "output membrane " + k + " at step " + t);
                margin = Math.min(margin, Math.abs(cvo[t][k] - 1));
                if (zo[t][k]) spikesO++;
            }
        }
        for (int i = 0; i < H; i++) assertTrue(!ch[0][i], "no hidden spike before the first input");
        assertTrue(spikesH > T * H / 10 && spikesO > T, "too few spikes to be a test: " + spikesH + " hidden, " + spikesO + " output");
        assertTrue(margin > 1e-4, "a potential came within " + margin + " of threshold; pick another seed");
    }

    static double[][] toDouble(float[][] a) {
        double[][] d = new double[a.length][];
        for (int i = 0; i < a.length; i++) d[i] = toDouble(a[i]);
        return d;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
