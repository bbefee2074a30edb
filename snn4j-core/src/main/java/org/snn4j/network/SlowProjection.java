package org.snn4j.network;

import java.util.Arrays;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;
import org.snn4j.util.IntBuffer;

/**
 * Slow synapses: a projection that acts through the filtered presynaptic spike trains (rates) instead
 * of the individual spikes (Bourdoukan &amp; Denève 2015; Boerlin, Machens &amp; Denève 2013). Each
 * presynaptic neuron j carries a trace
 * <pre>
 *   dr_j/dt = −r_j / τ + o_j(t)          (o_j: its spike train, a sum of delta pulses; r_j in spikes)
 * </pre>
 * and the postsynaptic neuron k receives the current I_k = g Σ_j W_jk r_j (units of the receptor
 * per second), integrated over each step: before the neuron kernels of step t the receptor variable
 * gets {@code + dt·I_k} (dt in s). The weights W (pre × post, {@link DenseWeights}) are live: a learning
 * rule may change them between steps and the next step's current uses the new weights at once (unlike
 * a post-synaptic exponential current, which would keep the history of the old weights).
 *
 * <p>Discretisation, step t (a = 1 − dt/τ by default, the Euler factor that spike-coding networks use,
 * so that with τ = 1/λ the trace equals {@link org.snn4j.model.SpikeCodingModel}'s r exactly; or
 * a = exp(−dt/τ) with {@link Decay#EXACT}):
 * <pre>
 *   beforeStep(t):  receptor_k += g · dt · Σ_j W_jk r_j        (r holds spikes up to step t−1)
 *   afterStep(t):   r_j ← a r_j + o_j(t)
 * </pre>
 * The receptor must be a variable that the post model adds once per step and then clears or
 * overwrites (e.g. {@code i_rec} of {@link org.snn4j.model.SpikeCodingModel}), or a state variable on
 * which a per-step increment is meant (a voltage).
 *
 * <p>It is a {@link StepHook}: add it to the {@link Simulation} that runs the network (it is not part
 * of {@link Network}'s spike-by-spike delivery). Batch-aware: one trace per presynaptic neuron and
 * batch entry, flat batch-major like the neuron state. Cost per step O(batch · pre · post).
 */
public final class SlowProjection implements StepHook {
    /** How the trace decays over one step. */
    public enum Decay {
        /** a = 1 − dt/τ (Euler; the spike-coding networks' discretisation). */
        EULER,
        /** a = exp(−dt/τ). */
        EXACT
    }

    private final String name;
    private final Population.Slice pre, post;
    private final String receptor;
    private final DenseWeights weights;
    private final double tauMs, gain;
    private final Decay decay;
    private final int batch, preCount, postCount, preSize, postSize;
    /** Presynaptic traces r (batch × pre, flat batch-major; spikes). */
    private final double[] trace;
    /** The slow current Σ_j W_jk r_j of the last step (batch × post, before the gain; per second). */
    private final double[] current;
    private double a = Double.NaN, preparedDt = Double.NaN;

    /**
     * @param tauMs time constant τ of the traces (ms), &gt; 0
     * @param gain  factor g on the delivered current (1 for spike-coding networks)
     */
    public SlowProjection(String name, Population.Slice pre, Population.Slice post, String receptor, DenseWeights weights,
                          double tauMs, double gain, Decay decay) {
        if (weights.rows() != pre.count() || weights.cols() != post.count())
            throw new IllegalArgumentException("slow projection " + name + ": weights are " + weights.rows() + "x" + weights.cols()
                    + " but pre has " + pre.count() + " and post " + post.count() + " neurons");
        if (!(tauMs > 0) || Double.isInfinite(tauMs))
            throw new IllegalArgumentException("slow projection " + name + ": time constant must be positive, got " + tauMs + " ms");
        if (!Double.isFinite(gain)) throw new IllegalArgumentException("slow projection " + name + ": gain must be finite");
        if (pre.population().batch() != post.population().batch())
            throw new IllegalArgumentException("slow projection " + name + ": pre and post have different batch sizes");
        if (!post.population().model().variableNames().contains(receptor))
            throw new IllegalArgumentException("slow projection " + name + ": " + post.population().name() + " has no variable '"
                    + receptor + "' (it has " + post.population().model().variableNames() + ")");
        this.name = name;
        this.pre = pre;
        this.post = post;
        this.receptor = receptor;
        this.weights = weights;
        this.tauMs = tauMs;
        this.gain = gain;
        this.decay = decay == null ? Decay.EULER : decay;
        this.batch = pre.population().batch();
        this.preCount = pre.count();
        this.postCount = post.count();
        this.preSize = pre.population().size();
        this.postSize = post.population().size();
        this.trace = new double[batch * preCount];
        this.current = new double[batch * postCount];
    }

    /** Euler decay, gain 1. */
    public SlowProjection(String name, Population.Slice pre, Population.Slice post, String receptor, DenseWeights weights,
                          double tauMs) {
        this(name, pre, post, receptor, weights, tauMs, 1, Decay.EULER);
    }

    public String name() {
        return name;
    }

    public Population.Slice pre() {
        return pre;
    }

    public Population.Slice post() {
        return post;
    }

    public String receptor() {
        return receptor;
    }

    /** The weights W (pre × post), live. */
    public DenseWeights weights() {
        return weights;
    }

    public double tauMs() {
        return tauMs;
    }

    public double gain() {
        return gain;
    }

    /** The presynaptic traces r (flat, batch × pre), live: learning rules read them as presynaptic rates. */
    public double[] trace() {
        return trace;
    }

    /** The slow current Σ_j W_jk r_j delivered in the last step (flat, batch × post; before the gain), live. */
    public double[] current() {
        return current;
    }

    /** Per-step decay factor of the traces for step dt (ms). */
    public double decayFactor(double dtMs) {
        return decay == Decay.EULER ? 1 - dtMs / tauMs : Math.exp(-dtMs / tauMs);
    }

    /** Clears the traces and the last current. */
    public void resetState() {
        Arrays.fill(trace, 0);
        Arrays.fill(current, 0);
    }

    private void prepare(double dtMs) {
        if (dtMs == preparedDt) return;
        a = decayFactor(dtMs);
        if (!(a >= 0))
            throw new IllegalArgumentException("slow projection " + name + ": dt (" + dtMs + " ms) must be <= tau (" + tauMs + " ms)");
        preparedDt = dtMs;
    }

    @Override
    public void beforeStep(Simulation sim, long step) {
        prepare(sim.dt());
        double[] target = post.population().variable(receptor);
        double scale = gain * sim.dt() * 1e-3;
        double[] w = weights.w;
        int pc = postCount, qc = preCount;
        for (int b = 0; b < batch; b++) {
            int cur0 = b * pc, tr0 = b * qc;
            Arrays.fill(current, cur0, cur0 + pc, 0);
            for (int j = 0; j < qc; j++) {
                double rj = trace[tr0 + j];
                if (rj == 0) continue;
                int row = j * pc;
                for (int k = 0; k < pc; k++) current[cur0 + k] += w[row + k] * rj;
            }
            int t0 = b * postSize + post.start();
            for (int k = 0; k < pc; k++) target[t0 + k] += scale * current[cur0 + k];
        }
    }

    @Override
    public void afterStep(Simulation sim, long step) {
        prepare(sim.dt());
        double a = this.a;
        for (int i = 0; i < trace.length; i++) trace[i] *= a;
        IntBuffer s = sim.spikes(pre.population());
        int[] raw = s.raw();
        int start = pre.start();
        for (int k = 0, n = s.size(); k < n; k++) {
            int flat = raw[k];
            int b = batch == 1 ? 0 : flat / preSize;
            int i = flat - b * preSize - start;
            if (i < 0 || i >= preCount) continue;
            trace[b * preCount + i] += 1;
        }
    }

    @Override
    public String toString() {
        return name + " (slow, tau " + tauMs + " ms): " + pre.population().name() + " -> " + post.population().name() + "." + receptor;
    }
}
