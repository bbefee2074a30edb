package org.snn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.snn4j.data.Datasets;
import org.snn4j.data.Idx;
import org.snn4j.util.Json;
import org.snn4j.util.Rng;

/**
 * Kill -9 and resume, for every experiment that trains with a checkpoint: the run is started as its
 * own JVM, killed with SIGKILL as soon as its first checkpoint is on disk, and the same command run
 * again; its metrics must equal, bit for bit, those of the same run done without a kill (timings
 * left out).
 */
class KillResumeTest {
    @TempDir
    static Path tmp;
    static Path data;

    /** A small synthetic "mnist" (28×28, ten noisy class prototypes): no download in the tests. */
    @BeforeAll
    static void installData() throws Exception {
        data = tmp.resolve("data");
        Rng r = Rng.stream(11, 0);
        float[][] proto = new float[10][784];
        for (float[] p : proto) for (int i = 0; i < 784; i++) p[i] = r.nextDouble() < 0.2 ? 1 : 0;
        for (Datasets.Split s : Datasets.Split.values()) {
            int n = s == Datasets.Split.TRAIN ? 640 : 128;
            byte[] im = new byte[n * 784], lb = new byte[n];
            for (int k = 0; k < n; k++) {
                lb[k] = (byte) (k % 10);
                for (int i = 0; i < 784; i++) im[k * 784 + i] = (byte) Math.round(255 * Math.min(1, Math.max(0, proto[k % 10][i] + 0.3 * r.nextGaussian())));
            }
            Idx.writeUbyte(Datasets.imageFile(data, "mnist", s), new int[] {n, 28, 28}, im, true);
            Idx.writeUbyte(Datasets.labelFile(data, "mnist", s), new int[] {n}, lb, true);
        }
    }

    static Stream<List<String>> runs() {
        String d = "data_dir=" + tmp.resolve("data");
        return Stream.of(
                List.of("exact-xor", "--set", "iterations=60", "--set", "save_every=10", "--set", "test_trials=20"),
                List.of("exact-encoding", "--set", "iterations=40", "--set", "save_every=5", "--set", "diag_gradient_batches=0", "--set", "test_signals=2"),
                List.of("sg-mlp", "--set", "dataset=mnist", "--set", d, "--set", "train_limit=640", "--set", "test_limit=128", "--set", "epochs=3",
                        "--set", "hidden=32", "--set", "batch=32", "--set", "checkpoint_every=4", "--set", "simulate=0"),
                List.of("sg-cnn", "--set", "dataset=mnist", "--set", d, "--set", "train_limit=256", "--set", "test_limit=64", "--set", "epochs=2",
                        "--set", "arch=4c5-mp2-10", "--set", "batch=32", "--set", "checkpoint_every=2", "--set", "simulate=0"),
                List.of("erbp", "--set", "dataset=mnist", "--set", d, "--set", "hidden=20", "--set", "train_samples=300", "--set", "test_samples=40",
                        "--set", "epochs=3", "--set", "eval_samples=20", "--set", "train_ms=20", "--set", "test_ms=20", "--set", "learn_delay_ms=5"));
    }

    /** The metrics that do not measure time or memory (those differ from run to run by nature). */
    static Map<String, Object> results(Path out) throws Exception {
        Map<String, Object> m = new TreeMap<>(Json.parseObject(Files.readString(out.resolve("metrics.json")), "metrics"));
        m.keySet().removeIf(k -> k.endsWith("_per_s") || k.equals("train_s") || k.equals("wall_s") || k.equals("infer_s") || k.endsWith("run_s")
                || k.contains("rss") || k.equals("threads"));
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void killedRunResumesBitIdentical(List<String> spec) throws Exception {
        String name = spec.get(0);
        List<String> args = new ArrayList<>(List.of("run", name, "--quick", "--seed", "5"));
        args.addAll(spec.subList(1, spec.size()));

        Path whole = tmp.resolve(name + "-whole"), killed = tmp.resolve(name + "-killed");
        List<String> a = new ArrayList<>(args);
        a.addAll(List.of("--out", whole.toString()));
        assertEquals(0, CliTest.exec(a.toArray(String[]::new)).code(), "the uninterrupted run");

        List<String> b = new ArrayList<>(args);
        b.addAll(List.of("--out", killed.toString()));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(b);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!hasCheckpoint(killed) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(10);
            assertTrue(p.isAlive(), name + ": the run ended before it could be killed after its first checkpoint (make it longer)");
            assertTrue(hasCheckpoint(killed), name + ": no checkpoint within two minutes");
        } finally {
            p.destroyForcibly();   // SIGKILL: no shutdown hook, no last write
            p.waitFor();
        }
        assertFalse(Files.exists(killed.resolve("metrics.json")) && Files.exists(killed.resolve("report.md")), "the killed run looks complete");

        CliTest.Result r = CliTest.exec(b.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().toLowerCase().contains("resum"), name + ": the second run should say it resumed: " + r.err());
        assertFalse(Files.exists(killed.resolve("FAILED")));
        assertEquals(results(whole), results(killed), name + ": a killed and resumed run must end where the uninterrupted one does");

        // every file of the run takes its mode from the umask, as a plain new file does (not 0600)
        Path plain = Files.createFile(tmp.resolve(name + "-plain"));
        var mode = Files.getPosixFilePermissions(plain);
        try (Stream<Path> files = Files.list(whole)) {
            for (Path f : files.filter(Files::isRegularFile).toList())
                assertEquals(mode, Files.getPosixFilePermissions(f), f + " should be readable as the umask allows");
        }

        // the same folder with another seed: refused in one line naming the key, and nothing in the folder changes
        String config = Files.readString(whole.resolve("config.json"));
        List<String> other = new ArrayList<>(a);
        other.set(other.indexOf("--seed") + 1, "6");
        CliTest.assertInputError(CliTest.exec(other.toArray(String[]::new)), "seed 5 -> 6");
        assertEquals(config, Files.readString(whole.resolve("config.json")), "a refused resume leaves config.json as it was");
        assertFalse(Files.exists(whole.resolve("FAILED")));
    }

    /**
     * The local-rule experiments keep no checkpoint: killed in the middle, the same command runs them
     * again from the start, to the same result (every draw is from the seed).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("restartRuns")
    void killedRunWithoutCheckpointStartsAgainToTheSameResult(String name) throws Exception {
        Path whole = tmp.resolve(name + "-whole"), killed = tmp.resolve(name + "-killed");
        assertEquals(0, CliTest.exec("run", name, "--quick", "--out", whole.toString()).code());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", name, "--quick", "--out", killed.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!Files.exists(killed.resolve("config.json")) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(10);
            Thread.sleep(700);   // into the learning
            assertTrue(p.isAlive(), name + " ended before it could be killed");
        } finally {
            p.destroyForcibly();
            p.waitFor();
        }
        assertFalse(Files.exists(killed.resolve("report.md")));
        assertEquals(0, CliTest.exec("run", name, "--quick", "--out", killed.toString()).code());
        assertEquals(results(whole), results(killed), name + ": run again after a kill, the same result");
    }

    static Stream<String> restartRuns() {
        return Stream.of("balanced-lds", "scn-learning");
    }

    /** SIGTERM (what Ctrl-C's SIGINT does too): the JVM stops within seconds, says how to resume, marks the folder, and the same command resumes. */
    @org.junit.jupiter.api.Test
    void sigtermStopsQuicklyAndSaysHowToResume() throws Exception {
        Path out = tmp.resolve("sigterm"), log = tmp.resolve("sigterm.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "exact-xor", "--quick", "--set", "iterations=200",
                "--set", "save_every=10", "--set", "test_trials=20", "--out", out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long stopNs;
        try {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!hasCheckpoint(out) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(10);
            assertTrue(p.isAlive() && hasCheckpoint(out), "the run should be training with a checkpoint");
            long t0 = System.nanoTime();
            p.destroy();   // SIGTERM
            assertTrue(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "stopped within 10 s");
            stopNs = System.nanoTime() - t0;
        } finally {
            p.destroyForcibly();
        }
        String err = Files.readString(log);
        assertTrue(err.contains("snn4j: stopped; rerun the same command to resume"), err);
        assertTrue(Files.exists(out.resolve("FAILED")), "a stopped run is marked");
        assertTrue(stopNs < 3_000_000_000L, "stopped in " + stopNs / 1e9 + " s");
        CliTest.Result r = CliTest.exec(cmd.subList(4, cmd.size()).toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(out.resolve("FAILED")), "the completed run is no longer marked failed");
    }

    private static boolean hasCheckpoint(Path dir) {
        File[] f = dir.toFile().listFiles();
        if (f == null) return false;
        for (File x : f) if (x.getName().equals("train-checkpoint.safetensors")) return true;
        return false;
    }
}
