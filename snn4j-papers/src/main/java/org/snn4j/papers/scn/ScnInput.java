package org.snn4j.papers.scn;

import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;

/**
 * Drives a {@link ScnNetwork} with a signal: before every step it draws the command c_t from the
 * {@link ScnSignal}, advances the represented signal x_t = (1 − λ dt) x_{t−1} + dt c_t (dt in s) and
 * writes the feed-forward drive i_ff = dt · Fᵀ c_t into the neurons (F read live from
 * {@link ScnNetwork#ff}, so a learning rule may change it). {@link #x()} is the signal of the step
 * being (or last) computed; learning rules and readouts use it in {@code afterStep}.
 */
public final class ScnInput implements StepHook {
    private final org.snn4j.network.DenseWeights ff;
    private final org.snn4j.model.SpikeCodingModel model;
    private final double lambda;
    private final int j, n;
    private ScnSignal signal;
    private final double[] c, x;
    private long offset;
    private boolean active = true;

    public ScnInput(ScnNetwork net, ScnSignal signal) {
        this(net.ff, net.model, signal);
    }

    /**
     * Drives {@code model} through feed-forward weights {@code ff} (J×N, {@code ff.w[j*N + k]} = F_kj),
     * e.g. the excitatory population of an E/I network.
     */
    public ScnInput(org.snn4j.network.DenseWeights ff, org.snn4j.model.SpikeCodingModel model, ScnSignal signal) {
        if (ff.cols() != model.size() || model.batch() != 1)
            throw new IllegalArgumentException("SCN input: feed-forward weights have " + ff.cols() + " columns for " + model.size()
                    + " neurons (batch must be 1)");
        this.ff = ff;
        this.model = model;
        this.lambda = model.params().lambda();
        this.j = ff.rows();
        this.n = ff.cols();
        if (signal.dims() != j)
            throw new IllegalArgumentException("SCN input: signal has " + signal.dims() + " dimensions, network " + j);
        this.signal = signal;
        this.c = new double[j];
        this.x = new double[j];
    }

    /** Replaces the signal (from the next step on) and clears x; its steps count from the next step. */
    public void setSignal(ScnSignal s, long nextStep) {
        if (s.dims() != j) throw new IllegalArgumentException("SCN input: signal has " + s.dims() + " dimensions, network " + j);
        this.signal = s;
        this.offset = nextStep;
        java.util.Arrays.fill(x, 0);
    }

    /** Switches the input off (c = 0) or on. */
    public void setActive(boolean on) {
        active = on;
    }

    /** The represented signal x of the current step (live). */
    public double[] x() {
        return x;
    }

    /** The command c of the current step (live). */
    public double[] c() {
        return c;
    }

    @Override
    public void beforeStep(Simulation sim, long step) {
        if (active) signal.next(step - offset, c);
        else java.util.Arrays.fill(c, 0);
        double dtS = sim.dt() * 1e-3, a = 1 - lambda * dtS;
        int jj = j;
        for (int q = 0; q < jj; q++) x[q] = a * x[q] + dtS * c[q];
        double[] f = ff.w, iff = model.iFf;
        for (int k = 0; k < n; k++) iff[k] = 0;
        for (int q = 0; q < jj; q++) {
            double cq = dtS * c[q];
            int base = q * n;
            for (int k = 0; k < n; k++) iff[k] += f[base + k] * cq;
        }
    }
}
