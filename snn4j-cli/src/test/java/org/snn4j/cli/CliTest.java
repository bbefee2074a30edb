package org.snn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snn4j.util.Json;

/** The command line: exit codes, one-line errors, and what a run writes. */
class CliTest {
    record Result(int code, String out, String err) {
    }

    static synchronized Result exec(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Exit code 2 and exactly one error line (plus at most a usage hint), no stack trace. */
    static void assertInputError(Result r, String fragment) {
        assertEquals(2, r.code(), r.err());
        String[] lines = r.err().strip().split("\n");
        String errorLine = null;
        for (String l : lines) if (l.startsWith("snn4j: error: ")) errorLine = l;
        assertTrue(errorLine != null, "one 'snn4j: error:' line expected, got: " + r.err());
        assertTrue(errorLine.contains(fragment), "error should mention '" + fragment + "': " + errorLine);
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), "no stack trace: " + r.err());
        long errorLines = java.util.Arrays.stream(lines).filter(l -> l.startsWith("snn4j: error")).count();
        assertEquals(1, errorLines);
    }

    /** A preset sets its values over the defaults; --set still overrides one; --describe lists the presets. */
    @Test
    void presetsApplyAndAreListed() {
        org.snn4j.experiment.Experiment erbp = Registry.experiment("erbp");
        org.snn4j.experiment.Params p = Runner.resolve(erbp, false, "mnist", null, java.util.List.of("epochs=3"));
        assertEquals("times", p.getString("variant"));
        assertEquals(3.0, p.getDouble("feedback_scale"));
        assertEquals(3, p.getInt("epochs"), "--set after the preset");
        for (org.snn4j.experiment.Experiment e : Registry.experiments())
            for (org.snn4j.experiment.Preset pr : e.presets()) e.validate(Runner.resolve(e, false, pr.name(), null, null));   // every preset is valid
        Result r = exec("run", "sg-cnn", "--describe");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--preset mnist") && r.out().contains("--preset tutorial6"), r.out());
    }

    @Test
    void listNamesCuba() {
        Result r = exec("list");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("cuba"));
    }

    @Test
    void unknownExperiment() {
        assertInputError(exec("run", "nope", "--quick"), "unknown experiment 'nope'");
    }

    @Test
    void unknownKey(@TempDir Path dir) {
        assertInputError(exec("run", "cuba", "--quick", "--out", dir.toString(), "--set", "bogus=1"), "unknown key 'bogus'");
    }

    @Test
    void malformedConfig(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("bad.json");
        Files.writeString(cfg, "{\"neurons\": 100,,}");
        assertInputError(exec("run", "cuba", "--quick", "--out", dir.resolve("o").toString(), "--config", cfg.toString()),
                "malformed JSON at line 1");
    }

    @Test
    void wrongTypeInConfig(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("c.json");
        Files.writeString(cfg, "{\"neurons\": \"many\"}");
        assertInputError(exec("run", "cuba", "--quick", "--config", cfg.toString()), "expects an integer");
    }

    @Test
    void unreadableConfig(@TempDir Path dir) {
        assertInputError(exec("run", "cuba", "--quick", "--config", dir.resolve("missing.json").toString()),
                "cannot read config file");
    }

    @Test
    void negativeDtAndSize(@TempDir Path dir) {
        assertInputError(exec("run", "cuba", "--quick", "--set", "dt_ms=-0.1"), "dt_ms");
        assertInputError(exec("run", "cuba", "--quick", "--set", "neurons=-5"), "neurons");
        assertInputError(exec("bench", "cuba", "--neurons", "-5"), "neurons");
        assertInputError(exec("bench", "cuba", "--duration", "-1"), "duration");
    }

    @Test
    void unknownBenchmarkAndBadOption() {
        assertInputError(exec("bench", "nope"), "unknown benchmark 'nope'");
        assertInputError(exec("bench", "cuba", "--frobnicate", "3"), "unknown key 'frobnicate'");
        assertInputError(exec("run"), "Missing required parameter");
        assertInputError(exec("run", "cuba", "--seed", "abc"), "--seed");
    }

    @Test
    void benchPrintsOneJsonLine() {
        Result r = exec("bench", "cuba", "--neurons", "500", "--duration", "0.05", "--threads", "1", "--warmup", "false");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1, lines.length);
        Map<String, Object> m = Json.parseObject(lines[0], "bench");
        for (String k : new String[] {"tool", "workload", "N", "duration_s", "threads", "synapses", "spikes", "rate_hz", "run_s",
                "wall_s", "peak_rss_mb"})
            assertTrue(m.containsKey(k), "missing " + k);
        assertEquals("snn4j", m.get("tool"));
        assertEquals(500L, m.get("N"));
    }

    @Test
    void runWritesTheRunFolder(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("cuba");
        Result r = exec("run", "cuba", "--quick", "--out", out.toString(), "--set", "seeds=2", "--set", "duration_s=0.3");
        assertEquals(0, r.code(), r.err());
        for (String f : new String[] {"config.json", "metrics.json", "report.md", "raster.png", "rate.png", "voltage.png"})
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        Map<String, Object> metrics = Json.parseObject(Files.readString(out.resolve("metrics.json")), "metrics");
        for (String k : new String[] {"neurons", "synapses", "duration_s", "spikes", "mean_rate_hz", "cv_isi_mean", "run_s"})
            assertTrue(metrics.get(k) instanceof Number, "metric " + k);
        Map<String, Object> config = Json.parseObject(Files.readString(out.resolve("config.json")), "config");
        assertEquals(42L, config.get("seed"));
        assertEquals(0.3, ((Map<?, ?>) config.get("params")).get("duration_s"));
        assertTrue(config.containsKey("git_commit") && config.containsKey("snn4j_version"));
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    /** Sizes: an absurd network is refused before allocating, in one line; the smallest one runs. */
    @Test
    void absurdSizesFailFastAndTinyOnesRun(@TempDir Path dir) {
        long t0 = System.nanoTime();
        assertInputError(exec("bench", "cuba", "--neurons", "100000000", "--duration", "0.01"), "the JVM has");
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "refused without building the network");
        Result r = exec("bench", "cuba", "--neurons", "2", "--duration", "0.01");
        assertEquals(0, r.code(), r.err());
        assertInputError(exec("bench", "erbp", "--variant", "bad"), "must be one of plus, times");
    }
}
