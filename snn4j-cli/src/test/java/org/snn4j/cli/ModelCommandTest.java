package org.snn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snn4j.io.ModelProvenance;
import org.snn4j.train.sg.LeakyReadout;
import org.snn4j.train.sg.Linear;
import org.snn4j.train.sg.SgModel;
import org.snn4j.train.sg.SgNet;

/** {@code snn4j model info|eval}: what a saved model holds, and one-line errors. */
class ModelCommandTest {
    @Test
    void infoListsProvenanceAndTensors(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("model.safetensors");
        try (SgNet net = new SgNet(16, true, List.of(new Linear(16, 4, 1), new LeakyReadout(4, 0.9)), 1)) {
            SgModel.of(net, new SgModel.Recipe(5, "rate", "ce_mean", 8, 3),
                    ModelProvenance.of("unit", Map.of("lr", 0.1), 3, "synthetic", Map.of(), Map.of())).save(f);
        }
        CliTest.Result r = CliTest.exec("model", "info", f.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("format:     snn4j-sg version 2"), r.out());
        assertTrue(r.out().contains("experiment:     unit"), r.out());
        assertTrue(r.out().contains("layers.0.weight") && r.out().contains("[16, 4]"), r.out());
        assertTrue(r.out().contains("values:     68"), r.out());   // 16·4 + 4
        // eval needs a known dataset: this model names none
        CliTest.assertInputError(CliTest.exec("model", "eval", f.toString()), "give --dataset");
        CliTest.assertInputError(CliTest.exec("model", "eval", f.toString(), "--pass", "-1"), "must be >= 0");
        Path junk = dir.resolve("junk.safetensors");
        Files.writeString(junk, "not a model");
        CliTest.assertInputError(CliTest.exec("model", "info", junk.toString()), "junk.safetensors");
        CliTest.assertInputError(CliTest.exec("model", "info", dir.resolve("missing.safetensors").toString()), "missing.safetensors");
    }
}
