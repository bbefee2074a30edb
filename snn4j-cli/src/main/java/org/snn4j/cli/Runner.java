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
        Params p = e.defaults(quick);
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

    static RunContext run(Experiment e, Params p, boolean quick, long seed, Path out) throws Exception {
        chooseThreads(p);
        e.validate(p);   // nothing is written for a run that cannot start
        RunContext ctx = new RunContext(e, p, seed, quick, out);
        ctx.writeConfig();
        long t0 = System.nanoTime();
        try {
            e.run(ctx);
        } catch (Exception | Error failure) {   // a run that fails after it started never looks complete
            try {
                org.snn4j.util.AtomicFiles.writeString(out.resolve("FAILED"), "failed: " + Errors.bounded(Main.oneLine(String.valueOf(failure.getMessage()))) + "\n");
            } catch (java.io.IOException ignored) {
                // the folder itself may be what failed; the error line still reaches the user
            }
            throw failure;
        }
        ctx.metric("wall_s", (System.nanoTime() - t0) * 1e-9);
        ctx.finish();
        java.nio.file.Files.deleteIfExists(out.resolve("FAILED"));   // a resumed run that completes is no longer failed
        ctx.progress("done: " + out.toAbsolutePath().normalize());
        return ctx;
    }
}
