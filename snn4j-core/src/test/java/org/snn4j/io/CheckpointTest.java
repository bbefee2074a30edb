package org.snn4j.io;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snn4j.util.InputException;

/** The one resume rule: the fingerprint and the one-line refusal naming every changed key. */
class CheckpointTest {
    static Map<String, Object> params(Object lr, Object epochs, Object threads) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("hidden", "256");
        p.put("lr", lr);
        p.put("epochs", epochs);
        p.put("threads", threads);
        p.put("data_dir", "/data");
        return p;
    }

    @Test
    void fingerprintDropsTheFreeKeysAndAddsTheSeed() {
        Map<String, Object> s = Checkpoint.settings(params(5e-4, 3L, 2L), 7, List.of("epochs"));
        assertEquals("{hidden=256, lr=5.0E-4, seed=7}", s.toString());
    }

    @Test
    void changedSettingsAreRefusedInOneLineNamingEachKey() {
        Path f = Path.of("out", "train-checkpoint.safetensors");
        Map<String, Object> saved = Checkpoint.settings(params(5e-4, 3L, 2L), 7, List.of("epochs"));
        // epochs, threads and data_dir may change
        assertDoesNotThrow(() -> Checkpoint.check(f, saved, Checkpoint.settings(params(5e-4, 9L, 16L), 7, List.of("epochs")), Map.of(), List.of("epochs")));
        Map<String, Object> now = Checkpoint.settings(params(1e-3, 3L, 2L), 8, List.of("epochs"));
        now.put("beta", 0.9);
        InputException e = assertThrows(InputException.class, () -> Checkpoint.check(f, saved, now, Map.of(), List.of("epochs")));
        assertEquals(f + ": checkpoint of a run with other settings (lr 5.0E-4 -> 0.001, seed 7 -> 8, beta (not in the checkpoint) -> 0.9); "
                + "rerun with the same settings (only data_dir, epochs, threads may change), use another --out, or delete it", e.getMessage());
        // a key added to snn4j since the checkpoint: accepted at its default, refused otherwise
        Map<String, Object> withDefault = new LinkedHashMap<>(saved);
        withDefault.put("beta", 0.95);
        assertDoesNotThrow(() -> Checkpoint.check(f, saved, withDefault, Map.of("beta", 0.95), List.of()));
        // a key the run no longer has
        Map<String, Object> fewer = new LinkedHashMap<>(saved);
        fewer.remove("hidden");
        assertEquals(true, assertThrows(InputException.class, () -> Checkpoint.check(f, saved, fewer, Map.of(), List.of())).getMessage()
                .contains("(hidden \"256\" -> (unknown))"));
    }
}
