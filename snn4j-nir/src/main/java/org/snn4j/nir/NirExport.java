package org.snn4j.nir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snn4j.cell.Cell;
import org.snn4j.cell.Cells;
import org.snn4j.cell.CubaLifCell;
import org.snn4j.cell.LeakyIntegratorCell;
import org.snn4j.cell.LifCell;
import org.snn4j.cell.Reset;
import org.snn4j.io.ModelFile;
import org.snn4j.io.SafeTensors;
import org.snn4j.train.sg.SgModel;

/**
 * snn4j models as NIR graphs. A surrogate-gradient model ({@link SgModel}'s file) becomes a chain
 * {@code input → Affine → neuron → Affine → ... → readout → output}; each per-step layer becomes the
 * continuous-time node whose exact solution over one step of dt reproduces it:
 * <pre>
 *   LIF, v_t = β v + I (threshold θ)          → LIF   τ = −dt/ln β, r = 1/(1 − β), v_leak = 0, v_threshold = θ, v_reset = 0
 *   synaptic, syn_t = α syn + I; v_t = β v + syn → CubaLIF τ_syn = −dt/ln α, τ_mem = −dt/ln β, w_in = 1/(1 − α), r = 1/(1 − β)
 *   readout, v_t = β v + I                    → LI    τ = −dt/ln β, r = 1/(1 − β)        (β = 1: I with r = 1/dt)
 *   recurrent LIF, I_t = W x + V z_{t−1}      → LIF with a Linear(V) edge back into it (a cycle: previous step)
 * </pre>
 * NIR's LIF resets to v_reset within the spike's step ({@link Reset#ZERO_IMMEDIATE}); a layer trained
 * with snnTorch's delayed subtract or zero reset therefore runs slightly differently once exported, and
 * {@link Exported#notes()} says so. Convolutions become Conv2d nodes, average and sum pooling AvgPool2d
 * and SumPool2d, a dense layer after them gets a Flatten node; max-pooling has no NIR node and is refused,
 * dropout is left out (it acts in training only). Cells with that reset (a {@code cell} layer of {@link LifCell} or
 * {@link CubaLifCell} with {@code reset = zero_immediate}) export exactly. Other cells (adaptive
 * thresholds) have no NIR node and are refused with one line.
 */
public final class NirExport {
    private NirExport() {
    }

    /** A graph and what the translation changed. */
    public record Exported(NirGraph graph, List<String> notes) {
    }

    /** The NIR graph of a saved sg model; one model step stands for dt seconds. */
    public static Exported of(Path sgModelFile, double dt) {
        if (!(dt > 0) || Double.isInfinite(dt)) throw new NirException("dt must be a positive number of seconds: " + dt);
        ModelFile.Contents c = ModelFile.read(sgModelFile, SgModel.FORMAT, 2, "sg model");
        Map<String, Object> meta = c.meta();
        Path f = sgModelFile;
        int nIn = (int) ModelFile.num(meta, "n_in", f);
        List<String> notes = new ArrayList<>();
        List<Object> layerList = ModelFile.list(meta, "layers", f);
        int[] inShape = {nIn};   // a convolutional first layer gives the input its (C, H, W) shape
        if (!layerList.isEmpty() && ModelFile.object(layerList.get(0), f, "layer 0").get("type") instanceof String t0 && t0.equals("conv2d")) {
            Map<String, Object> l0 = ModelFile.object(layerList.get(0), f, "layer 0");
            inShape = new int[]{i(l0, "in_channels", f), i(l0, "in_h", f), i(l0, "in_w", f)};
        }
        NirGraph.Builder g = NirGraph.builder().node("input", new NirNode.Input(inShape));
        String prev = "input";
        int n = nIn, k = 0;
        int[] map = null;   // (C, H, W) after a convolution or pooling, until a dense layer flattens it
        for (Object o : layerList) {
            Map<String, Object> m = ModelFile.object(o, f, "layer " + k);
            String type = ModelFile.str(m, "type", f), name = k + "_" + type;
            NirNode node;
            switch (type) {
                case "conv2d" -> {
                    int cin = i(m, "in_channels", f), h = i(m, "in_h", f), w = i(m, "in_w", f), cout = i(m, "out_channels", f),
                            kh = i(m, "kernel_h", f), kw = i(m, "kernel_w", f), st = i(m, "stride", f), pd = i(m, "padding", f),
                            dl = i(m, "dilation", f), gr = i(m, "groups", f);
                    if (m.containsKey("max_pool") && i(m, "max_pool", f) > 1)
                        throw new NirException(f.getFileName() + ": layer " + k + " max-pools inside the convolution; NIR has no max-pooling node "
                                + "(average pooling, e.g. 12c5-ap2-..., exports)");
                    int cig = cin / gr, oh = org.snn4j.math.Conv.outSize(h, kh, st, pd, dl), ow = org.snn4j.math.Conv.outSize(w, kw, st, pd, dl);
                    float[] wt = floats(c, m.get("weight"), cout * cig * kh * kw, "layer " + k + " weight");
                    node = new NirNode.Conv2d(new int[]{h, w}, new NirTensor(new int[]{cout, cig, kh, kw}, wt), new int[]{st, st}, new int[]{pd, pd},
                            new int[]{dl, dl}, gr, NirTensor.vector(floats(c, m.get("bias"), cout, "layer " + k + " bias")));
                    map = new int[]{cout, oh, ow};
                    n = cout * oh * ow;
                }
                case "pool2d" -> {
                    String mode = ModelFile.str(m, "mode", f);
                    int ch = i(m, "channels", f), h = i(m, "in_h", f), w = i(m, "in_w", f), kk = i(m, "kernel", f), st = i(m, "stride", f);
                    if (mode.equals("max")) throw new NirException(f.getFileName() + ": layer " + k + " is a max-pooling; NIR has no max-pooling node");
                    int[] ks = {kk, kk}, ss = {st, st}, pp = {0, 0};
                    node = mode.equals("avg") ? new NirNode.AvgPool2d(ks, ss, pp) : new NirNode.SumPool2d(ks, ss, pp);
                    map = new int[]{ch, (h - kk) / st + 1, (w - kk) / st + 1};
                    n = map[0] * map[1] * map[2];
                }
                case "dropout" -> node = null;   // training only: nothing at inference
                case "linear" -> {
                    int in = (int) ModelFile.num(m, "in", f), out = (int) ModelFile.num(m, "out", f);
                    if (map != null) {   // a dense layer after maps: NIR flattens explicitly
                        g.node(k + "_flatten", new NirNode.Flatten(map, 0, -1)).edge(prev, k + "_flatten");
                        prev = k + "_flatten";
                        map = null;
                    }
                    float[] w = floats(c, m.get("weight"), in * out, "layer " + k + " weight"), wt = new float[in * out];
                    for (int i = 0; i < in; i++) for (int j = 0; j < out; j++) wt[j * in + i] = w[i * out + j];   // [in][out] → NIR [out][in]
                    node = new NirNode.Affine(NirTensor.matrix(out, in, wt), NirTensor.vector(floats(c, m.get("bias"), out, "layer " + k + " bias")));
                    n = out;
                }
                case "lif", "rlif" -> {
                    node = lif(shape(map, n), beta(c, m, "beta", "beta_values", n, f, k), ModelFile.num(m, "theta", f), dt);
                    delayedReset(m, name, notes, f);
                }
                case "synaptic" -> {
                    node = cubaLif(shape(map, n), beta(c, m, "alpha", "alpha_values", n, f, k), beta(c, m, "beta", "beta_values", n, f, k),
                            ModelFile.num(m, "theta", f), dt);
                    delayedReset(m, name, notes, f);
                }
                case "readout" -> node = li(shape(map, n), new double[]{ModelFile.num(m, "beta", f)}, dt);
                case "cell" -> {
                    Object params = m.get("params");
                    Cell cell = Cells.create(ModelFile.str(m, "cell", f), ModelFile.object(params, f, "layer " + k + " params"));
                    if (cell instanceof LifCell l) {
                        node = lif(shape(map, n), new double[]{l.beta()}, l.threshold(), dt);
                        if (l.reset() != Reset.ZERO_IMMEDIATE) notes.add(name + ": " + l.reset().name().toLowerCase() + " reset exported as NIR's reset within the step");
                    } else if (cell instanceof CubaLifCell l) {
                        node = cubaLif(shape(map, n), new double[]{l.alpha()}, new double[]{l.beta()}, l.threshold(), dt);
                        if (l.reset() != Reset.ZERO_IMMEDIATE) notes.add(name + ": " + l.reset().name().toLowerCase() + " reset exported as NIR's reset within the step");
                    } else if (cell instanceof LeakyIntegratorCell l) node = li(shape(map, n), new double[]{l.beta()}, dt);
                    else throw new NirException(f.getFileName() + ": layer " + k + " (" + cell.name() + ") has no NIR node type");
                }
                default -> throw new NirException(f.getFileName() + ": layer " + k + " of type '" + type + "' has no NIR node type");
            }
            if (node == null) {
                k++;
                continue;
            }
            g.node(name, node).edge(prev, name);
            if (type.equals("rlif")) {
                float[] v = floats(c, m.get("recurrent_weight"), n * n, "layer " + k + " recurrent weight"), vt = new float[n * n];
                for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) vt[j * n + i] = v[i * n + j];
                g.node(name + "_recurrent", new NirNode.Linear(NirTensor.matrix(n, n, vt))).edge(name, name + "_recurrent").edge(name + "_recurrent", name);
            }
            prev = name;
            k++;
        }
        g.node("output", new NirNode.Output(new int[]{n})).edge(prev, "output");
        g.metadata("source", "snn4j sg model " + f.getFileName());
        g.metadata("dt", dt);
        return new Exported(g.build().check(), List.copyOf(notes));
    }

    /** The neurons' shape: the map they follow, or a vector. */
    private static int[] shape(int[] map, int n) {
        return map != null ? map : new int[]{n};
    }

    private static int i(Map<String, Object> m, String key, Path f) {
        return (int) ModelFile.num(m, key, f);
    }

    private static void delayedReset(Map<String, Object> m, String name, List<String> notes, Path f) {
        String r = m.get("reset") instanceof String s ? s : "subtract";
        notes.add(name + ": snnTorch's delayed '" + r + "' reset exported as NIR's reset to v_reset within the spike's step");
    }

    private static float[] floats(ModelFile.Contents c, Object ref, int n, String what) {
        float[] a = new float[n];
        c.floats(ref, a, what);
        return a;
    }

    /** The decay(s): one value, or per neuron when the layer learnt them. */
    private static double[] beta(ModelFile.Contents c, Map<String, Object> m, String key, String valuesKey, int n, Path f, int k) {
        Object ref = m.get(valuesKey);
        if (ref == null) return new double[]{ModelFile.num(m, key, f)};
        SafeTensors.Tensor t = c.tensors().tensor(String.valueOf(ref));
        int len = t == null ? 1 : (int) t.size();
        float[] v = floats(c, ref, len, "layer " + k + " " + key);
        double[] d = new double[len];
        for (int i = 0; i < len; i++) d[i] = v[i];
        return d;
    }

    /** Parameters of the neurons of shape s (a map's (C, H, W), or [n]); one value or one per neuron. */
    private static NirTensor tensor(int[] s, double[] perNeuron, java.util.function.DoubleUnaryOperator fn) {
        int n = 1;
        for (int d : s) n *= d;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) fn.applyAsDouble(perNeuron[perNeuron.length == 1 ? 0 : i]);
        return new NirTensor(s.clone(), v);
    }

    private static NirTensor filled(int[] s, double value) {
        return tensor(s, new double[]{value}, x -> x);
    }

    private static double tau(double decay, double dt) {
        if (!(decay > 0 && decay < 1)) throw new NirException("a decay of " + decay + " per step has no finite positive time constant");
        return -dt / Math.log(decay);
    }

    static NirNode lif(int[] n, double[] beta, double theta, double dt) {
        return new NirNode.LIF(tensor(n, beta, b -> tau(b, dt)), tensor(n, beta, b -> 1 / (1 - b)), filled(n, 0), filled(n, theta), filled(n, 0));
    }

    static NirNode cubaLif(int[] n, double[] alpha, double[] beta, double theta, double dt) {
        return new NirNode.CubaLIF(tensor(n, alpha, a -> tau(a, dt)), tensor(n, beta, b -> tau(b, dt)), tensor(n, beta, b -> 1 / (1 - b)),
                filled(n, 0), filled(n, theta), filled(n, 0), tensor(n, alpha, a -> 1 / (1 - a)));
    }

    static NirNode li(int[] n, double[] beta, double dt) {
        if (beta.length == 1 && beta[0] == 1.0) return new NirNode.Integrator(filled(n, 1 / dt));
        return new NirNode.LI(tensor(n, beta, b -> tau(b, dt)), tensor(n, beta, b -> 1 / (1 - b)), filled(n, 0));
    }
}
