package org.snn4j.nir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snn4j.cell.AlifCell;
import org.snn4j.cell.CubaLifCell;
import org.snn4j.cell.LifCell;
import org.snn4j.cell.Reset;
import org.snn4j.io.ModelProvenance;
import org.snn4j.train.sg.CellLayer;
import org.snn4j.train.sg.Layer;
import org.snn4j.train.sg.LeakyReadout;
import org.snn4j.train.sg.Linear;
import org.snn4j.train.sg.Lif;
import org.snn4j.train.sg.Loss;
import org.snn4j.train.sg.SgModel;
import org.snn4j.train.sg.SgNet;
import org.snn4j.train.sg.Surrogate;

/**
 * Exporting sg models: a network whose cells reset within the spike's step runs in the NIR runtime as it
 * runs in the BPTT engine (same spikes, readout equal to float rounding), through a written and re-read
 * file; delayed resets are exported with a note; cells without a NIR node are refused.
 */
class NirExportTest {
    @TempDir
    Path dir;

    private static final int T = 40, B = 3, N_IN = 30;

    private static float[][][] input(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][][] x = new float[B][T][N_IN];
        for (float[][] s : x) for (float[] row : s) for (int i = 0; i < N_IN; i++) row[i] = r.nextDouble() < 0.3 ? 1f : 0f;
        return x;
    }

    /** Saves the layers as an sg model and returns the readout [b][t][k] of the BPTT engine's forward pass. */
    private float[][][] saveAndRun(List<Layer> layers, float[][][] x, Path file) throws Exception {
        int nOut = layers.get(layers.size() - 1).out;
        float[][][] y = new float[B][T][nOut];
        try (SgNet net = new SgNet(N_IN, true, layers, 1)) {
            net.prepare(T, B);
            net.infer((in, b0, b1, scratch) -> {
                for (int b = b0; b < b1; b++) for (int t = 0; t < T; t++) for (int i = 0; i < N_IN; i++) in.set(b, t, i, x[b][t][i]);
            }, null, Loss.CE_MAX);
            for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) for (int k = 0; k < nOut; k++) y[b][t][k] = net.output().get(b, t, k);
            SgModel.of(net, new SgModel.Recipe(T, "rate", "ce_max", B, 1),
                    ModelProvenance.of("test", Map.of(), 1, "none", Map.of(), Map.of())).save(file);
        }
        return y;
    }

    private static float[][] stepMajor(float[][][] x) {
        float[][] s = new float[T][B * N_IN];
        for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) System.arraycopy(x[b][t], 0, s[t], b * N_IN, N_IN);
        return s;
    }

    @Test
    void cellsThatResetWithinTheStepRunTheSameAfterExport() throws Exception {
        Linear l0 = new Linear(N_IN, 20, 1), l2 = new Linear(20, 16, 2), l4 = new Linear(16, 4, 3);
        Surrogate sg = Surrogate.fastSigmoid(25);
        List<Layer> layers = List.of(l0, new CellLayer(20, new LifCell(0.9, 0.15, Reset.ZERO_IMMEDIATE), sg),
                l2, new CellLayer(16, new CubaLifCell(0.7, 0.85, 0.05, Reset.ZERO_IMMEDIATE), sg), l4, new LeakyReadout(4, 0.8));
        float[][][] x = input(7);
        Path model = dir.resolve("m.safetensors"), nir = dir.resolve("m.nir");
        float[][][] want = saveAndRun(layers, x, model);
        NirExport.Exported e = NirExport.of(model, 1e-3);
        assertEquals(List.of(), e.notes());
        Nir.write(e.graph(), nir);
        NirNetwork net = Nir.load(nir, 1e-3);
        assertEquals(List.of("input", "0_linear", "1_cell", "2_linear", "3_cell", "4_linear", "5_readout", "output"), net.nodeNames());
        NirNetwork.Result r = net.run(stepMajor(x), B, List.of(), 1);
        double maxErr = 0, maxAbs = 0;
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++)
                for (int k = 0; k < 4; k++) {
                    maxErr = Math.max(maxErr, Math.abs(want[b][t][k] - r.output[t][b * 4 + k]));
                    maxAbs = Math.max(maxAbs, Math.abs(want[b][t][k]));
                }
        // the decays pass through τ = −dt/ln β and back (float), the thresholds through a scaling: a few ulps per step
        assertTrue(maxErr <= 1e-5 * Math.max(1, maxAbs), "max readout difference " + maxErr + " (largest value " + maxAbs + ")");
        assertTrue(r.totals.get("1_cell") > 50 && r.totals.get("3_cell") > 20, "both layers spike: " + r.totals);
    }

    @Test
    void delayedResetsAreExportedWithANote() throws Exception {
        Surrogate sg = Surrogate.fastSigmoid(25);
        List<Layer> layers = List.of(new Linear(N_IN, 8, 1), new Lif(8, 0.9, 1.0, Reset.SUBTRACT, sg), new Linear(8, 2, 2), new LeakyReadout(2, 0.95));
        Path model = dir.resolve("lif.safetensors");
        saveAndRun(layers, input(3), model);
        NirExport.Exported e = NirExport.of(model, 1e-3);
        assertEquals(1, e.notes().size(), e.notes().toString());
        assertTrue(e.notes().get(0).contains("subtract"), e.notes().get(0));
        NirNode.LIF lif = assertInstanceOf(NirNode.LIF.class, e.graph().nodes().get("1_lif"));
        assertEquals(-1e-3 / Math.log(0.9), lif.tau().get(0), 1e-8);   // stored as float
        assertEquals(10.0, lif.r().get(0), 1e-5);
        NirNode.LI li = assertInstanceOf(NirNode.LI.class, e.graph().nodes().get("3_readout"));
        assertEquals(20.0, li.r().get(0), 1e-4);
    }

    @Test
    void cellsWithoutANirNodeAreRefused() throws Exception {
        List<Layer> layers = List.of(new Linear(N_IN, 8, 1), new CellLayer(8, AlifCell.defaults(), Surrogate.fastSigmoid(25)),
                new Linear(8, 2, 2), new LeakyReadout(2, 0.95));
        Path model = dir.resolve("alif.safetensors");
        saveAndRun(layers, input(3), model);
        NirException ex = assertThrows(NirException.class, () -> NirExport.of(model, 1e-3));
        assertTrue(ex.getMessage().contains("has no NIR node type"), ex.getMessage());
    }

    @Test
    void averagePooledConvolutionalNetsExportAndRunTheSame() throws Exception {
        int T = 12, B = 2, n0 = 1 * 10 * 10;
        org.snn4j.train.sg.Conv2d c1 = new org.snn4j.train.sg.Conv2d(1, 10, 10, 4, 3, 3, 1, 1, 1, 1, 1, 5);
        org.snn4j.train.sg.Pool2d p1 = new org.snn4j.train.sg.Pool2d(org.snn4j.train.sg.Pool2d.Mode.AVG, 4, 10, 10, 2, 2, false);
        Surrogate sg = Surrogate.fastSigmoid(25);
        List<Layer> layers = List.of(c1, p1, new CellLayer(4 * 5 * 5, new LifCell(0.9, 0.2, Reset.ZERO_IMMEDIATE), sg),
                new Linear(100, 3, 6), new LeakyReadout(3, 0.8));
        SplittableRandom r = new SplittableRandom(8);
        float[][][] x = new float[B][T][n0];
        for (float[][] smp : x) {
            float[] img = new float[n0];
            for (int i = 0; i < n0; i++) img[i] = (float) r.nextDouble();
            for (float[] row : smp) System.arraycopy(img, 0, row, 0, n0);   // direct coding
        }
        Path model = dir.resolve("cnn.safetensors"), nir = dir.resolve("cnn.nir");
        int nOut = 3;
        float[][][] want = new float[B][T][nOut];
        try (SgNet net = new SgNet(n0, false, layers, 1)) {
            net.prepare(T, B);
            net.infer((in, b0, b1, scratch) -> {
                for (int b = b0; b < b1; b++) for (int t = 0; t < T; t++) System.arraycopy(x[b][t], 0, in.dense, (b * T + t) * n0, n0);
            }, null, Loss.CE_MEAN);
            for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) for (int k = 0; k < nOut; k++) want[b][t][k] = net.output().get(b, t, k);
            SgModel.of(net, new SgModel.Recipe(T, "direct", "ce_mean", B, 1), ModelProvenance.of("test", Map.of(), 1, "none", Map.of(), Map.of())).save(model);
        }
        NirExport.Exported e = NirExport.of(model, 1e-3);
        assertEquals(List.of("input", "0_conv2d", "1_pool2d", "2_cell", "3_flatten", "3_linear", "4_readout", "output"),
                new java.util.ArrayList<>(e.graph().nodes().keySet()));
        Nir.write(e.graph(), nir);
        NirNetwork net = Nir.load(nir, 1e-3);
        float[][] steps = new float[T][B * n0];
        for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) System.arraycopy(x[b][t], 0, steps[t], b * n0, n0);
        NirNetwork.Result res = net.run(steps, B, List.of(), 1);
        double maxErr = 0;
        for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) for (int k = 0; k < nOut; k++)
            maxErr = Math.max(maxErr, Math.abs(want[b][t][k] - res.output[t][b * nOut + k]));
        assertTrue(maxErr <= 1e-4, "max readout difference " + maxErr);
        assertTrue(res.totals.get("2_cell") > 10, "the hidden layer spikes: " + res.totals);
        // max-pooling cannot go to NIR: one line
        List<Layer> maxed = List.of(new org.snn4j.train.sg.Conv2d(1, 10, 10, 4, 3, 3, 1, 1, 1, 1, 2, 5),
                new CellLayer(4 * 5 * 5, new LifCell(0.9, 0.2, Reset.ZERO_IMMEDIATE), sg), new Linear(100, 3, 6), new LeakyReadout(3, 0.8));
        Path mm = dir.resolve("max.safetensors");
        try (SgNet n2 = new SgNet(n0, false, maxed, 1)) {
            n2.prepare(T, 1);
            SgModel.of(n2, new SgModel.Recipe(T, "direct", "ce_mean", 1, 1), ModelProvenance.of("test", Map.of(), 1, "none", Map.of(), Map.of())).save(mm);
        }
        NirException ex = assertThrows(NirException.class, () -> NirExport.of(mm, 1e-3));
        assertTrue(ex.getMessage().contains("no max-pooling node"), ex.getMessage());
    }
}
