package org.snn4j.papers.balanced;

import org.snn4j.papers.scn.LinearReadout;

/**
 * The linear system that a network's decoded trajectory actually follows, fitted from autonomous runs:
 * over consecutive windows of w samples of x̂ (and of the target x, from which the command is
 * recovered, ∫c = Δx − A ∫x), least squares on
 * <pre>
 *   Δx̂ = A_fit ∫x̂ dt + B_fit ∫c dt        (integrals by the trapezoid rule over the window)
 * </pre>
 * The integral form averages the spike-by-spike jitter of x̂ that a derivative would amplify.
 * The eigenvalues of A_fit are the effective eigenvalues of the network (B_fit ≈ I: the command's gain).
 * The normal equations are accumulated and solved by {@link LinearReadout} (one implementation).
 */
public final class SystemFit {
    private final int j, window;
    private final double[][] a;
    private final LinearReadout normal;
    private final double[] reg, out;

    /**
     * @param system the target system (to recover the command from the target trajectory)
     * @param window samples per window (≥ 1)
     */
    public SystemFit(LinearSystem system, int window) {
        if (window < 1) throw new IllegalArgumentException("window must be >= 1 sample: " + window);
        this.j = system.dims();
        this.window = window;
        this.a = system.matrix();
        this.normal = new LinearReadout(2 * j, j);
        this.reg = new double[2 * j];
        this.out = new double[j];
    }

    /** Adds the windows of one run (x and x̂ sampled every {@code sampleS} seconds). */
    public void add(double[][] x, double[][] xhat, double sampleS) {
        int m = x[0].length;
        double[] ix = new double[j];
        for (int s = 0; s + window < m; s += window) {
            for (int q = 0; q < j; q++) {
                double sx = 0, sh = 0;
                for (int t = s; t < s + window; t++) {
                    sx += 0.5 * (x[q][t] + x[q][t + 1]);
                    sh += 0.5 * (xhat[q][t] + xhat[q][t + 1]);
                }
                ix[q] = sx * sampleS;
                reg[q] = sh * sampleS;
                out[q] = xhat[q][s + window] - xhat[q][s];
            }
            for (int q = 0; q < j; q++) {
                double c = x[q][s + window] - x[q][s];
                for (int p = 0; p < j; p++) c -= a[q][p] * ix[p];
                reg[j + q] = c;
            }
            normal.add(reg, out);
        }
    }

    /** Windows added so far. */
    public long windows() {
        return normal.samples();
    }

    /** {A_fit, B_fit} (each J×J); NaN-filled before enough windows. */
    public double[][][] fit() {
        double[][][] r = new double[2][j][j];
        if (normal.samples() < 2L * j) {
            for (double[][] m : r) for (double[] row : m) java.util.Arrays.fill(row, Double.NaN);
            return r;
        }
        double[][] w = normal.solve(1e-12);
        for (int q = 0; q < j; q++)
            for (int p = 0; p < j; p++) {
                r[0][q][p] = w[q][p];
                r[1][q][p] = w[q][j + p];
            }
        return r;
    }
}
