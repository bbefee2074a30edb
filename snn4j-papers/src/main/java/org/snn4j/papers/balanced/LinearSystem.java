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

    /**
     * Whether every solution of dx/dt = A x decays: all eigenvalues of A have negative real parts.
     * Checked without an eigen-solver as ‖exp(A·2^20 s)‖_F &lt; 1/2: exp(A·1 s) by scaling and squaring of
     * its Taylor series, then squared 20 times (a decay slower than about 1/(10^6 s), a rotation without
     * decay and any growth all fail).
     */
    public boolean isStable() {
        double norm = 0;
        for (double[] row : a) for (double v : row) norm = Math.max(norm, Math.abs(v));
        int m = 0;
        while (norm * j / Math.pow(2, m) > 0.5 && m < 1000) m++;
        double h = 1 / Math.pow(2, m);
        double[][] e = new double[j][j], term = new double[j][j];
        for (int q = 0; q < j; q++) e[q][q] = term[q][q] = 1;
        for (int k = 1; k <= 16; k++) {   // Taylor series of exp(A h), ‖A h‖ ≤ 1/2
            term = scaled(multiply(term, a), h / k);
            for (int q = 0; q < j; q++) for (int r = 0; r < j; r++) e[q][r] += term[q][r];
        }
        for (int k = 0; k < m + 20; k++) {
            e = multiply(e, e);
            double big = 0;
            for (double[] row : e) for (double v : row) big = Math.max(big, Math.abs(v));
            if (!(big < 1e150)) return false;   // growing (or NaN)
        }
        double frobenius = 0;   // an orthogonal part (a rotation without decay) keeps it at √J or more
        for (double[] row : e) for (double v : row) frobenius += v * v;
        return Math.sqrt(frobenius) < 0.5;
    }

    private double[][] multiply(double[][] x, double[][] y) {
        double[][] z = new double[j][j];
        for (int q = 0; q < j; q++) for (int k = 0; k < j; k++) for (int r = 0; r < j; r++) z[q][r] += x[q][k] * y[k][r];
        return z;
    }

    private static double[][] scaled(double[][] x, double f) {
        for (double[] row : x) for (int r = 0; r < row.length; r++) row[r] *= f;
        return x;
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
