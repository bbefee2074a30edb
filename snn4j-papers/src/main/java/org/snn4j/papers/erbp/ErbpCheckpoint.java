package org.snn4j.papers.erbp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.RunContext;
import org.snn4j.util.InputException;
import org.snn4j.util.Json;
import org.snn4j.util.ModelFile;

/**
 * The epoch-boundary training checkpoint of {@code snn4j run erbp}: {@value #FILE} in the run
 * folder, a {@link ModelFile} of format {@value #FORMAT}, written atomically after the artificial
 * baselines and the initial test pass (epoch 0) and after each epoch.
 *
 * <p>Because every epoch and every test pass starts from a state that depends only on (seed,
 * epoch) ({@link ErbpNetwork#resetState}), the checkpoint needs no neuron state and no random
 * generator: it holds the plastic weights of every layer (exact, base64 IEEE-754 doubles), those of
 * the 8-bit twin when {@code compare_8bit} is on, the epochs done, the samples seen, the training
 * seconds so far, the learning curves and per-epoch accuracies, the metrics written so far, and the
 * baselines' results (their accuracies and per-epoch curves, so that a resume does not train the
 * MLPs again). A resumed run therefore ends with the weights and accuracies of an uninterrupted one,
 * bit for bit.
 *
 * <p>The settings fingerprint is every parameter but {@code epochs} (which may grow on resume) and
 * {@code data_dir} (a location), plus the seed; a checkpoint with another fingerprint is refused.
 */
final class ErbpCheckpoint {
    static final String FORMAT = "snn4j-erbp-checkpoint";
    static final String FILE = "train-checkpoint.json";
    /** Parameters that may differ between the checkpointed run and the resumed one. */
    static final List<String> FREE = List.of("epochs", "data_dir");

    int epochsDone;
    long seen;
    double trainSeconds;
    double accAt10k = Double.NaN;
    final List<Double> curveX = new ArrayList<>(), curveY = new ArrayList<>(), curveY8 = new ArrayList<>();
    final List<Double> accByEpoch = new ArrayList<>(), acc8ByEpoch = new ArrayList<>();
    /** Artificial baselines: epochs trained, accuracies and per-epoch curves by {@code Mlp.Feedback} ordinal. */
    int annEpochs = -1;
    double[] annAcc;
    final List<double[]> annCurves = new ArrayList<>();
    /** Metrics of the run so far (restored as they were written). */
    Map<String, Object> metrics = new LinkedHashMap<>();
    /** Saved weights per layer (base64 text until {@link #restore} knows the sizes). */
    private List<Object> weights, weights8;
    private Path file;

    /** The settings fingerprint of a run: its parameters but {@link #FREE}, plus the seed. */
    static Map<String, Object> settings(Params p, long seed) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : p.asMap().entrySet()) if (!FREE.contains(e.getKey())) m.put(e.getKey(), e.getValue());
        m.put("seed", seed);
        return m;
    }

    /**
     * Reads the checkpoint in {@code dir}, or returns null when there is none; other settings →
     * InputException. A parameter the checkpoint does not know (added to snn4j since) is accepted at
     * its default value ({@code defaults}), which by convention keeps the old behaviour.
     */
    static ErbpCheckpoint readIfPresent(Path dir, Map<String, Object> settings, Map<String, Object> defaults) {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) return null;
        Map<String, Object> m = ModelFile.read(f, FORMAT, 1, "erbp training checkpoint");
        Map<String, Object> saved = ModelFile.object(m.get("settings"), f, "settings");
        List<String> diff = new ArrayList<>();
        for (String k : settings.keySet()) {
            String now = Json.write(settings.get(k));
            if (!saved.containsKey(k)) {
                if (!now.equals(Json.write(defaults.get(k)))) diff.add(k + " (not in the checkpoint) -> " + now);
            } else if (!now.equals(Json.write(saved.get(k)))) {
                diff.add(k + " " + Json.write(saved.get(k)) + " -> " + now);
            }
        }
        for (String k : saved.keySet()) if (!settings.containsKey(k)) diff.add(k + " " + Json.write(saved.get(k)) + " -> (unknown)");
        if (!diff.isEmpty())
            throw new InputException(f + ": checkpoint of a run with other settings (" + String.join(", ", diff)
                    + "); use the same settings (only epochs may change), another --out, or delete it");
        ErbpCheckpoint c = new ErbpCheckpoint();
        c.epochsDone = (int) ModelFile.num(m, "epochs_done", f);
        c.seen = (long) ModelFile.num(m, "samples_seen", f);
        c.trainSeconds = ModelFile.num(m, "train_seconds", f);
        c.accAt10k = m.get("accuracy_after_10000") instanceof Number n ? n.doubleValue() : Double.NaN;
        numbers(ModelFile.list(m, "curve_x", f), c.curveX, f, "curve_x");
        numbers(ModelFile.list(m, "curve_y", f), c.curveY, f, "curve_y");
        numbers(ModelFile.list(m, "curve_y_8bit", f), c.curveY8, f, "curve_y_8bit");
        numbers(ModelFile.list(m, "accuracy_by_epoch", f), c.accByEpoch, f, "accuracy_by_epoch");
        numbers(ModelFile.list(m, "accuracy_8bit_by_epoch", f), c.acc8ByEpoch, f, "accuracy_8bit_by_epoch");
        c.annEpochs = (int) ModelFile.num(m, "ann_epochs", f);
        List<Double> acc = new ArrayList<>();
        numbers(ModelFile.list(m, "ann_accuracy", f), acc, f, "ann_accuracy");
        c.annAcc = acc.stream().mapToDouble(Double::doubleValue).toArray();
        for (Object o : ModelFile.list(m, "ann_curves", f)) {
            if (!(o instanceof List<?> l)) throw new InputException(f + ": 'ann_curves' is not a list of lists");
            List<Double> curve = new ArrayList<>();
            numbers(l, curve, f, "ann_curves");
            c.annCurves.add(curve.stream().mapToDouble(Double::doubleValue).toArray());
        }
        c.metrics = ModelFile.object(m.get("metrics"), f, "metrics");
        c.weights = ModelFile.list(m, "weights", f);
        c.weights8 = m.get("weights_8bit") == null ? null : ModelFile.list(m, "weights_8bit", f);
        c.file = f;
        return c;
    }

    /** Where a read checkpoint came from (null for a new one). */
    Path file() {
        return file;
    }

    /**
     * Copies the saved weights into the networks (the twin's too when both have one): sizes are
     * checked against the networks, so a checkpoint of another architecture is refused.
     */
    void restore(ErbpNetwork net, ErbpNetwork net8) {
        restore(net, weights, "weights");
        if ((net8 == null) != (weights8 == null))
            throw new InputException(file + ": checkpoint " + (net8 == null ? "has" : "has no") + " 8-bit twin weights, the run "
                    + (net8 == null ? "has no twin" : "has one"));
        if (net8 != null) restore(net8, weights8, "weights_8bit");
    }

    private void restore(ErbpNetwork net, List<Object> w, String name) {
        if (w.size() != net.layers()) throw new InputException(file + ": '" + name + "' has " + w.size() + " layers, the network " + net.layers());
        for (int l = 1; l <= net.layers(); l++) ModelFile.doubles(w.get(l - 1), net.weights(l), file, name + "[" + l + "]");
    }

    /**
     * Writes the checkpoint atomically: the lists and baseline fields of this object as they stand,
     * plus the given counters, the run's metrics and the networks' weights.
     */
    void save(Path dir, Map<String, Object> settings, int epochsDone, long seen, double trainSeconds, double accAt10k,
              Map<String, Object> runMetrics, ErbpNetwork net, ErbpNetwork net8) {
        this.epochsDone = epochsDone;
        this.seen = seen;
        this.trainSeconds = trainSeconds;
        this.accAt10k = accAt10k;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("settings", settings);
        m.put("epochs_done", (long) epochsDone);
        m.put("samples_seen", seen);
        m.put("train_seconds", trainSeconds);
        m.put("accuracy_after_10000", accAt10k);   // NaN is written as null
        m.put("curve_x", curveX);
        m.put("curve_y", curveY);
        m.put("curve_y_8bit", curveY8);
        m.put("accuracy_by_epoch", accByEpoch);
        m.put("accuracy_8bit_by_epoch", acc8ByEpoch);
        m.put("ann_epochs", (long) annEpochs);
        m.put("ann_accuracy", annAcc);
        m.put("ann_curves", annCurves);
        m.put("metrics", runMetrics);
        m.put("weights", tensors(net));
        if (net8 != null) m.put("weights_8bit", tensors(net8));
        Path f = dir.resolve(FILE);
        try {
            ModelFile.write(f, FORMAT, 1, Map.of("epochs_done", (long) epochsDone), m);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the erbp checkpoint " + f, e);
        }
        file = f;
    }

    private static List<Object> tensors(ErbpNetwork net) {
        List<Object> l = new ArrayList<>();
        for (int k = 1; k <= net.layers(); k++) l.add(ModelFile.doubles(net.weights(k)));
        return l;
    }

    /** Sets the run's metrics to those saved (JSON lists back to double arrays, null back to NaN). */
    void restoreMetrics(RunContext run) {
        for (Map.Entry<String, Object> e : metrics.entrySet()) {
            Object v = e.getValue();
            if (v instanceof List<?> l) {
                List<Double> d = new ArrayList<>();
                numbers(l, d, file, e.getKey());
                v = d.stream().mapToDouble(Double::doubleValue).toArray();
            } else if (v == null) {
                v = Double.NaN;
            }
            run.metric(e.getKey(), v);
        }
    }

    private static void numbers(List<?> l, List<Double> dst, Path f, String name) {
        for (Object o : l) {
            if (o == null) dst.add(Double.NaN);   // JSON has no NaN: written as null
            else if (o instanceof Number n) dst.add(n.doubleValue());
            else throw new InputException(f + ": '" + name + "' holds a non-number");
        }
    }
}
