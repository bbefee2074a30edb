package org.snn4j.cell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.snn4j.model.NonLeakyIntegrator;
import org.snn4j.model.SpikeTimeSource;
import org.snn4j.network.DenseWeights;
import org.snn4j.network.Network;
import org.snn4j.network.Population;
import org.snn4j.network.Projection;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;

/** The cells' dynamics against closed forms, and cells in the simulator. */
class CellTest {
    /** Steps one neuron of {@code cell} T times with input I_t; returns the state after each step, [t][k]. */
    static float[][] run(Cell cell, float[] input) {
        int k = cell.stateCount();
        float[][] s = new float[k][1], out = new float[input.length][k];
        for (int t = 0; t < input.length; t++) {
            cell.forward(t == 0 ? null : s, 0, input, t, s, 0, 1, SpikeFunction.HEAVISIDE);
            for (int j = 0; j < k; j++) out[t][j] = s[j][0];
        }
        return out;
    }

    static boolean[] spikes(Cell cell, float[][] states) {
        boolean[] z = new boolean[states.length];
        float[] x = new float[1];
        for (int t = 0; t < states.length; t++) {
            float[][] s = new float[states[t].length][];
            for (int j = 0; j < s.length; j++) s[j] = new float[] {states[t][j]};
            cell.spikeArgument(s, 0, x, 0, 1);
            z[t] = x[0] > 0;
        }
        return z;
    }

    @Test
    void lifMembraneIsAGeometricSeriesBelowThreshold() {
        float[] in = new float[30];
        java.util.Arrays.fill(in, 0.05f);
        float[][] s = run(LifCell.of(0.9), in);
        for (int t = 0; t < in.length; t++)   // v_t = I (1 − β^{t+1}) / (1 − β) < 0.5 < θ
            assertEquals(0.05 * (1 - Math.pow(0.9, t + 1)) / 0.1, s[t][0], 1e-5, "step " + t);
    }

    /** The three resets after a spike at step 0 (drive 1.5, then 0.25): held at 0, dropped by θ, or restarted with the input. */
    @Test
    void resetsDifferInWhatTheStepAfterASpikeKeeps() {
        float[] in = {1.5f, 0.25f, 0.25f};
        assertEquals(0.0, run(LifCell.of(0.5).withReset(Reset.ZERO), in)[1][0], 0);
        assertEquals(0.5 * 1.5 + 0.25 - 1.0, run(LifCell.of(0.5).withReset(Reset.SUBTRACT), in)[1][0], 1e-6);
        float[][] now = run(LifCell.of(0.5).withReset(Reset.ZERO_IMMEDIATE), in);
        assertEquals(0.25, now[1][0], 0);
        assertEquals(0.5 * 0.25 + 0.25, now[2][0], 1e-7);
    }

    @Test
    void alifWithoutAdaptationIsLif() {
        float[] in = new float[200];
        org.snn4j.util.Rng r = new org.snn4j.util.Rng(3);
        for (int t = 0; t < in.length; t++) in[t] = (float) (0.6 * r.nextDouble());
        float[][] a = run(AlifCell.defaults().withBeta(0.9).withAdaptation(0), in), l = run(LifCell.of(0.9), in);
        for (int t = 0; t < in.length; t++) assertEquals(l[t][0], a[t][0], 0f, "step " + t);
        boolean[] z = spikes(LifCell.of(0.9), l);
        int n = 0;
        for (boolean b : z) if (b) n++;
        assertTrue(n > 10, "spikes: " + n);
    }

    @Test
    void adaptationJumpsByOneAndDecaysWithRho() {
        double rho = 0.97;
        float[] in = new float[60];
        in[0] = 1.5f;   // one spike at step 0, silence after
        AlifCell cell = AlifCell.defaults().withRho(rho);
        float[][] s = run(cell, in);
        boolean[] z = spikes(cell, s);
        assertTrue(z[0]);
        for (int t = 1; t < in.length; t++) {
            assertTrue(!z[t], "no spike at " + t);
            assertEquals(Math.pow(rho, t - 1), s[t][1], 1e-5, "a at step " + t);
        }
        assertEquals(1.5, (s[1][0] + 1) / cell.beta(), 1e-5);   // the reset subtracted θ = 1 once
    }

    @Test
    void constantDriveAdaptsTheFiringRate() {
        float[] in = new float[600];
        java.util.Arrays.fill(in, 0.3f);
        AlifCell alif = AlifCell.fromTimeConstants(10, 100, 1);
        List<Integer> isi = intervals(spikes(alif, run(alif, in)));
        List<Integer> lisi = intervals(spikes(LifCell.fromTau(10, 1), run(LifCell.fromTau(10, 1), in)));
        for (int q = 1; q < isi.size(); q++) assertTrue(isi.get(q) >= isi.get(q - 1) - 1, "ISIs " + isi);
        assertTrue(isi.get(isi.size() - 1) >= 2 * isi.get(0), "adapted ISI " + isi);
        assertTrue(lisi.stream().mapToInt(Integer::intValue).max().getAsInt()
                - lisi.stream().mapToInt(Integer::intValue).min().getAsInt() <= 1, "LIF is regular: " + lisi);
    }

    static List<Integer> intervals(boolean[] z) {
        List<Integer> out = new ArrayList<>();
        int last = -1;
        for (int t = 0; t < z.length; t++)
            if (z[t]) {
                if (last >= 0) out.add(t - last);
                last = t;
            }
        return out;
    }

    @Test
    void parametersAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> LifCell.of(1.5));
        assertThrows(IllegalArgumentException.class, () -> AlifCell.defaults().withAdaptation(-1));
        assertThrows(IllegalArgumentException.class, () -> AlifCell.fromTimeConstants(20, -5, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LifCell.defaults().withThreshold(0));
        assertTrue(e.getMessage().contains("LIF threshold"), e.getMessage());
    }

    /** An ALIF population in the simulator: the cell's own step, driven through a projection and a bias. */
    @Test
    void alifPopulationInTheSimulator() {
        int n = 8, T = 300;
        AlifCell cell = AlifCell.defaults();
        double[][] times = {java.util.stream.IntStream.range(0, T).filter(t -> t % 3 == 0).asDoubleStream().toArray()};
        Network net = new Network();
        Population src = net.add(new Population("src", new SpikeTimeSource(times)));
        CellModel model = new CellModel(cell, n);
        Population pop = net.add(new Population("alif", model));
        double[][] w = new double[1][n];
        for (int i = 0; i < n; i++) w[0][i] = 0.5 + 0.1 * i;
        net.add(new Projection("drive", src.all(), pop.all(), "i", DenseWeights.of(w), 0));
        for (int i = 0; i < n; i++) model.bias()[i] = 0.02;
        Simulation sim = new Simulation(net, 1.0, 1, 2);
        boolean[][] got = new boolean[T][n];
        sim.add(StepHook.onSpikes(pop, (i, step) -> got[(int) step][i] = true));
        sim.run(T);
        // the same neurons stepped by hand: input w_i at steps t with t − 1 ≡ 0 (mod 3), plus the bias
        for (int i = 0; i < n; i++) {
            float[] in = new float[T];
            for (int t = 0; t < T; t++) in[t] = (float) ((t >= 1 && (t - 1) % 3 == 0 ? w[0][i] : 0) + 0.02);
            boolean[] z = spikes(cell, run(cell, in));
            int count = 0;
            for (int t = 0; t < T; t++) {
                assertEquals(z[t], got[t][i], "neuron " + i + " step " + t);
                if (z[t]) count++;
            }
            assertTrue(count >= 3, "neuron " + i + " spiked " + count + " times");
        }
        assertEquals(List.of("i", "bias", "v", "a"), model.variableNames());
    }

    /** The float LIF cell and the core's double discrete LIF (NonLeakyIntegrator, no floor) fire together. */
    @Test
    void lifCellAgreesWithTheDoubleLif() {
        int n = 50, T = 200;
        org.snn4j.util.Rng r = new org.snn4j.util.Rng(9);
        double[][] times = new double[20][];
        for (int j = 0; j < 20; j++) {
            List<Double> ts = new ArrayList<>();
            for (int t = 0; t < T; t++) if (r.nextDouble() < 0.2) ts.add((double) t);
            times[j] = ts.stream().mapToDouble(Double::doubleValue).toArray();
        }
        double[][] w = new double[20][n];
        for (double[] row : w) for (int i = 0; i < n; i++) row[i] = r.nextDouble() * 0.4 - 0.1;
        boolean[][][] z = new boolean[2][T][n];
        for (int m = 0; m < 2; m++) {
            Network net = new Network();
            Population src = net.add(new Population("src", new SpikeTimeSource(times)));
            Population pop = net.add(new Population("lif", m == 0 ? new CellModel(LifCell.of(0.9), n)
                    : new NonLeakyIntegrator(n, 1, 1.0, 0.9, false)));
            net.add(new Projection("w", src.all(), pop.all(), m == 0 ? "i" : "v", DenseWeights.of(w), 0));
            Simulation sim = new Simulation(net, 1.0, 1, 1);
            final int mm = m;
            sim.add(StepHook.onSpikes(pop, (i, step) -> z[mm][(int) step][i] = true));
            sim.run(T);
        }
        int spikes = 0;
        for (int t = 0; t < T; t++) {
            assertArrayEquals(z[1][t], z[0][t], "step " + t);
            for (boolean b : z[0][t]) if (b) spikes++;
        }
        assertTrue(spikes > 200, "spikes " + spikes);
    }

    @Test
    void cellsRoundTripThroughTheirParameters() {
        for (Cell c : List.of(LifCell.defaults().withReset(Reset.ZERO), new CubaLifCell(0.6, 0.9, 1.2, Reset.SUBTRACT),
                AlifCell.defaults(), new LeakyIntegratorCell(0.7), LifCell.integrateAndFire())) {
            java.util.Map<String, Object> p = Cells.parameters(c);
            assertEquals(c, Cells.create(Cells.type(c), p), c.name());
        }
        assertEquals(java.util.Map.of("beta", 0.9, "threshold", 1.0, "reset", "subtract"), Cells.parameters(LifCell.defaults()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cells.create("qif", java.util.Map.of()));
        assertTrue(e.getMessage().contains("known: [alif, cuba_lif, leaky_integrator, lif]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Cells.create("lif", java.util.Map.of("beta", 0.9, "threshold", 1.0)));
        assertTrue(e.getMessage().contains("'reset' is missing"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Cells.create("lif", java.util.Map.of("beta", 2.0, "threshold", 1.0, "reset", "zero")));
        assertTrue(e.getMessage().contains("LIF beta must lie in [0, 1]"), e.getMessage());
    }
}
