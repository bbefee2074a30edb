package org.snn4j.papers.exact;

import org.snn4j.train.exact.Trainer;
import org.snn4j.train.exact.Trial;

import org.snn4j.util.Rng;

/**
 * Delayed-memory XOR trials (after Huh &amp; Sejnowski 2018 and the re-implementation of Salaj et al.
 * 2021). Two input channels: channel 0 carries two Gaussian pulses (σ = {@code pulseSigmaMs},
 * peak ±1) with independent random signs s1, s2 at t1 and t2 = t1 + d1; channel 1 carries the go cue
 * (a positive pulse of the same shape) at t_go = t2 + d2. The target is +1 if s1 ≠ s2 and −1 if
 * s1 = s2, in a window of {@code windowMs} starting {@code windowDelayMs} after the cue; the mask is 1
 * there and 0 elsewhere. t1, d1 and d2 are drawn uniformly on 10 ms grids so the network cannot count
 * time. A trial's label is the target sign; {@link #correct} scores the mean readout over the window.
 *
 * <p>Trials are a pure function of (seed, split, index): split 0 trains, split 1 is the held-out test.
 */
public final class XorTask implements Trainer.TrialSource {
    public final long seed;
    public final int split;
    /** What the readout must report: 0 = XOR (the task), 1 = the first sign, 2 = the second sign (diagnostics). */
    public int target;
    /**
     * Curriculum (training split only): over the first {@code curriculumTrials} trials the two delays
     * are drawn from [f·min, f·max] with f growing linearly from {@code curriculumStart} to 1; 0 = off.
     */
    public long curriculumTrials;
    public double curriculumStart = 0.1;
    public final double dt, trialMs, pulseSigmaMs, t1MinMs, t1MaxMs, d1MinMs, d1MaxMs, d2MinMs, d2MaxMs, windowDelayMs, windowMs;

    public XorTask(long seed, int split, double dt, double trialMs, double pulseSigmaMs, double t1MinMs, double t1MaxMs,
                   double d1MinMs, double d1MaxMs, double d2MinMs, double d2MaxMs, double windowDelayMs, double windowMs) {
        this.seed = seed;
        this.split = split;
        this.dt = dt;
        this.trialMs = trialMs;
        this.pulseSigmaMs = pulseSigmaMs;
        this.t1MinMs = t1MinMs;
        this.t1MaxMs = t1MaxMs;
        this.d1MinMs = d1MinMs;
        this.d1MaxMs = d1MaxMs;
        this.d2MinMs = d2MinMs;
        this.d2MaxMs = d2MaxMs;
        this.windowDelayMs = windowDelayMs;
        this.windowMs = windowMs;
        if (t1MaxMs + d1MaxMs + d2MaxMs + windowDelayMs + windowMs > trialMs)
            throw new org.snn4j.util.InputException(String.format(
                    "exact-xor: the latest scoring window ends at %.0f ms, after the trial (%.0f ms): shorten the delays or lengthen trial_s",
                    t1MaxMs + d1MaxMs + d2MaxMs + windowDelayMs + windowMs, trialMs));
    }

    public XorTask withSplit(int s) {
        XorTask c = new XorTask(seed, s, dt, trialMs, pulseSigmaMs, t1MinMs, t1MaxMs, d1MinMs, d1MaxMs, d2MinMs, d2MaxMs, windowDelayMs, windowMs);
        c.target = target;
        c.curriculumTrials = curriculumTrials;
        c.curriculumStart = curriculumStart;
        return c;
    }

    private static double grid(Rng r, double lo, double hi) {
        int n = (int) Math.floor((hi - lo) / 10 + 1e-9);
        return Math.rint(lo) + 10 * r.nextInt(n + 1);
    }

    /** Trial {@code index}; signs forced to (s1, s2) if {@code forced} is a pair of ±1, else random. */
    public Trial trial(long index, int[] forced) {
        Rng r = Rng.stream(seed, 0x58_4f_52L, split, index);
        int s1 = r.nextInt(2) * 2 - 1, s2 = r.nextInt(2) * 2 - 1;
        if (forced != null) {
            s1 = forced[0];
            s2 = forced[1];
        }
        double f = split == 0 && curriculumTrials > 0 && index < curriculumTrials
                ? curriculumStart + (1 - curriculumStart) * index / (double) curriculumTrials : 1;
        double t1 = grid(r, t1MinMs, t1MaxMs), t2 = t1 + grid(r, f * d1MinMs, f * d1MaxMs), tg = t2 + grid(r, f * d2MinMs, f * d2MaxMs);
        int steps = (int) Math.round(trialMs / dt);
        double[] x = new double[steps * 2], y = new double[steps], m = new double[steps];
        int label = target == 1 ? s1 : target == 2 ? s2 : s1 != s2 ? 1 : -1;
        double inv = 1 / (2 * pulseSigmaMs * pulseSigmaMs);
        double w0 = tg + windowDelayMs, w1 = w0 + windowMs;
        for (int k = 0; k < steps; k++) {
            double t = k * dt;
            x[2 * k] = s1 * Math.exp(-(t - t1) * (t - t1) * inv) + s2 * Math.exp(-(t - t2) * (t - t2) * inv);
            x[2 * k + 1] = Math.exp(-(t - tg) * (t - tg) * inv);
            if (t >= w0 && t < w1) {
                y[k] = label;
                m[k] = 1;
            }
        }
        return new Trial(steps, x, y, m, label);
    }

    @Override
    public Trial trial(long index) {
        return trial(index, null);
    }

    /** Mean readout over the trial's scoring window (mask &gt; 0). */
    public static double windowMean(Trial t, double[] out) {
        double s = 0;
        int c = 0;
        for (int k = 0; k < t.steps(); k++)
            if (t.mask()[k] > 0) {
                s += out[k];
                c++;
            }
        return c == 0 ? 0 : s / c;
    }

    /** True if the sign of the window-mean readout is the trial's label. */
    public static boolean correct(Trial t, double[] out) {
        double v = windowMean(t, out);
        return t.label() > 0 ? v > 0 : v < 0;
    }
}
