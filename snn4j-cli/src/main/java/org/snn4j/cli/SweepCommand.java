package org.snn4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.snn4j.cli.sweep.SweepOutcome;
import org.snn4j.experiment.Experiment;
import org.snn4j.plot.Figure;
import org.snn4j.util.InputException;
import org.snn4j.util.Json;
import org.snn4j.util.Provenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code snn4j sweep NAME}: one experiment over seeds and a grid of parameters, each run an
 * ordinary run folder, with the statistics over seeds per grid point ({@code sweep.json},
 * {@code sweep.md}, PNG plots against a swept parameter). Runs on Apache Spark when the
 * {@code snn4j-spark} module is present (embedded {@code local[*]} by default, or a cluster with
 * {@code --master}), else as child processes on this machine. Rerunning the same command with the
 * same {@code --out} skips finished runs and resumes unfinished ones from their checkpoints.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Run one experiment over seeds and a parameter grid (on Apache Spark when snn4j-spark is present); "
                + "writes a run folder per run, sweep.json, sweep.md and plots.")
final class SweepCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "Experiment name (see 'snn4j list').")
    String name;

    @Option(names = "--seeds", description = "Seeds, e.g. 1-10, 3,5,9 or 1-3,7 (default: ${DEFAULT-VALUE}).", defaultValue = "1-5")
    String seeds;

    @Option(names = "--grid", paramLabel = "KEY=V1,V2,...", description = "A swept parameter (repeatable: the cartesian product); separate values by '|' when they hold commas.")
    List<String> grid = new ArrayList<>();

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A fixed override for every run (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--preset", paramLabel = "NAME", description = "A named parameter set for every run (see 'snn4j run NAME --describe').")
    String preset;

    @Option(names = "--config", paramLabel = "FILE", description = "JSON object of parameters for every run.")
    Path config;

    @Option(names = "--quick", description = "Quick sizes.")
    boolean quick;

    @Option(names = "--master", description = "Where to run: local[*], local[N], spark://host:port or k8s://... (default: ${DEFAULT-VALUE}).",
            defaultValue = "local[*]")
    String master;

    @Option(names = "--spark-conf", paramLabel = "KEY=VALUE", description = "A Spark setting for the sweep (repeatable), e.g. spark.executor.memory=2g or spark.kubernetes.container.image=...")
    List<String> sparkConf = new ArrayList<>();

    @Option(names = "--parallel", description = "Runs at a time (default: the processors, or the N of local[N]).", defaultValue = "0")
    int parallel;

    @Option(names = "--out", paramLabel = "DIR", description = "Sweep folder (default: runs/sweep-NAME-<timestamp>); the same DIR again resumes the sweep.")
    Path out;

    @Option(names = "--plot", paramLabel = "METRIC", description = "Plot this metric against the first swept parameter (repeatable; default: the first two result metrics).")
    List<String> plots = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Errors.checkOut(out);
        Experiment e = Registry.experiment(name);
        int par = parallel(master, parallel);
        List<Long> seedList = Sweep.seeds(seeds);
        List<Map.Entry<String, List<String>>> g = new ArrayList<>();
        for (String s : grid) g.add(Sweep.grid(s));
        List<Map<String, String>> points = Sweep.points(g);
        Path dir = out != null ? out : Path.of("runs", "sweep-" + name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        List<Sweep.Run> runs = Sweep.plan(e, quick, preset, config, sets, points, seedList, dir, par);   // every point checked: nothing written before
        Sweep.backend(master);   // an unknown master is refused before anything is written
        Map<String, String> conf = Sweep.conf(sparkConf);
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        List<SweepOutcome> outcomes = Sweep.execute(runs, master, par, "sweep " + name, conf, dir);
        double wall = (System.nanoTime() - t0) * 1e-9;
        int failed = report(e, dir, runs, outcomes, g, wall);
        System.err.println("sweep: " + (runs.size() - failed) + " of " + runs.size() + " runs finished in " + String.format("%.1f", wall)
                + " s; report in " + dir.resolve("sweep.md").toAbsolutePath().normalize());
        if (failed > 0) {
            System.err.println("snn4j: error: " + failed + " of " + runs.size() + " runs failed (their errors are in sweep.md; rerun the same command to retry them)");
            return 1;
        }
        return 0;
    }

    /** Runs at a time: --parallel, else the N of local[N], else the processors. */
    static int parallel(String master, int parallel) {
        if (parallel < 0) throw new InputException("--parallel must be >= 1");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("local\\[(\\d+)(,\\d+)?\\]").matcher(master);
        int slots = m.matches() ? Math.max(1, Integer.parseInt(m.group(1))) : master.equals("local") ? 1 : 0;   // local[N] runs N at a time
        if (parallel > 0) return slots > 0 ? Math.min(parallel, slots) : parallel;
        return slots > 0 ? slots : Runtime.getRuntime().availableProcessors();
    }

    /** Writes sweep.json, sweep.md and the plots; returns the number of failed runs. */
    int report(Experiment e, Path dir, List<Sweep.Run> runs, List<SweepOutcome> outcomes, List<Map.Entry<String, List<String>>> g, double wall)
            throws Exception {
        Map<String, Map<String, Object>> metrics = Sweep.metricsById(outcomes);
        Map<String, List<Map<String, Object>>> byPoint = new LinkedHashMap<>();
        Map<String, Map<String, String>> pointOf = new LinkedHashMap<>();
        List<Object> runList = new ArrayList<>();
        int failed = 0;
        for (int k = 0; k < runs.size(); k++) {
            Sweep.Run r = runs.get(k);
            SweepOutcome o = outcomes.get(k);
            byPoint.computeIfAbsent(r.pointId(), x -> new ArrayList<>());
            pointOf.put(r.pointId(), r.point());
            if (metrics.containsKey(o.id())) byPoint.get(r.pointId()).add(metrics.get(o.id()));
            if (!o.ok()) failed++;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", o.id());
            m.put("point", r.point());
            m.put("seed", r.seed());
            m.put("status", o.status());
            if (o.error() != null) m.put("error", o.error());
            m.put("wall_s", o.wallS());
            m.put("host", o.host());
            runList.add(m);
        }
        Map<String, Object> sj = new LinkedHashMap<>();
        sj.put("experiment", e.name());
        sj.put("quick", quick);
        sj.put("seeds", seeds);
        sj.put("grid", grid);
        sj.put("set", sets);
        sj.put("master", master);
        sj.put("snn4j_version", Provenance.version());
        sj.put("git_commit", Provenance.gitCommit());
        sj.put("wall_s", wall);
        sj.put("runs", runList);
        List<Object> pts = new ArrayList<>();
        Map<String, Map<String, Sweep.Stat>> statsByPoint = new LinkedHashMap<>();
        for (Map.Entry<String, List<Map<String, Object>>> p : byPoint.entrySet()) {
            Map<String, Sweep.Stat> st = Sweep.stats(p.getValue());
            statsByPoint.put(p.getKey(), st);
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("point", pointOf.get(p.getKey()));
            pm.put("runs_ok", (long) p.getValue().size());
            Map<String, Object> ms = new LinkedHashMap<>();
            st.forEach((k, s) -> ms.put(k, s.json()));
            pm.put("metrics", ms);
            pts.add(pm);
        }
        sj.put("points", pts);
        Sweep.write(dir.resolve("sweep.json"), Json.pretty(sj));

        StringBuilder md = new StringBuilder("# sweep " + e.name() + (quick ? " (quick)" : "") + "\n\n");
        md.append(e.description()).append("\n\n");
        md.append(String.format("Seeds %s, grid %s, fixed %s; %d runs on %s in %.1f s; snn4j %s, commit `%s`. Each run's folder holds its "
                        + "config.json, metrics.json, plots and report.md; logs/ holds its output.%n%n", seeds, grid.isEmpty() ? "none" : String.join(" ", grid),
                sets.isEmpty() ? "none" : String.join(" ", sets), runs.size(), master, wall, Provenance.version(), Provenance.gitCommit()));
        if (failed > 0) {
            md.append("## Failed runs\n\n| run | error |\n|---|---|\n");
            for (SweepOutcome o : outcomes) if (!o.ok()) md.append("| ").append(o.id()).append(" | ").append(o.error()).append(" |\n");
            md.append('\n');
        }
        List<String> chosen = new ArrayList<>(plots);
        for (Map.Entry<String, Map<String, Sweep.Stat>> p : statsByPoint.entrySet()) {
            md.append("## ").append(p.getKey()).append("\n\n| metric | mean ± sd | min | max | n |\n|---|---:|---:|---:|---:|\n");
            for (Map.Entry<String, Sweep.Stat> s : p.getValue().entrySet()) {
                md.append("| ").append(s.getKey()).append(" | ").append(Sweep.pm(s.getValue())).append(" | ").append(Sweep.fmt(s.getValue().min()))
                        .append(" | ").append(Sweep.fmt(s.getValue().max())).append(" | ").append(s.getValue().n()).append(" |\n");
                if (plots.isEmpty() && chosen.size() < 2 && !Sweep.timing(s.getKey()) && !chosen.contains(s.getKey())
                        && !g.stream().anyMatch(x -> x.getKey().equals(s.getKey()))) chosen.add(s.getKey());
            }
            md.append('\n');
        }
        if (!g.isEmpty()) {
            for (String metric : chosen) {
                String file = plot(dir, metric, g, statsByPoint, pointOf);
                if (file != null) md.append("![").append(metric).append("](").append(file).append(")\n\n");
            }
        }
        Sweep.write(dir.resolve("sweep.md"), md.toString());
        return failed;
    }

    /**
     * A metric's mean ± sd against the first numeric swept parameter, one line per combination of
     * the other swept parameters; null when no swept parameter is numeric or the metric is absent.
     */
    static String plot(Path dir, String metric, List<Map.Entry<String, List<String>>> g, Map<String, Map<String, Sweep.Stat>> stats,
                       Map<String, Map<String, String>> pointOf) throws Exception {
        String xKey = null;
        for (Map.Entry<String, List<String>> e : g)
            if (e.getValue().stream().allMatch(SweepCommand::numeric)) {
                xKey = e.getKey();
                break;
            }
        if (xKey == null) return null;
        Map<String, List<double[]>> lines = new LinkedHashMap<>();   // other keys' values → (x, mean, sd)
        for (Map.Entry<String, Map<String, Sweep.Stat>> p : stats.entrySet()) {
            Sweep.Stat s = p.getValue().get(metric);
            if (s == null) continue;
            Map<String, String> pt = pointOf.get(p.getKey());
            Map<String, String> rest = new LinkedHashMap<>(pt);
            rest.remove(xKey);
            lines.computeIfAbsent(Sweep.Run.pointId(rest), x -> new ArrayList<>())
                    .add(new double[] {Double.parseDouble(pt.get(xKey)), s.mean(), s.sd()});
        }
        if (lines.isEmpty()) return null;
        Figure f = new Figure(metric + " (mean ± sd over seeds)", xKey, metric);
        int c = 0;
        for (Map.Entry<String, List<double[]>> l : lines.entrySet()) {
            List<double[]> pts = l.getValue();
            pts.sort((a, b) -> Double.compare(a[0], b[0]));
            double[] x = new double[pts.size()], y = new double[pts.size()], bx = new double[3 * pts.size()], by = new double[3 * pts.size()];
            for (int k = 0; k < pts.size(); k++) {
                x[k] = pts.get(k)[0];
                y[k] = pts.get(k)[1];
                bx[3 * k] = bx[3 * k + 1] = x[k];
                by[3 * k] = y[k] - pts.get(k)[2];
                by[3 * k + 1] = y[k] + pts.get(k)[2];
                bx[3 * k + 2] = by[3 * k + 2] = Double.NaN;   // breaks the polyline between bars
            }
            java.awt.Color color = Figure.PALETTE[c++ % Figure.PALETTE.length];
            f.line(x, y, l.getKey().equals("default") ? metric : l.getKey(), color);
            f.points(x, y, null, color, 6);
            f.line(bx, by, null, color);
        }
        String file = "sweep-" + metric.replaceAll("[^A-Za-z0-9._-]", "_") + ".png";
        f.save(dir.resolve(file));
        return file;
    }

    static boolean numeric(String s) {
        try {
            return Double.isFinite(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
