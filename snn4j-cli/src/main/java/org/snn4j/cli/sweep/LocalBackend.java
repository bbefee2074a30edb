package org.snn4j.cli.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a sweep on this machine without Spark: {@code parallel} child JVMs at a time. What a sweep
 * uses for {@code --master local[...]} when the {@code snn4j-spark} module is not on the class path.
 */
public final class LocalBackend implements SweepBackend {
    @Override
    public String name() {
        return "local";
    }

    @Override
    public boolean accepts(String master) {
        return master.startsWith("local");
    }

    @Override
    public List<SweepOutcome> execute(List<SweepTask> tasks, String master, int parallel, java.util.Map<String, String> conf) throws Exception {
        if (!conf.isEmpty()) throw new org.snn4j.util.InputException("--spark-conf needs the snn4j-spark module (this sweep runs without Spark)");
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "snn4j-sweep");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<SweepOutcome>> fs = new ArrayList<>();
            for (SweepTask t : tasks) fs.add(pool.submit(() -> ChildRun.run(t)));
            List<SweepOutcome> out = new ArrayList<>();
            for (int k = 0; k < tasks.size(); k++) {
                try {
                    out.add(fs.get(k).get());
                } catch (java.util.concurrent.ExecutionException e) {
                    out.add(new SweepOutcome(tasks.get(k).id(), "failed", null, String.valueOf(e.getCause()), 0, ChildRun.hostName()));
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
