package org.snn4j.train.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.snn4j.util.Rng;

/**
 * The blocked, vectorisable kernels of {@link ExactGradient} give bit for bit what the plain loops
 * (one column / row / step at a time, the order of the original implementation) give, including
 * sizes that are not multiples of the block of four and inputs with zeros.
 */
class ExactKernelsTest {
    static double[][] rand(Rng r, int a, int b, double zeroFraction) {
        double[][] m = new double[a][b];
        for (double[] row : m)
            for (int j = 0; j < b; j++) row[j] = r.nextDouble() < zeroFraction ? 0 : r.nextGaussian();
        return m;
    }

    @Test
    void blockedKernelsEqualThePlainLoopsBitForBit() {
        Rng r = Rng.stream(7, 1);
        for (int n : new int[] {1, 3, 4, 7, 13, 32}) {
            double[][] w = rand(r, n, n, 0.0);
            double[] s = rand(r, 1, n, 0.3)[0], g = rand(r, 1, n, 0.3)[0];
            // forward: cur += W s, column j ascending
            double[] cur = rand(r, 1, n, 0)[0], ref = cur.clone();
            ExactGradient.forwardRecurrent(s, w, cur, n);
            for (int j = 0; j < n; j++) if (s[j] != 0) for (int i = 0; i < n; i++) ref[i] += s[j] * w[j][i];
            assertArrayEquals(ref, cur, 0.0, "forwardRecurrent n=" + n);
            // adjoint: λ += Wᵀ g, row i ascending
            double[] lam = rand(r, 1, n, 0)[0], lref = lam.clone();
            ExactGradient.adjointRecurrent(g, w, lam, n);
            for (int i = 0; i < n; i++) if (g[i] != 0) for (int j = 0; j < n; j++) lref[j] += g[i] * w[i][j];
            assertArrayEquals(lref, lam, 0.0, "adjointRecurrent n=" + n);
            // weight gradient: gW += Σ_k g_k s_kᵀ, k descending, as a rank-1 update per step
            int K = 9;
            double[][] gk = rand(r, K, n, 0.3), sk = rand(r, K, n, 0.1), gW = rand(r, n, n, 0), gRef = new double[n][];
            for (int i = 0; i < n; i++) gRef[i] = gW[i].clone();
            ExactGradient.outerProducts(gk, sk, 2, K, gW, n);
            for (int k = K - 1; k >= 2; k--)
                for (int i = 0; i < n; i++) if (gk[k][i] != 0) for (int j = 0; j < n; j++) gRef[i][j] += gk[k][i] * sk[k][j];
            for (int i = 0; i < n; i++) assertArrayEquals(gRef[i], gW[i], 0.0, "outerProducts n=" + n + " row " + i);
        }
    }
}
