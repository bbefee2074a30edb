package org.snn4j.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.snn4j.util.Provenance;

/**
 * Where a trained model came from (after Tribuo's {@code ModelProvenance}): the run's resolved
 * configuration, its seed, the dataset and the SHA-256 of every data file, snn4j's version and git
 * commit, the JVM, the time it was saved and the final metrics. Immutable; built by {@link #of},
 * which fills in versions, JVM and time, and written into every model file.
 *
 * @param experiment  what trained it (an experiment name, or the trainer's)
 * @param config      every parameter of the run, defaults included
 * @param seed        the run's seed
 * @param dataset     the dataset's name ("" if none)
 * @param dataSha256  data file name → SHA-256 (hex)
 * @param snn4jVersion snn4j's version
 * @param gitCommit   the git commit of the sources ("-dirty" when modified)
 * @param jvm         Java version and vendor
 * @param savedAt     ISO-8601 instant
 * @param metrics     the run's final metrics
 */
public record ModelProvenance(String experiment, Map<String, Object> config, long seed, String dataset, Map<String, String> dataSha256,
                              String snn4jVersion, String gitCommit, String jvm, String savedAt, Map<String, Object> metrics) {
    /** Copies the maps (order kept, read-only). */
    public ModelProvenance {
        config = frozen(config);
        dataSha256 = frozen(dataSha256);
        metrics = frozen(metrics);
    }

    private static <V> Map<String, V> frozen(Map<String, V> m) {
        return m == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /**
     * The provenance of a model saved now, by this process.
     *
     * @param experiment what trained it
     * @param config     every parameter of the run
     * @param seed       the seed
     * @param dataset    the dataset's name
     * @param dataSha256 data file name → SHA-256
     * @param metrics    final metrics
     * @return the record, with version, commit, JVM and time filled in
     */
    public static ModelProvenance of(String experiment, Map<String, Object> config, long seed, String dataset, Map<String, String> dataSha256,
                                     Map<String, Object> metrics) {
        return new ModelProvenance(experiment, config, seed, dataset, dataSha256, Provenance.version(), Provenance.gitCommit(),
                System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")", java.time.Instant.now().toString(), metrics);
    }

    /**
     * SHA-256 of each file.
     *
     * @param files name → path
     * @return name → SHA-256 (hex)
     */
    public static Map<String, String> sha256(Map<String, Path> files) {
        Map<String, String> m = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Path> e : files.entrySet()) m.put(e.getKey(), Provenance.sha256(e.getValue()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    /**
     * @param m the final metrics
     * @return a copy with these metrics
     */
    public ModelProvenance withMetrics(Map<String, Object> m) {
        return new ModelProvenance(experiment, config, seed, dataset, dataSha256, snn4jVersion, gitCommit, jvm, savedAt, m);
    }

    /** @return the JSON form written into model files */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("experiment", experiment);
        m.put("seed", seed);
        m.put("dataset", dataset);
        m.put("data_sha256", dataSha256);
        m.put("snn4j_version", snn4jVersion);
        m.put("git_commit", gitCommit);
        m.put("jvm", jvm);
        m.put("saved_at", savedAt);
        m.put("config", config);
        m.put("metrics", metrics);
        return m;
    }

    /**
     * Reads {@link #toMap()}'s form; fields a file lacks (older files kept a free-form map:
     * {@code params} for the config, metrics such as {@code test_accuracy} at the top) become empty.
     *
     * @param m the JSON object
     * @return the record
     */
    @SuppressWarnings("unchecked")
    public static ModelProvenance fromMap(Map<String, Object> m) {
        Map<String, Object> config = m.get("config") instanceof Map<?, ?> c ? (Map<String, Object>) c
                : m.get("params") instanceof Map<?, ?> p ? (Map<String, Object>) p : Map.of();
        Map<String, String> sha = new LinkedHashMap<>();
        if (m.get("data_sha256") instanceof Map<?, ?> d) for (Map.Entry<?, ?> e : d.entrySet()) sha.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
        Map<String, Object> metrics = new LinkedHashMap<>();
        if (m.get("metrics") instanceof Map<?, ?> x) metrics.putAll((Map<String, Object>) x);
        else if (m.get("test_accuracy") != null) metrics.put("test_accuracy", m.get("test_accuracy"));
        return new ModelProvenance(text(m, "experiment"), config, m.get("seed") instanceof Number n ? n.longValue() : 0, text(m, "dataset"), sha,
                text(m, "snn4j_version"), text(m, "git_commit"), text(m, "jvm"), text(m, "saved_at"), metrics);
    }

    private static String text(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? "" : String.valueOf(v);
    }
}
