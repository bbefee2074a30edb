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
 * {@link Exported#notes()} says so. Cells with that reset (a {@code cell} layer of {@link LifCell} or
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
        NirGraph.Builder g = NirGraph.builder().node("input", new NirNode.Input(new int[]{nIn}));
        String prev = "input";
        int n = nIn, k = 0;
        for (Object o : ModelFile.list(meta, "layers", f)) {
            Map<String, Object> m = ModelFile.object(o, f, "layer " + k);
            String type = ModelFile.str(m, "type", f), name = k + "_" + type;
            NirNode node;
            switch (type) {
                case "linear" -> {
                    int in = (int) ModelFile.num(m, "in", f), out = (int) ModelFile.num(m, "out", f);
                    float[] w = floats(c, m.get("weight"), in * out, "layer " + k + " weight"), wt = new float[in * out];
                    for (int i = 0; i < in; i++) for (int j = 0; j < out; j++) wt[j * in + i] = w[i * out + j];   // [in][out] → NIR [out][in]
                    node = new NirNode.Affine(NirTensor.matrix(out, in, wt), NirTensor.vector(floats(c, m.get("bias"), out, "layer " + k + " bias")));
                    n = out;
                }
                case "lif", "rlif" -> {
                    node = lif(n, beta(c, m, "beta", "beta_values", n, f, k), ModelFile.num(m, "theta", f), dt);
                    delayedReset(m, name, notes, f);
                }
                case "synaptic" -> {
                    node = cubaLif(n, beta(c, m, "alpha", "alpha_values", n, f, k), beta(c, m, "beta", "beta_values", n, f, k),
                            ModelFile.num(m, "theta", f), dt);
                    delayedReset(m, name, notes, f);
                }
                case "readout" -> node = li(n, new double[]{ModelFile.num(m, "beta", f)}, dt);
                case "cell" -> {
                    Object params = m.get("params");
                    Cell cell = Cells.create(ModelFile.str(m, "cell", f), ModelFile.object(params, f, "layer " + k + " params"));
                    if (cell instanceof LifCell l) {
                        node = lif(n, new double[]{l.beta()}, l.threshold(), dt);
                        if (l.reset() != Reset.ZERO_IMMEDIATE) notes.add(name + ": " + l.reset().name().toLowerCase() + " reset exported as NIR's reset within the step");
                    } else if (cell instanceof CubaLifCell l) {
                        node = cubaLif(n, new double[]{l.alpha()}, new double[]{l.beta()}, l.threshold(), dt);
                        if (l.reset() != Reset.ZERO_IMMEDIATE) notes.add(name + ": " + l.reset().name().toLowerCase() + " reset exported as NIR's reset within the step");
                    } else if (cell instanceof LeakyIntegratorCell l) node = li(n, new double[]{l.beta()}, dt);
                    else throw new NirException(f.getFileName() + ": layer " + k + " (" + cell.name() + ") has no NIR node type");
                }
                default -> throw new NirException(f.getFileName() + ": layer " + k + " of type '" + type + "' has no NIR node type");
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

    private static NirTensor tensor(int n, double[] perNeuron, java.util.function.DoubleUnaryOperator fn) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) fn.applyAsDouble(perNeuron[perNeuron.length == 1 ? 0 : i]);
        return NirTensor.vector(v);
    }

    private static double tau(double decay, double dt) {
        if (!(decay > 0 && decay < 1)) throw new NirException("a decay of " + decay + " per step has no finite positive time constant");
        return -dt / Math.log(decay);
    }

    static NirNode lif(int n, double[] beta, double theta, double dt) {
        return new NirNode.LIF(tensor(n, beta, b -> tau(b, dt)), tensor(n, beta, b -> 1 / (1 - b)), NirTensor.filled(0f, n),
                NirTensor.filled((float) theta, n), NirTensor.filled(0f, n));
    }

    static NirNode cubaLif(int n, double[] alpha, double[] beta, double theta, double dt) {
        return new NirNode.CubaLIF(tensor(n, alpha, a -> tau(a, dt)), tensor(n, beta, b -> tau(b, dt)), tensor(n, beta, b -> 1 / (1 - b)),
                NirTensor.filled(0f, n), NirTensor.filled((float) theta, n), NirTensor.filled(0f, n), tensor(n, alpha, a -> 1 / (1 - a)));
    }

    static NirNode li(int n, double[] beta, double dt) {
        if (beta.length == 1 && beta[0] == 1.0) return new NirNode.Integrator(NirTensor.filled((float) (1 / dt), n));
        return new NirNode.LI(tensor(n, beta, b -> tau(b, dt)), tensor(n, beta, b -> 1 / (1 - b)), NirTensor.filled(0f, n));
    }
}
