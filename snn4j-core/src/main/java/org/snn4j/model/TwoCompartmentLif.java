package org.snn4j.model;

import java.util.List;
import org.snn4j.util.Rng;

/**
 * The two-compartment integrate-and-fire neuron of event-driven random back-propagation (eRBP,
 * Neftci et al. 2017): a synaptic current I, a leaky soma V that spikes, and a leaky dendrite U that
 * integrates the error and drives learning but not the soma.
 *
 * <p>Equations (t in ms, I, V, U in the units of {@link TwoCompartmentParams}):
 * <pre>
 *   τ_syn dI/dt = −I                       (a spike of a presynaptic neuron adds its weight to I: variable i_syn)
 *   τ_V   dV/dt = −V + I + I_ext + noise   (V &gt; V_T → spike, V ← 0, held at 0 for t_ref)
 *   τ_U   dU/dt = −U                       (an error spike adds its weight to U: variable u)
 * </pre>
 * noise: Poisson events of rate ν (noiseRateHz) each adding σ (noiseWeight) to V (eRBP+).
 *
 * <p>The linear system is integrated exactly over a step of dt, with E_x = exp(−dt/τ_x):
 * <pre>
 *   V ← V·E_V + I_ext·(1 − E_V) + I·c,   c = τ_syn/(τ_syn − τ_V)·(E_syn − E_V)  (limit (dt/τ_V)·E_V when equal)
 *   I ← I·E_syn,  U ← U·E_U
 * </pre>
 * so that a constant I_ext from V = 0 gives V(t) = I_ext·(1 − e^{−t/τ_V}) at every step, whatever
 * dt. A noise event (probability ν·dt per step, drawn from the chunk's stream) adds σ to V after the
 * integration; each 64-bit draw serves four neurons with 16 bits each, so the probability is
 * quantised to k/65536 (ν·dt = 0.1 → 6554/65536, a relative error of 6·10⁻⁵). Refractory handling is {@link LifCuba}'s: after a spike at step s, V is held at 0 for
 * the next round(t_ref/dt) − 1 steps. I and U keep evolving while refractory.
 *
 * <p>Low-precision states ({@link #quantizeStates}, off by default): I, V and U are kept on grids
 * x = k·Δ_x, k an integer in [−(2^{b−1}−1), 2^{b−1}−1], Δ_x = x_max/(2^{b−1}−1), emulating b-bit
 * fixed-point registers (held in doubles). The states are rounded at the start of each step (after
 * the synaptic and error additions of the previous step's delivery) and again at its end, by
 * truncation toward zero: a decay then always reaches 0, whereas round-to-nearest would freeze a
 * state at the level where one step's decay falls below Δ/2 (a frozen dendrite U would keep
 * driving weight changes). Values beyond ±x_max are clipped.
 *
 * <p>Variables: {@code i_syn}, {@code v}, {@code u}, {@code i_ext}.
 */
public final class TwoCompartmentLif extends ArrayStateModel {
    private final TwoCompartmentParams p;
    /** Synaptic current (the receptor of forward projections). */
    public final double[] iSyn;
    /** Somatic membrane potential. */
    public final double[] v;
    /** Dendritic potential (the receptor of error projections). */
    public final double[] u;
    /** Constant external drive. */
    public final double[] iExt;
    private final int[] ref;
    private double eV, eS, eU, c;
    private int refSteps;
    private long noiseThreshold;
    // state quantisation (0: off)
    private double qI, qV, qU, kMax;

    public TwoCompartmentLif(TwoCompartmentParams params, int size) {
        this(params, size, 1);
    }

    public TwoCompartmentLif(TwoCompartmentParams params, int size, int batch) {
        super(size, batch);
        this.p = params;
        int n = size * batch;
        iSyn = state("i_syn");
        v = state("v");
        u = state("u");
        iExt = state("i_ext");
        ref = new int[n];
    }

    public TwoCompartmentParams params() {
        return p;
    }

    /** Sets every state variable (not i_ext) to 0 and ends refractory periods. */
    public void resetState() {
        java.util.Arrays.fill(iSyn, 0);
        java.util.Arrays.fill(v, 0);
        java.util.Arrays.fill(u, 0);
        java.util.Arrays.fill(ref, 0);
    }

    /**
     * Stores I, V and U on {@code bits}-bit grids from now on (see the class comment):
     * Δ_I = iMax/(2^{bits−1}−1), Δ_V = vMax/(…), Δ_U = uMax/(…).
     */
    public void quantizeStates(int bits, double iMax, double vMax, double uMax) {
        if (bits < 2 || bits > 31) throw new IllegalArgumentException("state bits must be in [2, 31]: " + bits);
        if (!(iMax > 0) || !(vMax > 0) || !(uMax > 0)) throw new IllegalArgumentException("state ranges must be positive");
        kMax = (1L << (bits - 1)) - 1;
        qI = iMax / kMax;
        qV = vMax / kMax;
        qU = uMax / kMax;
    }

    /** The quantisation steps (Δ_I, Δ_V, Δ_U), all 0 when states are full precision. */
    public double[] stateQuanta() {
        return new double[] {qI, qV, qU};
    }

    private void quantizeRange(int from, int to) {
        final double[] v = this.v, iSyn = this.iSyn, u = this.u;
        final double ki = 1 / qI, kv = 1 / qV, ku = 1 / qU, km = kMax;
        for (int i = from; i < to; i++) {
            iSyn[i] = qI * Math.max(-km, Math.min(km, (long) (iSyn[i] * ki)));
            v[i] = qV * Math.max(-km, Math.min(km, (long) (v[i] * kv)));
            u[i] = qU * Math.max(-km, Math.min(km, (long) (u[i] * ku)));
        }
    }

    @Override
    public void prepare(double dt) {
        eV = Math.exp(-dt / p.tauV());
        eS = Math.exp(-dt / p.tauSyn());
        eU = Math.exp(-dt / p.tauU());
        c = LifCuba.coupling(p.tauSyn(), p.tauV(), dt);
        refSteps = (int) Math.round(p.tRef() / dt);
        double prob = p.noiseRateHz() * dt * 1e-3;
        if (prob > 1) throw new IllegalArgumentException("noise rate " + p.noiseRateHz() + " Hz is more than one event per step of " + dt + " ms");
        // an event when a 16-bit lane of a random long is below round(prob·2^16)
        noiseThreshold = Math.round(prob * 65536);
    }

    @Override
    public void step(StepContext ctx) {
        final int from = ctx.from(), to = ctx.to();
        final double eV = this.eV, eS = this.eS, eU = this.eU, c = this.c, oneMinusEV = 1 - eV;
        final double[] v = this.v, iSyn = this.iSyn, u = this.u, iExt = this.iExt;
        if (qI > 0) quantizeRange(from, to);
        for (int i = from; i < to; i++) {
            double ii = iSyn[i];
            v[i] = v[i] * eV + iExt[i] * oneMinusEV + ii * c;
            iSyn[i] = ii * eS;
            u[i] *= eU;
        }
        if (noiseThreshold > 0) {
            Rng rng = ctx.rng();
            final double s = p.noiseWeight();
            final int th = (int) noiseThreshold;
            long bits = 0;
            for (int i = from; i < to; i++) {
                if (((i - from) & 3) == 0) bits = rng.nextLong();
                if ((int) (bits & 0xFFFF) < th) v[i] += s;
                bits >>>= 16;
            }
        }
        final double vt = p.vThresh();
        final int refAfterSpike = refSteps - 1;
        final int[] ref = this.ref;
        for (int i = from; i < to; i++) {
            int r = ref[i];
            if (r > 0) {
                v[i] = 0;
                ref[i] = r - 1;
            } else if (v[i] > vt) {
                v[i] = 0;
                ref[i] = refAfterSpike;
                ctx.spike(i);
            }
        }
        if (qI > 0) quantizeRange(from, to);
    }
}
