package org.snn4j.cli;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.snn4j.experiment.Experiment;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.RunContext;

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

    static RunContext run(Experiment e, Params p, boolean quick, long seed, Path out) throws Exception {
        RunContext ctx = new RunContext(e, p, seed, quick, out);
        ctx.writeConfig();
        long t0 = System.nanoTime();
        e.run(ctx);
        ctx.metric("wall_s", (System.nanoTime() - t0) * 1e-9);
        ctx.finish();
        ctx.progress("done: " + out.toAbsolutePath().normalize());
        return ctx;
    }
}
