package org.snn4j.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.snn4j.util.Rng;

class EigenTest {
    /** Known spectra: a damped rotation, a triangular matrix, a 3-D rotation about (1,1,1) with decay. */
    @Test
    void knownSpectra() {
        double w = 2 * Math.PI;
        double[][] e = Eigen.eigenvalues(new double[][] {{-1, -w}, {w, -1}});
        assertArrayEquals(new double[] {-1, -1}, e[0], 1e-12);
        assertArrayEquals(new double[] {w, -w}, e[1], 1e-12);
        e = Eigen.eigenvalues(new double[][] {{-3, 5, 7}, {0, -0.5, 2}, {0, 0, -2}});
        assertArrayEquals(new double[] {-0.5, -2, -3}, e[0], 1e-12);
        assertArrayEquals(new double[] {0, 0, 0}, e[1], 1e-12);
        double z = Math.PI / Math.sqrt(3);   // ω (1,1,1)/√3 with ω = π
        e = Eigen.eigenvalues(new double[][] {{-1, -z, z}, {z, -1, -z}, {-z, z, -1}});
        assertArrayEquals(new double[] {-1, -1, -1}, e[0], 1e-12);
        assertArrayEquals(new double[] {Math.PI, 0, -Math.PI}, e[1], 1e-12);
        assertEquals(-0.5, Eigen.maxRealPart(new double[][] {{-0.5}}), 0);
        assertThrows(IllegalArgumentException.class, () -> Eigen.eigenvalues(new double[][] {{1, 2}, {3}}));
    }

    /** Random matrices: each eigenvalue z makes det(M − zI) vanish (complex LU), and Σz = trace. */
    @Test
    void randomMatricesSatisfyTheCharacteristicEquation() {
        Rng rng = new Rng(7);
        for (int n = 1; n <= 9; n++) {
            double[][] m = new double[n][n];
            double tr = 0;
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < n; k++) m[i][k] = rng.nextGaussian();
                tr += m[i][i];
            }
            double[][] e = Eigen.eigenvalues(m);
            double sr = 0, si = 0;
            for (int p = 0; p < n; p++) {
                sr += e[0][p];
                si += e[1][p];
                assertEquals(0, smallestPivot(m, e[0][p], e[1][p]), 1e-8, "n = " + n + ", eigenvalue " + p);
            }
            assertEquals(tr, sr, 1e-9);
            assertEquals(0, si, 1e-9);
        }
    }

    /** |last pivot| of the complex LU of M − zI with partial pivoting, relative to the matrix norm: 0 at an eigenvalue. */
    private static double smallestPivot(double[][] m, double zr, double zi) {
        int n = m.length;
        double[][] re = new double[n][n], im = new double[n][n];
        double norm = 0;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++) {
                re[i][k] = m[i][k] - (i == k ? zr : 0);
                im[i][k] = i == k ? -zi : 0;
                norm = Math.max(norm, Math.hypot(re[i][k], im[i][k]));
            }
        double smallest = Double.POSITIVE_INFINITY;
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int i = c + 1; i < n; i++) if (Math.hypot(re[i][c], im[i][c]) > Math.hypot(re[piv][c], im[piv][c])) piv = i;
            double[] t = re[piv]; re[piv] = re[c]; re[c] = t;
            t = im[piv]; im[piv] = im[c]; im[c] = t;
            double pr = re[c][c], pi = im[c][c], pp = pr * pr + pi * pi;
            smallest = Math.min(smallest, Math.sqrt(pp));
            if (pp == 0) return 0;
            for (int i = c + 1; i < n; i++) {
                double fr = (re[i][c] * pr + im[i][c] * pi) / pp, fi = (im[i][c] * pr - re[i][c] * pi) / pp;
                for (int k = c; k < n; k++) {
                    double ar = re[c][k], ai = im[c][k];
                    re[i][k] -= fr * ar - fi * ai;
                    im[i][k] -= fr * ai + fi * ar;
                }
            }
        }
        return smallest / norm;
    }
}
