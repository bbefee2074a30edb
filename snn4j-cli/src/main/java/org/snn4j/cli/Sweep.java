package org.snn4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.snn4j.cli.sweep.ChildRun;
import org.snn4j.cli.sweep.LocalBackend;
import org.snn4j.cli.sweep.SweepBackend;
import org.snn4j.cli.sweep.SweepOutcome;
import org.snn4j.cli.sweep.SweepTask;
import org.snn4j.experiment.Experiment;
import org.snn4j.experiment.Params;
import org.snn4j.util.InputException;
import org.snn4j.util.Json;

/**
 * What {@code snn4j sweep} and {@code snn4j reproduce --seeds} share: the grid and seed lists, the
 * runs they make (each an ordinary run folder), the backend that executes them, progress, and the
 * statistics over seeds (mean ± sd, min, max of every numeric metric per grid point).
 */
final class Sweep {
    private Sweep() {
    }

    /** The most runs one sweep makes (a typo such as --seeds 1-1000000 is refused, not started). */
    static final int MAX_RUNS = 100_000;

    /** One run: its grid point (key → value, in grid order) and seed, and the task that runs it. */
    record Run(String experiment, Map<String, String> point, long seed, SweepTask task) {
        String pointId() {
            return pointId(point);
        }

        static String pointId(Map<String, String> point) {
            if (point.isEmpty()) return "default";
            List<String> kv = new ArrayList<>();
            point.forEach((k, v) -> kv.add(k + "=" + v));
            return String.join(",", kv);
        }
    }

    /** Seeds from "1-10", "3,5,9", "1-3,7" or "42". */
    static List<Long> seeds(String spec) {
        List<Long> seeds = new ArrayList<>();
        try {
            for (String part : spec.split(",", -1)) {
                String s = part.trim();
                int dash = s.indexOf('-', 1);
                long a = Long.parseLong(dash > 0 ? s.substring(0, dash).trim() : s), b = dash > 0 ? Long.parseLong(s.substring(dash + 1).trim()) : a;
                if (b < a || b - a >= MAX_RUNS) throw new NumberFormatException();
                for (long x = a; x <= b; x++) seeds.add(x);
                if (seeds.size() > MAX_RUNS) throw new InputException("--seeds: more than " + MAX_RUNS + " seeds");
            }
        } catch (NumberFormatException e) {
            throw new InputException("--seeds expects seeds such as 1-10, 3,5,9 or 1-3,7; got '" + InputException.quote(spec) + "'");
        }
        if (seeds.stream().distinct().count() != seeds.size()) throw new InputException("--seeds names a seed twice: '" + InputException.quote(spec) + "'");
        return seeds;
    }

    /**
     * One {@code --grid key=v1,v2,...} (values separated by '|' instead when a value holds commas,
     * e.g. {@code hidden=256|256,256}).
     */
    static Map.Entry<String, List<String>> grid(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1)
            throw new InputException("--grid expects key=v1,v2,... got '" + InputException.quote(spec) + "'");
        String key = spec.substring(0, eq).trim(), values = spec.substring(eq + 1);
        List<String> vs = new ArrayList<>();
        for (String v : values.split(values.contains("|") ? "\\|" : ",", -1)) {
            if (v.isBlank()) throw new InputException("--grid " + key + ": an empty value in '" + InputException.quote(values) + "'");
            if (vs.contains(v.trim())) throw new InputException("--grid " + key + ": the value " + InputException.quote(v.trim()) + " twice");
            vs.add(v.trim());
        }
        return Map.entry(key, vs);
    }

    /** The cartesian product of the grid, first key slowest. */
    static List<Map<String, String>> points(List<Map.Entry<String, List<String>>> grid) {
        List<Map<String, String>> pts = new ArrayList<>();
        pts.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<String>> g : grid) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> p : pts)
                for (String v : g.getValue()) {
                    Map<String, String> q = new LinkedHashMap<>(p);
                    if (q.put(g.getKey(), v) != null) throw new InputException("--grid names " + g.getKey() + " twice");
                    next.add(q);
                }
            pts = next;
            if (pts.size() > MAX_RUNS) throw new InputException("--grid: more than " + MAX_RUNS + " grid points");
        }
        return pts;
    }

    /** A folder name for a run: the point and the seed, with characters outside [A-Za-z0-9._+=,-] as '_'. */
    static String folder(Map<String, String> point, long seed) {
        String id = (point.isEmpty() ? "" : Run.pointId(point) + ",") + "seed=" + seed;
        return id.replaceAll("[^A-Za-z0-9._+=,-]", "_");
    }

    /**
     * The runs of a sweep, every point's parameters checked first (nothing is written for a sweep
     * that cannot run).
     *
     * @param e      the experiment
     * @param quick  quick sizes
     * @param preset a preset's name or null
     * @param config a config file or null
     * @param sets   fixed overrides ("key=value")
     * @param points the grid points
     * @param seeds  the seeds
     * @param dir    the sweep folder; run folders go inside it
     * @param parallel runs at a time (sets each run's threads to share the cores, where the experiment has a threads key and none is given)
     */
    static List<Run> plan(Experiment e, boolean quick, String preset, Path config, List<String> sets, List<Map<String, String>> points,
                          List<Long> seeds, Path dir, int parallel) {
        if ((long) points.size() * seeds.size() > MAX_RUNS) throw new InputException("a sweep of more than " + MAX_RUNS + " runs");
        List<Run> runs = new ArrayList<>();
        boolean threadsGiven = sets.stream().anyMatch(s -> s.trim().startsWith("threads="));
        for (Map<String, String> pt : points) {
            List<String> all = new ArrayList<>(sets);
            pt.forEach((k, v) -> all.add(k + "=" + v));
            Params p = Runner.resolve(e, quick, preset, config, all);   // the checks of a single run, for every grid point
            e.validate(p);
            Runner.checkData(p);
            if (p.has("threads") && !threadsGiven && !pt.containsKey("threads"))
                all.add("threads=" + Math.max(1, Runtime.getRuntime().availableProcessors() / parallel));
            for (long seed : seeds) {
                Path out = dir.resolve(folder(pt, seed));
                List<String> argv = new ArrayList<>(List.of("run", e.name()));
                if (quick) argv.add("--quick");
                if (preset != null) argv.addAll(List.of("--preset", preset));
                argv.addAll(List.of("--seed", Long.toString(seed)));
                if (config != null) argv.addAll(List.of("--config", config.toAbsolutePath().toString()));
                for (String s : all) argv.addAll(List.of("--set", s));
                argv.addAll(List.of("--out", out.toAbsolutePath().toString()));
                SweepTask t = new SweepTask(folder(pt, seed), argv, out.toAbsolutePath().toString(),
                        dir.resolve("logs").resolve(folder(pt, seed) + ".log").toAbsolutePath().toString(), null, childClassPath(), jvmOptions());
                runs.add(new Run(e.name(), pt, seed, t));
            }
        }
        return runs;
    }

    /** The class path a run's JVM needs: the snn4j jar this runs from, else (tests, an IDE) this JVM's class path. */
    static String childClassPath() {
        try {
            Path self = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(self) && self.getFileName().toString().equals("snn4j.jar")) return self.toString();
        } catch (Exception ignored) {
            // fall through
        }
        return ChildRun.ownClassPath();
    }

    /** What the launcher gives a run's JVM, plus SNN4J_JAVA_OPTS. */
    static List<String> jvmOptions() {
        List<String> o = new ArrayList<>(List.of("-XX:+UseParallelGC", "-Xss4m"));
        String extra = System.getenv("SNN4J_JAVA_OPTS");
        if (extra != null) for (String s : extra.trim().split("\\s+")) if (!s.isEmpty()) o.add(s);
        return o;
    }

    /** {@code --spark-conf key=value} pairs. */
    static Map<String, String> conf(List<String> pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : pairs) {
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new InputException("--spark-conf expects key=value, got '" + InputException.quote(kv) + "'");
            m.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        return m;
    }

    /** The backend for a master: a registered one (snn4j-spark) that accepts it, else the built-in local one for local[...]. */
    static SweepBackend backend(String master) {
        if (master.equals("yarn"))
            throw new InputException("--master yarn: this build has no Spark YARN module (the registry here does not serve spark-network-yarn); "
                    + "use spark://, k8s:// or local[...]");
        try {
            for (SweepBackend b : ServiceLoader.load(SweepBackend.class)) if (b.accepts(master)) return b;
        } catch (java.util.ServiceConfigurationError | LinkageError e) {   // snn4j-spark without its libraries on the class path
            if (!master.startsWith("local"))
                throw new InputException("--master " + InputException.quote(master) + ": the Spark backend cannot load (" + e.getMessage()
                        + "); build with 'mvn -q -DskipTests package' so that snn4j-spark/target/lib is there");
            System.err.println("snn4j: the Spark backend cannot load (" + e.getMessage() + "); running the sweep without Spark");
        }
        if (master.startsWith("local")) return new LocalBackend();
        throw new InputException("--master " + InputException.quote(master) + " needs the snn4j-spark module on the class path "
                + "(bin/snn4j puts it there after 'mvn -q -DskipTests package'; see docs/sweep.md)");
    }

    /** Runs the tasks with progress lines on stderr (runs finished, failed, running, ETA), polling the run folders. */
    static List<SweepOutcome> execute(List<Run> runs, String master, int parallel, String label, Map<String, String> conf, Path dir) throws Exception {
        SweepBackend b = backend(master);
        List<SweepTask> tasks = new ArrayList<>();
        for (Run r : runs) tasks.add(r.task());
        long t0 = System.nanoTime();
        int before = (int) tasks.stream().filter(t -> ChildRun.finished(Path.of(t.out()))).count();
        System.err.printf("[%s] %d runs (%d already finished) on %s (%s), %d at a time%n", label, tasks.size(), before, master, b.name(), parallel);
        Thread progress = new Thread(() -> {
            String last = "";
            try {
                while (true) {
                    Thread.sleep(2000);
                    int done = 0, failed = 0, running = 0;
                    for (SweepTask t : tasks) {
                        Path out = Path.of(t.out());
                        if (ChildRun.finished(out)) done++;
                        else if (Files.exists(out.resolve("FAILED"))) failed++;
                        else if (Files.exists(out.resolve("config.json"))) running++;
                    }
                    double s = (System.nanoTime() - t0) * 1e-9;
                    int newly = done - before, left = tasks.size() - done - failed;
                    String eta = newly > 0 ? String.format(", ETA %.0f s", s / newly * left / Math.max(1, Math.min(parallel, left))) : "";
                    String line = String.format("[%s %6.1fs] %d/%d finished, %d failed, %d running%s", label, s, done, tasks.size(), failed, running,
                            eta);
                    if (!line.substring(line.indexOf(']')).equals(last)) System.err.println(line);
                    last = line.substring(line.indexOf(']'));
                }
            } catch (InterruptedException ignored) {
                // the sweep ended
            }
        }, "snn4j-sweep-progress");
        progress.setDaemon(true);
        progress.start();
        Runner.sweepRunning = dir.toString();
        try {
            return b.execute(tasks, master, parallel, conf);
        } catch (InputException e) {
            throw e;
        } catch (Exception e) {   // the cluster manager's own complaint (no YARN config, master unreachable, ...): one line
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            throw new java.io.IOException(b.name() + " could not run the sweep on " + master + ": " + root.getMessage(), e);
        } finally {
            progress.interrupt();
            Runner.sweepRunning = null;
        }
    }

    /** Statistics of one metric over the runs of a point. */
    record Stat(int n, double mean, double sd, double min, double max) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("n", (long) n);
            m.put("mean", mean);
            m.put("sd", sd);
            m.put("min", min);
            m.put("max", max);
            return m;
        }
    }

    /** Mean, sample standard deviation (n − 1), min and max of every numeric metric over the given metrics maps. */
    static Map<String, Stat> stats(List<Map<String, Object>> metrics) {
        Map<String, List<Double>> values = new LinkedHashMap<>();
        for (Map<String, Object> m : metrics)
            m.forEach((k, v) -> {
                if (v instanceof Number n && Double.isFinite(n.doubleValue())) values.computeIfAbsent(k, x -> new ArrayList<>()).add(n.doubleValue());
            });
        Map<String, Stat> out = new LinkedHashMap<>();
        values.forEach((k, xs) -> {
            double mean = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            for (double x : xs) {
                mean += x;
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
            mean /= xs.size();
            double ss = 0;
            for (double x : xs) ss += (x - mean) * (x - mean);
            out.put(k, new Stat(xs.size(), mean, xs.size() > 1 ? Math.sqrt(ss / (xs.size() - 1)) : 0, min, max));
        });
        return out;
    }

    /** Metrics that measure the machine, not the result (left out of default plots). */
    static boolean timing(String key) {
        return key.endsWith("_s") || key.endsWith("_per_s") || key.contains("rss") || key.equals("threads") || key.endsWith("_mb");
    }

    /** "0.9027 ± 0.0031" with 4 significant digits. */
    static String pm(Stat s) {
        return fmt(s.mean()) + (s.n() > 1 ? " ± " + fmt(s.sd()) : "");
    }

    static String fmt(double x) {
        double a = Math.abs(x);
        if (x == 0 || (a >= 1e-3 && a < 1e6)) return String.format("%.4g", x);
        return String.format("%.3e", x);
    }

    /** Parses each outcome's metrics (failed runs give none). */
    static Map<String, Map<String, Object>> metricsById(List<SweepOutcome> outcomes) {
        Map<String, Map<String, Object>> m = new TreeMap<>();
        for (SweepOutcome o : outcomes) if (o.metrics() != null) m.put(o.id(), Json.parseObject(o.metrics(), o.id()));
        return m;
    }

    static void write(Path file, String text) throws IOException {
        org.snn4j.util.AtomicFiles.writeString(file, text);
    }
}
