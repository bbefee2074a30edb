package org.snn4j.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snn4j.progress.ConsoleProgress;
import org.snn4j.progress.ProgressListener;
import org.snn4j.util.AtomicFiles;
import org.snn4j.util.Json;
import org.snn4j.util.Provenance;

/**
 * The run folder of one experiment and what goes into it: {@code config.json} (every parameter
 * used, seed, version, commit, data files with SHA-256), {@code metrics.json} (one flat object),
 * PNG plots and {@code report.md}. Every file is written atomically.
 */
public final class RunContext {
    private final Experiment experiment;
    private final Params params;
    private final long seed;
    private final boolean quick;
    private final Path out;
    private final Map<String, Object> metrics = new LinkedHashMap<>();
    private final Map<String, Object> dataFiles = new LinkedHashMap<>();
    private final List<String[]> plots = new ArrayList<>();
    private final StringBuilder notes = new StringBuilder();
    private final long startNanos = System.nanoTime();
    private final ConsoleProgress console = ConsoleProgress.stderr(
            () -> String.format("[%s %6.1fs] ", experiment().name(), (System.nanoTime() - startNanos) * 1e-9));

    public RunContext(Experiment experiment, Params params, long seed, boolean quick, Path out) {
        this.experiment = experiment;
        this.params = params;
        this.seed = seed;
        this.quick = quick;
        this.out = out;
    }

    public Experiment experiment() {
        return experiment;
    }

    public Params params() {
        return params;
    }

    public long seed() {
        return seed;
    }

    public boolean quick() {
        return quick;
    }

    /** The run folder. */
    public Path out() {
        return out;
    }

    /** Records a data file used by the run (its SHA-256 goes into config.json). */
    public void dataFile(String name, Path file) throws IOException {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("path", file.toAbsolutePath().toString());
        d.put("sha256", Provenance.sha256(file));
        dataFiles.put(name, d);
        writeConfig();
    }

    /**
     * The typed provenance of a model this run saves: the experiment, every parameter, the seed,
     * the SHA-256 of each data file recorded with {@link #dataFile}, versions, and the metrics so far.
     *
     * @param dataset the dataset's name ("" if none)
     * @return the provenance
     */
    public org.snn4j.io.ModelProvenance modelProvenance(String dataset) {
        Map<String, String> sha = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : dataFiles.entrySet()) sha.put(e.getKey(), String.valueOf(((Map<?, ?>) e.getValue()).get("sha256")));
        return org.snn4j.io.ModelProvenance.of(experiment.name(), params.asMap(), seed, dataset, sha, metrics);
    }

    /** Sets a metric (snake_case key; a number, string or boolean). */
    public void metric(String key, Object value) {
        metrics.put(key, value);
    }

    /** Appends a value to a per-epoch metric (a double[]; a new one when the key is absent or holds something else). */
    public void appendMetric(String key, double value) {
        double[] before = metrics.get(key) instanceof double[] d ? d : new double[0];
        double[] by = java.util.Arrays.copyOf(before, before.length + 1);
        by[before.length] = value;
        metrics.put(key, by);
    }

    public Map<String, Object> metrics() {
        return metrics;
    }

    /** Path for a plot in the run folder; register it with {@link #plotted} to embed it in the report. */
    public Path plotPath(String fileName) {
        return out.resolve(fileName);
    }

    /** Registers a written plot for the report, with a caption. */
    public void plotted(String fileName, String caption) {
        plots.add(new String[] {fileName, caption});
    }

    /** Adds a paragraph of markdown to the report. */
    public void note(String markdown) {
        notes.append(markdown).append("\n\n");
    }

    /** A message line on standard error, "[experiment   12.3s] message" (a live progress bar is redrawn below it). */
    public void progress(String message) {
        console.message(message);
    }

    /**
     * The run's progress listener: trainers report to it; on standard error it shows a live bar on a
     * terminal and plain lines when piped or in CI, prefixed like {@link #progress} lines.
     *
     * @return the listener
     */
    public ProgressListener progressListener() {
        return console;
    }

    /** Writes config.json; called at the start of the run so that even a killed run says what it ran. */
    public void writeConfig() throws IOException {
        Files.createDirectories(out);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("experiment", experiment.name());
        c.put("quick", quick);
        c.put("seed", seed);
        c.put("snn4j_version", Provenance.version());
        c.put("git_commit", Provenance.gitCommit());
        c.put("java_version", System.getProperty("java.version"));
        c.put("params", params.asMap());
        c.put("data_files", dataFiles);
        AtomicFiles.writeString(out.resolve("config.json"), Json.pretty(c));
    }

    /** Writes metrics.json as it stands (also usable as a checkpoint of partial results). */
    public void writeMetrics() throws IOException {
        AtomicFiles.writeString(out.resolve("metrics.json"), Json.pretty(metrics));
    }

    /** Writes metrics.json and report.md. */
    public void finish() throws IOException {
        writeMetrics();
        StringBuilder r = new StringBuilder();
        r.append("# ").append(experiment.name()).append(quick ? " (quick)" : "").append("\n\n");
        r.append(experiment.description()).append("\n\n");
        r.append("Seed ").append(seed).append(", snn4j ").append(Provenance.version()).append(", commit `")
                .append(Provenance.gitCommit()).append("`. Every parameter is in `config.json`.\n\n");
        r.append(notes);
        r.append("## Metrics\n\n| metric | value |\n|---|---:|\n");
        for (Map.Entry<String, Object> e : metrics.entrySet())
            r.append("| ").append(e.getKey()).append(" | ").append(format(e.getValue())).append(" |\n");
        r.append('\n');
        if (!plots.isEmpty()) {
            r.append("## Plots\n\n");
            for (String[] p : plots) r.append("**").append(p[1]).append("**\n\n![").append(p[1]).append("](").append(p[0]).append(")\n\n");
        }
        AtomicFiles.writeString(out.resolve("report.md"), r.toString());
    }

    static String format(Object v) {
        if (v instanceof Double d) {
            double a = Math.abs(d);
            if (d == 0 || (a >= 1e-3 && a < 1e6)) return String.format("%.4g", d);
            return String.format("%.3e", d);
        }
        if (v instanceof double[] a) {
            StringBuilder sb = new StringBuilder("[");
            for (int k = 0; k < a.length; k++) sb.append(k == 0 ? "" : ", ").append(format(a[k]));
            return sb.append(']').toString();
        }
        return String.valueOf(v);
    }
}
