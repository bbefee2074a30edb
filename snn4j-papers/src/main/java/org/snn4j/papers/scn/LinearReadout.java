package org.snn4j.papers.scn;

/**
 * The optimal linear readout of a signal x (J) from filtered spike trains r (N): accumulates the
 * normal equations over time steps and solves x ≈ W r by least squares, W = X Rᵀ (R Rᵀ + ρI)⁻¹ (no
 * intercept, as in Brendel et al.; ρ a tiny ridge, relative to the mean diagonal of R Rᵀ, for
 * neurons that never fired). {@link ErrorMeter} then measures the normalised decoding error
 * Σ_j var(x_j − x̂_j) / Σ_j var(x_j) of a fixed readout on other data.
 */
public final class LinearReadout {
    private final int n, j;
    private final double[] rr, xr;
    private long samples;

    public LinearReadout(int n, int j) {
        this.n = n;
        this.j = j;
        rr = new double[n * n];
        xr = new double[j * n];
    }

    /** Adds one sample. */
    public void add(double[] r, double[] x) {
        for (int a = 0; a < n; a++) {
            double ra = r[a];
            if (ra == 0) continue;
            int base = a * n;
            for (int b = 0; b < n; b++) rr[base + b] += ra * r[b];
            for (int q = 0; q < j; q++) xr[q * n + a] += x[q] * ra;
        }
        samples++;
    }

    public long samples() {
        return samples;
    }

    /** Solves for the readout W (J×N) with relative ridge {@code ridge} (e.g. 1e-8). */
    public double[][] solve(double ridge) {
        double[] m = rr.clone();
        double tr = 0;
        for (int a = 0; a < n; a++) tr += m[a * n + a];
        double add = ridge * Math.max(tr / n, 1e-300) + 1e-300;
        for (int a = 0; a < n; a++) m[a * n + a] += add;
        // Cholesky factorisation m = L Lᵀ (in place, lower triangle).
        for (int a = 0; a < n; a++) {
            for (int b = 0; b <= a; b++) {
                double s = m[a * n + b];
                for (int k = 0; k < b; k++) s -= m[a * n + k] * m[b * n + k];
                if (a == b) m[a * n + a] = Math.sqrt(Math.max(s, 1e-300));
                else m[a * n + b] = s / m[b * n + b];
            }
        }
        double[][] w = new double[j][n];
        double[] y = new double[n];
        for (int q = 0; q < j; q++) {
            for (int a = 0; a < n; a++) {
                double s = xr[q * n + a];
                for (int k = 0; k < a; k++) s -= m[a * n + k] * y[k];
                y[a] = s / m[a * n + a];
            }
            for (int a = n - 1; a >= 0; a--) {
                double s = y[a];
                for (int k = a + 1; k < n; k++) s -= m[k * n + a] * w[q][k];
                w[q][a] = s / m[a * n + a];
            }
        }
        return w;
    }

    /** Accumulates Σ_j var(x_j − W r) / Σ_j var(x_j) for a fixed readout W (J×N). */
    public static final class ErrorMeter {
        private final double[][] w;
        private final double[] se, se2, sx, sx2;
        private long count;

        public ErrorMeter(double[][] w) {
            this.w = w;
            int jj = w.length;
            se = new double[jj];
            se2 = new double[jj];
            sx = new double[jj];
            sx2 = new double[jj];
        }

        public void add(double[] r, double[] x) {
            for (int q = 0; q < w.length; q++) {
                double[] row = w[q];
                double s = 0;
                for (int k = 0; k < row.length; k++) s += row[k] * r[k];
                double e = x[q] - s;
                se[q] += e;
                se2[q] += e * e;
                sx[q] += x[q];
                sx2[q] += x[q] * x[q];
            }
            count++;
        }

        /** Σ var(error) / Σ var(x); NaN before any sample. */
        public double error() {
            double ve = 0, vx = 0;
            for (int q = 0; q < w.length; q++) {
                ve += se2[q] / count - (se[q] / count) * (se[q] / count);
                vx += sx2[q] / count - (sx[q] / count) * (sx[q] / count);
            }
            return ve / vx;
        }
    }
}
