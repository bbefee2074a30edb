package org.snn4j.model;

import java.util.Arrays;
import java.util.List;
import org.snn4j.util.Rng;

/**
 * The integrate-and-fire neuron of a spike-coding network (SCN; Boerlin, Machens &amp; Denève 2013,
 * Bourdoukan et al. 2012, Brendel et al. 2020). A network of N such neurons represents a J-dimensional
 * signal x(t) through a linear decoder D (J×N), x̂ = D r, by greedily minimising
 * ‖x − x̂‖² + μ‖r‖² + ν‖r‖₁. Its voltages are
 * <pre>
 *   dV/dt = −λ V + F c(t) − Ω o(t),    c = dx/dt + λ x,    dr/dt = −λ r + o(t)
 *   neuron i spikes when V_i &gt; T_i     (optimum: F = Dᵀ, Ω = DᵀD + μI, T_i = (‖D_i‖² + μ + ν)/2)
 * </pre>
 * where o(t) are the spike trains (sums of delta pulses), λ is in 1/s and V, T are dimensionless.
 * There is no separate reset: a spike of neuron k changes every voltage by −Ω_·k, its own by the
 * self-inhibition −Ω_kk ≈ −2 T_k.
 *
 * <p>This class holds the per-neuron state and the step kernel; the recurrent weights −Ω are an
 * ordinary {@link org.snn4j.network.Projection} (dense) from the population onto itself into the
 * variable {@code i_rec}, and the feed-forward drive F c·dt is written into {@code i_ff} by an input
 * hook ({@code org.snn4j.papers.scn.ScnInput}), so that learning rules change F and Ω as core weights.
 *
 * <p>Discretisation (Euler, as the reference code of Brendel et al.), with a = 1 − λ·dt (dt in s)
 * and step t:
 * <pre>
 *   r_t = a r_{t−1} + o_{t−1}
 *   V_t = a V_{t−1} + i_ff + i_rec + σ_V ξ      (i_ff = dt F c_t set by the input, i_rec = −Ω o_{t−1}
 *                                                 delivered by the projection, then cleared)
 *   spikes o_t from V_t − T − σ_T ξ &gt; 0, by the {@link ScnParams.SpikeRule}, among the neurons
 *   that did not spike in the last {@link ScnParams#refractorySteps} steps
 * </pre>
 * With x_t = a x_{t−1} + dt c_t, F = Dᵀ, Ω = DᵀD + μI and no noise, this keeps the voltage identity
 * V_t = Dᵀ(x_t − D r_t) − μ r_t exactly at every step (from zero initial state).
 *
 * <p>Variables: {@code v} (voltage), {@code i_ff} (feed-forward drive per step, persistent: the input
 * overwrites it), {@code i_rec} (recurrent input, consumed and cleared by the next step), {@code r}
 * (filtered spike trains, in spikes), {@code thresh} (thresholds T_i; set one to +∞ to silence the
 * neuron).
 *
 * <p>With {@link ScnParams.SpikeRule#ONE_PER_STEP} a kernel call must cover whole batch entries (the
 * arg-max is over the population); the simulation's chunks do so when the population has at most
 * {@code Simulation.CHUNK} neurons and batch 1 (or when the chunk size is a multiple of the
 * population size). Otherwise the step fails with a clear message.
 */
public final class SpikeCodingModel extends ArrayStateModel {
    private final ScnParams p;
    /** Voltages V. */
    public final double[] v;
    /** Feed-forward drive added at every step (dt·F c). */
    public final double[] iFf;
    /** Recurrent input from the last step's spikes (−Ω o), cleared when consumed. */
    public final double[] iRec;
    /** Filtered spike trains r (spikes; decays with λ). */
    public final double[] r;
    /** Thresholds T. */
    public final double[] thresh;
    /** 1 where the neuron spiked in the previous step. */
    private final byte[] last;
    /** Steps during which the neuron still cannot spike (refractory countdown). */
    private final int[] ref;
    private double a;

    public SpikeCodingModel(ScnParams params, int size) {
        this(params, size, 1);
    }

    public SpikeCodingModel(ScnParams params, int size, int batch) {
        super(size, batch);
        this.p = params;
        int n = size * batch;
        v = state("v");
        iFf = state("i_ff");
        iRec = state("i_rec");
        r = state("r");
        thresh = state("thresh");
        last = new byte[n];
        ref = new int[n];
        Arrays.fill(thresh, 0.5);
    }

    public ScnParams params() {
        return p;
    }

    /** Sets the threshold of neuron i (all batch entries). */
    public void setThreshold(int i, double t) {
        for (int b = 0; b < batch; b++) thresh[b * size + i] = t;
    }

    /** Silences neuron i (all batch entries): its threshold becomes +∞. */
    public void silence(int i) {
        setThreshold(i, Double.POSITIVE_INFINITY);
    }

    /** Clears voltages, rates, pending inputs and the spike memory (thresholds are kept). */
    public void resetState() {
        Arrays.fill(v, 0);
        Arrays.fill(iFf, 0);
        Arrays.fill(iRec, 0);
        Arrays.fill(r, 0);
        Arrays.fill(last, (byte) 0);
        Arrays.fill(ref, 0);
    }

    /** Decay factor a = 1 − λ·dt of the last {@link #prepare}. */
    public double decay() {
        return a;
    }

    @Override
    public void prepare(double dtMs) {
        a = 1 - p.lambda() * dtMs * 1e-3;
        if (!(a > 0))
            throw new IllegalArgumentException("SCN: lambda*dt must be < 1 (lambda = " + p.lambda() + "/s, dt = " + dtMs + " ms)");
    }

    @Override
    public void step(StepContext ctx) {
        final int from = ctx.from(), to = ctx.to();
        integrate(from, to, ctx.rng());
        if (p.rule() == ScnParams.SpikeRule.ALL_ABOVE) {
            spikeAllAbove(from, to, ctx);
        } else {
            if (from % size != 0 || to % size != 0)
                throw new IllegalStateException("SCN with the one-spike-per-step rule: a kernel call must cover whole populations, got ["
                        + from + ", " + to + ") for size " + size + " (use at most Simulation.CHUNK neurons and batch 1, or the all-above rule)");
            for (int b0 = from; b0 < to; b0 += size) spikeOne(b0, b0 + size, ctx);
        }
    }

    private void integrate(int from, int to, Rng rng) {
        final double a = this.a, sv = p.sigmaV();
        final double[] v = this.v, iFf = this.iFf, iRec = this.iRec, r = this.r;
        final byte[] last = this.last;
        for (int i = from; i < to; i++) {
            r[i] = a * r[i] + last[i];
            v[i] = a * v[i] + iFf[i] + iRec[i];
            iRec[i] = 0;
            last[i] = 0;
        }
        if (p.refractorySteps() > 0) for (int i = from; i < to; i++) if (ref[i] > 0) ref[i]--;
        if (sv > 0) for (int i = from; i < to; i++) v[i] += sv * rng.nextGaussian();
    }

    private void spikeAllAbove(int from, int to, StepContext ctx) {
        final double st = p.sigmaT();
        final Rng rng = ctx.rng();
        for (int i = from; i < to; i++) {
            double m = v[i] - thresh[i];
            if (st > 0) m -= st * rng.nextGaussian();
            if (m > 0 && ref[i] == 0) {
                last[i] = 1;
                if (p.refractorySteps() > 0) ref[i] = p.refractorySteps() + 1;
                ctx.spike(i);
            }
        }
    }

    private void spikeOne(int from, int to, StepContext ctx) {
        final double st = p.sigmaT();
        final Rng rng = ctx.rng();
        double best = Double.NEGATIVE_INFINITY;
        int k = -1;
        for (int i = from; i < to; i++) {
            double m = v[i] - thresh[i];
            if (st > 0) m -= st * rng.nextGaussian();
            if (m > best && ref[i] == 0) {
                best = m;
                k = i;
            }
        }
        if (best > 0) {
            last[k] = 1;
            if (p.refractorySteps() > 0) ref[k] = p.refractorySteps() + 1;
            ctx.spike(k);
        }
    }
}
