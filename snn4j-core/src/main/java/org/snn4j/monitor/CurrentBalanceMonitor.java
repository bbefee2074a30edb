package org.snn4j.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.snn4j.network.Population;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;
import org.snn4j.stats.PairedMoments;
import org.snn4j.util.IntBuffer;

/**
 * Excitatory/inhibitory balance of the input currents of n neurons: each step, every input term a
 * neuron receives is sorted by its sign into an excitatory part E or an inhibitory part I, both are
 * low-pass filtered with the neuron's leak ({@code e ← a·e + E}, {@code i ← a·i + I}), and the
 * Pearson correlation of e and −i over time, averaged over neurons, measures how tightly inhibition
 * tracks excitation (Denève &amp; Machens 2016; 1 = perfectly balanced).
 *
 * <p>Inputs are declared once, in the order they are summed (which fixes the floating-point
 * result): {@link #feedforward} and {@link #current} act in the step they are read; {@link #traces}
 * and {@link #spikes} are delivered to the next step (a spike of step s arrives at step s + 1). With
 * {@link #voltage}, the monitor also keeps the mean and variance of each neuron's membrane variable.
 */
public final class CurrentBalanceMonitor implements StepHook {
    /** Where a delivered weight goes. */
    public enum Sign {
        /** by the sign of each term (positive: excitatory) */
        BY_SIGN,
        /** always the excitatory part */
        EXCITATORY,
        /** always the inhibitory part */
        INHIBITORY
    }

    private interface Now {
        /** Adds neuron k's input terms of this step into acc[0] (E) and acc[1] (I). */
        void add(int k, double dtS, double[] acc);
    }

    private interface Next {
        /** Adds this step's deliveries into the pending E and I parts of the next step. */
        void deliver(Simulation sim, double dtS, double[] pendE, double[] pendI);
    }

    private final int n;
    private final DoubleSupplier decay;
    private final List<Now> now = new ArrayList<>();
    private final List<Next> next = new ArrayList<>();
    private final double[] e, i, pendE, pendI;
    private final PairedMoments moments;
    private double[] v, sv, svv;
    private long samples;
    private final double[] acc = new double[2];

    /**
     * @param n     number of neurons
     * @param decay the filter's factor a per step (read every step, e.g. the model's leak e^(−λ·dt))
     */
    public CurrentBalanceMonitor(int n, DoubleSupplier decay) {
        if (n < 1) throw new IllegalArgumentException("the balance monitor needs at least one neuron: " + n);
        this.n = n;
        this.decay = decay;
        e = new double[n];
        i = new double[n];
        pendE = new double[n];
        pendI = new double[n];
        moments = new PairedMoments(n);
    }

    /**
     * Feed-forward drive through a j × n weight matrix: neuron k receives f[q·n + k] · c[q] · dt (dt in s)
     * from each input q, each term sorted by its sign.
     *
     * @param f weights, row-major by input (length j·n)
     * @param j number of inputs
     * @param c the live inputs c (read every step)
     * @return this monitor
     */
    public CurrentBalanceMonitor feedforward(double[] f, int j, Supplier<double[]> c) {
        if (f.length != j * n) throw new IllegalArgumentException("feed-forward weights must be " + j + " x " + n + ", got " + f.length);
        now.add((k, dtS, a) -> {
            double[] cc = c.get();
            for (int q = 0; q < j; q++) {
                double t = f[q * n + k] * cc[q] * dtS;
                if (t > 0) a[0] += t;
                else a[1] += t;
            }
        });
        return this;
    }

    /**
     * A current x[k] per neuron (e.g. a feedback current): the term x[k] · dt (dt in s), sorted by its sign.
     *
     * @param x the live current (read every step)
     * @return this monitor
     */
    public CurrentBalanceMonitor current(Supplier<double[]> x) {
        now.add((k, dtS, a) -> {
            double t = x.get()[k] * dtS;
            if (t > 0) a[0] += t;
            else a[1] += t;
        });
        return this;
    }

    /**
     * Rate-coded recurrent input through an n × n matrix, delivered to the next step: neuron k receives
     * w[src·n + k] · r[src] · dt (dt in s) from every src ≠ k with r[src] ≠ 0, each term sorted by its sign.
     *
     * @param w weights, row-major by source (length n·n)
     * @param r the live traces (read every step)
     * @return this monitor
     */
    public CurrentBalanceMonitor traces(double[] w, Supplier<double[]> r) {
        if (w.length != n * n) throw new IllegalArgumentException("trace weights must be " + n + " x " + n + ", got " + w.length);
        next.add((sim, dtS, pe, pi) -> {
            double[] tr = r.get();
            for (int src = 0; src < n; src++) {
                double x = tr[src];
                if (x == 0) continue;
                int base = src * n;
                for (int k = 0; k < n; k++) {
                    if (k == src) continue;
                    double t = w[base + k] * x * dtS;
                    if (t > 0) pe[k] += t;
                    else pi[k] += t;
                }
            }
        });
        return this;
    }

    /**
     * Spikes of {@code pre} through a weight matrix with n columns, delivered to the next step: a spike of
     * src adds w[src·n + k] to neuron k.
     *
     * @param pre         the presynaptic population
     * @param w           weights, row-major by source (length pre.size()·n)
     * @param excludeSelf skip k = src (when pre is the monitored population and self-input is reset)
     * @param sign        which part the weights go to
     * @return this monitor
     */
    public CurrentBalanceMonitor spikes(Population pre, double[] w, boolean excludeSelf, Sign sign) {
        if (w.length != pre.size() * n)
            throw new IllegalArgumentException("spike weights must be " + pre.size() + " x " + n + ", got " + w.length);
        next.add((sim, dtS, pe, pi) -> {
            IntBuffer sp = sim.spikes(pre);
            int[] raw = sp.raw();
            for (int s = 0; s < sp.size(); s++) {
                int src = raw[s], base = src * n;
                for (int k = 0; k < n; k++) {
                    if (excludeSelf && k == src) continue;
                    double t = w[base + k];
                    if (sign == Sign.EXCITATORY || (sign == Sign.BY_SIGN && t > 0)) pe[k] += t;
                    else pi[k] += t;
                }
            }
        });
        return this;
    }

    /**
     * Also keep the mean and variance over time of each neuron's membrane variable.
     *
     * @param membrane the live membrane variable (length at least n)
     * @return this monitor
     */
    public CurrentBalanceMonitor voltage(double[] membrane) {
        v = membrane;
        sv = new double[n];
        svv = new double[n];
        return this;
    }

    @Override
    public void afterStep(Simulation sim, long step) {
        double a = decay.getAsDouble(), dtS = sim.dt() * 1e-3;
        for (int k = 0; k < n; k++) {
            acc[0] = pendE[k];
            acc[1] = pendI[k];
            for (Now src : now) src.add(k, dtS, acc);
            e[k] = a * e[k] + acc[0];
            i[k] = a * i[k] + acc[1];
            pendE[k] = 0;
            pendI[k] = 0;
            moments.add(k, e[k], -i[k]);
            if (v != null) {
                sv[k] += v[k];
                svv[k] += v[k] * v[k];
            }
        }
        moments.endSample();
        samples++;
        for (Next src : next) src.deliver(sim, dtS, pendE, pendI);
    }

    /** @return the correlation of e and −i averaged over neurons (see {@link PairedMoments#meanCorrelation}) */
    public double correlation() {
        return moments.meanCorrelation();
    }

    /** @return neuron k's filtered excitatory current now */
    public double excitatory(int k) {
        return e[k];
    }

    /** @return neuron k's filtered inhibitory current now (≤ 0 for inhibitory terms) */
    public double inhibitory(int k) {
        return i[k];
    }

    /** @return the variance over time of the membrane variable, averaged over neurons (needs {@link #voltage}) */
    public double voltageVariance() {
        if (v == null) throw new IllegalStateException("voltage moments were not requested (call voltage(...))");
        double sum = 0;
        for (int k = 0; k < n; k++) {
            double m = sv[k] / samples;
            sum += svv[k] / samples - m * m;
        }
        return sum / n;
    }
}
