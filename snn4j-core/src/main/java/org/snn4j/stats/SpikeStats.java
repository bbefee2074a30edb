package org.snn4j.stats;

import java.util.Arrays;
import org.snn4j.util.Rng;

/**
 * Spike-train statistics: rates, irregularity (ISI CV), count variability (Fano factor), pairwise
 * spike-count correlations, and the excitation/inhibition balance of a neuron.
 *
 * <p>Spike trains are given per neuron as sorted spike steps ({@link #trains}); times are in steps
 * of dt unless a name says ms or Hz.
 */
public final class SpikeStats {
    private SpikeStats() {
    }

    /** Groups (step, neuron) pairs into per-neuron sorted step arrays for neurons 0..n-1. */
    public static int[][] trains(int[] steps, int[] indices, int n) {
        int[] count = new int[n];
        for (int i : indices) count[i]++;
        int[][] t = new int[n][];
        for (int i = 0; i < n; i++) t[i] = new int[count[i]];
        int[] fill = new int[n];
        for (int k = 0; k < steps.length; k++) t[indices[k]][fill[indices[k]]++] = steps[k];
        for (int[] x : t) Arrays.sort(x);
        return t;
    }

    /** Mean firing rate over all neurons in Hz: total spikes / neurons / duration. */
    public static double meanRateHz(long totalSpikes, int neurons, double durationMs) {
        return totalSpikes / (double) neurons / (durationMs * 1e-3);
    }

    /**
     * Coefficient of variation of the inter-spike intervals (sd / mean) of one train; NaN with fewer
     * than 3 spikes. 1 for a Poisson process, 0 for a regular one.
     */
    public static double cvIsi(int[] train) {
        if (train.length < 3) return Double.NaN;
        int m = train.length - 1;
        double mean = (train[m] - train[0]) / (double) m;
        double ss = 0;
        for (int k = 0; k < m; k++) {
            double d = train[k + 1] - train[k] - mean;
            ss += d * d;
        }
        return Math.sqrt(ss / m) / mean;
    }

    /** ISI CV of every neuron (NaN for neurons with fewer than 3 spikes). */
    public static double[] cvIsi(int[][] trains) {
        double[] cv = new double[trains.length];
        for (int i = 0; i < trains.length; i++) cv[i] = cvIsi(trains[i]);
        return cv;
    }

    /** Spike counts of one train in consecutive windows of {@code window} steps from step0. */
    public static double[] binCounts(int[] train, long step0, int window, int nWindows) {
        double[] c = new double[nWindows];
        for (int s : train) {
            long k = (s - step0) / window;
            if (s >= step0 && k < nWindows) c[(int) k]++;
        }
        return c;
    }

    /**
     * Fano factor (variance / mean of the spike count in windows of {@code window} steps) of every
     * neuron; NaN for a neuron that never fired. 1 for a Poisson process.
     */
    public static double[] fano(int[][] trains, long step0, int window, int nWindows) {
        double[] f = new double[trains.length];
        for (int i = 0; i < trains.length; i++) {
            double[] c = binCounts(trains[i], step0, window, nWindows);
            double mean = mean(c);
            f[i] = mean == 0 ? Double.NaN : variance(c) / mean;
        }
        return f;
    }

    /**
     * Mean Pearson correlation of binned spike counts over up to {@code maxPairs} random pairs of
     * neurons that fired at least once (pairs drawn from {@code rng}; all pairs when there are
     * fewer). NaN when no pair qualifies.
     */
    public static double pairwiseCorrelation(int[][] trains, long step0, int window, int nWindows, int maxPairs, Rng rng) {
        int[] active = java.util.stream.IntStream.range(0, trains.length).filter(i -> trains[i].length > 0).toArray();
        int n = active.length;
        if (n < 2) return Double.NaN;
        double[][] c = new double[n][];
        for (int k = 0; k < n; k++) c[k] = binCounts(trains[active[k]], step0, window, nWindows);
        long allPairs = (long) n * (n - 1) / 2;
        double sum = 0;
        int used = 0;
        if (allPairs <= maxPairs) {
            for (int a = 0; a < n; a++)
                for (int b = a + 1; b < n; b++) {
                    double r = correlation(c[a], c[b]);
                    if (!Double.isNaN(r)) {
                        sum += r;
                        used++;
                    }
                }
        } else {
            for (int k = 0; k < maxPairs; k++) {
                int a = rng.nextInt(n), b = rng.nextInt(n - 1);
                if (b >= a) b++;
                double r = correlation(c[a], c[b]);
                if (!Double.isNaN(r)) {
                    sum += r;
                    used++;
                }
            }
        }
        return used == 0 ? Double.NaN : sum / used;
    }

    /**
     * Excitation/inhibition balance of one neuron: the Pearson correlation between its excitatory
     * input current and the magnitude of its inhibitory input current (i.e. corr(I_e, −I_i) for an
     * inhibitory current of negative sign). Near 1 when inhibition tracks excitation (tight balance),
     * near 0 when they are unrelated.
     */
    public static double eiBalance(double[] excitatory, double[] inhibitory) {
        double[] negI = new double[inhibitory.length];
        for (int k = 0; k < negI.length; k++) negI[k] = -inhibitory[k];
        return correlation(excitatory, negI);
    }

    /** Pearson correlation; NaN when either series is constant. */
    public static double correlation(double[] a, double[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("series of different lengths: " + a.length + " vs " + b.length);
        double ma = mean(a), mb = mean(b);
        double sab = 0, saa = 0, sbb = 0;
        for (int k = 0; k < a.length; k++) {
            double x = a[k] - ma, y = b[k] - mb;
            sab += x * y;
            saa += x * x;
            sbb += y * y;
        }
        if (saa == 0 || sbb == 0) return Double.NaN;
        return sab / Math.sqrt(saa * sbb);
    }

    public static double mean(double[] x) {
        double s = 0;
        for (double v : x) s += v;
        return x.length == 0 ? Double.NaN : s / x.length;
    }

    /** Population variance (divides by n). */
    public static double variance(double[] x) {
        double m = mean(x), s = 0;
        for (double v : x) s += (v - m) * (v - m);
        return x.length == 0 ? Double.NaN : s / x.length;
    }

    /** Mean of the values that are not NaN (NaN if none). */
    public static double nanMean(double[] x) {
        double s = 0;
        int n = 0;
        for (double v : x)
            if (!Double.isNaN(v)) {
                s += v;
                n++;
            }
        return n == 0 ? Double.NaN : s / n;
    }

    /** Median of the values that are not NaN (NaN if none). */
    public static double nanMedian(double[] x) {
        double[] v = Arrays.stream(x).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) return Double.NaN;
        return v.length % 2 == 1 ? v[v.length / 2] : 0.5 * (v[v.length / 2 - 1] + v[v.length / 2]);
    }
}
