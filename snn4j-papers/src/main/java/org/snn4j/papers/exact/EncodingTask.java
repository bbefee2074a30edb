package org.snn4j.papers.exact;

import org.snn4j.train.exact.Trainer;
import org.snn4j.train.exact.Trial;

import org.snn4j.papers.scn.ScnSignal;
import org.snn4j.util.Rng;

/**
 * Fast spike-based encoding trials (Huh &amp; Sejnowski 2018 §4.1; the signal of Brendel et al. 2020):
 * a J-dimensional command c(t), white Gaussian noise smoothed by a Gaussian kernel of s.d.
 * {@code sigmaMs} and scaled by {@code amplitude} (1/s), drives the represented signal
 * x_t = (1 − λ dt) x_{t−1} + dt c_t (λ = 1/τ_x, dt in s; the discrete form of τ_x dx/dt = −x + τ_x c,
 * exactly as the spike-coding network's {@link org.snn4j.papers.scn.ScnInput} computes it). The network's
 * input is u = c/λ (in the units of x) and its target is x; the mask skips the first {@code skipMs}
 * (the start from rest). Trials are a pure function of (seed, split, index).
 */
public final class EncodingTask implements Trainer.TrialSource {
    public final long seed;
    public final int split, dims, steps, skipSteps;
    public final double dt, tauXMs, sigmaMs, amplitude;
    /** True: the network's input is the signal x itself; false: the command u = c/λ = x + τ_x dx/dt. */
    public final boolean inputX;

    public EncodingTask(long seed, int split, int dims, double dt, double trialMs, double tauXMs, double sigmaMs, double amplitude,
                        double skipMs) {
        this(seed, split, dims, dt, trialMs, tauXMs, sigmaMs, amplitude, skipMs, false);
    }

    /** @param inputX true: input x (the target itself), false: input c/λ = x + τ_x dx/dt */
    public EncodingTask(long seed, int split, int dims, double dt, double trialMs, double tauXMs, double sigmaMs, double amplitude,
                        double skipMs, boolean inputX) {
        this.inputX = inputX;
        this.seed = seed;
        this.split = split;
        this.dims = dims;
        this.dt = dt;
        this.steps = (int) Math.round(trialMs / dt);
        this.skipSteps = (int) Math.round(skipMs / dt);
        this.tauXMs = tauXMs;
        this.sigmaMs = sigmaMs;
        this.amplitude = amplitude;
    }

    public EncodingTask withSplit(int s) {
        return new EncodingTask(seed, s, dims, dt, steps * dt, tauXMs, sigmaMs, amplitude, skipSteps * dt, inputX);
    }

    /** The same task with the input switched to x (true) or to the command (false). */
    public EncodingTask withInputX(boolean x) {
        return new EncodingTask(seed, split, dims, dt, steps * dt, tauXMs, sigmaMs, amplitude, skipSteps * dt, x);
    }

    /** The command c of trial {@code index}: [k · dims + q] (1/s). */
    public double[] command(long index) {
        ScnSignal sig = ScnSignal.smoothedNoise(dims, amplitude, sigmaMs / dt, steps, Rng.stream(seed, 0x454eL, split, index));
        double[] c = new double[steps * dims], cq = new double[dims];
        for (int k = 0; k < steps; k++) {
            sig.next(k, cq);
            System.arraycopy(cq, 0, c, k * dims, dims);
        }
        return c;
    }

    @Override
    public Trial trial(long index) {
        double[] c = command(index);
        double lambda = 1000 / tauXMs, dtS = dt * 1e-3, a = 1 - lambda * dtS;
        double[] u = new double[c.length], x = new double[c.length], m = new double[c.length], xs = new double[dims];
        for (int k = 0; k < steps; k++)
            for (int q = 0; q < dims; q++) {
                int i = k * dims + q;
                xs[q] = a * xs[q] + dtS * c[i];
                x[i] = xs[q];
                u[i] = inputX ? xs[q] : c[i] / lambda;
                m[i] = k >= skipSteps ? 1 : 0;
            }
        return new Trial(steps, u, x, m, 0);
    }
}
