package org.snn4j.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.snn4j.cli.sweep.ChildRun;
import org.snn4j.cli.sweep.SweepBackend;
import org.snn4j.cli.sweep.SweepOutcome;
import org.snn4j.cli.sweep.SweepTask;

/**
 * Runs the runs of a sweep as Spark tasks, one task per run: embedded ({@code local[*]}, the
 * default, nothing to install) or on a cluster ({@code spark://host:port},
 * {@code k8s://...}, with the image and settings given by {@code --spark-conf}). Each task starts the run as its own JVM ({@link ChildRun}); a task whose
 * executor dies is retried by Spark (up to 4 tries), and the retry resumes the run from its
 * checkpoint. Run folders must be on a file system every executor sees (one machine, or a shared
 * mount), as must the snn4j jar.
 */
public final class SparkBackend implements SweepBackend {
    /** Tries of a task before the sweep reports its run failed (Spark's default on a cluster). */
    static final int MAX_FAILURES = 4;

    @Override
    public String name() {
        return "spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION();
    }

    @Override
    public boolean accepts(String master) {
        return master.startsWith("local") || master.startsWith("spark://") || master.startsWith("k8s://");
    }

    /** {@code local[*]} and {@code local[N]} get task retries too ({@code local[N,4]}), as a cluster has them. */
    static String effectiveMaster(String master, int parallel) {
        if (master.equals("local") || master.equals("local[*]")) return "local[" + parallel + "," + MAX_FAILURES + "]";
        if (master.matches("local\\[(\\d+|\\*)\\]")) return master.substring(0, master.length() - 1) + "," + MAX_FAILURES + "]";
        return master;
    }

    /** The jars an executor on a cluster needs: the snn4j jar(s) this driver runs from. */
    static String[] jars() {
        List<String> jars = new ArrayList<>();
        for (Class<?> c : new Class<?>[] {org.snn4j.cli.Main.class, SparkBackend.class}) {
            try {
                Path p = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (Files.isRegularFile(p) && !jars.contains(p.toString())) jars.add(p.toString());
            } catch (Exception ignored) {
                // classes from a folder (tests): the cluster's SPARK_HOME/jars must hold them
            }
        }
        return jars.toArray(String[]::new);
    }

    /** How long a cluster may take to give the sweep its first executor before the sweep gives up (seconds; {@code --spark-conf snn4j.executor.wait.s=N}). */
    static final int EXECUTOR_WAIT_S = 180;

    @Override
    public List<SweepOutcome> execute(List<SweepTask> tasks, String master, int parallel, java.util.Map<String, String> settings) throws Exception {
        if (tasks.isEmpty()) return List.of();
        SparkConf conf = new SparkConf().setAppName("snn4j sweep").setMaster(effectiveMaster(master, parallel))
                .set("spark.ui.enabled", "false")
                .set("spark.task.maxFailures", Integer.toString(MAX_FAILURES))
                .set("spark.executor.memory", "512m")       // a run is its own JVM: the executor only waits for it
                .set("spark.scheduler.mode", "FIFO")
                .set("spark.locality.wait", "0s");
        if (!master.startsWith("local")) {
            conf.set("spark.cores.max", Integer.toString(parallel)).setJars(jars());
        }
        java.util.Map<String, String> own = new java.util.LinkedHashMap<>(settings);
        int waitS = Integer.parseInt(own.getOrDefault("snn4j.executor.wait.s", Integer.toString(EXECUTOR_WAIT_S)));
        own.remove("snn4j.executor.wait.s");
        if (master.startsWith("k8s://") && !own.containsKey("spark.kubernetes.container.image"))
            throw new org.snn4j.util.InputException("--master k8s://... needs --spark-conf spark.kubernetes.container.image=IMAGE (an image holding Java 17, "
                    + "Spark 4.0.1 and snn4j, with the run folders on a shared volume)");
        own.forEach(conf::set);
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            if (!master.startsWith("local")) watchForExecutors(sc, master, waitS);
            return sc.parallelize(tasks, tasks.size()).map(new RunOne()).collect();
        }
    }

    /**
     * Stops the sweep, instead of waiting for ever, when the cluster gives it no executor in
     * {@code seconds} (no worker, no capacity, an unreachable Kubernetes API): the job then fails
     * with a one-line error.
     */
    static void watchForExecutors(JavaSparkContext sc, String master, int seconds) {
        Thread w = new Thread(() -> {
            long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            try {
                while (System.nanoTime() < deadline) {
                    if (sc.sc().isStopped() || sc.sc().getExecutorMemoryStatus().size() > 1) return;   // the driver counts as one
                    Thread.sleep(500);
                }
                System.err.println("snn4j: no executor from " + master + " within " + seconds + " s; stopping the sweep");
                sc.sc().cancelAllJobs();
            } catch (InterruptedException ignored) {
                // the sweep ended
            }
        }, "snn4j-executor-watch");
        w.setDaemon(true);
        w.start();
    }

    /** One run, on whichever executor Spark chose. */
    static final class RunOne implements Function<SweepTask, SweepOutcome> {
        private static final long serialVersionUID = 1L;

        @Override
        public SweepOutcome call(SweepTask t) throws Exception {
            return ChildRun.run(t);
        }
    }
}
