package org.snn4j.papers.exact;

import java.nio.file.Path;
import java.util.Map;
import org.snn4j.experiment.Experiment;
import org.snn4j.experiment.RunContext;

/** Runs an experiment at its quick size (seed 1) into a folder, as {@code bin/snn4j run NAME --quick} does. */
record QuickRun(Map<String, Object> metrics, double seconds) {
    static QuickRun of(Experiment e, Path dir) throws Exception {
        RunContext run = new RunContext(e, e.defaults(true), 1, true, dir);
        run.writeConfig();
        long t0 = System.nanoTime();
        e.run(run);
        run.finish();
        return new QuickRun(run.metrics(), (System.nanoTime() - t0) * 1e-9);
    }
}
