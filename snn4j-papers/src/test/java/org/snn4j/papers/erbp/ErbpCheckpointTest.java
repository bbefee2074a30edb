package org.snn4j.papers.erbp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snn4j.data.Dataset;
import org.snn4j.data.Datasets;
import org.snn4j.data.Idx;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.RunContext;
import org.snn4j.util.InputException;
import org.snn4j.util.Json;
import org.snn4j.io.ModelFile;
import org.snn4j.io.SafeTensors;

/**
 * Checkpoint and resume of {@code snn4j run erbp}: two epochs in one go end bit for bit where one
 * epoch, a checkpoint and a resumed run of the second epoch (new networks built from the file) do;
 * a checkpoint of other settings is refused in one line.
 */
class ErbpCheckpointTest {
    @TempDir
    Path tmp;

    /** The generated 8×8 prototypes of {@link ErbpTest} as an installed "mnist" in {@code dir}. */
    static Path installPrototypes(Path dir) throws Exception {
        Dataset all = ErbpTest.prototypes(120, 5);
        for (Datasets.Split s : Datasets.Split.values()) {
            int off = s == Datasets.Split.TRAIN ? 0 : 80, n = s == Datasets.Split.TRAIN ? 80 : 40;
            byte[] im = new byte[n * 64], lb = new byte[n];
            float[] x = new float[64];
            for (int k = 0; k < n; k++) {
                all.image(off + k, x);
                for (int i = 0; i < 64; i++) im[k * 64 + i] = (byte) Math.round(255 * x[i]);
                lb[k] = (byte) all.label(off + k);
            }
            Idx.writeUbyte(Datasets.imageFile(dir, "mnist", s), new int[] {n, 8, 8}, im, true);
            Idx.writeUbyte(Datasets.labelFile(dir, "mnist", s), new int[] {n}, lb, true);
        }
        return dir;
    }

    /** Runs erbp into {@code out} as {@code bin/snn4j run erbp --quick --set ...} does; returns its metrics. */
    static Map<String, Object> run(Path out, Path data, String... sets) throws Exception {
        ErbpExperiment e = new ErbpExperiment();
        Params p = e.defaults(true);
        for (String a : new String[] {"data_dir=" + data, "hidden=20", "train_samples=60", "test_samples=30", "eval_every=25",
                "eval_samples=10", "train_ms=20", "test_ms=20", "learn_delay_ms=5", "eta=0.01"}) p.applyAssignment(a);
        for (String a : sets) p.applyAssignment(a);
        RunContext run = new RunContext(e, p, 7, true, out);
        run.writeConfig();
        e.run(run);
        run.finish();
        return run.metrics();
    }

    static ModelFile.Contents checkpoint(Path out) {
        return ModelFile.read(out.resolve(ErbpCheckpoint.FILE), ErbpCheckpoint.FORMAT, 2, "erbp training checkpoint");
    }

    /** Every tensor {@code prefix.L} of a checkpoint, exactly (the bits of each double in hex). */
    static String tensors(ModelFile.Contents c, String prefix) {
        StringBuilder sb = new StringBuilder();
        for (String name : c.tensors().tensors().keySet())
            if (name.startsWith(prefix + ".")) {
                sb.append(name).append(':');
                for (double d : c.tensors().doubles(name)) sb.append(Long.toHexString(Double.doubleToRawLongBits(d))).append(',');
            }
        return sb.toString();
    }

    private void resumeEqualsUninterrupted(String... sets) throws Exception {
        Path data = installPrototypes(tmp.resolve("data"));
        String[] two = append(sets, "epochs=2"), one = append(sets, "epochs=1");
        Map<String, Object> a = run(tmp.resolve("a"), data, two);
        Path b = tmp.resolve("b");
        run(b, data, one);
        ModelFile.Contents afterOne = checkpoint(b);
        assertEquals(1L, ((Number) afterOne.meta().get("epochs_done")).longValue());
        Map<String, Object> r = run(b, data, two);   // a new process would do the same: new networks, weights from the file
        ModelFile.Contents ca = checkpoint(tmp.resolve("a")), cb = checkpoint(b);
        assertEquals(2L, ((Number) cb.meta().get("epochs_done")).longValue());
        assertEquals(tensors(ca, "weights"), tensors(cb, "weights"), "same weights, bit for bit");
        assertEquals(tensors(ca, "weights_8bit"), tensors(cb, "weights_8bit"));
        assertEquals(tensors(ca, "weights_average"), tensors(cb, "weights_average"));
        assertEquals(tensors(ca, "optimizer"), tensors(cb, "optimizer"));
        assertEquals(Json.write(ca.meta().get("optimizer_steps")), Json.write(cb.meta().get("optimizer_steps")));
        for (String k : new String[] {"curve_x", "curve_y", "curve_y_8bit", "accuracy_by_epoch", "ann_accuracy", "ann_curves"})
            assertEquals(Json.write(ca.meta().get(k)), Json.write(cb.meta().get(k)), k);
        for (String k : new String[] {"test_accuracy", "test_accuracy_8bit", "test_accuracy_rbp_ann", "test_accuracy_bp_ann", "epochs",
                "train_samples_seen", "synops_per_sample"})
            assertEquals(Json.write(a.get(k)), Json.write(r.get(k)), k);
        assertArrayEquals((double[]) a.get("test_accuracy_by_epoch"), (double[]) r.get("test_accuracy_by_epoch"), 0.0);
        assertEquals(2, ((double[]) r.get("test_accuracy_by_epoch")).length);
        if (a.containsKey("test_accuracy_last_by_epoch"))
            assertArrayEquals((double[]) a.get("test_accuracy_last_by_epoch"), (double[]) r.get("test_accuracy_last_by_epoch"), 0.0);
        if (a.containsKey("probe_accuracy_by_layer"))
            assertArrayEquals((double[]) a.get("probe_accuracy_by_layer"), (double[]) r.get("probe_accuracy_by_layer"), 0.0);
        if (a.containsKey("train_accuracy_by_epoch")) {
            assertArrayEquals((double[]) a.get("train_accuracy_by_epoch"), (double[]) r.get("train_accuracy_by_epoch"), 0.0);
            assertEquals(2, ((double[]) r.get("train_accuracy_by_epoch")).length);
        }
        // the second epoch changed the weights (else the comparison would be trivial)
        assertFalse(tensors(afterOne, "weights").equals(tensors(cb, "weights")), "epoch 2 must learn");
        assertTrue(Files.exists(b.resolve("report.md")) && Files.exists(b.resolve("learning_curve.png")));
        // the resumed run plots the raster of the first presentation it trained
        assertTrue(Files.readString(b.resolve("report.md")).contains("first training presentation of epoch 2"));
    }

    private static String[] append(String[] a, String x) {
        String[] r = java.util.Arrays.copyOf(a, a.length + 1);
        r[a.length] = x;
        return r;
    }

    @Test
    void resumedPlusRunWithEightBitTwinEqualsUninterruptedRun() throws Exception {
        // eRBP+ (soma noise), 8-bit twin (stochastic rounding), baselines with fixed epochs (restored, not retrained)
        resumeEqualsUninterrupted("variant=plus", "compare_8bit=true", "ann_epochs=1");
    }

    @Test
    void resumedTimesRunEqualsUninterruptedRun() throws Exception {
        // eRBPx (blank-out synapses); ann_epochs = epochs, so the resume trains the baselines for 2 epochs;
        // the accuracy on training images (learning off) is kept across the resume
        resumeEqualsUninterrupted("variant=times", "train_eval_samples=20");
    }

    @Test
    void resumedRunWithWeightAverageEqualsUninterruptedRun() throws Exception {
        // the moving averages travel in the checkpoint; the probe and the training-image test use the average
        resumeEqualsUninterrupted("variant=times", "weight_average=30", "train_eval_samples=20", "ann_epochs=0", "probe_samples=20");
    }

    @Test
    void resumedRunWithAdamEqualsUninterruptedRun() throws Exception {
        // the optimiser's moments and step count travel in the checkpoint
        resumeEqualsUninterrupted("variant=times", "optimizer=adam", "eta=1e-3", "ann_epochs=0");
        ModelFile.Contents c = checkpoint(tmp.resolve("b"));
        assertTrue(tensors(c, "optimizer").contains("optimizer.weights.1.m:"), "the moments are saved");
        assertTrue(((Number) c.meta().get("optimizer_steps")).longValue() > 0);
    }

    /**
     * The average is only tested, never trained: the weights after training and the last weights' test
     * accuracy (same test state stream) are those of a run without it, bit for bit.
     */
    @Test
    void weightAverageChangesTheTestedWeightsOnly() throws Exception {
        Path data = installPrototypes(tmp.resolve("data"));
        Path plainOut = tmp.resolve("p"), avgOut = tmp.resolve("w");
        Map<String, Object> plain = run(plainOut, data, "epochs=2", "variant=times", "ann_epochs=0");
        Map<String, Object> avg = run(avgOut, data, "epochs=2", "variant=times", "ann_epochs=0", "weight_average=30");
        assertArrayEquals((double[]) plain.get("test_accuracy_by_epoch"), (double[]) avg.get("test_accuracy_last_by_epoch"), 0.0);
        assertEquals(tensors(checkpoint(plainOut), "weights"), tensors(checkpoint(avgOut), "weights"));
        assertFalse(plain.containsKey("test_accuracy_last_by_epoch"));
        // the averages moved from the initial weights toward the trained ones, and differ from both
        ModelFile.Contents c = checkpoint(avgOut);
        double[] w = c.tensors().doubles("weights.1"), a = c.tensors().doubles("weights_average.1");
        assertEquals(w.length, a.length);
        assertFalse(java.util.Arrays.equals(w, a));
    }

    /**
     * The final test over a longer window reads out the trained model without touching training; a
     * finished run re-tested from its checkpoint gives the same figures as a run that had it on; and
     * the averaged run's last weights test as a run without the average does.
     */
    @Test
    void finalTestOverALongerWindowTouchesNothingElseAndRetestsAFinishedRun() throws Exception {
        Path data = installPrototypes(tmp.resolve("data"));
        Path plainOut = tmp.resolve("p"), finalOut = tmp.resolve("f");
        String[] common = {"epochs=2", "variant=times", "ann_epochs=0", "weight_average=30"};
        Map<String, Object> plain = run(plainOut, data, common);
        String[] withFinal = java.util.Arrays.copyOf(common, common.length + 1);
        withFinal[common.length] = "final_test_ms=60";
        Map<String, Object> fin = run(finalOut, data, withFinal);
        assertArrayEquals((double[]) plain.get("test_accuracy_by_epoch"), (double[]) fin.get("test_accuracy_by_epoch"), 0.0);
        assertEquals(tensors(checkpoint(plainOut), "weights"), tensors(checkpoint(finalOut), "weights"));
        assertEquals(plain.get("test_accuracy"), fin.get("test_accuracy_at_test_ms"));
        assertEquals(60.0, ((Number) fin.get("final_test_ms")).doubleValue());
        for (String k : new String[] {"test_accuracy", "test_accuracy_last_final_window"}) {
            double a = (double) fin.get(k);
            assertTrue(a >= 0 && a <= 1 && a * 30 == Math.rint(a * 30), k + " is a fraction of 30 images: " + a);
        }
        assertFalse(plain.containsKey("final_test_ms"));
        // without the average, the final test is that of the averaged run's last weights
        Map<String, Object> noAvg = run(tmp.resolve("n"), data, "epochs=2", "variant=times", "ann_epochs=0", "final_test_ms=60");
        assertEquals(fin.get("test_accuracy_last_final_window"), noAvg.get("test_accuracy"));
        // the plain run's finished checkpoint, re-tested: nothing trained, the same final figures
        Map<String, Object> retest = run(plainOut, data, withFinal);
        for (String k : new String[] {"test_accuracy", "test_accuracy_last_final_window", "test_accuracy_at_test_ms", "test_accuracy_tie_broken"})
            assertEquals(fin.get(k), retest.get(k), k);
        assertEquals(tensors(checkpoint(plainOut), "weights"), tensors(checkpoint(finalOut), "weights"));
        ErbpExperiment x = new ErbpExperiment();
        Params bad = x.defaults(true);
        bad.applyAssignment("final_test_ms=0.05");
        InputException e = assertThrows(InputException.class, () -> x.validate(bad));
        assertTrue(e.getMessage().contains("final_test_ms"), e.getMessage());
    }

    @Test
    void testingTrainingImagesChangesNothingElse() throws Exception {
        Path data = installPrototypes(tmp.resolve("data"));
        Map<String, Object> plain = run(tmp.resolve("p"), data, "epochs=2", "variant=times");
        Map<String, Object> with = run(tmp.resolve("t"), data, "epochs=2", "variant=times", "train_eval_samples=20");
        assertArrayEquals((double[]) plain.get("test_accuracy_by_epoch"), (double[]) with.get("test_accuracy_by_epoch"), 0.0);
        assertEquals(plain.get("train_accuracy_running"), with.get("train_accuracy_running"));
        double[] train = (double[]) with.get("train_accuracy_by_epoch");
        assertEquals(2, train.length);
        for (double a : train) assertTrue(a >= 0 && a <= 1 && a * 20 == Math.rint(a * 20), "a fraction of 20 images: " + a);
        assertEquals(train[1], (double) with.get("train_accuracy"), 0.0);
        assertFalse(plain.containsKey("train_accuracy"));
    }

    @Test
    void checkpointOfOtherSettingsIsRefusedInOneLine() throws Exception {
        Path data = installPrototypes(tmp.resolve("data"));
        Path out = tmp.resolve("c");
        run(out, data, "epochs=2");
        InputException e = assertThrows(InputException.class, () -> run(out, data, "epochs=2", "hidden=21"));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("hidden \"20\" -> \"21\"") && e.getMessage().contains(ErbpCheckpoint.FILE), e.getMessage());
        // fewer epochs than the checkpoint holds: refused too
        InputException f = assertThrows(InputException.class, () -> run(out, data, "epochs=1"));
        assertTrue(f.getMessage().contains("after 2 epochs"), f.getMessage());
        // the same settings and epochs: nothing left to train, the results are those of the checkpoint
        Map<String, Object> again = run(out, data, "epochs=2");
        assertEquals(2L, ((Number) again.get("epochs")).longValue());
        // a checkpoint written before a parameter existed: accepted at the parameter's default only
        Path file = out.resolve(ErbpCheckpoint.FILE);
        SafeTensors st = SafeTensors.read(file);
        Map<String, Object> m = Json.parseObject(st.metadata().get(ModelFile.META_KEY), file.toString());
        ModelFile.object(m.get("settings"), file, "settings").remove("eta_decay");
        SafeTensors.Builder rewritten = SafeTensors.builder().metadata(ModelFile.META_KEY, Json.write(m));
        for (String name : st.tensors().keySet()) rewritten.f64(name, st.doubles(name));
        rewritten.write(file);
        assertEquals(again.get("test_accuracy"), run(out, data, "epochs=2").get("test_accuracy"));
        InputException g = assertThrows(InputException.class, () -> run(out, data, "epochs=2", "eta_decay=0.9"));
        assertTrue(g.getMessage().contains("eta_decay (not in the checkpoint) -> 0.9"), g.getMessage());
    }
}
