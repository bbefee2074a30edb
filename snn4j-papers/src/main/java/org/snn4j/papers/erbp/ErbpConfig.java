package org.snn4j.papers.erbp;

/**
 * Everything that defines an eRBP network and its training (Neftci et al. 2017, Table 2 and the
 * authors' code; units as in {@link org.snn4j.model.TwoCompartmentParams}).
 *
 * @param inputs       data neurons (784 for 28×28 images)
 * @param hidden       hidden layer sizes (e.g. {200} or {200, 200})
 * @param classes      prediction, label and error neurons per sign (10)
 * @param blankout     true: eRBP× (no noise, blank-out synapses with probability {@code blankP});
 *                     false: eRBP+ (Poisson noise on V, deterministic synapses)
 * @param eta          learning rate η
 * @param gate         boxcar half-width: learning when −gate &lt; I &lt; gate (first hidden layer and output)
 * @param gateDeep     boxcar half-width for hidden layers after the first
 * @param gateMode     {@link ErbpRule.Gate#BOXCAR} (paper) or {@link ErbpRule.Gate#TOWARD}: also learn outside the
 *                     boxcar when the update moves I back toward it
 * @param apply        when the updates reach the weights ({@link ErbpRule.Apply}; paper: at each spike)
 * @param blankP       transmission probability of blank-out synapses (eRBP×)
 * @param wError       weight of error spikes onto the prediction dendrites (±w_E)
 * @param wLabel       weight of label and prediction spikes onto the error neurons (±w_L)
 * @param feedbackScale multiplier of the random feedback G ~ U(±√(7/(classes + n_h))) onto hidden dendrites
 * @param beta         data neuron current per unit of pixel intensity
 * @param gamma        data neuron current offset
 * @param labelCurrent input current of the active label neuron during training
 * @param dtMs         time step (ms)
 * @param trainMs      presentation time per training sample (ms)
 * @param testMs       presentation time per test sample (ms)
 * @param learnDelayMs learning off for this long at the start of each training presentation (ms)
 * @param weightBits   32: full precision; fewer: weights stored on a (weightBits)-bit grid
 * @param stateBits    32: full-precision neuron states; 16: I, V and U of the hidden and prediction
 *                     neurons stored on a 16-bit grid (see {@link org.snn4j.model.TwoCompartmentLif#quantizeStates})
 * @param weightRange  low-precision weights span ±weightRange·√(7/(n_in + n_out)) (the initial range; default 4)
 * @param initScale    multiplier of the initial weight range U(±√(7/(n_in + n_out))) of the hidden layers (paper: 1)
 * @param initScaleOut multiplier of the initial weight range of the prediction layer (paper: 1)
 * @param seed         seed of every random draw
 */
public record ErbpConfig(int inputs, int[] hidden, int classes, boolean blankout, double eta, double gate, double gateDeep,
                         ErbpRule.Gate gateMode, ErbpRule.Apply apply, double blankP, double wError, double wLabel, double feedbackScale, double beta, double gamma,
                         double labelCurrent, double dtMs, double trainMs, double testMs, double learnDelayMs, int weightBits,
                         int stateBits, double weightRange, double initScale, double initScaleOut, long seed) {
    public ErbpConfig {
        java.util.Objects.requireNonNull(gateMode, "gateMode");
        java.util.Objects.requireNonNull(apply, "apply");
        if (apply != ErbpRule.Apply.EVENT && weightBits != 32)
            throw new IllegalArgumentException("low-precision weights round each update as it is made: they need apply = EVENT");
        if (inputs <= 0 || classes <= 0 || hidden.length == 0) throw new IllegalArgumentException("need inputs, hidden layers and classes");
        for (int h : hidden) if (h <= 0) throw new IllegalArgumentException("hidden sizes must be positive");
        if (!(dtMs > 0) || !(trainMs > learnDelayMs) || !(testMs > 0) || !(learnDelayMs >= 0))
            throw new IllegalArgumentException("need dt > 0, train time > learning delay >= 0, test time > 0");
        if (weightBits < 2 || weightBits > 32) throw new IllegalArgumentException("weight bits must be in [2, 32]: " + weightBits);
        if (stateBits != 16 && stateBits != 32) throw new IllegalArgumentException("state bits must be 16 or 32: " + stateBits);
        if (!(weightRange > 0)) throw new IllegalArgumentException("weight range must be positive: " + weightRange);
        if (!(initScale > 0) || !(initScaleOut > 0)) throw new IllegalArgumentException("initial weight scales must be positive");
    }

    /** The paper's settings for 28×28 images, eRBP+ ({@code blankout} false) or eRBP×. */
    public static ErbpConfig paper(int[] hidden, boolean blankout, long seed) {
        return new ErbpConfig(784, hidden, 10, blankout, blankout ? 10e-4 : 6e-4, 1.15, hidden.length > 1 ? 0.6 : 1.15, ErbpRule.Gate.BOXCAR, ErbpRule.Apply.EVENT, 0.45,
                0.09, 0.09, 1.0, 0.5, -0.215, 0.5 - 0.215, 0.1, 250, 250, 50, 32, 32, 4.0, 1.0, 1.0, seed);
    }

    public ErbpConfig withEta(double e) {
        return copy(c -> { c.eta = e; });
    }

    public ErbpConfig withTimes(double dt, double train, double test, double delay) {
        return copy(c -> { c.dtMs = dt; c.trainMs = train; c.testMs = test; c.learnDelayMs = delay; });
    }

    public ErbpConfig withWeightBits(int bits) {
        return copy(c -> { c.weightBits = bits; });
    }

    public ErbpConfig withGates(double g, double gDeep) {
        return copy(c -> { c.gate = g; c.gateDeep = gDeep; });
    }

    /** How the boxcar gates learning ({@link ErbpRule.Gate}). */
    public ErbpConfig withGateMode(ErbpRule.Gate mode) {
        return copy(c -> { c.gateMode = mode; });
    }

    /** When the rule's updates reach the weights ({@link ErbpRule.Apply}). */
    public ErbpConfig withApply(ErbpRule.Apply a) {
        return copy(c -> { c.apply = a; });
    }

    public ErbpConfig withBlankP(double p) {
        return copy(c -> { c.blankP = p; });
    }

    public ErbpConfig withInputs(int n) {
        return copy(c -> { c.inputs = n; });
    }

    public ErbpConfig withStateBits(int bits) {
        return copy(c -> { c.stateBits = bits; });
    }

    /** Initial weight ranges: hidden layers U(±h·√(7/(n_in + n_out))), prediction layer the same with {@code out}. */
    public ErbpConfig withInitScales(double h, double out) {
        return copy(c -> { c.initScale = h; c.initScaleOut = out; });
    }

    /** Range of low-precision weights, in units of the initial limit √(7/(n_in + n_out)). */
    public ErbpConfig withWeightRange(double r) {
        return copy(c -> { c.weightRange = r; });
    }

    /** Data neuron input current I = β·pixel + γ for non-zero pixels (paper: β 0.5, γ −0.215). */
    public ErbpConfig withInputCurrent(double beta, double gamma) {
        return copy(c -> { c.beta = beta; c.gamma = gamma; });
    }

    /** Input current of the active label neuron during training (paper: β + γ = 0.285, about 250 Hz with the 4 ms dead time). */
    public ErbpConfig withLabelCurrent(double current) {
        return copy(c -> { c.labelCurrent = current; });
    }

    /**
     * The error path's weights: ±w_L of label and prediction spikes onto the error neurons (threshold
     * 0.1: with the paper's 0.09 an error neuron fires at about every spike of difference) and ±w_E of
     * error spikes onto the prediction dendrites (paper: both 0.09).
     */
    public ErbpConfig withErrorWeights(double wLabel, double wError) {
        return copy(c -> { c.wLabel = wLabel; c.wError = wError; });
    }

    /** Multiplier of the random feedback weights G onto the hidden dendrites (1: G ~ U(±√(7/(classes + n_h)))). */
    public ErbpConfig withFeedbackScale(double f) {
        return copy(c -> { c.feedbackScale = f; });
    }

    /** A copy of this configuration with the fields that {@code change} sets (validated again by the constructor). */
    private ErbpConfig copy(java.util.function.Consumer<Fields> change) {
        Fields c = new Fields(this);
        change.accept(c);
        return c.build();
    }

    /** The components of a configuration, mutable, for {@link #copy}. */
    private static final class Fields {
        int inputs;
        int[] hidden;
        int classes;
        boolean blankout;
        double eta;
        double gate;
        double gateDeep;
        ErbpRule.Gate gateMode;
        ErbpRule.Apply apply;
        double blankP;
        double wError;
        double wLabel;
        double feedbackScale;
        double beta;
        double gamma;
        double labelCurrent;
        double dtMs;
        double trainMs;
        double testMs;
        double learnDelayMs;
        int weightBits;
        int stateBits;
        double weightRange;
        double initScale;
        double initScaleOut;
        long seed;

        Fields(ErbpConfig r) {
            inputs = r.inputs;
            hidden = r.hidden;
            classes = r.classes;
            blankout = r.blankout;
            eta = r.eta;
            gate = r.gate;
            gateDeep = r.gateDeep;
            gateMode = r.gateMode;
            apply = r.apply;
            blankP = r.blankP;
            wError = r.wError;
            wLabel = r.wLabel;
            feedbackScale = r.feedbackScale;
            beta = r.beta;
            gamma = r.gamma;
            labelCurrent = r.labelCurrent;
            dtMs = r.dtMs;
            trainMs = r.trainMs;
            testMs = r.testMs;
            learnDelayMs = r.learnDelayMs;
            weightBits = r.weightBits;
            stateBits = r.stateBits;
            weightRange = r.weightRange;
            initScale = r.initScale;
            initScaleOut = r.initScaleOut;
            seed = r.seed;
        }

        ErbpConfig build() {
            return new ErbpConfig(inputs, hidden, classes, blankout, eta, gate, gateDeep, gateMode, apply, blankP, wError, wLabel, feedbackScale, beta,
                    gamma, labelCurrent, dtMs, trainMs, testMs, learnDelayMs, weightBits, stateBits, weightRange, initScale,
                    initScaleOut, seed);
        }
    }
}
