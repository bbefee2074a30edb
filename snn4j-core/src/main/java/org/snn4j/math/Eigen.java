package org.snn4j.math;

/**
 * Eigenvalues of a small real square matrix (dense, any n; meant for the J×J matrices of linear
 * systems, J ≲ 100): reduction to upper Hessenberg form by stabilised elimination, then the shifted
 * Francis double-step QR iteration (the classic EISPACK {@code elmhes}/{@code hqr} pair). Complex
 * eigenvalues come in conjugate pairs.
 */
public final class Eigen {
    private Eigen() {
    }

    /**
     * The eigenvalues of {@code a} (not modified) as {@code {re, im}}, each of length n, sorted by
     * decreasing real part, then decreasing imaginary part.
     *
     * @throws IllegalArgumentException if the matrix is not square or has a non-finite entry
     * @throws ArithmeticException      if the QR iteration does not converge (30 steps per eigenvalue)
     */
    public static double[][] eigenvalues(double[][] a) {
        int n = a.length;
        double[][] h = new double[n + 1][n + 1];   // 1-based, as the algorithm is written
        for (int i = 0; i < n; i++) {
            if (a[i].length != n) throw new IllegalArgumentException("eigenvalues: the matrix must be square (row " + i + ")");
            for (int k = 0; k < n; k++) {
                if (!Double.isFinite(a[i][k])) throw new IllegalArgumentException("eigenvalues: non-finite entry at " + i + "," + k);
                h[i + 1][k + 1] = a[i][k];
            }
        }
        hessenberg(h, n);
        double[] wr = new double[n + 1], wi = new double[n + 1];
        qr(h, n, wr, wi);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i + 1;
        java.util.Arrays.sort(order, (p, q) -> wr[p] != wr[q] ? Double.compare(wr[q], wr[p]) : Double.compare(wi[q], wi[p]));
        double[][] out = new double[2][n];
        for (int i = 0; i < n; i++) {
            out[0][i] = wr[order[i]];
            out[1][i] = wi[order[i]];
        }
        return out;
    }

    /** The largest real part of the eigenvalues (the spectral abscissa). */
    public static double maxRealPart(double[][] a) {
        return a.length == 0 ? Double.NaN : eigenvalues(a)[0][0];
    }

    private static void hessenberg(double[][] a, int n) {
        for (int m = 2; m < n; m++) {
            double x = 0;
            int i = m;
            for (int j = m; j <= n; j++)
                if (Math.abs(a[j][m - 1]) > Math.abs(x)) {
                    x = a[j][m - 1];
                    i = j;
                }
            if (i != m) {
                for (int j = m - 1; j <= n; j++) {
                    double t = a[i][j];
                    a[i][j] = a[m][j];
                    a[m][j] = t;
                }
                for (int j = 1; j <= n; j++) {
                    double t = a[j][i];
                    a[j][i] = a[j][m];
                    a[j][m] = t;
                }
            }
            if (x != 0) {
                for (i = m + 1; i <= n; i++) {
                    double y = a[i][m - 1];
                    if (y != 0) {
                        y /= x;
                        a[i][m - 1] = y;
                        for (int j = m; j <= n; j++) a[i][j] -= y * a[m][j];
                        for (int j = 1; j <= n; j++) a[j][m] += y * a[j][i];
                    }
                }
            }
        }
        for (int i = 3; i <= n; i++) for (int j = 1; j < i - 1; j++) a[i][j] = 0;   // the multipliers are not part of H
    }

    private static void qr(double[][] a, int n, double[] wr, double[] wi) {
        double anorm = 0;
        for (int i = 1; i <= n; i++) for (int j = Math.max(i - 1, 1); j <= n; j++) anorm += Math.abs(a[i][j]);
        int nn = n;
        double t = 0;
        double p = 0, q = 0, r = 0, s, w, x, y, z;
        while (nn >= 1) {
            int its = 0, l;
            do {
                for (l = nn; l >= 2; l--) {
                    s = Math.abs(a[l - 1][l - 1]) + Math.abs(a[l][l]);
                    if (s == 0) s = anorm;
                    if (Math.abs(a[l][l - 1]) + s == s) {
                        a[l][l - 1] = 0;
                        break;
                    }
                }
                x = a[nn][nn];
                if (l == nn) {   // one root found
                    wr[nn] = x + t;
                    wi[nn--] = 0;
                } else {
                    y = a[nn - 1][nn - 1];
                    w = a[nn][nn - 1] * a[nn - 1][nn];
                    if (l == nn - 1) {   // two roots found
                        p = 0.5 * (y - x);
                        q = p * p + w;
                        z = Math.sqrt(Math.abs(q));
                        x += t;
                        if (q >= 0) {
                            z = p + Math.copySign(z, p);
                            wr[nn - 1] = wr[nn] = x + z;
                            if (z != 0) wr[nn] = x - w / z;
                            wi[nn - 1] = wi[nn] = 0;
                        } else {
                            wr[nn - 1] = wr[nn] = x + p;
                            wi[nn - 1] = -(wi[nn] = z);
                        }
                        nn -= 2;
                    } else {
                        if (its == 30) throw new ArithmeticException("eigenvalues: the QR iteration did not converge");
                        if (its == 10 || its == 20) {   // exceptional shift
                            t += x;
                            for (int i = 1; i <= nn; i++) a[i][i] -= x;
                            s = Math.abs(a[nn][nn - 1]) + Math.abs(a[nn - 1][nn - 2]);
                            y = x = 0.75 * s;
                            w = -0.4375 * s * s;
                        }
                        ++its;
                        int m;
                        for (m = nn - 2; m >= l; m--) {
                            z = a[m][m];
                            r = x - z;
                            s = y - z;
                            p = (r * s - w) / a[m + 1][m] + a[m][m + 1];
                            q = a[m + 1][m + 1] - z - r - s;
                            r = a[m + 2][m + 1];
                            s = Math.abs(p) + Math.abs(q) + Math.abs(r);
                            p /= s;
                            q /= s;
                            r /= s;
                            if (m == l) break;
                            double u = Math.abs(a[m][m - 1]) * (Math.abs(q) + Math.abs(r));
                            double v = Math.abs(p) * (Math.abs(a[m - 1][m - 1]) + Math.abs(z) + Math.abs(a[m + 1][m + 1]));
                            if (u + v == v) break;
                        }
                        for (int i = m + 2; i <= nn; i++) {
                            a[i][i - 2] = 0;
                            if (i != m + 2) a[i][i - 3] = 0;
                        }
                        for (int k = m; k <= nn - 1; k++) {
                            if (k != m) {
                                p = a[k][k - 1];
                                q = a[k + 1][k - 1];
                                r = 0;
                                if (k != nn - 1) r = a[k + 2][k - 1];
                                if ((x = Math.abs(p) + Math.abs(q) + Math.abs(r)) != 0) {
                                    p /= x;
                                    q /= x;
                                    r /= x;
                                }
                            }
                            if ((s = Math.copySign(Math.sqrt(p * p + q * q + r * r), p)) != 0) {
                                if (k == m) {
                                    if (l != m) a[k][k - 1] = -a[k][k - 1];
                                } else a[k][k - 1] = -s * x;
                                p += s;
                                x = p / s;
                                y = q / s;
                                z = r / s;
                                q /= p;
                                r /= p;
                                for (int j = k; j <= nn; j++) {
                                    p = a[k][j] + q * a[k + 1][j];
                                    if (k != nn - 1) {
                                        p += r * a[k + 2][j];
                                        a[k + 2][j] -= p * z;
                                    }
                                    a[k + 1][j] -= p * y;
                                    a[k][j] -= p * x;
                                }
                                int mmin = Math.min(nn, k + 3);
                                for (int i = l; i <= mmin; i++) {
                                    p = x * a[i][k] + y * a[i][k + 1];
                                    if (k != nn - 1) {
                                        p += z * a[i][k + 2];
                                        a[i][k + 2] -= p * r;
                                    }
                                    a[i][k + 1] -= p * q;
                                    a[i][k] -= p;
                                }
                            }
                        }
                    }
                }
            } while (l < nn - 1);
        }
    }
}
