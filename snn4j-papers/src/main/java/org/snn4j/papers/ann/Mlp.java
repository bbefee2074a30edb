package org.snn4j.papers.ann;

import org.snn4j.data.Dataset;
import org.snn4j.train.optim.ParamSet;
import org.snn4j.util.Rng;

/**
 * A multi-layer perceptron, the artificial counterpart of a feed-forward spiking network: layers
 * n_0 → n_1 → … → n_L, rectified-linear hidden units, a softmax output and the cross-entropy loss,
 * trained with mini-batch stochastic gradient descent.
 *
 * <p>Forward pass, for l = 1 … L (x_0 = the input):
 * <pre>
 *   a_l = W_lᵀ x_{l−1} + b_l,    x_l = max(0, a_l) (hidden),   p = softmax(a_L) (output)
 *   loss = −log p_y
 * </pre>
 * The output error is e = p − onehot(y) (= ∂loss/∂a_L). Hidden errors δ_l come either from
 * <ul>
 *   <li>{@link Feedback#BP} exact back-propagation: δ_l = (W_{l+1} δ_{l+1}) ⊙ [a_l &gt; 0], or</li>
 *   <li>{@link Feedback#RBP} random back-propagation with direct feedback (the artificial
 *       counterpart of eRBP, whose error neurons project to every hidden layer through fixed random
 *       weights G_l): δ_l = (G_l e) ⊙ [a_l &gt; 0], G_l a fixed n_l × n_L matrix.</li>
 * </ul>
 * With one hidden layer RBP is exactly feedback alignment (Lillicrap et al. 2016). The gradients
 * (summed over a batch) are exposed as a {@link ParamSet} for an optimiser; {@link MlpTrainer} takes
 * plain SGD steps W_l −= η · mean over the batch of x_{l−1} δ_lᵀ, b_l −= η · mean δ_l.
 *
 * <p>Weights are stored input-major (W_l[i · n_l + j] from unit i of layer l−1 to unit j of layer
 * l), initialised U(±√(7/(n_{l−1} + n_l))) as in eRBP's code; biases start at 0. G_l ~
 * U(±√(7/(n_L + n_l))), mean-centred. Everything is deterministic for a seed.
 *
 * <p>{@link Form} replaces the standard units by the artificial counterpart of eRBP's rule
 * ({@link Form#erbp}): every layer, the output included, applies the same activation φ (rectified
 * linear, or the hard sigmoid clip(a, 0, 1) of a neuron whose rate saturates), the loss is
 * ½‖x_L − onehot(y)‖² (the error neurons count prediction minus label spikes), the output error
 * e = x_L − onehot(y) reaches the hidden layers unfiltered, and each layer's derivative φ′ may be
 * replaced by eRBP's boxcar [−b &lt; a_l &lt; b]:
 * <pre>
 *   δ_L = e ⊙ φ′(a_L),    δ_l = (G_l e) ⊙ φ′(a_l)  (RBP)  or  (W_{l+1} δ_{l+1}) ⊙ φ′(a_l)  (BP)
 * </pre>
 */
public final class Mlp {
    /** How the hidden layers get their error. */
    public enum Feedback {
        /** Exact back-propagation through the transposed forward weights. */
        BP,
        /** Random back-propagation: the output error through fixed random matrices, to every hidden layer. */
        RBP
    }

    /** The hidden (and, for a squared-error output, output) activation. */
    public enum Activation {
        /** max(0, a), derivative [a &gt; 0]. */
        RELU,
        /** clip(a, 0, 1): a rate that saturates, derivative [0 &lt; a &lt; 1]. */
        HARD_SIGMOID
    }

    /**
     * The units and the loss.
     *
     * @param activation  hidden activation φ
     * @param squaredError false: softmax output and cross-entropy (the standard MLP); true: φ at the
     *                    output too and the loss ½‖x_L − onehot(y)‖², as eRBP's error neurons measure it
     * @param boxcar      0: each layer's derivative is φ′; b &gt; 0: it is the boxcar [|a| &lt; b]
     *                    instead, as eRBP gates learning by the synaptic current
     */
    public record Form(Activation activation, boolean squaredError, double boxcar) {
        /** Rectified-linear hidden units, softmax and cross-entropy. */
        public static final Form STANDARD = new Form(Activation.RELU, false, 0);

        public Form {
            java.util.Objects.requireNonNull(activation, "activation");
            if (!(boxcar >= 0) || !Double.isFinite(boxcar)) throw new IllegalArgumentException("boxcar half-width must be >= 0: " + boxcar);
        }

        /** eRBP's artificial counterpart: activation φ everywhere, squared error, boxcar of half-width b (0: φ′). */
        public static Form erbp(Activation activation, double boxcar) {
            return new Form(activation, true, boxcar);
        }

        double activate(double a) {
            return activation == Activation.RELU ? Math.max(0, a) : Math.min(1, Math.max(0, a));
        }

        /** The derivative used for learning at pre-activation a: the boxcar when set, else φ′. */
        double slope(double a) {
            if (boxcar > 0) return Math.abs(a) < boxcar ? 1 : 0;
            return a > 0 && (activation == Activation.RELU || a < 1) ? 1 : 0;
        }
    }

    final int[] sizes;
    final int layers;
    final Form form;
    /** Weights per layer l = 1..L at index l−1, input-major. */
    final double[][] w;
    final double[][] b;
    /** Random feedback G_l (n_l × n_L, row-major) for hidden layers l = 1..L−1 at index l−1. */
    final double[][] g;
    // work arrays
    private final double[][] act, pre, delta, gw, gb;
    /** The output error e = x_L − onehot(y) (or p − onehot(y)) that RBP feeds back. */
    private final double[] outError;
    private ParamSet params;

    /** A standard MLP ({@link Form#STANDARD}). */
    public Mlp(int[] sizes, long seed) {
        this(sizes, seed, Form.STANDARD);
    }

    /** An MLP of the given form; the initial weights depend only on the sizes and the seed. */
    public Mlp(int[] sizes, long seed, Form form) {
        this.form = java.util.Objects.requireNonNull(form, "form");
        if (sizes.length < 2) throw new IllegalArgumentException("an MLP needs at least an input and an output layer");
        for (int s : sizes) if (s <= 0) throw new IllegalArgumentException("layer sizes must be positive");
        this.sizes = sizes.clone();
        layers = sizes.length - 1;
        w = new double[layers][];
        b = new double[layers][];
        g = new double[layers - 1][];
        gw = new double[layers][];
        gb = new double[layers][];
        act = new double[layers + 1][];
        pre = new double[layers + 1][];
        delta = new double[layers + 1][];
        int nOut = sizes[layers];
        for (int l = 0; l < layers; l++) {
            int in = sizes[l], out = sizes[l + 1];
            w[l] = new double[in * out];
            b[l] = new double[out];
            gw[l] = new double[in * out];
            gb[l] = new double[out];
            Rng r = Rng.stream(seed, 0xA11, l);
            double lim = Math.sqrt(7.0 / (in + out));
            for (int k = 0; k < w[l].length; k++) w[l][k] = r.uniform(-lim, lim);
        }
        for (int l = 0; l < layers - 1; l++) g[l] = randomFeedback(sizes[l + 1], nOut, Rng.stream(seed, 0xFEED, l));
        for (int l = 0; l <= layers; l++) {
            act[l] = new double[sizes[l]];
            pre[l] = new double[sizes[l]];
            delta[l] = new double[sizes[l]];
        }
        outError = new double[nOut];
    }

    /** A fixed random feedback matrix n_h × n_out, U(±√(7/(n_out + n_h))), mean-centred. */
    public static double[] randomFeedback(int nHidden, int nOut, Rng r) {
        double lim = Math.sqrt(7.0 / (nOut + nHidden));
        double[] m = new double[nHidden * nOut];
        double mean = 0;
        for (int k = 0; k < m.length; k++) mean += m[k] = r.uniform(-lim, lim);
        mean /= m.length;
        for (int k = 0; k < m.length; k++) m[k] -= mean;
        return m;
    }

    public int[] sizes() {
        return sizes.clone();
    }

    /** The weights of layer l (1-based), input-major, live. */
    public double[] weights(int l) {
        return w[l - 1];
    }

    public double[] biases(int l) {
        return b[l - 1];
    }

    /** Multiply-accumulates of one forward pass (the cost of one classification). */
    public long macsPerSample() {
        long m = 0;
        for (int l = 0; l < layers; l++) m += (long) sizes[l] * sizes[l + 1];
        return m;
    }

    /** Forward pass of one input; returns the outputs (a live work array): probabilities, or φ(a_L) for a squared-error form. */
    public double[] forward(double[] x) {
        System.arraycopy(x, 0, act[0], 0, sizes[0]);
        for (int l = 0; l < layers; l++) {
            int in = sizes[l], out = sizes[l + 1];
            double[] z = pre[l + 1], xin = act[l], wl = w[l];
            System.arraycopy(b[l], 0, z, 0, out);
            for (int i = 0; i < in; i++) {
                double xi = xin[i];
                if (xi == 0) continue;
                int base = i * out;
                for (int j = 0; j < out; j++) z[j] += xi * wl[base + j];
            }
            double[] a = act[l + 1];
            if (l < layers - 1 || form.squaredError()) {
                if (form.activation() == Activation.RELU) for (int j = 0; j < out; j++) a[j] = z[j] > 0 ? z[j] : 0;
                else for (int j = 0; j < out; j++) a[j] = form.activate(z[j]);
            } else {
                double mx = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < out; j++) mx = Math.max(mx, z[j]);
                double s = 0;
                for (int j = 0; j < out; j++) s += a[j] = Math.exp(z[j] - mx);
                for (int j = 0; j < out; j++) a[j] /= s;
            }
        }
        return act[layers];
    }

    /** Index of the largest output for input x. */
    public int predict(double[] x) {
        double[] p = forward(x);
        int best = 0;
        for (int j = 1; j < p.length; j++) if (p[j] > p[best]) best = j;
        return best;
    }

    /** The loss of one input: cross-entropy −log p_y, or ½‖x_L − onehot(y)‖² for a squared-error form. */
    public double loss(double[] x, int y) {
        double[] o = forward(x);
        return lossOf(o, y);
    }

    private double lossOf(double[] o, int y) {
        if (!form.squaredError()) return -Math.log(Math.max(o[y], 1e-300));
        double s = 0;
        for (int j = 0; j < o.length; j++) {
            double d = o[j] - (j == y ? 1 : 0);
            s += d * d;
        }
        return 0.5 * s;
    }

    /** Clears the gradient accumulators. */
    void zeroGrad() {
        for (int l = 0; l < layers; l++) {
            java.util.Arrays.fill(gw[l], 0);
            java.util.Arrays.fill(gb[l], 0);
        }
    }

    /** Forward and backward pass of one sample, adding its (pseudo-)gradient into the accumulators; returns the loss. */
    double accumulate(double[] x, int y, Feedback fb) {
        double[] p = forward(x);
        double loss = lossOf(p, y);
        int nOut = sizes[layers];
        double[] e = outError;
        for (int j = 0; j < nOut; j++) e[j] = p[j] - (j == y ? 1 : 0);
        double[] dOut = delta[layers], zOut = pre[layers];
        for (int j = 0; j < nOut; j++) dOut[j] = form.squaredError() ? e[j] * form.slope(zOut[j]) : e[j];
        for (int l = layers; l >= 1; l--) {
            // gradient of layer l's weights: x_{l-1} δ_lᵀ
            int in = sizes[l - 1], out = sizes[l];
            double[] d = delta[l], xin = act[l - 1], gwl = gw[l - 1], gbl = gb[l - 1];
            for (int j = 0; j < out; j++) gbl[j] += d[j];
            for (int i = 0; i < in; i++) {
                double xi = xin[i];
                if (xi == 0) continue;
                int base = i * out;
                for (int j = 0; j < out; j++) gwl[base + j] += xi * d[j];
            }
            if (l == 1) break;
            // δ_{l-1}
            double[] dp = delta[l - 1], zp = pre[l - 1];
            if (fb == Feedback.BP) {
                double[] wl = w[l - 1];
                for (int i = 0; i < in; i++) {
                    if (form.slope(zp[i]) == 0) {
                        dp[i] = 0;
                        continue;
                    }
                    double s = 0;
                    int base = i * out;
                    for (int j = 0; j < out; j++) s += wl[base + j] * d[j];
                    dp[i] = s;
                }
            } else {
                double[] gl = g[l - 2];
                for (int i = 0; i < in; i++) {
                    if (form.slope(zp[i]) == 0) {
                        dp[i] = 0;
                        continue;
                    }
                    double s = 0;
                    int base = i * nOut;
                    for (int j = 0; j < nOut; j++) s += gl[base + j] * e[j];
                    dp[i] = s;
                }
            }
        }
        return loss;
    }

    /**
     * The weights and biases with their accumulated (summed over the batch) gradients, for an
     * optimiser: "layer{l}.weight" (n_{l−1} × n_l, input-major) and "layer{l}.bias" for l = 1 … L.
     *
     * @return the parameter set (the same object on every call)
     */
    public ParamSet params() {
        if (params == null) {
            ParamSet.Builder pb = ParamSet.builder();
            for (int l = 0; l < layers; l++) {
                pb.add("layer" + (l + 1) + ".weight", w[l], gw[l], sizes[l], sizes[l + 1]);
                pb.add("layer" + (l + 1) + ".bias", b[l], gb[l], sizes[l + 1]);
            }
            params = pb.build();
        }
        return params;
    }

    /** The gradient of the loss of one sample (BP or RBP pseudo-gradient), for tests: [layer][k], weights then biases. */
    public double[][] gradient(double[] x, int y, Feedback fb) {
        zeroGrad();
        accumulate(x, y, fb);
        double[][] r = new double[layers * 2][];
        for (int l = 0; l < layers; l++) {
            r[2 * l] = gw[l].clone();
            r[2 * l + 1] = gb[l].clone();
        }
        return r;
    }

    /** Fraction of the dataset classified correctly. */
    public double accuracy(Dataset d) {
        double[] x = new double[d.dim()];
        int ok = 0;
        for (int k = 0; k < d.size(); k++) {
            d.image(k, x);
            if (predict(x) == d.label(k)) ok++;
        }
        return d.size() == 0 ? 0 : (double) ok / d.size();
    }
}
