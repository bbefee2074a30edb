package org.snn4j.train.sg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snn4j.cell.Reset;
import org.snn4j.data.Dataset;

/**
 * Windowed (recompute) mode of {@link SgNet#memoryWindow}: spike counts over all T steps (the
 * activations hold only the last window) and the per-batch layer hooks (shared subset-sum table of
 * a wide {@link Linear}) give the same numbers as the full run.
 */
class SgWindowedTest {
    static SgNet net(int window) {
        // 128 hidden units: the hidden Linear is wide enough for the shared subset-sum table
        return SgMlp.build(64, new int[] {128}, 10, 0.9, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25), false, 2, 5)
                .memoryWindow(window);
    }

    @Test
    void spikeCountsAndGradientsMatchTheFullRun() {
        Dataset data = SgTrainingTest.prototypes(40, 0.2, 3);
        int T = 11, B = 40;
        int[] labels = data.labels();
        long[] full = new long[4], win = new long[4];
        float[][] gFull, gWin;
        double lFull, lWin;
        try (SgNet a = net(0); SgNet b = net(4)) {
            a.prepare(T, B);
            b.prepare(T, B);
            lFull = a.gradients(SgMlp.rateCoded(data, null, 0, 9, 0), labels, Loss.CE_COUNT);
            lWin = b.gradients(SgMlp.rateCoded(data, null, 0, 9, 0), labels, Loss.CE_COUNT);
            for (int l = 0; l < 4; l++) {
                full[l] = a.spikeCount(l);
                win[l] = b.spikeCount(l);
            }
            gFull = a.paramGrads();
            gWin = b.paramGrads();
            assertArrayEquals(full, win);
            assertTrue(full[1] > 0 && full[3] > 0, "the test needs spikes");
            assertEquals(full[1], SgMlp.spikeCount(b, 1));
            a.infer(SgMlp.rateCoded(data, null, 0, 10, 0), labels, Loss.CE_COUNT);
            b.infer(SgMlp.rateCoded(data, null, 0, 10, 0), labels, Loss.CE_COUNT);
            for (int l = 0; l < 4; l++) assertEquals(a.spikeCount(l), b.spikeCount(l));
            assertArrayEquals(a.predictions(), b.predictions());
        }
        assertEquals(lFull, lWin, 1e-12);
        for (int p = 0; p < gFull.length; p++) assertArrayEquals(gFull[p], gWin[p], 1e-5f);
    }
}
