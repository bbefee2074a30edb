package org.snn4j.train.exact;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snn4j.model.GateShape;
import org.snn4j.model.QifGate;
import org.snn4j.model.QifGateParams;
import org.snn4j.io.ModelFile;
import org.snn4j.io.ModelProvenance;
import org.snn4j.io.SafeTensors;
import org.snn4j.util.InputException;
import org.snn4j.util.Rng;

/**
 * A recurrent network of {@link org.snn4j.model.QifGate} neurons and its trainable parameters, all
 * in one flat array {@link #w} (so that optimisers, clipping and files see one vector):
 * <pre>
 *   I_k = W s_k + U x_k + I_0        W: n×n at [offW + i·n + j] (from j to i), U: n×nIn at [offU + i·nIn + d],
 *                                    I_0: n at [offI0 + i]
 *   o_k = O s_{k+1}                  O: nOut×n at [offO + o·n + i]
 * </pre>
 * s is in 1/ms (one spike adds a unit of charge ∫ s dt = 1), so a weight w_ij is the current a
 * neuron i receives per unit rate of neuron j (in spikes/ms). Every trial starts from θ = 0, s = 0.
 * After changing {@link #w}, call {@link #sync()} (it refreshes the transposed copy of W used by the
 * forward pass).
 *
 * <p>Step: explicit Euler ({@link QifGate#advance}), or with {@link #semiImplicit} the semi-implicit
 * step that takes θ's relaxation and each neuron's negative self-coupling min(W_ii, 0) implicitly (see
 * {@link QifGate}): what a spike-coding structure with strong inhibition needs to be stable at
 * dt ≈ 1 ms.
 */
public final class QifNet {
    public final int n, nIn, nOut;
    /** Time step (ms). */
    public final double dt;
    /** Neuron model (τ_v, τ_s, gate). */
    public final QifGateParams model;
    public final int offW, offU, offI0, offO;
    /** Whether the step is the semi-implicit one (see {@link QifGate}); false: explicit Euler. */
    public final boolean semiImplicit;
    /** Whether the step is the exact-phase one ({@link QifGate#advanceExactPhase}); excludes {@link #semiImplicit}. */
    public final boolean exactPhase;
    /** All trainable parameters. */
    public final double[] w;
    /**
     * Row-array copies of the matrices for the hot loops (C2 vectorises a loop only when all its
     * arrays are indexed by the same variable, see {@link org.snn4j.math.Blas}): wtRows[j][i] = W_ij
     * (columns of W, the forward pass), wRows[i][j] = W_ij (the adjoint), oRows[o][i] = O_oi.
     */
    final double[][] wtRows, wRows, oRows;

    public QifNet(int n, int nIn, int nOut, double dtMs, QifGateParams model) {
        this(n, nIn, nOut, dtMs, model, false);
    }

    /** @param semiImplicit use the semi-implicit step (see {@link QifGate}) */
    public QifNet(int n, int nIn, int nOut, double dtMs, QifGateParams model, boolean semiImplicit) {
        this(n, nIn, nOut, dtMs, model, semiImplicit, false);
    }

    /**
     * @param semiImplicit use the semi-implicit step (see {@link QifGate})
     * @param exactPhase   use the exact-phase step instead ({@link QifGate#advanceExactPhase}; not with semiImplicit)
     */
    public QifNet(int n, int nIn, int nOut, double dtMs, QifGateParams model, boolean semiImplicit, boolean exactPhase) {
        if (semiImplicit && exactPhase) throw new InputException("the step is either semi-implicit or exact-phase, not both");
        if (n <= 0 || nIn < 0 || nOut <= 0) throw new InputException("network sizes must be positive: n=" + n + " nIn=" + nIn + " nOut=" + nOut);
        if (!(dtMs > 0)) throw new InputException("dt must be positive: " + dtMs);
        this.n = n;
        this.nIn = nIn;
        this.nOut = nOut;
        this.dt = dtMs;
        this.model = model;
        this.semiImplicit = semiImplicit;
        this.exactPhase = exactPhase;
        offW = 0;
        offU = n * n;
        offI0 = offU + n * nIn;
        offO = offI0 + n;
        w = new double[offO + nOut * n];
        wtRows = new double[n][n];
        wRows = new double[n][n];
        oRows = new double[nOut][n];
    }

    /** Number of trainable parameters. */
    public int size() {
        return w.length;
    }

    /** Refreshes derived arrays after {@link #w} changed. */
    public void sync() {
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                double v = w[offW + i * n + j];
                wtRows[j][i] = v;
                wRows[i][j] = v;
            }
        for (int o = 0; o < nOut; o++) System.arraycopy(w, offO + o * n, oRows[o], 0, n);
    }

    /**
     * Random initial parameters: W_ij ~ N(0, (gW/√n)²) with zero diagonal, U ~ N(0, gU²),
     * I_0 ~ N(i0Mean, i0Sd²), O ~ N(0, (gO/√n)²).
     */
    public QifNet randomize(Rng rng, double gW, double gU, double i0Mean, double i0Sd, double gO) {
        double sw = gW / Math.sqrt(n), so = gO / Math.sqrt(n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) w[offW + i * n + j] = i == j ? 0 : sw * rng.nextGaussian();
        for (int k = offU; k < offI0; k++) w[k] = gU * rng.nextGaussian();
        for (int k = offI0; k < offO; k++) w[k] = i0Mean + i0Sd * rng.nextGaussian();
        for (int k = offO; k < w.length; k++) w[k] = so * rng.nextGaussian();
        sync();
        return this;
    }

    /** A per-parameter vector holding one value per tensor (W, U, I_0, O), e.g. learning-rate multipliers. */
    public double[] perTensor(double w, double u, double i0, double o) {
        double[] v = new double[size()];
        java.util.Arrays.fill(v, offW, offU, w);
        java.util.Arrays.fill(v, offU, offI0, u);
        java.util.Arrays.fill(v, offI0, offO, i0);
        java.util.Arrays.fill(v, offO, size(), o);
        return v;
    }

    /** Name and index of a flat parameter position, e.g. "W[3,7]" (for error messages). */
    public String describe(int k) {
        if (k < offU) return "W[" + (k - offW) / n + "," + (k - offW) % n + "]";
        if (k < offI0) return "U[" + (k - offU) / Math.max(1, nIn) + "," + (k - offU) % Math.max(1, nIn) + "]";
        if (k < offO) return "I0[" + (k - offI0) + "]";
        return "O[" + (k - offO) / n + "," + (k - offO) % n + "]";
    }

    /** The value of the model file's "step" entry for {@link #semiImplicit} (the name of files written since 2026-12-07). */
    public static final String STEP_SEMI_IMPLICIT = "semi-implicit-self";
    /** The value of the model file's "step" entry for {@link #exactPhase}. */
    public static final String STEP_EXACT_PHASE = "exact-phase";

    /** The model file format of {@link #save}. */
    public static final String FORMAT = "snn4j-exact-qif";

    /**
     * Saves the network (sizes, neuron model, parameters) with its provenance atomically, in
     * snn4j's model file format ({@link ModelFile}: safetensors, format {@value #FORMAT}, version 2):
     * tensors (F64) {@code W} [n, n], {@code U} [n, n_in], {@code I0} [n], {@code O} [n_out, n].
     *
     * @param file       the target ({@code *.safetensors})
     * @param provenance where the network came from
     * @throws IOException if it cannot be written
     */
    public void save(Path file, ModelProvenance provenance) throws IOException {
        SafeTensors.Builder t = SafeTensors.builder();
        ModelFile.write(file, FORMAT, 2, provenance.toMap(), describe(t), t);
    }

    /** Sizes and neuron model as metadata; the parameters added to {@code t} as W, U, I0, O. */
    Map<String, Object> describe(SafeTensors.Builder t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", (long) n);
        m.put("n_in", (long) nIn);
        m.put("n_out", (long) nOut);
        m.put("dt_ms", dt);
        m.put("tau_v_ms", model.tauV());
        m.put("tau_s_ms", model.tauS());
        m.put("zone_width", model.zoneWidth());
        m.put("gate_shape", model.shape().name().toLowerCase());
        m.put("step", semiImplicit ? STEP_SEMI_IMPLICIT : exactPhase ? STEP_EXACT_PHASE : "explicit");
        t.f64("W", java.util.Arrays.copyOfRange(w, offW, offU), n, n).f64("U", java.util.Arrays.copyOfRange(w, offU, offI0), n, nIn)
                .f64("I0", java.util.Arrays.copyOfRange(w, offI0, offO), n).f64("O", java.util.Arrays.copyOfRange(w, offO, w.length), nOut, n);
        return m;
    }

    /**
     * Loads a network saved by {@link #save} (or a JSON model file of format version 1); its
     * provenance is in {@link #lastLoadedProvenance}.
     *
     * @param file the model file
     * @return the network
     * @throws IOException never in practice (errors are {@link InputException}s)
     */
    public static QifNet load(Path file) throws IOException {
        ModelFile.Contents c = ModelFile.read(file, FORMAT, 2, "exact-qif model");
        QifNet net = build(c.meta(), file);
        net.restore(c);
        net.provenance = ModelProvenance.fromMap(c.provenance());
        return net;
    }

    /** An empty network of the sizes and neuron model that {@link #describe} wrote. */
    static QifNet build(Map<String, Object> m, Path file) {
        try {
            QifGateParams p = new QifGateParams(ModelFile.num(m, "tau_v_ms", file), ModelFile.num(m, "tau_s_ms", file),
                    ModelFile.num(m, "zone_width", file), GateShape.parse(ModelFile.str(m, "gate_shape", file)));
            Object step = m.getOrDefault("step", "explicit");
            if (!"explicit".equals(step) && !STEP_SEMI_IMPLICIT.equals(step) && !STEP_EXACT_PHASE.equals(step))
                throw new InputException(file + ": unknown step \"" + step + "\" (expected explicit, " + STEP_SEMI_IMPLICIT + " or " + STEP_EXACT_PHASE + ")");
            return new QifNet((int) ModelFile.num(m, "n", file), (int) ModelFile.num(m, "n_in", file), (int) ModelFile.num(m, "n_out", file),
                    ModelFile.num(m, "dt_ms", file), p, STEP_SEMI_IMPLICIT.equals(step), STEP_EXACT_PHASE.equals(step));
        } catch (IllegalArgumentException e) {
            throw new InputException(file + ": malformed model file: " + e.getMessage());
        }
    }

    /** Copies W, U, I0, O of a file into {@link #w} (a version-1 JSON file: the flat list "w"), then {@link #sync}. */
    void restore(ModelFile.Contents c) {
        if (c.legacy()) {
            Object l = c.meta().get("w");
            if (!(l instanceof List<?> w) || w.size() != this.w.length)
                throw new InputException(c.file() + ": expected " + this.w.length + " parameters");
            for (int k = 0; k < w.size(); k++) {
                if (!(w.get(k) instanceof Number x)) throw new InputException(c.file() + ": parameter " + k + " is not a number");
                this.w[k] = x.doubleValue();
            }
        } else {
            SafeTensors t = c.tensors();
            String[] names = {"W", "U", "I0", "O"};
            int[] off = {offW, offU, offI0, offO, w.length};
            for (int k = 0; k < 4; k++) {
                double[] part = new double[off[k + 1] - off[k]];
                t.doubles(names[k], part);
                System.arraycopy(part, 0, w, off[k], part.length);
            }
        }
        sync();
    }

    private ModelProvenance provenance;

    /** @return the provenance recorded in the file this network was loaded from (null if not loaded) */
    public ModelProvenance lastLoadedProvenance() {
        return provenance;
    }

    /** A copy with the same parameters and a different neuron model (e.g. for gradients w.r.t. τ). */
    public QifNet withModel(QifGateParams m) {
        QifNet c = new QifNet(n, nIn, nOut, dt, m, semiImplicit, exactPhase);
        System.arraycopy(w, 0, c.w, 0, w.length);
        c.sync();
        return c;
    }
}
