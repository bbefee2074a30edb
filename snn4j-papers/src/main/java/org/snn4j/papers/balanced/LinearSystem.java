package org.snn4j.papers.balanced;

import java.util.Arrays;
import org.snn4j.util.InputException;

/**
 * A linear dynamical system dx/dt = A x + c(t) (x, c ∈ ℝ^J, A J×J in 1/s), the target that a balanced
 * network learns (Bourdoukan &amp; Denève 2015). Stepped with the same explicit Euler scheme as the
 * network, x_t = x_{t−1} + dt (A x_{t−1} + c_t) (dt in s).
 */
public final class LinearSystem {
    private final double[][] a;
    private final int j;

    public LinearSystem(double[][] a) {
        if (a == null || a.length == 0) throw new InputException("system matrix A is empty");
        this.j = a.length;
        this.a = new double[j][];
        for (int q = 0; q < j; q++) {
            if (a[q].length != j) throw new InputException("system matrix A must be square: row " + q + " has " + a[q].length + " entries, expected " + j);
            for (double v : a[q]) if (!Double.isFinite(v)) throw new InputException("system matrix A has a non-finite entry in row " + q);
            this.a[q] = a[q].clone();
        }
    }

    /**
     * Parses A from text: rows separated by ';', entries by ',' or whitespace, e.g.
     * {@code "-1, -9.42; 9.42, -1"}; optional surrounding brackets are ignored. The name of the config
     * key goes into the error message.
     */
    public static LinearSystem parse(String text, String key) {
        String s = text.replace('[', ' ').replace(']', ' ').trim();
        if (s.isEmpty()) throw new InputException(key + ": empty matrix");
        String[] rows = s.split(";");
        double[][] m = new double[rows.length][];
        for (int q = 0; q < rows.length; q++) {
            String[] cells = rows[q].trim().split("[,\\s]+");
            m[q] = new double[cells.length];
            for (int k = 0; k < cells.length; k++) {
                try {
                    m[q][k] = Double.parseDouble(cells[k]);
                } catch (NumberFormatException e) {
                    throw new InputException(key + ": not a number in row " + (q + 1) + ": '" + cells[k] + "' (write rows separated by ';', entries by ',')");
                }
            }
        }
        try {
            return new LinearSystem(m);
        } catch (InputException e) {
            throw new InputException(key + ": " + e.getMessage());
        }
    }

    /**
     * A 2-D damped oscillator: A = [[−1/τ, −ω], [ω, −1/τ]] with ω = 2π f: a rotation at f Hz whose
     * amplitude decays with time constant τ (s).
     */
    public static LinearSystem dampedOscillator(double freqHz, double dampingS) {
        double w = 2 * Math.PI * freqHz, d = -1 / dampingS;
        return new LinearSystem(new double[][] {{d, -w}, {w, d}});
    }

    public int dims() {
        return j;
    }

    /** A copy of A. */
    public double[][] matrix() {
        double[][] m = new double[j][];
        for (int q = 0; q < j; q++) m[q] = a[q].clone();
        return m;
    }

    /** One Euler step in place: x ← x + dt (A x + c), using {@code tmp} (length J) as scratch. */
    public void step(double[] x, double[] c, double dtS, double[] tmp) {
        for (int q = 0; q < j; q++) {
            double s = c[q];
            double[] row = a[q];
            for (int k = 0; k < j; k++) s += row[k] * x[k];
            tmp[q] = s;
        }
        for (int q = 0; q < j; q++) x[q] += dtS * tmp[q];
    }

    /**
     * The analytic slow weights of a balanced network with decoder D (J×N) and leak λ (1/s):
     * Ω^s = Dᵀ (A + λI) D, as Ω^s[i][k] (effect of the rate of k on neuron i).
     */
    public double[][] analyticSlowWeights(double[][] d, double lambda) {
        int n = d[0].length;
        double[][] m = new double[j][n];  // (A + λI) D
        for (int q = 0; q < j; q++)
            for (int k = 0; k < n; k++) {
                double s = lambda * d[q][k];
                for (int p = 0; p < j; p++) s += a[q][p] * d[p][k];
                m[q][k] = s;
            }
        double[][] o = new double[n][n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++) {
                double s = 0;
                for (int q = 0; q < j; q++) s += d[q][i] * m[q][k];
                o[i][k] = s;
            }
        return o;
    }

    /** Largest real part of the eigenvalues of A, bounded from above by the Gershgorin discs (1/s). */
    public double gershgorinBound() {
        double b = Double.NEGATIVE_INFINITY;
        for (int q = 0; q < j; q++) {
            double s = a[q][q];
            for (int k = 0; k < j; k++) if (k != q) s += Math.abs(a[q][k]);
            b = Math.max(b, s);
        }
        return b;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int q = 0; q < j; q++) {
            if (q > 0) sb.append("; ");
            for (int k = 0; k < j; k++) {
                if (k > 0) sb.append(", ");
                sb.append(a[q][k]);
            }
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinearSystem l && Arrays.deepEquals(a, l.a);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(a);
    }
}
