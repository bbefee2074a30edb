package org.snn4j.cli.sweep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one sweep task as its own JVM ({@code java -cp ... org.snn4j.cli.Main run ...}): every run
 * has its own heap, threads, progress output (to its log) and exit code, whichever backend started
 * it. A run folder that already holds a finished run is not run again (a rerun sweep skips it); one
 * with a checkpoint resumes from it (a run retried after its executor died goes on where it was).
 * The child ends with its parent ({@code SNN4J_EXIT_WITH_PARENT}), so a killed executor leaves no
 * run behind that would race its retry.
 */
public final class ChildRun {
    private ChildRun() {
    }

    /** Whether a run folder holds a completed run: report and metrics written, no FAILED marker. */
    public static boolean finished(Path out) {
        return Files.isRegularFile(out.resolve("report.md")) && Files.isRegularFile(out.resolve("metrics.json"))
                && !Files.exists(out.resolve("FAILED"));
    }

    /**
     * Runs the task (or skips it when finished) and reports how it ended.
     *
     * @param t the task
     * @return its outcome; a run that fails is an outcome, not an exception
     * @throws IOException if the child cannot be started or its log written (the backend may retry)
     * @throws InterruptedException if interrupted while waiting for it
     */
    public static SweepOutcome run(SweepTask t) throws IOException, InterruptedException {
        Path out = Path.of(t.out());
        String host = hostName();
        if (finished(out)) return new SweepOutcome(t.id(), "skipped", Files.readString(out.resolve("metrics.json")), null, 0, host);
        Path log = Path.of(t.log());
        Files.createDirectories(log.toAbsolutePath().getParent());
        List<String> cmd = new ArrayList<>();
        cmd.add(t.java() != null ? t.java() : Path.of(System.getProperty("java.home"), "bin", "java").toString());   // the executor's own java
        cmd.addAll(t.jvmOptions());
        cmd.add("-cp");
        cmd.add(t.classpath());
        cmd.add("org.snn4j.cli.Main");
        cmd.addAll(t.argv());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("SNN4J_EXIT_WITH_PARENT", "1");
        long t0 = System.nanoTime();
        Process p = pb.start();
        int code;
        try {
            code = p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            throw e;
        }
        double wall = (System.nanoTime() - t0) * 1e-9;
        if (code == 0 && finished(out))
            return new SweepOutcome(t.id(), "done", Files.readString(out.resolve("metrics.json")), null, wall, host);
        return new SweepOutcome(t.id(), "failed", null, "exit " + code + ": " + lastError(log), wall, host);
    }

    /** The last {@code snn4j: error:} line of a log (or its last line). */
    static String lastError(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) if (lines.get(i).startsWith("snn4j: error:")) return lines.get(i).substring(14).trim();
            return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** The class path of this JVM as a child can use it (a launcher jar's own path, or the entries joined). */
    public static String ownClassPath() {
        return System.getProperty("java.class.path");
    }
}
