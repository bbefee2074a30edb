package org.snn4j.papers.balanced;

import java.util.List;
import org.snn4j.papers.scn.LearningSchedule;
import org.snn4j.network.DenseWeights;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;
import org.snn4j.util.InputException;

/**
 * The slow-connection rule of Bourdoukan &amp; Denève (2015): a current-based Hebbian rule, postsynaptic
 * error-driven input current × presynaptic rate,
 * <pre>
 *   ΔΩ^s_ij = η · g(t) · dt · I^fb_i · r_j          (every step; dt in s)
 * </pre>
 * where I^fb_i = K (F e)_i is the error feedback current that neuron i receives ({@link
 * BalancedInput#feedbackCurrent()}), r_j the slow trace of the presynaptic neuron j ({@link
 * org.snn4j.network.SlowProjection#trace()}) and g(t) the {@link LearningSchedule}. With the error fed
 * back with a large gain, K F e ≈ (Ω^s* − Ω^s) r, so the rule descends ‖(Ω^s* − Ω^s) r‖² and Ω^s
 * converges to Dᵀ(A + λI)D on the subspace the rates visit.
 *
 * <p>Locality: the rule is built from, and reads, only three arrays: the postsynaptic currents, the
 * presynaptic traces and the weight matrix (rows = presynaptic, {@code w[j*N + i]} = Ω^s_ij); it never
 * sees x, x̂, D or A. {@link #reads()} names them for inspection. A non-finite weight stops the run
 * with an {@link InputException} naming the step and the synapse.
 *
 * <p>Timing ({@link #aligned}): the error current of step t is computed from the readout before the
 * spikes of step t−1 reach it, while the presynaptic trace already holds them. Paired as they are, a
 * spike of j meets the error that made j spike (which points along D_j), and the rule picks up a
 * bias ⟨I^fb_i o_j⟩ that does not vanish with dt and grows the slow weights past their optimum
 * scale. Aligned, the rule pairs the current with the trace as it was one step earlier (r_j without
 * the spike of step t−1: the presynaptic neuron's own last spike, a local quantity).
 */
public final class SlowErrorRule implements StepHook {
    private final DenseWeights w;
    private final double[] post, pre;
    private final double eta;
    private final LearningSchedule schedule;
    private final int nPre, nPost;
    private org.snn4j.network.Population alignedPre;
    private final org.snn4j.util.IntBuffer lastSpikes = new org.snn4j.util.IntBuffer(64);
    private long updates;

    /**
     * @param weights     the slow weights (pre × post)
     * @param postCurrent the error-driven input current of each postsynaptic neuron (length post)
     * @param preRate     the presynaptic traces (length pre)
     * @param eta         learning rate η ≥ 0
     */
    public SlowErrorRule(DenseWeights weights, double[] postCurrent, double[] preRate, double eta, LearningSchedule schedule) {
        if (!(eta >= 0) || Double.isInfinite(eta)) throw new IllegalArgumentException("slow learning rate must be finite and >= 0: " + eta);
        if (postCurrent.length != weights.cols() || preRate.length != weights.rows())
            throw new IllegalArgumentException("slow rule: weights are " + weights.rows() + "x" + weights.cols() + ", currents "
                    + postCurrent.length + ", rates " + preRate.length);
        this.w = weights;
        this.post = postCurrent;
        this.pre = preRate;
        this.eta = eta;
        this.schedule = schedule;
        this.nPre = weights.rows();
        this.nPost = weights.cols();
    }

    /** The rule for a balanced network: its slow weights, the input's feedback currents, the slow traces. */
    public static SlowErrorRule of(BalancedNetwork net, BalancedInput input, double eta, LearningSchedule schedule) {
        return new SlowErrorRule(net.slowW, input.feedbackCurrent(), net.slow.trace(), eta, schedule);
    }

    /**
     * Pairs the error current with the presynaptic trace of the same readout time: the trace without the
     * presynaptic spikes of the previous step (see the class comment). {@code pre} is the population
     * whose neurons are the rows of the weights (its spikes are read from the simulation).
     */
    public SlowErrorRule aligned(org.snn4j.network.Population pre) {
        if (pre.size() != nPre) throw new IllegalArgumentException("slow rule: aligned population has " + pre.size() + " neurons, weights " + nPre);
        this.alignedPre = pre;
        return this;
    }

    /** What the rule reads: the postsynaptic error current, the presynaptic rate and the synapse's own weight. */
    public List<String> reads() {
        return List.of("post:error_current", "pre:rate", "synapse:weight");
    }

    public long updates() {
        return updates;
    }

    /** Applies one update with factor η·g·dt (exposed for tests). */
    public void update(double factor, long step) {
        double[] ww = w.w;
        int np = nPost;
        for (int jn = 0; jn < nPre; jn++) {
            double rj = pre[jn];
            if (rj == 0) continue;
            double s = factor * rj;
            int row = jn * np;
            for (int i = 0; i < np; i++) ww[row + i] += s * post[i];
        }
        for (int i = 0; i < np; i++) {
            if (!Double.isFinite(post[i]))
                throw new InputException("slow learning diverged at step " + step + ": error current of neuron " + i + " = " + post[i]);
        }
        if ((++updates & 127) == 0) checkFinite(step);
    }

    /** Stops with an {@link InputException} naming the first non-finite slow weight. */
    public void checkFinite(long step) {
        double[] ww = w.w;
        for (int q = 0; q < ww.length; q++)
            if (!Double.isFinite(ww[q]))
                throw new InputException("slow learning diverged at step " + step + ": Omega_slow[" + (q % nPost) + "][" + (q / nPost) + "] = " + ww[q]);
    }

    @Override
    public void afterRun(Simulation sim) {
        checkFinite(sim.stepCount());
    }

    @Override
    public void afterStep(Simulation sim, long step) {
        double g = eta * schedule.factor(step);
        if (g != 0) {
            double f = g * sim.dt() * 1e-3;
            update(f, step);
            if (alignedPre != null) {   // r_j − o_j(t−1): remove the pairing of each last spike with its own pre-spike error
                double[] ww = w.w;
                int[] raw = lastSpikes.raw();
                for (int s = 0, ns = lastSpikes.size(); s < ns; s++) {
                    int row = raw[s] * nPost;
                    for (int i = 0; i < nPost; i++) ww[row + i] -= f * post[i];
                }
            }
        }
        if (alignedPre != null) {
            org.snn4j.util.IntBuffer now = sim.spikes(alignedPre);
            lastSpikes.clear();
            int[] raw = now.raw();
            for (int s = 0, ns = now.size(); s < ns; s++) lastSpikes.add(raw[s]);
        }
    }
}
