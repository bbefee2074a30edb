package org.snn4j.train.sg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.snn4j.cell.AlifCell;
import org.snn4j.cell.Cell;
import org.snn4j.cell.CubaLifCell;
import org.snn4j.cell.LeakyIntegratorCell;
import org.snn4j.cell.LifCell;
import org.snn4j.cell.Reset;

/**
 * Cells in the BPTT engine: the adaptive LIF's backward step against finite differences; the
 * generic cell layer against the dedicated LIF and synaptic layers (same kernels, so the same bits);
 * the adaptive LIF learning a task that needs its long memory.
 */
class CellLayerTest {
    static final Surrogate SG = Surrogate.fastSigmoid(25);

    static SgNet net(int nIn, int nHid, int nOut, Cell hidden, boolean smooth, long seed) {
        List<Layer> ls = new ArrayList<>();
        ls.add(new Linear(nIn, nHid, seed));
        CellLayer h = new CellLayer(nHid, hidden, SG);
        ls.add(smooth ? h.smooth(SgGradientTest.SIGMOID) : h);
        ls.add(new Linear(nHid, nOut, seed + 1));
        ls.add(new CellLayer(nOut, new LeakyIntegratorCell(0.8), null));
        SgNet net = new SgNet(nIn, false, ls, 2);
        for (float[] row : ((Linear) ls.get(0)).w) for (int k = 0; k < row.length; k++) row[k] *= 3;
        return net;
    }

    @Test
    void alifBackwardMatchesFiniteDifferences() {
        AlifCell cell = AlifCell.defaults().withBeta(0.9).withRho(0.95).withAdaptation(0.6);
        for (int T : new int[] {1, 6, 20}) {
            int B = 3, nIn = 5;
            try (SgNet net = net(nIn, 8, 4, cell, true, 31 + T)) {
                net.prepare(T, B);
                SgGradientTest.check(net, SgGradientTest.denseInput(SgGradientTest.uniform(B * T * nIn, T)), new int[] {0, 3, 1},
                        Loss.CE_MAX, 40, T);
            }
        }
    }

    @Test
    void cubaLifBackwardMatchesFiniteDifferences() {
        int T = 12, B = 2, nIn = 6;
        try (SgNet net = net(nIn, 7, 3, new CubaLifCell(0.7, 0.9, 1.0, Reset.ZERO), true, 5)) {
            net.prepare(T, B);
            SgGradientTest.check(net, SgGradientTest.denseInput(SgGradientTest.uniform(B * T * nIn, 2)), new int[] {2, 0},
                    Loss.CE_MEAN, 40, 7);
        }
    }

    /** The reset within the spike's step (NIR's and Norse's convention), LIF and current-based LIF. */
    @Test
    void immediateResetBackwardMatchesFiniteDifferences() {
        int T = 12, B = 2, nIn = 6;
        for (Cell cell : List.of(new LifCell(0.85, 1.0, Reset.ZERO_IMMEDIATE), new CubaLifCell(0.7, 0.9, 1.0, Reset.ZERO_IMMEDIATE))) {
            try (SgNet net = net(nIn, 7, 3, cell, true, 8)) {
                net.prepare(T, B);
                SgGradientTest.check(net, SgGradientTest.denseInput(SgGradientTest.uniform(B * T * nIn, 2)), new int[] {2, 0},
                        Loss.CE_MEAN, 40, 7);
            }
        }
    }

    /** The dedicated layers refuse the reset they do not implement, rather than running another one. */
    @Test
    void dedicatedLayersRefuseTheImmediateReset() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Lif(4, 0.9, 1.0, Reset.ZERO_IMMEDIATE, SG));
    }

    /** The generic layer over LifCell / CubaLifCell gives the dedicated layers' bits: one kernel. */
    @Test
    void genericLayerEqualsDedicatedLayers() {
        int T = 15, B = 3, nIn = 70, H = 20, K = 4;
        long[] in = SgGradientTest.spikes(B * T, nIn, 0.3, 9);
        int[] y = {1, 3, 0};
        for (Reset reset : new Reset[] {Reset.SUBTRACT, Reset.ZERO}) {   // the dedicated layers run the delayed resets
            Layer[] dedicated = {new Lif(H, 0.9, 1.0, reset, SG), new Synaptic(H, 0.6, 0.9, 1.0, reset, SG)};
            Cell[] cells = {new LifCell(0.9, 1.0, reset), new CubaLifCell(0.6, 0.9, 1.0, reset)};
            for (int c = 0; c < cells.length; c++) {
                float[][] ga = grads(List.of(new Linear(nIn, H, 3), dedicated[c], new Linear(H, K, 4), new LeakyReadout(K, 0.8)), in, y, T, B);
                float[][] gb = grads(List.of(new Linear(nIn, H, 3), new CellLayer(H, cells[c], SG), new Linear(H, K, 4),
                        new CellLayer(K, new LeakyIntegratorCell(0.8), null)), in, y, T, B);
                assertEquals(ga.length, gb.length);
                for (int t = 0; t < ga.length; t++) assertArrayEquals(ga[t], gb[t], 0f, cells[c].name() + " tensor " + t);
            }
        }
    }

    static float[][] grads(List<Layer> ls, long[] in, int[] y, int T, int B) {
        for (float[] row : ((Linear) ls.get(0)).w) for (int k = 0; k < row.length; k++) row[k] *= 4;
        try (SgNet net = new SgNet(ls.get(0).in, true, ls, 2)) {
            net.prepare(T, B);
            net.gradients(SgGradientTest.binaryInput(in), y, Loss.CE_MAX);
            float[][] g = net.paramGrads(), out = new float[g.length][];
            for (int t = 0; t < g.length; t++) out[t] = g[t].clone();
            double sum = 0;
            for (float[] a : out) for (float v : a) sum += Math.abs(v);
            assertTrue(sum > 0, "gradients vanish");
            return out;
        }
    }

    /**
     * A task that needs memory beyond the membrane (LSNN's store-and-recall in miniature): a cue
     * in steps 0–4 (one of two groups of 10 inputs), silence, then a recall cue (a third group) in
     * the last 5 steps, and the class read out at the last step. Biases stay 0, so nothing but the
     * neurons' state carries the cue across the 35 silent steps: a LIF membrane (β = 0.8) keeps
     * 0.8^35 ≈ 4e-4 of it, an ALIF threshold (τ_a = 60 steps) 56 %. Trained by BPTT with plain SGD,
     * same data, same seed.
     */
    @Test
    void alifRemembersWhatLifForgets() {
        double alif = storeRecallAccuracy(AlifCell.defaults().withBeta(0.8).withRho(Math.exp(-1 / 60.0)).withAdaptation(1.0));
        double lif = storeRecallAccuracy(LifCell.of(0.8));
        assertTrue(alif >= 0.95, "ALIF accuracy " + alif);
        assertTrue(lif <= 0.75, "LIF accuracy " + lif + " (it should not remember)");
    }

    static double storeRecallAccuracy(Cell cell) {
        int nIn = 30, H = 30, T = 45, B = 32;
        long[] in = new long[B * T];
        int[] y = new int[B];
        for (int b = 0; b < B; b++) {
            y[b] = b % 2;
            for (int t = 0; t < 5; t++) in[b * T + t] = y[b] == 0 ? 0x3FFL : 0x3FFL << 10;
            for (int t = T - 5; t < T; t++) in[b * T + t] = 0x3FFL << 20;
        }
        List<Layer> ls = List.of(new Linear(nIn, H, 1), new CellLayer(H, cell, SG), new Linear(H, 2, 2),
                new CellLayer(2, new LeakyIntegratorCell(0.5), null));
        try (SgNet net = new SgNet(nIn, true, ls, 2)) {
            net.prepare(T, B);
            for (float[] row : ((Linear) ls.get(0)).w) for (int k = 0; k < row.length; k++) row[k] *= 2;
            float[][] p = net.params(), g = net.paramGrads();
            float[] b1 = ((Linear) ls.get(0)).bias(), b2 = ((Linear) ls.get(2)).bias();
            java.util.Arrays.fill(b1, 0f);
            java.util.Arrays.fill(b2, 0f);
            for (int it = 0; it < 300; it++) {
                net.gradients(SgGradientTest.binaryInput(in), y, Loss.CE_LAST);
                for (int t = 0; t < p.length; t++)
                    if (p[t] != b1 && p[t] != b2)   // weights only: the biases stay 0
                        for (int k = 0; k < p[t].length; k++) p[t][k] -= 0.05f * g[t][k];
            }
            for (float[] b : new float[][] {b1, b2}) for (float v : b) assertEquals(0f, v, "bias");
            net.infer(SgGradientTest.binaryInput(in), y, Loss.CE_LAST);
            int[] pred = net.predictions();
            int ok = 0;
            for (int b = 0; b < B; b++) if (pred[b] == y[b]) ok++;
            return ok / (double) B;
        }
    }

    /** A cell layer saves and loads through the model file like any layer: the same outputs after the round trip. */
    @Test
    void cellLayersRoundTripThroughTheModelFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        int T = 10, B = 2, nIn = 70;
        long[] in = SgGradientTest.spikes(B * T, nIn, 0.3, 3);
        List<Layer> ls = List.of(new Linear(nIn, 12, 1), new CellLayer(12, AlifCell.defaults().withAdaptation(0.3), SG),
                new Linear(12, 3, 2), new CellLayer(3, new LeakyIntegratorCell(0.8), null));
        for (float[] row : ((Linear) ls.get(0)).w) for (int k = 0; k < row.length; k++) row[k] *= 4;
        java.nio.file.Path f = dir.resolve("alif.safetensors");
        float[] before, after;
        try (SgNet net = new SgNet(nIn, true, ls, 1)) {
            net.prepare(T, B);
            net.infer(SgGradientTest.binaryInput(in), new int[] {0, 1}, Loss.CE_MAX);
            before = net.output().dense.clone();
            SgModel.of(net, new SgModel.Recipe(T, "rate", "ce_max", B, 1),
                    org.snn4j.io.ModelProvenance.of("test", java.util.Map.of(), 1, "none", java.util.Map.of(), java.util.Map.of())).save(f);
        }
        try (SgNet net = SgModel.load(f, 1)) {
            assertTrue(net.layers().get(1) instanceof CellLayer c && c.cell().equals(AlifCell.defaults().withAdaptation(0.3)));
            net.prepare(T, B);
            net.infer(SgGradientTest.binaryInput(in), new int[] {0, 1}, Loss.CE_MAX);
            after = net.output().dense.clone();
        }
        assertArrayEquals(before, after, 0f);
    }
}
