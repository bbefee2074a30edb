package org.snn4j.train.sg;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snn4j.cell.Cell;
import org.snn4j.cell.Cells;
import org.snn4j.cell.Reset;
import org.snn4j.data.Dataset;
import org.snn4j.io.ModelFile;
import org.snn4j.io.ModelProvenance;
import org.snn4j.io.SafeTensors;
import org.snn4j.util.InputException;

/**
 * A trained surrogate-gradient network as a value: its architecture and parameters, its inference
 * recipe ({@link Recipe}: time steps, input encoder, decoder, evaluation batch and seed) and its
 * {@link ModelProvenance}. It is separate from the runtime workspace: {@link #network} builds an
 * {@link SgNet} (threads, buffers) when one is needed, and {@link #predict} / {@link #evaluate}
 * run a dataset through the model without a trainer.
 *
 * <p>File: one {@code *.safetensors} file ({@link ModelFile}), format {@value #FORMAT}, version 2;
 * the metadata holds
 * <pre>
 *   {"n_in": 784, "binary_input": true, "recipe": {"steps", "encoder", "decoder", "batch", "seed"}, "layers": [
 *      {"type": "linear", "in": 784, "out": 1000, "weight": "layers.0.weight", "bias": "layers.0.bias"},
 *      {"type": "lif", "n": 1000, "beta": 0.95, "theta": 1.0, "reset": "subtract", "surrogate": "fast_sigmoid:25.0",
 *       "learn_beta": "none" | "layer" | "neuron", "beta_values": "layers.1.beta"},
 *      {"type": "synaptic", "n", "alpha", "beta", "theta", "reset", "surrogate", "learn_alpha", "alpha_values",
 *       "learn_beta", "beta_values"},
 *      {"type": "rlif", "n", "beta", "theta", "reset", "surrogate", "recurrent_weight": "layers.K.recurrent_weight"},
 *      {"type": "cell", "n", "cell": "alif", "params": {"beta": …, "rho": …, …}, "surrogate"} (any registered
 *       {@link org.snn4j.cell.Cells cell type}, through {@link CellLayer}),
 *      {"type": "readout", "n", "beta"}, ...]}
 * </pre>
 * and the tensors (F32) {@code layers.K.weight} [in, out] (row i = input i), {@code layers.K.bias},
 * {@code layers.K.beta} / {@code .alpha} ([1] or [n]), {@code layers.K.recurrent_weight} [n, n].
 * The JSON model files of format version 1 (tensors as base64) still load.
 */
public final class SgModel {
    public static final String FORMAT = "snn4j-sg";
    static final long VERSION = 2;

    /**
     * How the model turns an image into a class: T time steps, the input encoder
     * ({@link #encoder(String)}: rate, latency, latency_log, delta), the decoder (the {@link Loss}
     * whose prediction rule picks the class, e.g. ce_mean: largest mean membrane potential), and the
     * batch and seed of the evaluation (rate coding draws spikes from stream (seed, batch index)).
     *
     * @param steps   time steps T
     * @param encoder input encoder name
     * @param decoder loss whose prediction rule decodes the output
     * @param batch   evaluation batch size
     * @param seed    seed of the stochastic input coding
     */
    public record Recipe(int steps, String encoder, String decoder, int batch, long seed) {
        /** Checks the names. */
        public Recipe {
            if (steps < 1 || batch < 1) throw new InputException("sg model recipe: steps and batch must be positive");
            SgModel.encoder(encoder);
            Loss.parse(decoder);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("steps", (long) steps);
            m.put("encoder", encoder);
            m.put("decoder", decoder);
            m.put("batch", (long) batch);
            m.put("seed", seed);
            return m;
        }
    }

    private final Map<String, Object> arch;
    private final SafeTensors params;
    private final ModelFile.Contents source;
    private final Recipe recipe;
    private final ModelProvenance provenance;

    private SgModel(Map<String, Object> arch, SafeTensors params, ModelFile.Contents source, Recipe recipe, ModelProvenance provenance) {
        this.arch = arch;
        this.params = params;
        this.source = source;
        this.recipe = recipe;
        this.provenance = provenance;
    }

    /**
     * A snapshot of a network's architecture and parameters (copied: later training does not change it).
     *
     * @param net        the trained network
     * @param recipe     how it is run for inference
     * @param provenance where it came from
     * @return the model
     */
    public static SgModel of(SgNet net, Recipe recipe, ModelProvenance provenance) {
        SafeTensors.Builder t = SafeTensors.builder();
        Map<String, Object> arch = describe(net, t);
        return new SgModel(arch, t.build(), null, recipe, provenance);
    }

    /** @return the inference recipe (null for a version-1 file, which had none) */
    public Recipe recipe() {
        return recipe;
    }

    /** @return where the model came from */
    public ModelProvenance provenance() {
        return provenance;
    }

    /**
     * Writes the model file atomically.
     *
     * @param file the target ({@code *.safetensors})
     * @throws IOException if it cannot be written
     */
    public void save(Path file) throws IOException {
        SafeTensors.Builder t = SafeTensors.builder();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("n_in", arch.get("n_in"));
        body.put("binary_input", arch.get("binary_input"));
        if (recipe != null) body.put("recipe", recipe.toMap());
        try (SgNet net = network(1)) {
            body.put("layers", describe(net, t).get("layers"));
        }
        ModelFile.write(file, FORMAT, VERSION, provenance == null ? ModelFile.provenance(null) : provenance.toMap(), body, t);
    }

    /**
     * Reads a model file (or a JSON one of format version 1).
     *
     * @param file the file
     * @return the model
     */
    public static SgModel load(Path file) {
        ModelFile.Contents c = ModelFile.read(file, FORMAT, VERSION, "sg model");
        Map<String, Object> m = c.meta();
        Recipe r = null;
        if (m.get("recipe") != null) {
            Map<String, Object> rm = ModelFile.object(m.get("recipe"), file, "recipe");
            r = new Recipe((int) ModelFile.num(rm, "steps", file), ModelFile.str(rm, "encoder", file), ModelFile.str(rm, "decoder", file),
                    (int) ModelFile.num(rm, "batch", file), (long) ModelFile.num(rm, "seed", file));
        }
        try (SgNet check = build(m, c, 1)) {   // fails now, in one line, on a malformed file
            check.checkParams();
        }
        return new SgModel(m, null, c, r, ModelProvenance.fromMap(c.provenance()));
    }

    /**
     * Loads a model file straight into a runtime network.
     *
     * @param file    the file
     * @param threads threads of the network's team
     * @return the network
     */
    public static SgNet load(Path file, int threads) {
        return load(file).network(threads);
    }

    /**
     * A runtime network with the model's parameters (close it after use).
     *
     * @param threads threads of its team (0: one per processor)
     * @return a new network
     */
    public SgNet network(int threads) {
        return source != null ? build(arch, source, threads) : build(arch, params, threads);
    }

    /**
     * The predicted class of every sample, by the recipe.
     *
     * @param data    the samples
     * @param threads threads (0: one per processor)
     * @return one class per sample
     */
    public int[] predict(Dataset data, int threads) {
        int[] pred = new int[data.size()];
        run(data, threads, pred, false);
        return pred;
    }

    /**
     * The fraction of samples classified correctly, by the recipe; the same as the trainer's
     * {@code evaluate(data, 0)} with the recipe's settings, bit for bit.
     *
     * @param data    labelled samples
     * @param threads threads (0: one per processor)
     * @return accuracy in [0, 1]
     */
    public double evaluate(Dataset data, int threads) {
        return evaluate(data, threads, 0);
    }

    /**
     * {@link #evaluate(Dataset, int)} with the input coding of evaluation pass {@code pass}: the
     * trainer's {@code evaluate(data, pass)} bit for bit (sg-mlp reports epoch e's test accuracy
     * with pass e).
     *
     * @param data    labelled samples
     * @param threads threads (0: one per processor)
     * @param pass    evaluation pass (≥ 0): which random input coding
     * @return accuracy in [0, 1]
     */
    public double evaluate(Dataset data, int threads, long pass) {
        if (pass < 0) throw new InputException("evaluation pass must be >= 0: " + pass);
        int[] pred = new int[data.size()];
        long correct = run(data, threads, pred, true, pass);
        return correct / (double) data.size();
    }

    private long run(Dataset data, int threads, int[] pred, boolean labelled) {
        return run(data, threads, pred, labelled, 0);
    }

    private long run(Dataset data, int threads, int[] pred, boolean labelled, long pass) {
        if (recipe == null) throw new InputException("this sg model has no inference recipe (a version-1 file): build a trainer to evaluate it");
        SgTrainer.Encoding enc = encoder(recipe.encoder());
        Loss decoder = Loss.parse(recipe.decoder());
        int n = data.size(), batch = recipe.batch();
        int[] labels = new int[batch];
        long correct = 0;
        try (SgNet net = network(threads)) {
            for (int i = 0; i * batch < n; i++) {
                int bs = Math.min(batch, n - i * batch);
                net.prepare(recipe.steps(), bs);
                for (int b = 0; b < bs; b++) labels[b] = labelled ? data.label(i * batch + b) : 0;
                net.infer(enc.filler(data, null, i * batch, recipe.seed(), SgTrainer.evalStream(pass, i)), labels, decoder);
                int[] pr = net.predictions();
                for (int b = 0; b < bs; b++) {
                    pred[i * batch + b] = pr[b];
                    if (pr[b] == labels[b]) correct++;
                }
            }
        }
        return correct;
    }

    /**
     * The input encoder of a name.
     *
     * @param name rate (Bernoulli rate coding), latency, latency_log (one spike per pixel, linear or
     *             logarithmic in intensity) or delta (on/off channels of intensity changes)
     * @return the encoding
     */
    public static SgTrainer.Encoding encoder(String name) {
        return switch (name) {
            case "rate" -> SgMlp::rateCoded;
            case "direct" -> SgCnn::direct;
            case "latency" -> latency(new LatencyEncoder(false, 0.01, 5));
            case "latency_log" -> latency(new LatencyEncoder(true, 0.01, 5));
            case "delta" -> {
                DeltaEncoder d = new DeltaEncoder(0.1);
                yield (data, order, first, seed, stream) -> d.filler(data, order, first);
            }
            default -> throw new InputException("encoder must be rate, direct, latency, latency_log or delta, not '" + name + "'");
        };
    }

    private static SgTrainer.Encoding latency(LatencyEncoder e) {
        return (data, order, first, seed, stream) -> e.filler(data, order, first);
    }

    // ------------------------------------------------------------------ architecture <-> metadata + tensors

    /** The network's layers as metadata, its parameters added to {@code t} as {@code layers.K.*}. */
    static Map<String, Object> describe(SgNet net, SafeTensors.Builder t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n_in", (long) net.nIn);
        m.put("binary_input", net.input.binary);
        List<Object> ls = new ArrayList<>();
        for (int k = 0; k < net.layers.size(); k++) ls.add(layer(net.layers.get(k), "layers." + k + ".", t));
        m.put("layers", ls);
        return m;
    }

    private static String surrogate(Surrogate s) {
        String spec = s.spec();
        if (spec == null) throw new InputException("cannot save a network with a custom surrogate (" + s + ")");
        return spec;
    }

    /** The fields every spiking layer shares: type, size, decay β, threshold, reset, surrogate. */
    private static void putSpiking(Map<String, Object> m, String type, SpikingLayer l) {
        m.put("type", type);
        m.put("n", (long) l.out);
        m.put("beta", (double) l.beta);
        m.put("theta", (double) l.theta);
        m.put("reset", l.reset.name().toLowerCase());
        m.put("surrogate", surrogate(l.surrogate));
    }

    /** A learnable decay: "none", "layer" or "neuron" under {@code key}, its values as tensor {@code name}. */
    private static void putDecay(Map<String, Object> m, String key, String valuesKey, float[] p, String name, SafeTensors.Builder t) {
        m.put(key, p == null ? "none" : p.length == 1 ? "layer" : "neuron");
        if (p != null) {
            t.f32(name, p);
            m.put(valuesKey, name);
        }
    }

    private static Map<String, Object> layer(Layer l, String prefix, SafeTensors.Builder t) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (l instanceof Linear lin) {
            m.put("type", "linear");
            m.put("in", (long) lin.in);
            m.put("out", (long) lin.out);
            float[] w = new float[lin.in * lin.out];
            for (int i = 0; i < lin.in; i++) System.arraycopy(lin.w[i], 0, w, i * lin.out, lin.out);
            t.f32(prefix + "weight", w, lin.in, lin.out).f32(prefix + "bias", lin.b);
            m.put("weight", prefix + "weight");
            m.put("bias", prefix + "bias");
        } else if (l instanceof Lif lif) {
            putSpiking(m, "lif", lif);
            putDecay(m, "learn_beta", "beta_values", lif.betaP, prefix + "beta", t);
        } else if (l instanceof Synaptic syn) {
            putSpiking(m, "synaptic", syn);
            m.put("alpha", (double) syn.alpha);
            putDecay(m, "learn_alpha", "alpha_values", syn.alphaP, prefix + "alpha", t);
            putDecay(m, "learn_beta", "beta_values", syn.betaP, prefix + "beta", t);
        } else if (l instanceof RecurrentLif r) {
            putSpiking(m, "rlif", r);
            float[] w = new float[r.out * r.out];
            for (int i = 0; i < r.out; i++) System.arraycopy(r.v[i], 0, w, i * r.out, r.out);
            t.f32(prefix + "recurrent_weight", w, r.out, r.out);
            m.put("recurrent_weight", prefix + "recurrent_weight");
        } else if (l instanceof CellLayer c) {
            m.put("type", "cell");
            m.put("n", (long) c.out);
            m.put("cell", Cells.type(c.cell()));
            m.put("params", Cells.parameters(c.cell()));
            if (c.surrogate() != null) m.put("surrogate", surrogate(c.surrogate()));
        } else if (l instanceof Conv2d cv) {
            m.put("type", "conv2d");
            m.put("in_channels", (long) cv.inChannels);
            m.put("in_h", (long) cv.inH);
            m.put("in_w", (long) cv.inW);
            m.put("out_channels", (long) cv.outChannels);
            m.put("kernel_h", (long) cv.kH);
            m.put("kernel_w", (long) cv.kW);
            m.put("stride", (long) cv.stride);
            m.put("padding", (long) cv.padding);
            m.put("dilation", (long) cv.dilation);
            m.put("groups", (long) cv.groups);
            m.put("max_pool", (long) cv.pool);
            t.f32(prefix + "weight", cv.w, cv.outChannels, cv.inChannels / cv.groups, cv.kH, cv.kW).f32(prefix + "bias", cv.b);
            m.put("weight", prefix + "weight");
            m.put("bias", prefix + "bias");
        } else if (l instanceof Dropout d) {
            m.put("type", "dropout");
            m.put("n", (long) d.in);
            m.put("p", d.p);
        } else if (l instanceof Pool2d pl) {
            m.put("type", "pool2d");
            m.put("mode", pl.mode.name().toLowerCase());
            m.put("channels", (long) pl.channels);
            m.put("in_h", (long) pl.inH);
            m.put("in_w", (long) pl.inW);
            m.put("kernel", (long) pl.kernel);
            m.put("stride", (long) pl.stride);
            m.put("binary_input", pl.binaryInput());
        } else if (l instanceof LeakyReadout ro) {
            m.put("type", "readout");
            m.put("n", (long) ro.out);
            m.put("beta", (double) ro.beta);
        } else {
            throw new InputException("cannot save layer " + l.name());
        }
        return m;
    }

    private static int n(Map<String, Object> m, String key, Path file) {
        double v = ModelFile.num(m, key, file);
        if (v != Math.rint(v) || v < 0 || v > Integer.MAX_VALUE) throw new InputException(file + ": '" + key + "' must be a non-negative integer: " + v);
        return (int) v;
    }

    /** Where the tensors of a description come from: a read file (any version) or tensors built in memory. */
    private interface Tensors {
        void floats(Object ref, float[] dst, String what);
    }

    private static SgNet build(Map<String, Object> m, SafeTensors t, int threads) {
        return build(m, Path.of("(in memory)"), (ref, dst, what) -> t.floats((String) ref, dst), threads);
    }

    static SgNet build(Map<String, Object> m, ModelFile.Contents c, int threads) {
        return build(m, c.file(), c::floats, threads);
    }

    private static SgNet build(Map<String, Object> m, Path file, Tensors t, int threads) {
        int nIn = (int) ModelFile.num(m, "n_in", file);
        boolean binary = Boolean.TRUE.equals(m.get("binary_input"));
        List<Layer> ls = new ArrayList<>();
        try {
            for (Object o : ModelFile.list(m, "layers", file)) ls.add(layer(ModelFile.object(o, file, "a layer"), file, t));
            return new SgNet(nIn, binary, ls, threads);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new InputException(file + ": malformed sg model: " + e.getMessage());
        }
    }

    private static Reset reset(Map<String, Object> m, Path file) {
        String r = ModelFile.str(m, "reset", file);
        return switch (r) {
            case "subtract" -> Reset.SUBTRACT;
            case "zero" -> Reset.ZERO;
            default -> throw new InputException(file + ": unknown reset '" + r + "'");
        };
    }

    private static Layer layer(Map<String, Object> m, Path file, Tensors t) {
        String type = ModelFile.str(m, "type", file);
        switch (type) {
            case "linear": {
                int in = (int) ModelFile.num(m, "in", file), out = (int) ModelFile.num(m, "out", file);
                Linear l = new Linear(in, out, 0);
                float[] w = new float[in * out];
                t.floats(m.get("weight"), w, "linear weight");
                for (int i = 0; i < in; i++) System.arraycopy(w, i * out, l.w[i], 0, out);
                t.floats(m.get("bias"), l.b, "linear bias");
                return l;
            }
            case "lif": {
                Lif l = new Lif((int) ModelFile.num(m, "n", file), ModelFile.num(m, "beta", file), ModelFile.num(m, "theta", file),
                        reset(m, file), Surrogate.parse(ModelFile.str(m, "surrogate", file)));
                String lb = ModelFile.str(m, "learn_beta", file);
                if (!lb.equals("none")) {
                    l.learnBeta(lb.equals("neuron"));
                    t.floats(m.get("beta_values"), l.betaP, "lif beta");
                }
                return l;
            }
            case "synaptic": {
                Synaptic l = new Synaptic((int) ModelFile.num(m, "n", file), ModelFile.num(m, "alpha", file), ModelFile.num(m, "beta", file),
                        ModelFile.num(m, "theta", file), reset(m, file), Surrogate.parse(ModelFile.str(m, "surrogate", file)));
                String la = m.get("learn_alpha") instanceof String x ? x : "none", lb = m.get("learn_beta") instanceof String x ? x : "none";
                if (!la.equals("none")) {
                    l.learn(true, false, la.equals("neuron"));
                    t.floats(m.get("alpha_values"), l.alphaP, "synaptic alpha");
                }
                if (!lb.equals("none")) {
                    l.learn(false, true, lb.equals("neuron"));
                    t.floats(m.get("beta_values"), l.betaP, "synaptic beta");
                }
                return l;
            }
            case "rlif": {
                int n = (int) ModelFile.num(m, "n", file);
                RecurrentLif l = new RecurrentLif(n, ModelFile.num(m, "beta", file), ModelFile.num(m, "theta", file), reset(m, file),
                        Surrogate.parse(ModelFile.str(m, "surrogate", file)), 0);
                float[] w = new float[n * n];
                t.floats(m.get("recurrent_weight"), w, "rlif recurrent weight");
                for (int i = 0; i < n; i++) System.arraycopy(w, i * n, l.v[i], 0, n);
                return l;
            }
            case "cell": {
                Object params = m.get("params");
                if (!(params instanceof Map<?, ?> pm)) throw new InputException(file + ": cell layer without params");
                Map<String, Object> typed = new LinkedHashMap<>();
                pm.forEach((k, v) -> typed.put(String.valueOf(k), v));
                Cell cell = Cells.create(ModelFile.str(m, "cell", file), typed);
                Surrogate sg = m.get("surrogate") instanceof String spec ? Surrogate.parse(spec) : null;
                return new CellLayer((int) ModelFile.num(m, "n", file), cell, sg);
            }
            case "readout":
                return new LeakyReadout((int) ModelFile.num(m, "n", file), ModelFile.num(m, "beta", file));
            case "conv2d": {
                Conv2d c = new Conv2d(n(m, "in_channels", file), n(m, "in_h", file), n(m, "in_w", file), n(m, "out_channels", file),
                        n(m, "kernel_h", file), n(m, "kernel_w", file), n(m, "stride", file), n(m, "padding", file), n(m, "dilation", file),
                        n(m, "groups", file), m.containsKey("max_pool") ? n(m, "max_pool", file) : 1, 0);
                t.floats(m.get("weight"), c.w, "conv2d weight");
                t.floats(m.get("bias"), c.b, "conv2d bias");
                return c;
            }
            case "dropout":
                return new Dropout(n(m, "n", file), ModelFile.num(m, "p", file), 0);
            case "pool2d": {
                String mode = ModelFile.str(m, "mode", file);
                Pool2d.Mode pm = switch (mode) {
                    case "max" -> Pool2d.Mode.MAX;
                    case "avg" -> Pool2d.Mode.AVG;
                    case "sum" -> Pool2d.Mode.SUM;
                    default -> throw new InputException(file + ": unknown pooling mode '" + mode + "'");
                };
                return new Pool2d(pm, n(m, "channels", file), n(m, "in_h", file), n(m, "in_w", file), n(m, "kernel", file),
                        n(m, "stride", file), Boolean.TRUE.equals(m.get("binary_input")));
            }
            default:
                throw new InputException(file + ": unknown layer type '" + type + "'");
        }
    }

    /**
     * Copies the parameters of a saved network into {@code net}, which must have the same layers.
     *
     * @param net  the network to fill
     * @param m    the saved description (metadata naming the tensors)
     * @param c    the file it was read from
     */
    public static void restore(SgNet net, Map<String, Object> m, ModelFile.Contents c) {
        Path file = c.file();
        SgNet saved = build(m, c, 1);
        try {
            if (saved.layers.size() != net.layers.size() || saved.nIn != net.nIn)
                throw new InputException(file + ": saved network " + arch(saved) + " does not match " + arch(net));
            for (int l = 0; l < net.layers.size(); l++)
                if (!saved.layers.get(l).name().equals(net.layers.get(l).name()))
                    throw new InputException(file + ": saved network " + arch(saved) + " does not match " + arch(net));
            float[][] src = saved.params(), dst = net.params();
            for (int p = 0; p < dst.length; p++) System.arraycopy(src[p], 0, dst[p], 0, dst[p].length);
        } finally {
            saved.close();
        }
    }

    /**
     * Copies a model file's parameters into {@code net}, which must have the same layers (e.g. to continue training).
     *
     * @param net  the network to fill
     * @param file the model file
     * @return the model's provenance
     */
    public static ModelProvenance restore(SgNet net, Path file) {
        ModelFile.Contents c = ModelFile.read(file, FORMAT, VERSION, "sg model");
        restore(net, c.meta(), c);
        return ModelProvenance.fromMap(c.provenance());
    }

    /** "784-linear(784->1000)-lif(...)-..." for messages. */
    static String arch(SgNet net) {
        StringBuilder sb = new StringBuilder().append(net.nIn);
        for (Layer l : net.layers) sb.append(" > ").append(l.name());
        return sb.toString();
    }
}
