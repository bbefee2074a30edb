package org.snn4j.papers.balanced;

import org.snn4j.model.ScnParams;
import org.snn4j.network.DenseWeights;
import org.snn4j.network.SlowProjection;
import org.snn4j.papers.scn.ScnNetwork;

/**
 * A balanced spiking network that implements a linear dynamical system (Bourdoukan &amp; Denève 2015):
 * the spike-coding network of the core ({@link ScnNetwork}: {@link org.snn4j.model.SpikeCodingModel}
 * neurons, fast recurrent weights Ω^f as a dense projection, feed-forward weights F = Dᵀ) plus slow
 * recurrent weights Ω^s acting through filtered rates ({@link SlowProjection} from the population onto
 * itself into {@code i_rec}). With x̂ = D r the voltages are
 * <pre>
 *   dV/dt = −λ V + F (c + K e) + Ω^s r_s − Ω^f o,     e = x − x̂ (feedback, only while teaching)
 *   optimum: F = Dᵀ, Ω^f = DᵀD + μI, Ω^s = Dᵀ (A + λI) D, thresholds T_i = (‖D_i‖² + μ + ν)/2
 * </pre>
 * and then dx̂/dt ≈ A x̂ + c (+ K e): the network follows the target system. r_s is the slow trace
 * with time constant τ_s (= 1/λ for the analytic identity; see {@link SlowProjection}).
 *
 * <p>Storage of the slow weights: {@link #slow}'s matrix, rows = presynaptic: {@code slowW.w[k*N + i]}
 * = Ω^s_ik (added, unlike the fast weights, which are stored as −Ω^f).
 */
public final class BalancedNetwork {
    public final ScnNetwork scn;
    /** Decoder D (J×N) used for the readout x̂ = D r and for the error feedback. */
    public final double[][] decoder;
    public final DenseWeights slowW;
    public final SlowProjection slow;
    public final int n, j;

    /**
     * @param omegaFast  Ω^f (N×N, Ω^f[i][k]: effect of a spike of k on i, subtracted)
     * @param omegaSlow  Ω^s (N×N, Ω^s[i][k]: effect of the rate of k on i, added)
     * @param tauSlowMs  time constant of the slow traces (ms)
     */
    public BalancedNetwork(ScnParams params, double[][] d, double[][] omegaFast, double[][] omegaSlow, double[] thresholds, double tauSlowMs) {
        double[][] f = new double[d.length][];
        for (int q = 0; q < d.length; q++) f[q] = d[q].clone();
        this.scn = new ScnNetwork(params, f, omegaFast, thresholds);
        this.n = scn.n;
        this.j = scn.j;
        this.decoder = f;
        this.slowW = new DenseWeights(n, n);
        setOmegaSlow(omegaSlow);
        this.slow = new SlowProjection("omega_slow", scn.population.all(), scn.population.all(), "i_rec", slowW, tauSlowMs);
    }

    /** The analytic network for decoder D and system A: Ω^f = DᵀD + μI, Ω^s = Dᵀ(A + λI)D. */
    public static BalancedNetwork analytic(ScnParams params, double[][] d, LinearSystem system, double tauSlowMs) {
        return new BalancedNetwork(params, d, analyticFast(d, params), system.analyticSlowWeights(d, params.lambda()),
                analyticThresholds(d, params), tauSlowMs);
    }

    /** Ω^f* = DᵀD + μI. */
    public static double[][] analyticFast(double[][] d, ScnParams params) {
        int nn = d[0].length;
        double[][] o = new double[nn][nn];
        for (int a = 0; a < nn; a++)
            for (int b = 0; b < nn; b++) {
                double s = 0;
                for (double[] row : d) s += row[a] * row[b];
                o[a][b] = s + (a == b ? params.mu() : 0);
            }
        return o;
    }

    /** T_i = (‖D_i‖² + μ + ν)/2. */
    public static double[] analyticThresholds(double[][] d, ScnParams params) {
        int nn = d[0].length;
        double[] t = new double[nn];
        for (int a = 0; a < nn; a++) {
            double s = 0;
            for (double[] row : d) s += row[a] * row[a];
            t[a] = (s + params.mu() + params.nu()) / 2;
        }
        return t;
    }

    /** Ω^s as a matrix Ω^s[i][k]. */
    public double[][] omegaSlow() {
        double[][] o = new double[n][n];
        for (int k = 0; k < n; k++)
            for (int i = 0; i < n; i++) o[i][k] = slowW.w[k * n + i];
        return o;
    }

    public void setOmegaSlow(double[][] o) {
        if (o.length != n) throw new IllegalArgumentException("slow weights: need " + n + " rows, got " + o.length);
        for (int k = 0; k < n; k++)
            for (int i = 0; i < n; i++) slowW.w[k * n + i] = o[i][k];
    }

    /** Ω^f as a matrix. */
    public double[][] omegaFast() {
        return scn.omega();
    }

    /** x̂ = D r from the current filtered rates. */
    public void readout(double[] out) {
        scn.readout(decoder, out);
    }

    /** Clears voltages, rates, pending inputs and slow traces. */
    public void resetState() {
        scn.model.resetState();
        slow.resetState();
    }

    /** min_s ‖Ω^s − s Ω^s*‖/‖Ω^s‖ with Ω^s* = Dᵀ(A + λI)D (NaN when Ω^s = 0). */
    public double slowDistance(LinearSystem system) {
        return ScnNetwork.omegaDistance(omegaSlow(), system.analyticSlowWeights(decoder, scn.params.lambda()));
    }

    /** min_s ‖Ω^f − s Ω^f*‖/‖Ω^f‖ with Ω^f* = DᵀD + μI. */
    public double fastDistance() {
        return ScnNetwork.omegaDistance(omegaFast(), analyticFast(decoder, scn.params));
    }

    /**
     * The linear system that weights Ω^f, Ω^s implement, read on the decoder space: with G = D Dᵀ,
     * P(Ω) = G⁻¹ D Ω Dᵀ G⁻¹ (J×J), the fast weights set the readout gain Γ = P(Ω^f) − μ G⁻¹ and the slow
     * ones the drive B = P(Ω^s), and
     * <pre>
     *   A_eff = Γ⁻¹ B − λ I
     * </pre>
     * exactly A for the analytic weights (Γ = I, B = A + λI). A slow-weight scale s (Ω^s = s Ω^s*) gives
     * A_eff = s A − (1 − s) λ I: an eigenvalue shift of (s − 1) λ, large against a slow system's eigenvalues.
     *
     * @throws IllegalArgumentException when D Dᵀ or Γ is singular
     */
    public static double[][] effectiveSystem(double[][] d, double[][] omegaFast, double[][] omegaSlow, double lambda, double mu) {
        int jj = d.length;
        double[][] gi = invert(gram(d), "D Dᵀ");
        double[][] gamma = project(d, gi, omegaFast), b = project(d, gi, omegaSlow);
        for (int p = 0; p < jj; p++) for (int q = 0; q < jj; q++) gamma[p][q] -= mu * gi[p][q];
        double[][] gammaInv = invert(gamma, "the fast weights' readout gain");
        double[][] a = multiply(gammaInv, b);
        for (int p = 0; p < jj; p++) a[p][p] -= lambda;
        return a;
    }

    /**
     * The decoder that fast weights Ω^f keep the voltages consistent with: M = (DDᵀ)⁻¹ D (Ω^f − μI) (J×N), the
     * least-squares fit of Ω^f − μI = Dᵀ M column by column. A spike of neuron k moves every voltage by −Dᵀ m_k, as if
     * the estimate had moved by m_k; the analytic weights give M = D. With learned fast weights the network tracks
     * x with M r, and the readout D r is off by (D − M) r.
     */
    public static double[][] fastReadout(double[][] d, double[][] omegaFast, double mu) {
        int nn = d[0].length;
        double[][] om = new double[nn][];
        for (int i = 0; i < nn; i++) {
            om[i] = omegaFast[i].clone();
            om[i][i] -= mu;
        }
        return multiply(multiply(invert(gram(d), "D Dᵀ"), d), om);
    }

    /**
     * P = Dᵀ(DDᵀ)⁻¹D (N×N): the orthogonal projector on the decoder's row space, the patterns of rates
     * that the readout x̂ = D r sees. Ω P keeps what a weight matrix does with those patterns and drops
     * its response to the rest (the rate patterns the readout cannot see).
     */
    public static double[][] decoderProjector(double[][] d) {
        int jj = d.length, nn = d[0].length;
        double[][] gd = multiply(invert(gram(d), "D Dᵀ"), d);   // (DDᵀ)⁻¹ D, J×N
        double[][] proj = new double[nn][nn];
        for (int i = 0; i < nn; i++)
            for (int p = 0; p < jj; p++) {
                double v = d[p][i];
                for (int k = 0; k < nn; k++) proj[i][k] += v * gd[p][k];
            }
        return proj;
    }

    /** G = D Dᵀ (J×J). */
    private static double[][] gram(double[][] d) {
        int jj = d.length;
        double[][] g = new double[jj][jj];
        for (int p = 0; p < jj; p++) for (int q = 0; q < jj; q++) for (int k = 0; k < d[p].length; k++) g[p][q] += d[p][k] * d[q][k];
        return g;
    }

    /** G⁻¹ D Ω Dᵀ G⁻¹. */
    private static double[][] project(double[][] d, double[][] gi, double[][] omega) {
        int jj = d.length, nn = d[0].length;
        double[][] dw = new double[jj][nn];   // D Ω
        for (int p = 0; p < jj; p++)
            for (int i = 0; i < nn; i++) {
                double v = d[p][i];
                if (v == 0) continue;
                double[] row = omega[i];
                for (int k = 0; k < nn; k++) dw[p][k] += v * row[k];
            }
        double[][] m = new double[jj][jj];   // D Ω Dᵀ
        for (int p = 0; p < jj; p++) for (int q = 0; q < jj; q++) for (int k = 0; k < nn; k++) m[p][q] += dw[p][k] * d[q][k];
        return multiply(multiply(gi, m), gi);
    }

    /** x·y for small dense matrices. */
    static double[][] multiply(double[][] x, double[][] y) {
        int a = x.length, b = y.length, c = y[0].length;
        double[][] z = new double[a][c];
        for (int p = 0; p < a; p++) for (int k = 0; k < b; k++) for (int q = 0; q < c; q++) z[p][q] += x[p][k] * y[k][q];
        return z;
    }

    /** Inverse of a small square matrix by Gauss-Jordan elimination with partial pivoting. */
    static double[][] invert(double[][] m, String what) {
        int jj = m.length;
        double[][] a = new double[jj][2 * jj];
        double scale = 0;
        for (int p = 0; p < jj; p++) {
            for (int q = 0; q < jj; q++) {
                a[p][q] = m[p][q];
                scale = Math.max(scale, Math.abs(m[p][q]));
            }
            a[p][jj + p] = 1;
        }
        for (int c = 0; c < jj; c++) {
            int piv = c;
            for (int p = c + 1; p < jj; p++) if (Math.abs(a[p][c]) > Math.abs(a[piv][c])) piv = p;
            if (!(Math.abs(a[piv][c]) > 1e-13 * scale)) throw new IllegalArgumentException(what + " is singular");
            double[] t = a[piv];
            a[piv] = a[c];
            a[c] = t;
            double f = 1 / a[c][c];
            for (int q = 0; q < 2 * jj; q++) a[c][q] *= f;
            for (int p = 0; p < jj; p++) {
                if (p == c || a[p][c] == 0) continue;
                double e = a[p][c];
                for (int q = 0; q < 2 * jj; q++) a[p][q] -= e * a[c][q];
            }
        }
        double[][] inv = new double[jj][jj];
        for (int p = 0; p < jj; p++) System.arraycopy(a[p], jj, inv[p], 0, jj);
        return inv;
    }
}
