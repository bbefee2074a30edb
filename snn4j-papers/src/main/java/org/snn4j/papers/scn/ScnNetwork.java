package org.snn4j.papers.scn;

import org.snn4j.model.ScnParams;
import org.snn4j.model.SpikeCodingModel;
import org.snn4j.network.DenseWeights;
import org.snn4j.network.Network;
import org.snn4j.network.Population;
import org.snn4j.network.Projection;
import org.snn4j.util.Rng;

/**
 * A spike-coding network (SCN) assembled from core parts: one population of {@link SpikeCodingModel}
 * neurons, the recurrent weights as a dense {@link Projection} from the population onto itself into
 * {@code i_rec}, and the feed-forward weights F as a {@link DenseWeights} that the input hook
 * ({@link ScnInput}) reads at every step.
 *
 * <p>Storage (all live; learning rules write them between steps):
 * <ul>
 *   <li>{@link #ff}: J×N, {@code ff.w[j*N + k]} = F_kj, the weight of signal dimension j onto neuron k
 *       (column k is the feed-forward vector F_k of neuron k);</li>
 *   <li>{@link #rec}: N×N rows = presynaptic neuron, {@code rec.w[k*N + i]} = −Ω_ik = C_ik (the
 *       reference code's C), what a spike of k adds to the voltage of i. Row k is the column Ω_·k.</li>
 * </ul>
 */
public final class ScnNetwork {
    public final ScnParams params;
    /** Neurons N and signal dimensions J. */
    public final int n, j;
    public final Network network;
    public final Population population;
    public final SpikeCodingModel model;
    /** Feed-forward weights, J×N (see the class comment). */
    public final DenseWeights ff;
    /** Recurrent weights −Ω as a projection matrix, N×N, rows = presynaptic (see the class comment). */
    public final DenseWeights rec;
    public final Projection recurrent;

    /**
     * A network with the given feed-forward weights F (J×N, column k = F_k), recurrent weights Ω
     * (N×N, Ω[i][k] = effect of a spike of k on neuron i, subtracted) and thresholds (length N).
     */
    public ScnNetwork(ScnParams params, double[][] f, double[][] omega, double[] thresholds) {
        if (f.length == 0 || f[0].length == 0) throw new IllegalArgumentException("SCN: empty feed-forward matrix");
        this.params = params;
        this.j = f.length;
        this.n = f[0].length;
        if (omega.length != n || thresholds.length != n)
            throw new IllegalArgumentException("SCN: F is " + j + "x" + n + " but Omega has " + omega.length + " rows and there are "
                    + thresholds.length + " thresholds");
        this.model = new SpikeCodingModel(params, n);
        this.population = new Population("scn", model);
        this.network = new Network();
        network.add(population);
        this.ff = DenseWeights.of(f);
        this.rec = new DenseWeights(n, n);
        setOmega(omega);
        this.recurrent = network.add(new Projection("omega", population.all(), population.all(), "i_rec", rec, 0));
        for (int i = 0; i < n; i++) model.setThreshold(i, thresholds[i]);
    }

    /**
     * The analytic (optimal) network for decoder D (J×N): F = Dᵀ, Ω = DᵀD + μI,
     * T_i = (‖D_i‖² + μ + ν)/2.
     */
    public static ScnNetwork analytic(double[][] d, ScnParams params) {
        int jj = d.length, nn = d[0].length;
        double[][] omega = new double[nn][nn];
        double[] t = new double[nn];
        for (int a = 0; a < nn; a++) {
            for (int b = 0; b < nn; b++) {
                double s = 0;
                for (int q = 0; q < jj; q++) s += d[q][a] * d[q][b];
                omega[a][b] = s + (a == b ? params.mu() : 0);
            }
            t[a] = (omega[a][a] + params.nu()) / 2;   // (‖D_a‖² + μ + ν)/2
        }
        double[][] f = new double[jj][];
        for (int q = 0; q < jj; q++) f[q] = d[q].clone();
        return new ScnNetwork(params, f, omega, t);
    }

    /** A random decoder J×N: Gaussian columns scaled to Euclidean norm {@code norm}. */
    public static double[][] randomDecoder(int j, int n, double norm, Rng rng) {
        if (j <= 0 || n <= 0) throw new IllegalArgumentException("decoder size must be positive: " + j + "x" + n);
        double[][] d = new double[j][n];
        for (int k = 0; k < n; k++) {
            double s;
            do {
                s = 0;
                for (int q = 0; q < j; q++) {
                    d[q][k] = rng.nextGaussian();
                    s += d[q][k] * d[q][k];
                }
            } while (s < 1e-12);
            double scale = norm / Math.sqrt(s);
            for (int q = 0; q < j; q++) d[q][k] *= scale;
        }
        return d;
    }

    /**
     * A decoder J×N whose directions are spread evenly: the random decoder's unit directions pushed apart by
     * their mutual Coulomb repulsion on the sphere (J = 2: exactly N directions 2π/N apart, at a random offset),
     * then scaled to norm {@code norm}. Random directions leave some sectors denser than others, and the
     * fast voltage rule's fixed point turns each neuron's weights towards the denser side (docs/balanced.md).
     */
    public static double[][] spreadDecoder(int j, int n, double norm, Rng rng) {
        double[][] d = randomDecoder(j, n, 1, rng);
        if (j == 2) {
            double offset = Math.atan2(d[1][0], d[0][0]);
            for (int k = 0; k < n; k++) {
                double a = offset + 2 * Math.PI * k / n;
                d[0][k] = norm * Math.cos(a);
                d[1][k] = norm * Math.sin(a);
            }
            return d;
        }
        if (j > 1 && n > 1) {
            double[][] f = new double[n][j];
            for (int it = 0; it < 500; it++) {
                double maxF = 0;
                for (int a = 0; a < n; a++) {
                    java.util.Arrays.fill(f[a], 0);
                    for (int b = 0; b < n; b++) {
                        if (a == b) continue;
                        double r2 = 0;
                        for (int q = 0; q < j; q++) r2 += (d[q][a] - d[q][b]) * (d[q][a] - d[q][b]);
                        double w = 1 / ((r2 + 1e-12) * Math.sqrt(r2 + 1e-12));
                        for (int q = 0; q < j; q++) f[a][q] += w * (d[q][a] - d[q][b]);
                    }
                    double radial = 0, t = 0;
                    for (int q = 0; q < j; q++) radial += f[a][q] * d[q][a];
                    for (int q = 0; q < j; q++) {
                        f[a][q] -= radial * d[q][a];   // tangential part only
                        t += f[a][q] * f[a][q];
                    }
                    maxF = Math.max(maxF, Math.sqrt(t));
                }
                if (maxF == 0) break;
                double step = 0.05 * Math.pow(0.99, it) / maxF;   // the strongest push moves 0.05 rad, shrinking
                for (int a = 0; a < n; a++) {
                    double s = 0;
                    for (int q = 0; q < j; q++) {
                        d[q][a] += step * f[a][q];
                        s += d[q][a] * d[q][a];
                    }
                    s = Math.sqrt(s);
                    for (int q = 0; q < j; q++) d[q][a] /= s;
                }
            }
        }
        for (int k = 0; k < n; k++) for (int q = 0; q < j; q++) d[q][k] *= norm;
        return d;
    }

    /** Ω as a matrix, Ω[i][k]. */
    public double[][] omega() {
        double[][] o = new double[n][n];
        for (int k = 0; k < n; k++)
            for (int i = 0; i < n; i++) o[i][k] = -rec.w[k * n + i];
        return o;
    }

    /** Overwrites Ω (Ω[i][k]). */
    public void setOmega(double[][] omega) {
        for (int k = 0; k < n; k++)
            for (int i = 0; i < n; i++) rec.w[k * n + i] = -omega[i][k];
    }

    /** F as a matrix J×N (column k = F_k). */
    public double[][] f() {
        return ff.toDense();
    }

    /** Copy of the thresholds. */
    public double[] thresholds() {
        return java.util.Arrays.copyOf(model.thresh, n);
    }

    /** The analytic recurrent weights for the current feed-forward weights: F Fᵀ + μI (N×N, in neuron space). */
    public double[][] omegaOptimal() {
        double[][] o = new double[n][n];
        double[] w = ff.w;
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++) {
                double s = 0;
                for (int q = 0; q < j; q++) s += w[q * n + a] * w[q * n + b];
                o[a][b] = s + (a == b ? params.mu() : 0);
            }
        return o;
    }

    /**
     * Relative distance of the recurrent weights to the analytic optimum at the best scale:
     * min_s ‖Ω − s·Ω*‖_F / ‖Ω‖_F with Ω* = F Fᵀ + μI, s = ⟨Ω, Ω*⟩/‖Ω*‖².
     */
    public double omegaDistance() {
        return omegaDistance(omega(), omegaOptimal());
    }

    /** min_s ‖A − s·B‖_F / ‖A‖_F. */
    public static double omegaDistance(double[][] a, double[][] b) {
        double ab = 0, bb = 0, aa = 0;
        for (int i = 0; i < a.length; i++)
            for (int k = 0; k < a[i].length; k++) {
                ab += a[i][k] * b[i][k];
                bb += b[i][k] * b[i][k];
                aa += a[i][k] * a[i][k];
            }
        double s = bb == 0 ? 0 : ab / bb;
        double rr = 0;
        for (int i = 0; i < a.length; i++)
            for (int k = 0; k < a[i].length; k++) {
                double d = a[i][k] - s * b[i][k];
                rr += d * d;
            }
        return aa == 0 ? Double.NaN : Math.sqrt(rr / aa);
    }

    /** The readout x̂ = D r for decoder D (J×N) from the current filtered rates. */
    public void readout(double[][] d, double[] out) {
        double[] r = model.r;
        for (int q = 0; q < d.length; q++) {
            double s = 0;
            double[] row = d[q];
            for (int k = 0; k < n; k++) s += row[k] * r[k];
            out[q] = s;
        }
    }
}
