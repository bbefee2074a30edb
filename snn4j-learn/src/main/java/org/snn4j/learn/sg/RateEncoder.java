package org.snn4j.learn.sg;

import org.snn4j.util.Rng;

/**
 * Rate coding (snnTorch {@code spikegen.rate}): pixel intensity x ∈ [0, 1] becomes a spike with
 * probability x, independently at every step. Probabilities are quantised to 24 bits
 * (P(spike) = ⌊x·2²⁴⌋ / 2²⁴), two pixels per 64-bit random number.
 */
public final class RateEncoder {
    private RateEncoder() {
    }

    /**
     * Encodes n pixels x[xOff ..] into T rows of bits (row t at bits[bitsOff + t·words]).
     * {@code thr} is scratch of length ≥ n + 1.
     */
    public static void encode(float[] x, int xOff, int n, int steps, Rng rng, long[] bits, int bitsOff, int words, int[] thr) {
        for (int i = 0; i < n; i++) {
            float p = x[xOff + i];
            thr[i] = p <= 0 ? 0 : p >= 1 ? 1 << 24 : (int) (p * (1 << 24));
        }
        thr[n] = 0;
        for (int t = 0; t < steps; t++) {
            int o = bitsOff + t * words;
            for (int w = 0; w < words; w++) {
                long word = 0;
                int base = w << 6, lim = Math.min(64, n - base);
                for (int k = 0; k < lim; k += 2) {
                    long r = rng.nextLong();
                    long lo = (r & 0xFFFFFFL) < thr[base + k] ? 1L : 0L;
                    long hi = (r >>> 40) < thr[base + k + 1] ? 1L : 0L;
                    word |= (lo << k) | (hi << (k + 1));
                }
                bits[o + w] = word;
            }
        }
    }
}
