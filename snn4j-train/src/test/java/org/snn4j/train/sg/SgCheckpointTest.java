package org.snn4j.train.sg;

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
import org.snn4j.cell.Reset;
import org.snn4j.data.Dataset;
import org.snn4j.io.ModelProvenance;
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
        Path ck = dir.resolve("train-checkpoint.safetensors");
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
            assertTrue(e.getMessage().contains("other settings (batch 16 -> 32, planned_steps 14 -> 1)"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        try (SgNet net = net(1)) {
            SgTrainer other = new SgTrainer(net, Loss.CE_COUNT, 6, 16, 2e-3, 1e-4, true, 3).checkpoint(ck, 3);
            other.plan(3 * 7);   // three epochs planned: another cosine schedule
            InputException e = assertThrows(InputException.class, other::resume);
            assertTrue(e.getMessage().contains("(planned_steps 14 -> 21)"), e.getMessage());
        }
        try (SgNet net = SgMlp.build(64, new int[] {20}, 10, 0.9, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25), false, 1, 7)) {
            SgTrainer other = trainer(net).checkpoint(ck, 3);
            InputException e = assertThrows(InputException.class, other::resume);
            assertTrue(e.getMessage().contains("does not match"), e.getMessage());
        }
    }

    @Test
    void runSettingsOfTheFingerprintAreNamedWhenTheyChange() throws Exception {
        Dataset train = SgTrainingTest.prototypes(40, 0.2, 1);
        Path ck = dir.resolve("ck.safetensors");
        try (SgNet net = net(1)) {
            SgTrainer tr = trainer(net).checkpoint(ck, 0).settings(Map.of("hidden", "24", "beta", 0.9, "epochs_note", "x"));
            tr.trainEpoch(train, 1, null);
        }
        try (SgNet net = net(1)) {
            SgTrainer tr = trainer(net).checkpoint(ck, 0).settings(Map.of("hidden", "24", "beta", 0.8, "epochs_note", "x"));
            InputException e = assertThrows(InputException.class, tr::resume);
            assertTrue(e.getMessage().startsWith(ck + ": checkpoint of a run with other settings (beta 0.9 -> 0.8); "), e.getMessage());
        }
        try (SgNet net = net(1)) {
            assertTrue(trainer(net).checkpoint(ck, 0).settings(Map.of("hidden", "24", "beta", 0.9, "epochs_note", "x")).resume());
        }
    }

    static SgNet mixed() {
        List<Layer> ls = List.of(new Linear(30, 20, 1), new Synaptic(20, 0.8, 0.9, 1, Reset.ZERO, Surrogate.arctan(2)).learn(true, false, true),
                new Linear(20, 20, 2), new RecurrentLif(20, 0.9, 1, Reset.SUBTRACT, Surrogate.triangle(0.3, 1), 3),
                new Linear(20, 12, 4), new Lif(12, 0.8, 1, Reset.SUBTRACT, Surrogate.fastSigmoid(10)).learnBeta(true),
                new Linear(12, 4, 5), new LeakyReadout(4, 0.7));
        ((Lif) ls.get(5)).betaP[3] = 0.123f;
        return new SgNet(30, true, ls, 1);
    }

    @Test
    void modelFileRoundTripWithProvenance() throws Exception {
        Path f = dir.resolve("model.safetensors");
        long[] in = SgGradientTest.spikes(5 * 9, 30, 0.4, 1);
        ModelProvenance prov = ModelProvenance.of("test", Map.of("hidden", "20"), 5, "none", Map.of("train-images", "ab12"),
                Map.of("test_accuracy", 0.5));
        try (SgNet net = mixed()) {
            SgModel.of(net, new SgModel.Recipe(9, "rate", "ce_max", 5, 5), prov).save(f);
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
        SgModel m = SgModel.load(f);
        assertEquals(new SgModel.Recipe(9, "rate", "ce_max", 5, 5), m.recipe());
        ModelProvenance p = m.provenance();
        assertEquals(prov, p);
        assertTrue(!p.gitCommit().isEmpty() && !p.snn4jVersion().isEmpty() && !p.jvm().isEmpty());
        // the tensors are named and shaped for numpy
        org.snn4j.io.SafeTensors t = org.snn4j.io.SafeTensors.read(f);
        assertArrayEquals(new long[] {30, 20}, t.tensor("layers.0.weight").shape());
        assertArrayEquals(new long[] {20, 20}, t.tensor("layers.3.recurrent_weight").shape());
        assertEquals(0.123f, t.floats("layers.5.beta")[3]);
        // corrupt, truncated, wrong format, missing: one clear line each
        byte[] bytes = Files.readAllBytes(f);
        Files.write(dir.resolve("cut.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Files.writeString(dir.resolve("other.json"), "{\"format\": \"snn4j-exact-qif\", \"format_version\": 1}");
        byte[] bad = bytes.clone();
        bad[3] = 1;   // a header length of 16 MB more than the file holds
        Files.write(dir.resolve("bad.safetensors"), bad);
        for (String name : new String[] {"cut.safetensors", "other.json", "bad.safetensors", "missing.safetensors"}) {
            InputException e = assertThrows(InputException.class, () -> SgModel.load(dir.resolve(name), 1), name);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().startsWith(dir.resolve(name).toString()), e.getMessage());
        }
    }

    /** Compatibility: a JSON model file of snn4j before the safetensors layout (format version 1) still loads. */
    @Test
    void jsonModelFileOfVersionOneLoads() throws Exception {
        java.util.function.Function<float[], String> b64 = a -> {
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(4 * a.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            bb.asFloatBuffer().put(a);
            return java.util.Base64.getEncoder().encodeToString(bb.array());
        };
        Path f = dir.resolve("model.json");
        Files.writeString(f, "{\"format\":\"snn4j-sg\",\"format_version\":1,\"provenance\":{\"experiment\":\"old\",\"seed\":4,"
                + "\"params\":{\"hidden\":\"2\"},\"test_accuracy\":0.75},\"n_in\":3,\"binary_input\":true,\"layers\":["
                + "{\"type\":\"linear\",\"in\":3,\"out\":2,\"weight\":\"" + b64.apply(new float[] {1, 2, 3, 4, 5, 6}) + "\",\"bias\":\""
                + b64.apply(new float[] {0.5f, -0.5f}) + "\"},{\"type\":\"readout\",\"n\":2,\"beta\":0.9}]}");
        SgModel m = SgModel.load(f);
        assertEquals("old", m.provenance().experiment());
        assertEquals(0.75, m.provenance().metrics().get("test_accuracy"));
        assertEquals("2", m.provenance().config().get("hidden"));
        try (SgNet net = m.network(1)) {
            Linear l = (Linear) net.layers().get(0);
            assertArrayEquals(new float[] {3, 4}, l.w[1]);
            assertArrayEquals(new float[] {0.5f, -0.5f}, l.b);
        }
    }

    /** A loaded model evaluates a dataset by its recipe, without a trainer, exactly as the trainer does. */
    @Test
    void loadedModelPredictsAndEvaluatesLikeTheTrainer() throws Exception {
        Dataset train = SgTrainingTest.prototypes(100, 0.2, 1), test = SgTrainingTest.prototypes(50, 0.2, 2);
        Path f = dir.resolve("model.safetensors");
        double byTrainer;
        try (SgNet net = net(2)) {
            SgTrainer tr = trainer(net);
            tr.trainEpoch(train, 1, null);
            byTrainer = tr.evaluate(test, 0)[0];
            SgModel.of(net, new SgModel.Recipe(6, "rate", "ce_count", 16, 3), ModelProvenance.of("test", Map.of(), 3, "prototypes", Map.of(), Map.of()))
                    .save(f);
        }
        SgModel m = SgModel.load(f);
        assertEquals(byTrainer, m.evaluate(test, 1), 0.0);
        assertEquals(byTrainer, m.evaluate(test, 3), 0.0);
        int[] pred = m.predict(test, 2);
        long correct = 0;
        for (int k = 0; k < pred.length; k++) if (pred[k] == test.label(k)) correct++;
        assertEquals(byTrainer, correct / (double) test.size(), 0.0);
    }
}
