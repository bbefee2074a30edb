package org.snn4j.papers.scn;

import org.snn4j.papers.scn.ScnNetwork;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;
import org.snn4j.util.InputException;
import org.snn4j.util.IntBuffer;

/**
 * The recurrent voltage-based rule of spike-coding networks (Bourdoukan et al. 2012; Brendel et al.
 * 2020): whenever neuron k spikes, its outgoing recurrent weights move towards the (scaled)
 * postsynaptic voltages,
 * <pre>
 *   Ω_·k ← Ω_·k + ε_r (β (V + μ r) − Ω_·k + μ e_k)
 * </pre>
 * with V, r the voltages and filtered rates of the step at which k spiked (before its spike
 * arrives), e_k the k-th unit vector. It minimises the voltage fluctuations and converges to
 * Ω ∝ F Fᵀ + μI. Written on the projection's matrix C = −Ωᵀ rows ({@link ScnNetwork#rec}), as the
 * reference code: C_·k ← C_·k − ε_r (β (V + μ r) + C_·k + μ e_k).
 *
 * <p>A step hook applied in {@code afterStep}. The spike of this step has already been delivered
 * with the old weights (the loop propagates before the hooks run); the new weights act from the
 * next spike on — a difference of order ε_r from the reference code, which delivers with the new
 * ones. {@link #dale} rectifies the weights after each update so that each presynaptic neuron keeps
 * its sign (for E/I networks). A non-finite weight stops the run with an {@link InputException}.
 *
 * <p>The self-weight (the reset) and the overshoot: the voltage V_k of the spiking neuron at its
 * own spike is its threshold T_k plus the overshoot of the spike decision (the decision noise and the
 * one-spike-per-step choice pick the neuron furthest above threshold), so the rule's fixed point for
 * Ω_kk lies above the optimum ‖F_k‖² + μ = 2 T_k − ν. With {@link #resetFromThreshold} the diagonal
 * learns from the neuron's own threshold instead, Ω_kk ← Ω_kk + ε_r (β T_k − Ω_kk) (a quantity of
 * the neuron itself, so the rule stays local), whose fixed point is β T_k: the optimum at β = 2.
 */
public final class RecurrentVoltageRule implements StepHook {
    private final ScnNetwork net;
    private final double epsR, beta, mu;
    private final LearningSchedule schedule;
    /** Rate of the self-weight relative to the rule's ({@link #resetRate}). */
    private double resetScale = 1;
    /** Multiplier of β in the lateral targets ({@link #lateralGain}). */
    private double lateralGain = 1;
    private final int[] dale;
    private final boolean resetFromThreshold;
    private double[] excluded;
    private long updates;

    public RecurrentVoltageRule(ScnNetwork net, double epsR, double beta, double mu, LearningSchedule schedule) {
        this(net, epsR, beta, mu, schedule, null);
    }

    /**
     * @param dale null, or per presynaptic neuron +1 (excitatory: C_·k ≥ 0 off the diagonal kept), −1
     *             (inhibitory: C_·k ≤ 0), 0 (unconstrained); the diagonal (self-reset) is never rectified
     */
    public RecurrentVoltageRule(ScnNetwork net, double epsR, double beta, double mu, LearningSchedule schedule, int[] dale) {
        this(net, epsR, beta, mu, schedule, dale, false);
    }

    /**
     * @param resetFromThreshold the self-weight Ω_kk learns towards β T_k (the neuron's threshold)
     *                           instead of β (V_k + μ r_k) + μ (its voltage at the spike, which includes
     *                           the overshoot above threshold)
     */
    public RecurrentVoltageRule(ScnNetwork net, double epsR, double beta, double mu, LearningSchedule schedule, int[] dale,
                                boolean resetFromThreshold) {
        if (!(epsR >= 0) || Double.isInfinite(epsR)) throw new IllegalArgumentException("recurrent learning rate must be >= 0: " + epsR);
        if (dale != null && dale.length != net.n) throw new IllegalArgumentException("dale signs: need " + net.n + ", got " + dale.length);
        this.net = net;
        this.epsR = epsR;
        this.beta = beta;
        this.mu = mu;
        this.schedule = schedule;
        this.dale = dale == null ? null : dale.clone();
        this.resetFromThreshold = resetFromThreshold;
    }

    /**
     * The self-weight learns from the threshold at {@code scale} times the rule's rate (with
     * {@code resetFromThreshold}; 1 by default): a neuron's reset is a property of the neuron, and
     * learning it faster than the lateral weights keeps a network that starts without a reset, or
     * with a random one, from running away before it has one.
     */
    public RecurrentVoltageRule resetRate(double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) throw new IllegalArgumentException("reset rate scale must be > 0: " + scale);
        this.resetScale = scale;
        return this;
    }

    /**
     * Multiplies β in the lateral targets β (V_i + μ r_i), i ≠ k, by {@code gain} (1 by default: the rule as
     * published); the self-weight's target is unchanged. An experiment on the rule's bias: its lateral fixed
     * point lies below the optimum's scale where λ is small (docs/balanced.md), and a gain above 1 moves it up.
     */
    public RecurrentVoltageRule lateralGain(double gain) {
        if (!(gain > 0) || Double.isInfinite(gain)) throw new IllegalArgumentException("lateral gain must be > 0: " + gain);
        this.lateralGain = gain;
        return this;
    }

    /**
     * The rule reads V − {@code part} instead of V: {@code part} (live, one entry per neuron) is a
     * component of each neuron's own voltage that the neuron knows separately, e.g. the leaky integral
     * of an external teaching current (a separate input compartment), which then does not enter the
     * weights. Null: the whole voltage (the default).
     */
    public RecurrentVoltageRule excluding(double[] part) {
        if (part != null && part.length != net.n) throw new IllegalArgumentException("excluded voltage: need " + net.n + ", got " + part.length);
        this.excluded = part;
        return this;
    }

    /** Whether the self-weight learns from the threshold (see the class comment). */
    public boolean resetFromThreshold() {
        return resetFromThreshold;
    }

    public long updates() {
        return updates;
    }

    /** The sign constraints (null when none). */
    public int[] dale() {
        return dale == null ? null : dale.clone();
    }

    @Override
    public void afterStep(Simulation sim, long step) {
        double eps = epsR * schedule.factor(step);
        if (eps == 0) return;
        IntBuffer spikes = sim.spikes(net.population);
        int[] raw = spikes.raw();
        int n = net.n;
        double[] c = net.rec.w, v = net.model.v, r = net.model.r, thr = net.model.thresh, ex = excluded;
        for (int s = 0, ns = spikes.size(); s < ns; s++) {
            int k = raw[s];
            int base = k * n;
            int sign = dale == null ? 0 : dale[k];
            double self = c[base + k];
            double betaLateral = beta * lateralGain;
            for (int i = 0; i < n; i++) {
                double vi = ex == null ? v[i] : v[i] - ex[i];
                double w = c[base + i] - eps * ((i == k ? beta : betaLateral) * (vi + mu * r[i]) + c[base + i] + (i == k ? mu : 0));
                if (!Double.isFinite(w))
                    throw new InputException("SCN recurrent learning diverged at step " + step + ": Omega[" + i + "][" + k + "] = " + (-w));
                if (i != k && (sign > 0 && w < 0 || sign < 0 && w > 0)) w = 0;
                c[base + i] = w;
            }
            if (resetFromThreshold) c[base + k] = self - Math.min(1, eps * resetScale) * (beta * thr[k] + self);   // replaces the voltage update of the self-weight
            updates++;
        }
    }
}
