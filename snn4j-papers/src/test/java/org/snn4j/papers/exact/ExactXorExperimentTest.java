package org.snn4j.papers.exact;

import org.snn4j.train.exact.QifNet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExactXorExperimentTest {
    @Test
    void quickRunTrainsAndWritesItsFiles(@TempDir Path dir) throws Exception {
        QuickRun q = QuickRun.of(new ExactXorExperiment(), dir);
        double s = q.seconds();
        Map<String, Object> m = q.metrics();
        System.out.println("exact-xor quick: " + m + " in " + s + " s");
        assertTrue(s < 60, "quick run took " + s + " s");
        // quick size: 0.4 s trials, delays 20-60 ms, 300 iterations: measured loss 1.02 -> 0.35 (factor 2.9), accuracy 1.0
        assertTrue((Double) m.get("loss_drop_factor") >= 2.0, "loss drop factor " + m.get("loss_drop_factor"));
        for (String k : new String[] {"test_accuracy", "trial_s", "neurons", "train_trials", "train_s", "final_loss"})
            assertTrue(m.containsKey(k), k);
        for (String f : new String[] {"model.safetensors", "learning_curve.png", "example_trials.png", "metrics.json", "report.md", "train-checkpoint.safetensors"})
            assertTrue(Files.exists(dir.resolve(f)), f);
        QifNet back = QifNet.load(dir.resolve("model.safetensors"));
        assertEquals(100, back.n);
        assertEquals("exact-xor", back.lastLoadedProvenance().experiment());
        assertEquals(m.get("test_accuracy"), back.lastLoadedProvenance().metrics().get("test_accuracy"));
        assertEquals(100L, back.lastLoadedProvenance().config().get("neurons"));
    }
}
