package org.snn4j.train.sg;

import org.snn4j.cell.Reset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snn4j.data.Dataset;
import org.snn4j.util.InputException;

/** Checkpoints and resume of {@link SgTrainer}; model files of {@link SgModel}. */
class SgCheckpointTest {
    @TempDir
    Path dir;

    static SgNet net(int threads) {
        return SgMlp.build(64, new int[] {24}, 10, 0.9, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25), false, threads, 7);
    }

    static SgTrainer trainer(SgNet net) {
        SgTrainer tr = new SgTrainer(net, Loss.CE_COUNT, 6, 16, 2e-3, 1e-4, true, 3);
        tr.plan(2 * 7);
        return tr;
    }

    @Test
    void resumedRunEndsWithTheSameWeights() throws Exception {
        Dataset train = SgTrainingTest.prototypes(100, 0.2, 1);   // 7 batches per epoch
        float[][] ref;
        try (SgNet net = net(2)) {
            SgTrainer tr = trainer(net);
            tr.trainEpoch(train, 1, null);
            tr.record(new double[] {1, 0.5});
            tr.trainEpoch(train, 2, null);
            ref = net.params();
        }
        Path ck = dir.resolve("train-checkpoint.json");
        try (SgNet net = net(1)) {
            SgTrainer tr = trainer(net).checkpoint(ck, 3).stopAfter(11);   // killed after batch 4 of epoch 2; last checkpoint at 3
            assertFalse(tr.resume());
            tr.trainEpoch(train, 1, null);
            tr.record(new double[] {1, 0.5});
            assertNull(tr.trainEpoch(train, 2, null));
        }
        try (SgNet net = net(2)) {
            SgTrainer tr = trainer(net).checkpoint(ck, 3);
            assertTrue(tr.resume());
            assertEquals(1, tr.epochsDone());
            assertEquals(10, tr.stepsDone());
            assertEquals(1, tr.history().size());
            assertArrayEquals(new double[] {1, 0.5}, tr.history().get(0));
            for (int e = tr.epochsDone() + 1; e <= 2; e++) tr.trainEpoch(train, e, null);
            float[][] p = net.params();
            for (int k = 0; k < p.length; k++) assertArrayEquals(ref[k], p[k], 0f, "tensor " + k);
        }
        // a checkpoint of another run is refused in one line
        try (SgNet net = net(1)) {
            SgTrainer other = new SgTrainer(net, Loss.CE_COUNT, 6, 32, 2e-3, 0, true, 3).checkpoint(ck, 3);
            InputException e = assertThrows(InputException.class, other::resume);
            assertTrue(e.getMessage().contains("another batch size"), e.getMessage());
        }
        try (SgNet net = net(1)) {
            SgTrainer other = new SgTrainer(net, Loss.CE_COUNT, 6, 16, 2e-3, 1e-4, true, 3).checkpoint(ck, 3);
            other.plan(3 * 7);   // three epochs planned: another cosine schedule
            InputException e = assertThrows(InputException.class, other::resume);
            assertTrue(e.getMessage().contains("schedule"), e.getMessage());
        }
        try (SgNet net = SgMlp.build(64, new int[] {20}, 10, 0.9, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25), false, 1, 7)) {
            SgTrainer other = trainer(net).checkpoint(ck, 3);
            InputException e = assertThrows(InputException.class, other::resume);
            assertTrue(e.getMessage().contains("does not match"), e.getMessage());
        }
    }

    @Test
    void modelFileRoundTripWithProvenance() throws Exception {
        List<Layer> ls = List.of(new Linear(30, 20, 1), new Synaptic(20, 0.8, 0.9, 1, Reset.ZERO, Surrogate.arctan(2)).learn(true, false, true),
                new Linear(20, 20, 2), new RecurrentLif(20, 0.9, 1, Reset.SUBTRACT, Surrogate.triangle(0.3, 1), 3),
                new Linear(20, 12, 4), new Lif(12, 0.8, 1, Reset.SUBTRACT, Surrogate.fastSigmoid(10)).learnBeta(true),
                new Linear(12, 4, 5), new LeakyReadout(4, 0.7));
        ((Lif) ls.get(5)).betaP[3] = 0.123f;
        Path f = dir.resolve("model.json");
        long[] in = SgGradientTest.spikes(5 * 9, 30, 0.4, 1);
        try (SgNet net = new SgNet(30, true, ls, 1)) {
            SgModel.save(net, f, Map.of("experiment", "test", "seed", 5L));
            try (SgNet back = SgModel.load(f, 2)) {
                float[][] a = net.params(), b = back.params();
                assertEquals(a.length, b.length);
                for (int k = 0; k < a.length; k++) assertArrayEquals(a[k], b[k], 0f);
                net.prepare(9, 5);
                back.prepare(9, 5);
                net.infer(SgGradientTest.binaryInput(in), null, Loss.CE_MAX);
                back.infer(SgGradientTest.binaryInput(in), null, Loss.CE_MAX);
                assertArrayEquals(java.util.Arrays.copyOf(net.output().dense, 5 * 9 * 4), java.util.Arrays.copyOf(back.output().dense, 5 * 9 * 4));
            }
        }
        Map<String, Object> prov = SgModel.provenance(f);
        assertEquals("test", prov.get("experiment"));
        assertTrue(prov.containsKey("git_commit") && prov.containsKey("snn4j_version"));
        // corrupt, truncated, wrong format, missing: one clear line each
        String text = Files.readString(f);
        Files.writeString(dir.resolve("cut.json"), text.substring(0, text.length() / 2));
        Files.writeString(dir.resolve("other.json"), "{\"format\": \"snn4j-exact-qif\", \"format_version\": 1}");
        Files.writeString(dir.resolve("bad.json"), text.replaceFirst("\"bias\": ?\"[A-Za-z0-9+/]{8}", "\"bias\":\"!!!!"));
        for (String name : new String[] {"cut.json", "other.json", "bad.json", "missing.json"}) {
            InputException e = assertThrows(InputException.class, () -> SgModel.load(dir.resolve(name), 1), name);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().startsWith(dir.resolve(name).toString()), e.getMessage());
        }
    }
}
