package org.snn4j.stats;

/**
 * Running first and second moments of two series per neuron (for example a neuron's excitatory and
 * inhibitory input currents, sampled every step), and their Pearson correlation: the online form of
 * {@link SpikeStats#correlation} that needs no stored traces.
 */
public final class PairedMoments {
    private final double[] sx, sy, sxx, syy, sxy;
    private long samples;

    public PairedMoments(int neurons) {
        sx = new double[neurons];
        sy = new double[neurons];
        sxx = new double[neurons];
        syy = new double[neurons];
        sxy = new double[neurons];
    }

    /** Adds one sample (x, y) of neuron k; call {@link #endSample()} once every neuron has its sample. */
    public void add(int k, double x, double y) {
        sx[k] += x;
        sy[k] += y;
        sxx[k] += x * x;
        syy[k] += y * y;
        sxy[k] += x * y;
    }

    /** Closes one sampling time. */
    public void endSample() {
        samples++;
    }

    /** Pearson correlation of neuron k's two series; NaN if either is (numerically) constant. */
    public double correlation(int k) {
        double n = samples;
        double mx = sx[k] / n, my = sy[k] / n;
        double vx = sxx[k] / n - mx * mx, vy = syy[k] / n - my * my, cxy = sxy[k] / n - mx * my;
        return vx > 1e-300 && vy > 1e-300 ? cxy / Math.sqrt(vx * vy) : Double.NaN;
    }

    /** Mean correlation over the neurons where it is defined (NaN if none). */
    public double meanCorrelation() {
        double sum = 0;
        int used = 0;
        for (int k = 0; k < sx.length; k++) {
            double c = correlation(k);
            if (!Double.isNaN(c)) {
                sum += c;
                used++;
            }
        }
        return used == 0 ? Double.NaN : sum / used;
    }
}
