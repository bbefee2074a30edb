package org.snn4j.model;

import java.util.Arrays;
import java.util.List;
import org.snn4j.util.Rng;

/**
 * Stochastic escape-rate neurons driven by an input current, drawn event by event: eRBP's data and
 * label neurons (Neftci et al. 2017, the SRM0 units of the authors' code, without synaptic input).
 *
 * <p>Neuron i fires as a Poisson process with dead time: rate
 * <pre>
 *   ρ_i = ν_0 · exp((I_i − θ)/δ)        (Hz; ν_0 = 100 Hz, θ = 0.1, δ = 0.05 in eRBP)
 * </pre>
 * while not refractory, and is refractory for t_ref (4 ms) after each spike. I_i = −∞ (or any
 * non-finite or very negative value giving ρ = 0) silences the neuron. eRBP's data neurons take
 * I = β·pixel + γ (β = 0.5, γ = −0.215) for non-zero pixels and are silent on zero pixels, which is
 * what {@link #setPixels} does.
 *
 * <p>Event-driven: instead of a random draw per neuron per step, each neuron draws its next spike
 * time once per spike: the step after the refractory period plus ⌊E/dt⌋ with E ~ Exp(ρ_i). Pending
 * spikes sit in a timing wheel of {@value #WHEEL} step buckets (a neuron further ahead waits in its
 * bucket for more turns), so a step touches only the neurons that fire in it: one random draw and
 * one bucket insertion per spike, nothing per silent neuron. Changing the currents (through
 * {@link #setCurrents}/{@link #setPixels}, which mark the neurons for a redraw) is exact because the
 * exponential is memoryless. Draws come from the chunk's stream: deterministic for a seed.
 *
 * <p>Variables: {@code i_in} (read-only through {@link #variable}: set it with {@link #setCurrents}).
 */
public final class EscapeRateSource extends ArrayStateModel {
    private final double nu0Hz, theta, delta, tRef;
    /** Input current per neuron. */
    private final double[] iIn;
    private final long[] next, refEnd;
    private final boolean[] stale;
    /** Timing wheel size in steps (a power of two). */
    public static final int WHEEL = 4096;
    private final int[] link;
    /** Per chunk of {@link org.snn4j.sim.Simulation#CHUNK} flat indices: its wheel, epoch and scratch. */
    private final int[][] heads;
    private final long[] chunkEpoch;
    private final IntBufferLite[] fired;
    private long epoch;
    private double dt;
    private int refSteps;

    /** eRBP's data neurons: ν_0 = 100 Hz, θ = 0.1, δ = 0.05, t_ref = 4 ms. */
    public static EscapeRateSource erbp(int size) {
        return new EscapeRateSource(size, 1, 100, 0.1, 0.05, 4.0);
    }

    public EscapeRateSource(int size, int batch, double nu0Hz, double theta, double delta, double tRefMs) {
        super(size, batch);
        if (!(nu0Hz > 0) || !(delta > 0) || !(tRefMs >= 0) || !Double.isFinite(theta))
            throw new IllegalArgumentException("need nu0 > 0, delta > 0, tRef >= 0: " + nu0Hz + ", " + delta + ", " + tRefMs);
        this.nu0Hz = nu0Hz;
        this.theta = theta;
        this.delta = delta;
        this.tRef = tRefMs;
        int n = size * batch;
        iIn = state("i_in");
        Arrays.fill(iIn, Double.NEGATIVE_INFINITY);
        next = new long[n];
        Arrays.fill(next, Long.MAX_VALUE);
        refEnd = new long[n];
        Arrays.fill(refEnd, Long.MIN_VALUE / 2);
        stale = new boolean[n];
        link = new int[n];
        int chunks = (n + org.snn4j.sim.Simulation.CHUNK - 1) / org.snn4j.sim.Simulation.CHUNK;
        heads = new int[chunks][WHEEL];
        chunkEpoch = new long[chunks];
        Arrays.fill(chunkEpoch, -1);
        fired = new IntBufferLite[chunks];
        for (int c = 0; c < chunks; c++) fired[c] = new IntBufferLite();
    }

    /**
     * Returns to the state of a new source: every neuron silent (I = −∞), no pending spike, no
     * refractory period; the timing wheels are rebuilt at the next step.
     */
    public void resetState() {
        Arrays.fill(iIn, Double.NEGATIVE_INFINITY);
        Arrays.fill(next, Long.MAX_VALUE);
        Arrays.fill(refEnd, Long.MIN_VALUE / 2);
        Arrays.fill(stale, false);
        Arrays.fill(chunkEpoch, -1);
        epoch = 0;
    }

    /** Firing rate (Hz, while not refractory) for input current I. */
    public double rateHz(double current) {
        return current == Double.NEGATIVE_INFINITY ? 0 : nu0Hz * Math.exp((current - theta) / delta);
    }

    /** Mean rate including the dead time, 1/(t_ref + 1/ρ) in Hz (ignoring the step grid). */
    public double meanRateHz(double current) {
        double r = rateHz(current);
        return r == 0 ? 0 : 1.0 / (tRef * 1e-3 + 1.0 / r);
    }

    /** Sets the input currents of the flat indices [offset, offset + currents.length); effective from the next step. */
    public void setCurrents(int offset, double[] currents) {
        for (int k = 0; k < currents.length; k++) {
            iIn[offset + k] = currents[k];
            stale[offset + k] = true;
        }
        epoch++;
    }

    /** Sets one neuron's current. */
    public void setCurrent(int i, double current) {
        iIn[i] = current;
        stale[i] = true;
        epoch++;
    }

    /** Silences every neuron. */
    public void silence() {
        Arrays.fill(iIn, Double.NEGATIVE_INFINITY);
        Arrays.fill(stale, true);
        epoch++;
    }

    /**
     * eRBP's pixel coding for batch entry {@code b}: I = beta·pixel + gamma for pixel &gt; 0, silent for
     * pixel = 0.
     */
    public void setPixels(int b, float[] pixels, double beta, double gamma) {
        int off = b * size;
        for (int k = 0; k < size; k++) {
            float px = pixels[k];
            iIn[off + k] = px > 0 ? beta * px + gamma : Double.NEGATIVE_INFINITY;
            stale[off + k] = true;
        }
        epoch++;
    }

    @Override
    public void prepare(double dtMs) {
        dt = dtMs;
        refSteps = Math.max(1, (int) Math.round(tRef / dtMs));
    }

    private long draw(long earliest, double current, Rng rng) {
        double r = rateHz(current);
        if (!(r > 0)) return Long.MAX_VALUE;
        double waitMs = -Math.log(rng.nextDoubleOpenZero()) / r * 1e3;
        double steps = Math.floor(waitMs / dt);
        return steps > 1e15 ? Long.MAX_VALUE : earliest + (long) steps;
    }

    /** The chunk index of a kernel range (the loop's chunks are multiples of Simulation.CHUNK). */
    private int chunk(int from) {
        if (from % org.snn4j.sim.Simulation.CHUNK != 0)
            throw new IllegalStateException("EscapeRateSource expects ranges starting at multiples of Simulation.CHUNK, got " + from);
        return from / org.snn4j.sim.Simulation.CHUNK;
    }

    private void insert(int[] head, int i) {
        long t = next[i];
        if (t == Long.MAX_VALUE) return;
        int b = (int) (t & (WHEEL - 1));
        link[i] = head[b];
        head[b] = i;
    }

    @Override
    public void step(StepContext ctx) {
        final long s = ctx.step();
        final int from = ctx.from(), to = ctx.to();
        final int c = chunk(from);
        final int[] head = heads[c];
        final long[] next = this.next;
        Rng rng = ctx.rng();
        if (chunkEpoch[c] != epoch) {
            // currents changed: redraw the changed neurons (memoryless) and rebuild this chunk's wheel
            chunkEpoch[c] = epoch;
            Arrays.fill(head, -1);
            for (int i = from; i < to; i++) {
                if (stale[i]) {
                    stale[i] = false;
                    next[i] = draw(Math.max(s, refEnd[i]), iIn[i], rng);
                }
                insert(head, i);
            }
        }
        int b = (int) (s & (WHEEL - 1));
        int i = head[b];
        if (i < 0) return;
        head[b] = -1;
        IntBufferLite fired = this.fired[c];
        fired.clear();
        while (i >= 0) {
            int nxt = link[i];
            if (next[i] <= s) {
                fired.add(i);
            } else {
                link[i] = head[b];
                head[b] = i;
            }
            i = nxt;
        }
        int n = fired.size;
        int[] f = fired.data;
        for (int a = 1; a < n; a++) {  // insertion sort: spikes are reported in ascending order
            int v = f[a], k = a - 1;
            while (k >= 0 && f[k] > v) {
                f[k + 1] = f[k];
                k--;
            }
            f[k + 1] = v;
        }
        for (int k = 0; k < n; k++) {
            int j = f[k];
            ctx.spike(j);
            refEnd[j] = s + refSteps;
            next[j] = draw(refEnd[j], iIn[j], rng);
            insert(head, j);
        }
    }

    /** A minimal growable int array (kernel-local scratch). */
    private static final class IntBufferLite {
        int[] data = new int[64];
        int size;

        void clear() {
            size = 0;
        }

        void add(int v) {
            if (size == data.length) data = Arrays.copyOf(data, 2 * size);
            data[size++] = v;
        }
    }
}
