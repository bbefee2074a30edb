package org.snn4j.papers.erbp;

import org.snn4j.model.TwoCompartmentLif;
import org.snn4j.network.BlankoutWeights;
import org.snn4j.network.DenseWeights;
import org.snn4j.network.Projection;
import org.snn4j.network.Weights;
import org.snn4j.math.Parallel;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;
import org.snn4j.util.IntBuffer;
import org.snn4j.util.Rng;

/**
 * The eRBP learning rule (Neftci et al. 2017) on one plastic projection, as a {@link StepHook} of
 * the simulation loop: on each transmitted presynaptic spike j → i,
 * <pre>
 *   w_ij ← w_ij + η · U_i     if b_min &lt; I_i &lt; b_max       (one addition, two comparisons)
 * </pre>
 * where U_i is the postsynaptic dendrite (the error fed back through the random weights G or
 * one-to-one) and I_i the postsynaptic synaptic current (the authors' code gates on I; a boxcar
 * stand-in for the derivative of the activation). With blank-out synapses ({@link BlankoutWeights})
 * only the synapses that transmitted the spike learn.
 *
 * <p>{@link Gate#TOWARD} (not in the paper) also learns outside the boxcar when the update moves I
 * back toward it: below b_min when U_i &gt; 0, above b_max when U_i &lt; 0. The paper's boxcar leaves a
 * neuron that the error has driven out of it with no way back (a correct class pushed below b_min
 * never learns to fire again); this keeps the boxcar's role of stopping updates that would push a
 * neuron further into silence or saturation.
 *
 * <p>{@link Apply} (not in the paper) says when the updates reach the weights. {@link Apply#EVENT}
 * (the paper's) adds each one as its spike arrives. {@link Apply#PRESENTATION} adds the same sum at
 * the end of the presentation ({@link #flush}), so the weights do not change while the network is
 * being read. {@link Apply#RATE} adds, per synapse, η · (gated transmitted spikes) · Ū_i with Ū_i the
 * dendrite's mean over the presentation's learning steps: the update's expectation with the error
 * taken apart from the spike train. Under {@link Apply#EVENT} a presynaptic neuron's spikes drive its
 * targets, their extra spikes lower U, and its own later spikes read that lowered U: a covariance
 * that could act like a weight decay growing with the presynaptic rate; RATE removes it. Neither
 * variant changed the accuracy measurably on Fashion-MNIST (docs/erbp.md); they are diagnostics.
 * {@link Apply#GRADIENT} hands the presentation's summed updates to an optimiser instead (the
 * experiment's {@code optimizer}: Adam on eRBP's error signal).
 *
 * <p>Per step, the rule first computes m_i = η U_i · [b_min &lt; I_i &lt; b_max] for the post slice
 * (the state after this step's delivery), then adds m to the row of each presynaptic spike: one
 * unit-stride pass per spike, no allocation.
 *
 * <p>Low-precision weights ({@link #quantize}): weights are kept on the grid q·Δ, q an integer in
 * [−(2^{bits−1}−1), 2^{bits−1}−1] (emulated 8-bit storage, held in doubles), Δ = w_max/(2^{bits−1}−1);
 * each update is rounded stochastically, w ← Δ·⌊(w + m)/Δ + u⌋ with u ~ U[0, 1) from the rule's own
 * seeded stream, so that updates far below Δ still move the weights in expectation. Deterministic
 * rounding would round them all away.
 */
public final class ErbpRule implements StepHook {
    /** How the boxcar b_min &lt; I &lt; b_max gates the updates. */
    public enum Gate {
        /** The paper's: learn only inside the boxcar. */
        BOXCAR,
        /** Inside the boxcar, and outside it when the update η·U moves I back toward it. */
        TOWARD
    }

    /** When the updates reach the weights. */
    public enum Apply {
        /** The paper's: each update as its presynaptic spike arrives. */
        EVENT,
        /** The same updates, summed per synapse and added at the end of the presentation. */
        PRESENTATION,
        /** η · (gated transmitted spikes) · (mean U over the presentation), at the end of the presentation. */
        RATE,
        /**
         * The updates with η = 1, summed per synapse with their sign reversed into a gradient array
         * ({@link #gradientInto}) for an optimiser to apply after the presentation; the weights are
         * not touched here and η is the optimiser's.
         */
        GRADIENT
    }

    private final Projection projection;
    private final TwoCompartmentLif post;
    private final double[] w;
    private final BlankoutWeights blankout;
    private final int preStart, preCount, postStart, cols;
    private final double bMin, bMax;
    private final boolean toward;
    private double eta;
    private final double[] m;
    private Apply apply = Apply.EVENT;
    /**
     * PRESENTATION: the summed updates per synapse; RATE: the gated transmitted spikes per synapse;
     * GRADIENT: the caller's gradient array (null for EVENT).
     */
    private double[] pending;
    /** RATE: Σ U per post neuron over the learning steps, and their number. */
    private double[] uSum;
    private long uSteps;
    private boolean enabled = true;
    private long updates;
    // gate occupancy: post neurons counted on learning steps with presynaptic spikes, and how many had I below, inside, above the gate
    private long gateCounted, gateBelow, gateOpen;
    // quantisation
    private double delta;
    private double qMax;
    private Rng qRng;
    private long qSeed;
    // the presynaptic spike buffer of the simulation this rule runs in (fetched once: a lookup per step costs)
    private Simulation lastSim;
    private IntBuffer preSpikes;

    /** The rule with the paper's boxcar ({@link Gate#BOXCAR}); parameters as in the full constructor. */
    public ErbpRule(Projection projection, double eta, double bMin, double bMax) {
        this(projection, eta, bMin, bMax, Gate.BOXCAR);
    }

    /**
     * @param projection a projection with {@link DenseWeights} or {@link BlankoutWeights} onto a
     *                   {@link TwoCompartmentLif} population (receptor i_syn), batch 1
     * @param gate       how the boxcar gates the updates
     */
    public ErbpRule(Projection projection, double eta, double bMin, double bMax, Gate gate) {
        if (!(projection.post().population().model() instanceof TwoCompartmentLif tc))
            throw new IllegalArgumentException("eRBP needs two-compartment post neurons, " + projection.name() + " has "
                    + projection.post().population().model().getClass().getSimpleName());
        if (projection.post().population().batch() != 1) throw new IllegalArgumentException("eRBP learns online: batch must be 1");
        if (!(bMin < bMax)) throw new IllegalArgumentException("need b_min < b_max: " + bMin + ", " + bMax);
        this.projection = projection;
        this.post = tc;
        Weights wt = projection.weights();
        if (wt instanceof BlankoutWeights b) {
            blankout = b;
            w = b.dense().w;
        } else if (wt instanceof DenseWeights d) {
            blankout = null;
            w = d.w;
        } else {
            throw new IllegalArgumentException("eRBP needs dense weights on " + projection.name());
        }
        this.preStart = projection.pre().start();
        this.preCount = projection.pre().count();
        this.postStart = projection.post().start();
        this.cols = projection.post().count();
        this.eta = eta;
        this.bMin = bMin;
        this.bMax = bMax;
        this.toward = gate == Gate.TOWARD;
        m = new double[cols];
    }

    public Projection projection() {
        return projection;
    }

    /** When the updates reach the weights (default {@link Apply#EVENT}); call between presentations. */
    public void setApply(Apply a) {
        java.util.Objects.requireNonNull(a, "apply");
        if (a != Apply.EVENT && delta != 0) throw new IllegalStateException("low-precision weights need apply = EVENT");
        apply = a;
        pending = a == Apply.EVENT || a == Apply.GRADIENT ? null : new double[w.length];
        uSum = a == Apply.RATE ? new double[cols] : null;
        uSteps = 0;
    }

    public Apply apply() {
        return apply;
    }

    /**
     * {@link Apply#GRADIENT}: from now on each gated update U_i of a transmitted spike j → i is
     * subtracted from {@code grad[j·cols + i]} (input-major, as the weights), a loss gradient for an
     * optimiser; the caller applies it and zeros the array between presentations.
     *
     * @param grad an array of the weights' length
     */
    public void gradientInto(double[] grad) {
        if (apply != Apply.GRADIENT) throw new IllegalStateException("gradientInto needs apply = GRADIENT, not " + apply);
        if (grad.length != w.length) throw new IllegalArgumentException("gradient has " + grad.length + " values, the weights " + w.length);
        pending = grad;
    }

    /**
     * Ends a presentation's learning: adds what {@link Apply#PRESENTATION} or {@link Apply#RATE}
     * collected to the weights and starts collecting afresh (nothing to do for {@link Apply#EVENT}).
     */
    public void flush() {
        if (apply == Apply.EVENT || apply == Apply.GRADIENT) return;
        if (apply == Apply.PRESENTATION) {
            for (int k = 0; k < w.length; k++) w[k] += pending[k];
        } else if (uSteps > 0) {
            final double[] gain = m;   // the per-step scratch row is free between steps
            for (int j = 0; j < cols; j++) gain[j] = eta * uSum[j] / uSteps;
            for (int base = 0; base < w.length; base += cols)
                for (int j = 0; j < cols; j++) w[base + j] += pending[base + j] * gain[j];
            java.util.Arrays.fill(uSum, 0);
            uSteps = 0;
        }
        java.util.Arrays.fill(pending, 0);
    }

    /** Sets the learning rate η (for a schedule across epochs). */
    public void setEta(double eta) {
        if (!(eta >= 0) || !Double.isFinite(eta)) throw new IllegalArgumentException("learning rate must be >= 0: " + eta);
        this.eta = eta;
    }

    public double eta() {
        return eta;
    }

    /** Learning on or off (eRBP switches it off for the first 50 ms of each presentation and at test). */
    public void setEnabled(boolean on) {
        enabled = on;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Synaptic updates made so far (transmitted synapses of presynaptic spikes while enabled, gate open or not). */
    public long updates() {
        return updates;
    }

    /**
     * Gate occupancy since the last {@link #resetGateStats}: of the post neurons on every learning
     * step with at least one presynaptic spike (the steps on which this rule can change a weight),
     * the fractions whose synaptic current I was at or below b_min, inside (b_min, b_max) (the
     * gate open: these learn) and at or above b_max; NaN before any such step.
     *
     * @return {below, open, above}
     */
    public double[] gateOccupancy() {
        if (gateCounted == 0) return new double[] {Double.NaN, Double.NaN, Double.NaN};
        double n = gateCounted;
        return new double[] {gateBelow / n, gateOpen / n, (gateCounted - gateBelow - gateOpen) / n};
    }

    /** Starts counting {@link #gateOccupancy} afresh. */
    public void resetGateStats() {
        gateCounted = gateBelow = gateOpen = 0;
    }

    /**
     * Stores the weights in {@code bits} bits from now on: Δ = wMax/(2^{bits−1} − 1), the current
     * weights rounded to the nearest grid value and clipped to ±wMax; updates rounded stochastically.
     */
    public void quantize(int bits, double wMax, long seed) {
        if (apply != Apply.EVENT) throw new IllegalStateException("low-precision weights need apply = EVENT");
        if (bits < 2 || bits > 24) throw new IllegalArgumentException("weight bits must be in [2, 24]: " + bits);
        if (!(wMax > 0)) throw new IllegalArgumentException("wMax must be positive: " + wMax);
        qMax = (1 << (bits - 1)) - 1;
        delta = wMax / qMax;
        qSeed = seed;
        qRng = Rng.stream(seed, 0x0B175, projection.name().hashCode());
        for (int k = 0; k < w.length; k++) w[k] = delta * Math.max(-qMax, Math.min(qMax, Math.rint(w[k] / delta)));
    }

    /**
     * Re-derives the stochastic-rounding stream from (seed, ids) (no effect on full-precision
     * weights), so that what follows does not depend on how many updates were rounded before; no ids:
     * the stream of a freshly quantised rule.
     */
    public void reseed(long... ids) {
        if (qRng == null) return;
        long[] path = new long[2 + ids.length];
        path[0] = 0x0B175;
        path[1] = projection.name().hashCode();
        System.arraycopy(ids, 0, path, 2, ids.length);
        qRng = Rng.stream(qSeed, path);
    }

    /** The quantisation step Δ, or 0 for full-precision weights. */
    public double quantum() {
        return delta;
    }

    @Override
    public void afterStep(Simulation sim, long step) {
        if (!enabled) return;
        if (sim != lastSim) {
            lastSim = sim;
            preSpikes = sim.spikes(projection.pre().population());
        }
        final double[] iSyn = post.iSyn, u = post.u, m = this.m;
        if (apply == Apply.RATE) {
            for (int j = 0; j < cols; j++) uSum[j] += u[postStart + j];
            uSteps++;
        }
        IntBuffer s = preSpikes;
        int n = s.size();
        if (n == 0) return;
        if (apply == Apply.GRADIENT && pending == null) throw new IllegalStateException("apply = GRADIENT: gradientInto first");
        final boolean rate = apply == Apply.RATE;
        // GRADIENT: the update with η = 1 and its sign reversed (a descent direction's negative)
        final double lo = bMin, hi = bMax, eta = apply == Apply.GRADIENT ? -1 : this.eta;
        final boolean toward = this.toward;
        boolean any = false;
        int open = 0, below = 0;
        for (int j = 0; j < cols; j++) {
            double ii = iSyn[postStart + j];
            boolean inside = ii > lo && ii < hi;
            open += inside ? 1 : 0;
            below += ii <= lo ? 1 : 0;
            // the boxcar reads U only inside it (toward is loop-invariant: the JIT keeps the paper's path as it was)
            boolean learn = inside || (toward && (ii <= lo ? u[postStart + j] > 0 : ii >= hi && u[postStart + j] < 0));
            double v = learn ? (rate ? 1 : eta * u[postStart + j]) : 0;
            m[j] = v;
            any |= v != 0;
        }
        gateCounted += cols;
        gateOpen += open;
        gateBelow += below;
        Parallel team = sim.team();
        // full-precision updates split over the team by target columns (each weight is touched by one
        // member, the same additions in the same order); stochastic rounding draws in one order: one thread
        int parts = team == null || delta != 0 ? 1 : Math.min(team.threads(), Math.max(1, cols / MIN_COLUMNS_PER_PART));
        if (parts == 1) {
            updates += update(s.raw(), n, 0, cols, any);
            return;
        }
        if (partUpdates.length < parts) partUpdates = new long[parts];
        stepSpikes = s.raw();
        stepCount = n;
        stepAny = any;
        stepParts = parts;
        team.forEach(parts, partBody);
        for (int k = 0; k < parts; k++) updates += partUpdates[k];
    }

    /** Target columns per member, at least, when the updates are split over the simulation's team. */
    static final int MIN_COLUMNS_PER_PART = 32;
    private long[] partUpdates = new long[0];
    private int[] stepSpikes;
    private int stepCount, stepParts;
    private boolean stepAny;
    /** One member's columns of this step's updates (a field: no allocation per step). */
    private final java.util.function.IntConsumer partBody = this::updatePart;

    private void updatePart(int k) {
        partUpdates[k] = update(stepSpikes, stepCount, (int) ((long) cols * k / stepParts), (int) ((long) cols * (k + 1) / stepParts), stepAny);
    }

    /**
     * The updates of this step's presynaptic spikes {@code raw[0, n)} to target columns [j0, j1);
     * returns the synaptic updates made (transmitted synapses, gate open or not).
     */
    private long update(int[] raw, int n, int j0, int j1, boolean any) {
        final double[] m = this.m;
        final double[] w = apply == Apply.EVENT ? this.w : pending;   // full precision only when not EVENT
        long made = 0;
        for (int k = 0; k < n; k++) {
            int row = raw[k] - preStart;
            if (row < 0 || row >= preCount) continue;
            int base = row * cols;
            if (blankout == null) {
                made += j1 - j0;
                if (!any) continue;
                if (delta == 0) {
                    for (int j = j0; j < j1; j++) w[base + j] += m[j];
                } else {
                    for (int j = j0; j < j1; j++) if (m[j] != 0) w[base + j] = round(w[base + j] + m[j]);
                }
            } else {
                final byte[] tr = blankout.transmittedMask();
                int c = 0;
                if (any && delta == 0) {
                    // one branch-free pass (transmissions are random): count and update, m·0 adds nothing
                    for (int j = j0; j < j1; j++) {
                        int t = tr[base + j];
                        c += t;
                        w[base + j] += t * m[j];
                    }
                    made += c;
                    continue;
                }
                for (int j = j0; j < j1; j++) c += tr[base + j];
                made += c;
                if (!any) continue;
                for (int j = j0; j < j1; j++) {   // low-precision weights: only transmitted synapses with m ≠ 0 draw a rounding
                    if (tr[base + j] == 0 || m[j] == 0) continue;
                    w[base + j] = round(w[base + j] + m[j]);
                }
            }
        }
        return made;
    }

    private double round(double x) {
        double q = Math.floor(x / delta + qRng.nextDouble());
        if (q > qMax) q = qMax;
        else if (q < -qMax) q = -qMax;
        return q * delta;
    }
}
