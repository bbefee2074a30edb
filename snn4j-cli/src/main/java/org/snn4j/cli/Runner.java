package org.snn4j.cli;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.snn4j.experiment.Experiment;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.RunContext;
import org.snn4j.math.Parallel;

/** Resolves an experiment's parameters and runs it into its folder. */
final class Runner {
    private Runner() {
    }

    static Path defaultOut(String name) {
        return Path.of("runs", name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    /** Parameters: defaults for the size, then the config file, then each --set, in that order. */
    static Params resolve(Experiment e, boolean quick, Path config, List<String> sets) {
        return resolve(e, quick, null, config, sets);
    }

    /** Parameters: defaults for the size, then the preset, then the config file, then each --set, in that order. */
    static Params resolve(Experiment e, boolean quick, String preset, Path config, List<String> sets) {
        Params p = e.defaults(quick);
        if (preset != null) p.applyPreset(e.preset(preset));
        if (config != null) p.applyFile(config);
        if (sets != null) for (String s : sets) p.applyAssignment(s);
        return p;
    }

    /**
     * The library's one thread-count choice: the run's {@code threads} key (0 or absent: one per
     * processor) sizes every thread team that is not given an explicit size ({@link Parallel}).
     */
    static void chooseThreads(Params p) {
        Parallel.setDefaultThreads(p.has("threads") ? p.getInt("threads") : 0);
    }

    /**
     * Checks the data folder of a run or benchmark that reads a dataset (key {@code dataset}, or a
     * benchmark's {@code data} other than random): a run that could not get its data never starts.
     */
    static void checkData(Params p) {
        if (!p.has("data_dir")) return;
        String name = p.has("dataset") ? p.getString("dataset") : p.has("data") ? p.getString("data") : null;
        if (name == null || name.equals("random")) return;
        org.snn4j.data.Datasets.checkDataDir(org.snn4j.data.Datasets.dataDir(p.getString("data_dir")), name);
    }

    /** The folder of the run in progress (null between runs), for the one line a stop by Ctrl-C or SIGTERM prints. */
    static volatile Path running;

    /** The folder of the sweep in progress in this JVM (null when none), for the same line. */
    static volatile String sweepRunning;

    /**
     * What a stopped run says, from the shutdown hook: the folder, and that rerunning the same
     * command resumes from the checkpoint there (or starts again, before the first one). Also marks
     * the folder FAILED, so that it never looks complete.
     */
    static void stopped() {
        String sweep = sweepRunning;
        if (sweep != null) {
            System.err.println("snn4j: sweep stopped; rerun the same command (the same --out " + sweep + ") to skip the finished runs and resume the others");
            System.err.flush();
        }
        Path out = running;
        if (out == null) return;
        boolean checkpoint = false;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(out)) {
            checkpoint = files.anyMatch(f -> f.getFileName().toString().contains("checkpoint"));
            org.snn4j.util.AtomicFiles.writeString(out.resolve("FAILED"), "stopped by a signal before the end\n");
        } catch (java.io.IOException | RuntimeException ignored) {
            // stopping anyway; the line below still tells the user what to do
        }
        System.err.println("snn4j: stopped; " + (checkpoint ? "rerun the same command to resume from the checkpoint in " + out
                : "the run had no checkpoint yet: rerunning the same command starts it again in " + out));
        System.err.flush();
    }

    static RunContext run(Experiment e, Params p, boolean quick, long seed, Path out) throws Exception {
        chooseThreads(p);
        e.validate(p);   // nothing is written for a run that cannot start
        checkData(p);
        e.checkResume(p, seed, out);
        RunContext ctx = new RunContext(e, p, seed, quick, out);
        ctx.writeConfig();
        long t0 = System.nanoTime();
        running = out;
        try {
            e.run(ctx);
        } catch (Exception | Error failure) {   // a run that fails after it started never looks complete
            try {
                org.snn4j.util.AtomicFiles.writeString(out.resolve("FAILED"), "failed: " + Errors.bounded(Main.oneLine(String.valueOf(failure.getMessage()))) + "\n");
            } catch (java.io.IOException ignored) {
                // the folder itself may be what failed; the error line still reaches the user
            }
            throw failure;
        } finally {
            running = null;
        }
        ctx.metric("wall_s", (System.nanoTime() - t0) * 1e-9);
        ctx.finish();
        java.nio.file.Files.deleteIfExists(out.resolve("FAILED"));   // a resumed run that completes is no longer failed
        ctx.progress("done: " + out.toAbsolutePath().normalize());
        return ctx;
    }
}
