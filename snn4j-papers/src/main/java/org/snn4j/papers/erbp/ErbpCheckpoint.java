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
import org.snn4j.io.Checkpoint;
import org.snn4j.io.ModelFile;
import org.snn4j.io.SafeTensors;
import org.snn4j.train.optim.Optimizer;
import org.snn4j.train.optim.ParamAverage;

/**
 * The epoch-boundary training checkpoint of {@code snn4j run erbp}: {@value #FILE} in the run
 * folder, a {@link ModelFile} (safetensors) of format {@value #FORMAT}, written atomically after the artificial
 * baselines and the initial test pass (epoch 0) and after each epoch.
 *
 * <p>Because every epoch and every test pass starts from a state that depends only on (seed,
 * epoch) ({@link ErbpNetwork#resetState}), the checkpoint needs no neuron state and no random
 * generator: it holds the plastic weights of every layer (tensors {@code weights.L}, F64), those of
 * the 8-bit twin ({@code weights_8bit.L}) when {@code compare_8bit} is on, the moving averages of the weights
 * ({@code weights_average.L}) when {@code weight_average} is on, the optimiser's state ({@code optimizer.NAME}
 * tensors and {@code optimizer_steps}) when {@code optimizer} is on, the epochs done, the samples seen, the training
 * seconds so far, the learning curves and per-epoch accuracies, the metrics written so far, and the
 * baselines' results (their accuracies and per-epoch curves, so that a resume does not train the
 * MLPs again). A resumed run therefore ends with the weights and accuracies of an uninterrupted one,
 * bit for bit.
 *
 * <p>The settings fingerprint ({@link Checkpoint}) is every parameter but {@link #FREE} ({@code epochs} may
 * grow on resume; {@code probe_samples} and {@code final_test_ms} act only after training) and
 * {@link Checkpoint#ALWAYS_FREE}, plus the seed; a checkpoint with another fingerprint
 * is refused in one line naming the changed keys.
 */
final class ErbpCheckpoint {
    static final String FORMAT = "snn4j-erbp-checkpoint";
    static final String FILE = "train-checkpoint.safetensors";
    /** Parameters that may differ between the checkpointed run and the resumed one. */
    static final List<String> FREE = List.of("epochs", "probe_samples", "final_test_ms");

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
    /** The file read, holding the weights ({@link #restore} checks their sizes against the networks). */
    private ModelFile.Contents saved;
    private int layers, layers8;
    private Path file;

    /** The settings fingerprint of a run: its parameters but {@link #FREE}, plus the seed. */
    static Map<String, Object> settings(Params p, long seed) {
        return Checkpoint.settings(p.asMap(), seed, FREE);
    }

    /**
     * Reads the checkpoint in {@code dir}, or returns null when there is none; other settings →
     * InputException. A parameter the checkpoint does not know (added to snn4j since) is accepted at
     * its default value ({@code defaults}), which by convention keeps the old behaviour.
     */
    static ErbpCheckpoint readIfPresent(Path dir, Map<String, Object> settings, Map<String, Object> defaults) {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) return null;
        ModelFile.Contents contents = ModelFile.read(f, FORMAT, 2, "erbp training checkpoint");
        Map<String, Object> m = contents.meta();
        Checkpoint.check(f, ModelFile.object(m.get("settings"), f, "settings"), settings, defaults, FREE);
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
        c.saved = contents;
        c.layers = (int) ModelFile.num(m, "layers", f);
        c.layers8 = (int) ModelFile.num(m, "layers_8bit", f);
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
    void restore(ErbpNetwork net, ErbpNetwork net8, ParamAverage avg, Optimizer opt) {
        restore(net, layers, "weights");
        if (avg != null)
            for (int l = 1; l <= net.layers(); l++) saved.tensors().doubles("weights_average." + l, avg.average(l - 1));
        if (opt != null) {
            for (Map.Entry<String, Object> e : opt.state().entrySet())
                saved.tensors().doubles("optimizer." + e.getKey(), (double[]) e.getValue());
            opt.steps((long) ModelFile.num(saved.meta(), "optimizer_steps", file));
        }
        if ((net8 == null) != (layers8 == 0))
            throw new InputException(file + ": checkpoint " + (net8 == null ? "has" : "has no") + " 8-bit twin weights, the run "
                    + (net8 == null ? "has no twin" : "has one"));
        if (net8 != null) restore(net8, layers8, "weights_8bit");
    }

    private void restore(ErbpNetwork net, int n, String name) {
        if (n != net.layers()) throw new InputException(file + ": '" + name + "' has " + n + " layers, the network " + net.layers());
        for (int l = 1; l <= net.layers(); l++) saved.tensors().doubles(name + "." + l, net.weights(l));
    }

    /**
     * Writes the checkpoint atomically: the lists and baseline fields of this object as they stand,
     * plus the given counters, the run's metrics and the networks' weights.
     */
    void save(Path dir, Map<String, Object> settings, int epochsDone, long seen, double trainSeconds, double accAt10k,
              Map<String, Object> runMetrics, ErbpNetwork net, ErbpNetwork net8, ParamAverage avg, Optimizer opt) {
        if (avg != null && avg.swapped()) throw new IllegalStateException("the weights' averages are swapped in: swap back before saving");
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
        SafeTensors.Builder t = SafeTensors.builder();
        m.put("layers", (long) tensors(net, "weights", t));
        m.put("layers_8bit", (long) (net8 == null ? 0 : tensors(net8, "weights_8bit", t)));
        if (avg != null)
            for (int k = 1; k <= net.layers(); k++) t.f64("weights_average." + k, avg.average(k - 1));
        if (opt != null) {
            for (Map.Entry<String, Object> e : opt.state().entrySet()) t.f64("optimizer." + e.getKey(), (double[]) e.getValue());
            m.put("optimizer_steps", opt.steps());
        }
        Path f = dir.resolve(FILE);
        try {
            ModelFile.write(f, FORMAT, 2, ModelFile.provenance(Map.of("epochs_done", (long) epochsDone)), m, t);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the erbp checkpoint " + f, e);
        }
        file = f;
    }

    /** Adds layer k's weights as tensor {@code name.k}; returns the number of layers. */
    private static int tensors(ErbpNetwork net, String name, SafeTensors.Builder t) {
        for (int k = 1; k <= net.layers(); k++) t.f64(name + "." + k, net.weights(k));
        return net.layers();
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
