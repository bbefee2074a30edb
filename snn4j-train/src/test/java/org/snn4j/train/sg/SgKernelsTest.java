package org.snn4j.train.sg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.snn4j.util.Rng;

/** The branch-free kernels give exactly the results of the plain comparisons they replace. */
class SgKernelsTest {
    @Test
    void spikeMaskIsTheComparison() {
        Rng r = new Rng(3);
        float th = 1f;
        float[] edge = {th, Math.nextUp(th), Math.nextDown(th), 0f, -0f, -5f, 1e30f, Float.MIN_VALUE, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY};
        for (float v : edge) assertEquals(v > th ? -1 : 0, org.snn4j.cell.LifKernels.spikeMask(v, th), "v = " + v);
        for (int k = 0; k < 100000; k++) {
            float v = (float) (r.nextDouble() * 4 - 2), t = (float) (r.nextDouble() * 2 + 1e-3);
            assertEquals(v > t ? -1 : 0, org.snn4j.cell.LifKernels.spikeMask(v, t));
        }
        // integrate (subtractive and zero reset) against the plain formulas
        int n = 131;
        float[] pv = new float[n], j = new float[n], v = new float[n];
        for (int i = 0; i < n; i++) {
            pv[i] = (float) (r.nextDouble() * 3 - 1);
            j[i] = (float) (r.nextDouble() - 0.5);
        }
        pv[0] = th;
        pv[1] = Math.nextUp(th);
        float beta = 0.93f;
        org.snn4j.cell.LifKernels.integrate(true, beta, th, pv, 0, j, 0, v, 0, n);
        for (int i = 0; i < n; i++) assertEquals(Float.floatToRawIntBits(beta * pv[i] + j[i] - (pv[i] > th ? th : 0f)), Float.floatToRawIntBits(v[i]));
        org.snn4j.cell.LifKernels.integrate(false, beta, th, pv, 0, j, 0, v, 0, n);
        for (int i = 0; i < n; i++) assertEquals(Float.floatToRawIntBits(pv[i] > th ? 0f : beta * pv[i] + j[i]), Float.floatToRawIntBits(v[i]));
    }

    /** The rate coding before the branch-free rewrite: two pixels per draw, pixel by pixel. */
    static void reference(int n, int steps, Rng rng, long[] bits, int words, int[] thr) {
        thr[n] = 0;
        for (int t = 0; t < steps; t++) {
            for (int w = 0; w < words; w++) {
                long word = 0;
                int base = w << 6, lim = Math.min(64, n - base);
                for (int k = 0; k < lim; k += 2) {
                    long x = rng.nextLong();
                    long lo = (x & 0xFFFFFFL) < thr[base + k] ? 1L : 0L;
                    long hi = (x >>> 40) < thr[base + k + 1] ? 1L : 0L;
                    word |= (lo << k) | (hi << (k + 1));
                }
                bits[t * words + w] = word;
            }
        }
    }

    @Test
    void rateCodingKeepsTheRandomStream() {
        for (int n : new int[] {1, 63, 64, 97, 784}) {
            Rng r = new Rng(n);
            float[] x = new float[n];
            for (int i = 0; i < n; i++) x[i] = i % 7 == 0 ? 0f : i % 11 == 0 ? 1f : (float) r.nextDouble();
            int words = (n + 63) >>> 6, T = 9;
            int[] thr = new int[n + 1];
            long[] got = new long[T * words], want = new long[T * words];
            RateEncoder.encode(x, 0, n, T, new Rng(17), got, 0, words, thr);
            for (int i = 0; i < n; i++) thr[i] = RateEncoder.threshold(x[i]);
            reference(n, T, new Rng(17), want, words, thr);
            assertArrayEquals(want, got, "n = " + n);
        }
    }
}
