package org.snn4j.train.sg;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snn4j.util.InputException;
import org.snn4j.util.ModelFile;

/**
 * Saves an {@link SgNet} (its layers, their settings and parameters) to a model file with its
 * provenance and loads it back, in snn4j's model file format ({@link ModelFile}: JSON with
 * {@code format}, {@code format_version}, {@code provenance}; tensors as base64 float32). Format
 * {@value #FORMAT}, version 1:
 * <pre>
 *   {"n_in": 784, "binary_input": true, "layers": [
 *      {"type": "linear", "in": 784, "out": 1000, "weight": base64 (row i = input i), "bias": base64},
 *      {"type": "lif", "n": 1000, "beta": 0.95, "theta": 1.0, "reset": "subtract", "surrogate": "fast_sigmoid:25.0",
 *       "learn_beta": "none" | "layer" | "neuron", "beta_values": base64},
 *      {"type": "synaptic", "n", "alpha", "beta", "theta", "reset", "surrogate", "learn_alpha", "alpha_values",
 *       "learn_beta", "beta_values"},
 *      {"type": "rlif", "n", "beta", "theta", "reset", "surrogate", "recurrent_weight": base64},
 *      {"type": "readout", "n", "beta"}, ...]}
 * </pre>
 */
public final class SgModel {
    public static final String FORMAT = "snn4j-sg";

    private SgModel() {
    }

    /** Saves the network with the given provenance (experiment, seed, params, accuracy, ...). */
    public static void save(SgNet net, Path file, Map<String, Object> provenance) throws IOException {
        ModelFile.write(file, FORMAT, 1, provenance, describe(net));
    }

    /** The network's layers and parameters as a model-file body. */
    static Map<String, Object> describe(SgNet net) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n_in", (long) net.nIn);
        m.put("binary_input", net.input.binary);
        List<Object> ls = new ArrayList<>();
        for (Layer l : net.layers) ls.add(layer(l));
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

    private static Map<String, Object> layer(Layer l) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (l instanceof Linear lin) {
            m.put("type", "linear");
            m.put("in", (long) lin.in);
            m.put("out", (long) lin.out);
            float[] w = new float[lin.in * lin.out];
            for (int i = 0; i < lin.in; i++) System.arraycopy(lin.w[i], 0, w, i * lin.out, lin.out);
            m.put("weight", ModelFile.floats(w));
            m.put("bias", ModelFile.floats(lin.b));
        } else if (l instanceof Lif lif) {
            putSpiking(m, "lif", lif);
            m.put("learn_beta", lif.betaP == null ? "none" : lif.betaP.length == 1 ? "layer" : "neuron");
            if (lif.betaP != null) m.put("beta_values", ModelFile.floats(lif.betaP));
        } else if (l instanceof Synaptic syn) {
            putSpiking(m, "synaptic", syn);
            m.put("alpha", (double) syn.alpha);
            m.put("learn_alpha", syn.alphaP == null ? "none" : syn.alphaP.length == 1 ? "layer" : "neuron");
            if (syn.alphaP != null) m.put("alpha_values", ModelFile.floats(syn.alphaP));
            m.put("learn_beta", syn.betaP == null ? "none" : syn.betaP.length == 1 ? "layer" : "neuron");
            if (syn.betaP != null) m.put("beta_values", ModelFile.floats(syn.betaP));
        } else if (l instanceof RecurrentLif r) {
            putSpiking(m, "rlif", r);
            float[] w = new float[r.out * r.out];
            for (int i = 0; i < r.out; i++) System.arraycopy(r.v[i], 0, w, i * r.out, r.out);
            m.put("recurrent_weight", ModelFile.floats(w));
        } else if (l instanceof LeakyReadout ro) {
            m.put("type", "readout");
            m.put("n", (long) ro.out);
            m.put("beta", (double) ro.beta);
        } else {
            throw new InputException("cannot save layer " + l.name());
        }
        return m;
    }

    /** Loads a network saved by {@link #save}, on a team of {@code threads}. */
    public static SgNet load(Path file, int threads) {
        Map<String, Object> m = ModelFile.read(file, FORMAT, 1, "sg model");
        return build(m, file, threads);
    }

    /** The provenance block of a model file. */
    public static Map<String, Object> provenance(Path file) {
        return ModelFile.object(ModelFile.read(file, FORMAT, 1, "sg model").get("provenance"), file, "provenance");
    }

    static SgNet build(Map<String, Object> m, Path file, int threads) {
        int nIn = (int) ModelFile.num(m, "n_in", file);
        boolean binary = Boolean.TRUE.equals(m.get("binary_input"));
        List<Layer> ls = new ArrayList<>();
        try {
            for (Object o : ModelFile.list(m, "layers", file)) ls.add(layer(ModelFile.object(o, file, "a layer"), file));
            return new SgNet(nIn, binary, ls, threads);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new InputException(file + ": malformed sg model: " + e.getMessage());
        }
    }

    private static Lif.Reset reset(Map<String, Object> m, Path file) {
        String r = ModelFile.str(m, "reset", file);
        return switch (r) {
            case "subtract" -> Lif.Reset.SUBTRACT;
            case "zero" -> Lif.Reset.ZERO;
            default -> throw new InputException(file + ": unknown reset '" + r + "'");
        };
    }

    private static Layer layer(Map<String, Object> m, Path file) {
        String type = ModelFile.str(m, "type", file);
        switch (type) {
            case "linear": {
                int in = (int) ModelFile.num(m, "in", file), out = (int) ModelFile.num(m, "out", file);
                Linear l = new Linear(in, out, 0);
                float[] w = new float[in * out];
                ModelFile.floats(m.get("weight"), w, file, "linear weight");
                for (int i = 0; i < in; i++) System.arraycopy(w, i * out, l.w[i], 0, out);
                ModelFile.floats(m.get("bias"), l.b, file, "linear bias");
                return l;
            }
            case "lif": {
                Lif l = new Lif((int) ModelFile.num(m, "n", file), ModelFile.num(m, "beta", file), ModelFile.num(m, "theta", file),
                        reset(m, file), Surrogate.parse(ModelFile.str(m, "surrogate", file)));
                String lb = ModelFile.str(m, "learn_beta", file);
                if (!lb.equals("none")) {
                    l.learnBeta(lb.equals("neuron"));
                    ModelFile.floats(m.get("beta_values"), l.betaP, file, "lif beta");
                }
                return l;
            }
            case "synaptic": {
                Synaptic l = new Synaptic((int) ModelFile.num(m, "n", file), ModelFile.num(m, "alpha", file), ModelFile.num(m, "beta", file),
                        ModelFile.num(m, "theta", file), reset(m, file), Surrogate.parse(ModelFile.str(m, "surrogate", file)));
                String la = m.get("learn_alpha") instanceof String x ? x : "none", lb = m.get("learn_beta") instanceof String x ? x : "none";
                if (!la.equals("none")) {
                    l.learn(true, false, la.equals("neuron"));
                    ModelFile.floats(m.get("alpha_values"), l.alphaP, file, "synaptic alpha");
                }
                if (!lb.equals("none")) {
                    l.learn(false, true, lb.equals("neuron"));
                    ModelFile.floats(m.get("beta_values"), l.betaP, file, "synaptic beta");
                }
                return l;
            }
            case "rlif": {
                int n = (int) ModelFile.num(m, "n", file);
                RecurrentLif l = new RecurrentLif(n, ModelFile.num(m, "beta", file), ModelFile.num(m, "theta", file), reset(m, file),
                        Surrogate.parse(ModelFile.str(m, "surrogate", file)), 0);
                float[] w = new float[n * n];
                ModelFile.floats(m.get("recurrent_weight"), w, file, "rlif recurrent weight");
                for (int i = 0; i < n; i++) System.arraycopy(w, i * n, l.v[i], 0, n);
                return l;
            }
            case "readout":
                return new LeakyReadout((int) ModelFile.num(m, "n", file), ModelFile.num(m, "beta", file));
            default:
                throw new InputException(file + ": unknown layer type '" + type + "'");
        }
    }

    /** Copies the parameters of a saved network into {@code net}, which must have the same layers. */
    public static void restore(SgNet net, Map<String, Object> m, Path file) {
        SgNet saved = build(m, file, 1);
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

    /** "784-linear(784->1000)-lif(...)-..." for messages. */
    static String arch(SgNet net) {
        StringBuilder sb = new StringBuilder().append(net.nIn);
        for (Layer l : net.layers) sb.append(" > ").append(l.name());
        return sb.toString();
    }
}
