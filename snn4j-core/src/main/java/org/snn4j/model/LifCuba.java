package org.snn4j.model;

import java.util.List;

/**
 * Current-based leaky integrate-and-fire neuron with exponentially decaying excitatory and inhibitory
 * synaptic currents and an absolute refractory period (the CUBA neuron of Brette et al. 2007).
 *
 * <p>Equations (V, g_e, g_i, I in mV; t in ms):
 * <pre>
 *   τ_m dV/dt   = (E_l + I − V) + g_e + g_i        (not refractory; V held at V_r while refractory)
 *   τ_e dg_e/dt = −g_e
 *   τ_i dg_i/dt = −g_i
 *   V &gt; V_t (and not refractory)  →  spike, V ← V_r, refractory for t_ref
 * </pre>
 * g_e and g_i are synaptic currents expressed as the voltage they would hold the membrane at (R·I);
 * an incoming spike adds its weight (mV) to them. {@code i_ext} is a constant external drive R·I (mV)
 * per neuron.
 *
 * <p>The linear sub-threshold system is integrated exactly over a step of dt (as Brian2's
 * {@code method='exact'}), with E_x = exp(−dt/τ_x):
 * <pre>
 *   V   ← (E_l + I) + (V − E_l − I)·E_m + g_e·τ_e/(τ_e − τ_m)·(E_e − E_m) + g_i·τ_i/(τ_i − τ_m)·(E_i − E_m)
 *   g_e ← g_e·E_e,  g_i ← g_i·E_i   (also while refractory)
 * </pre>
 * (for τ_x = τ_m the coupling term is its limit g_x·(dt/τ_m)·E_m). After a spike at step s the
 * membrane is frozen at V_r for the next round(t_ref/dt) − 1 steps, so it integrates again from step
 * s + round(t_ref/dt), Brian2's convention.
 *
 * <p>Variables: {@code v}, {@code ge}, {@code gi}, {@code i_ext}.
 *
 * <p>The kernel works in three passes over its range. Pass 1 integrates every neuron, refractory or
 * not: a branch-free, unit-stride loop that the JIT can vectorise. Pass 2 walks the short
 * list of refractory neurons of this range and puts them back at V_r, which is exactly "not
 * integrated" because a refractory neuron sits at V_r since its reset. Pass 3 scans for V &gt; V_t
 * (refractory neurons, at V_r &lt; V_t, cannot match). Measured on this machine's 4000-neuron CUBA
 * network this is 2–3× faster than one loop with a branch per neuron, and faster than
 * jdk.incubator.vector code with masks on JDK 17.
 */
public final class LifCuba extends ArrayStateModel {
    private final LifParams p;
    /** Membrane potential (mV). */
    public final double[] v;
    /** Excitatory synaptic current as a voltage (mV). */
    public final double[] ge;
    /** Inhibitory synaptic current as a voltage (mV). */
    public final double[] gi;
    /** Constant external drive R·I (mV); allocated on first use by {@link #drive()}. */
    private double[] iExt;
    /** Refractory steps left after this one (0: not refractory). */
    private final int[] ref;
    /**
     * Refractory neurons of each kernel range [from, to), kept in refList[from .. from + refCount[from]);
     * rangeEnd[from] remembers the range's end so that a caller using other ranges rebuilds the list.
     * (The simulation always uses the same fixed chunks, so this happens once per run.)
     */
    private final int[] refList, refCount, rangeEnd;
    private double em, ee, ei, ce, ci;
    private int refSteps;

    public LifCuba(LifParams params, int size) {
        this(params, size, 1);
    }

    public LifCuba(LifParams params, int size, int batch) {
        super(size, batch);
        this.p = params;
        int n = size * batch;
        v = state("v");
        ge = state("ge");
        gi = state("gi");
        ref = new int[n];
        refList = new int[n];
        refCount = new int[n];
        rangeEnd = new int[n];
        java.util.Arrays.fill(rangeEnd, -1);
        java.util.Arrays.fill(v, params.eLeak());
    }

    public LifParams params() {
        return p;
    }

    @Override
    public List<String> variableNames() {
        return List.of("v", "ge", "gi", "i_ext");
    }

    @Override
    public double[] variable(String name) {
        return name.equals("i_ext") ? drive() : super.variable(name);
    }

    /**
     * The external drive R·I (mV) per neuron, live, allocated on first use: a network without
     * external drive skips reading it in the integration pass.
     */
    public synchronized double[] drive() {
        if (iExt == null) iExt = new double[size * batch];
        return iExt;
    }

    /** True while neuron i (flat index) is refractory (held at V_r in the following steps). */
    public boolean refractory(int i) {
        return ref[i] > 0;
    }

    /** Coupling coefficient of an exponential current with time constant tauX into the membrane. */
    static double coupling(double tauX, double tauM, double dt) {
        double ex = Math.exp(-dt / tauX), em = Math.exp(-dt / tauM);
        if (Math.abs(tauX - tauM) < 1e-12 * tauM) return dt / tauM * em;
        return tauX / (tauX - tauM) * (ex - em);
    }

    @Override
    public void prepare(double dt) {
        em = Math.exp(-dt / p.tauM());
        ee = Math.exp(-dt / p.tauE());
        ei = Math.exp(-dt / p.tauI());
        ce = coupling(p.tauE(), p.tauM(), dt);
        ci = coupling(p.tauI(), p.tauM(), dt);
        refSteps = (int) Math.round(p.tRef() / dt);
    }

    @Override
    public void step(StepContext ctx) {
        final int from = ctx.from(), to = ctx.to();
        integrate(from, to);
        if (rangeEnd[from] != to) collectRefractory(from, to);
        int count = holdRefractory(from, refCount[from]);
        refCount[from] = threshold(ctx, from, to, count);
    }

    /** First call with this range: collect its refractory neurons (once per run: the chunks are fixed). */
    private void collectRefractory(int from, int to) {
        rangeEnd[from] = to;
        for (int i = from + 1; i < to; i++) rangeEnd[i] = -1;   // lists of sub-ranges are stale now
        int c = 0;
        for (int i = from; i < to; i++) if (ref[i] > 0) refList[from + c++] = i;
        refCount[from] = c;
    }

    /** Pass 2: holds the range's refractory neurons at V_r, drops those whose period ends now; returns the new count. */
    private int holdRefractory(int from, int count) {
        final double vr = p.vReset();
        final double[] v = this.v;
        final int[] ref = this.ref, list = this.refList;
        for (int k = from; k < from + count; ) {
            int j = list[k];
            v[j] = vr;
            if (--ref[j] == 0) list[k] = list[from + --count];
            else k++;
        }
        return count;
    }

    /** Pass 3: threshold; spikes, resets and starts the refractory period; returns the new count. */
    private int threshold(StepContext ctx, int from, int to, int count) {
        final double vt = p.vThresh(), vr = p.vReset();
        final int refAfterSpike = refSteps - 1;
        final double[] v = this.v;
        for (int i = from; i < to; i++) {
            if (v[i] > vt) {
                v[i] = vr;
                ctx.spike(i);
                if (refAfterSpike > 0) {
                    ref[i] = refAfterSpike;
                    refList[from + count++] = i;
                }
            }
        }
        return count;
    }

    /** Pass 1: exact sub-threshold propagation of every neuron in [from, to); branch-free. */
    private void integrate(int from, int to) {
        final double em = this.em, ee = this.ee, ei = this.ei, ce = this.ce, ci = this.ci;
        final double el = p.eLeak(), oneMinusEm = 1 - em;
        final double[] v = this.v, ge = this.ge, gi = this.gi, iExt = this.iExt;
        if (iExt == null) {
            final double rest = el * oneMinusEm;
            for (int i = from; i < to; i++) {
                double gei = ge[i], gii = gi[i];
                v[i] = v[i] * em + rest + gei * ce + gii * ci;
                ge[i] = gei * ee;
                gi[i] = gii * ei;
            }
        } else {
            for (int i = from; i < to; i++) {
                double gei = ge[i], gii = gi[i];
                v[i] = v[i] * em + (el + iExt[i]) * oneMinusEm + gei * ce + gii * ci;
                ge[i] = gei * ee;
                gi[i] = gii * ei;
            }
        }
    }
}
