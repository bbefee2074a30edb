package org.snn4j.train.sg;

import org.snn4j.data.Dataset;
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
        for (int i = 0; i < n; i++) thr[i] = threshold(x[xOff + i]);
        encodeThresholds(n, steps, rng, bits, bitsOff, words, thr);
    }

    /** The 24-bit spike threshold of intensity p: P(spike) = threshold(p) / 2²⁴. */
    static int threshold(float p) {
        return p <= 0 ? 0 : p >= 1 ? 1 << 24 : (int) (p * (1 << 24));
    }

    /** Thresholds of the 256 byte intensities b / 255 (the same numbers as {@link #threshold} of the float). */
    private static final int[] BYTE_THRESHOLDS = new int[256];

    static {
        for (int b = 0; b < 256; b++) BYTE_THRESHOLDS[b] = threshold(b / 255f);
    }

    /**
     * Encodes image k of a dataset (bytes converted on the fly, no float copy of the dataset) into T
     * rows of bits, exactly as {@link #encode(float[], int, int, int, Rng, long[], int, int, int[])}
     * does for its float pixels. {@code thr} is scratch of length ≥ dim + 1.
     */
    public static void encode(Dataset d, int k, int steps, Rng rng, long[] bits, int bitsOff, int words, int[] thr) {
        int n = d.dim();
        byte[] by = d.bytes();
        if (by != null) {
            int off = k * n;
            for (int i = 0; i < n; i++) thr[i] = BYTE_THRESHOLDS[by[off + i] & 0xFF];
        } else {
            for (int i = 0; i < n; i++) thr[i] = threshold(d.pixel(k, i));
        }
        encodeThresholds(n, steps, rng, bits, bitsOff, words, thr);
    }

    /**
     * Encodes image k of a dataset translated by (dx, dy) pixels (x to the right, y down; pixels
     * shifted in from outside the image are 0): the pixel at (row, col) becomes the one at
     * (row − dy, col − dx). Data augmentation for training; (0, 0) gives the same spikes as
     * {@link #encode(Dataset, int, int, Rng, long[], int, int, int[])}.
     */
    public static void encodeShifted(Dataset d, int k, int dx, int dy, int steps, Rng rng, long[] bits, int bitsOff, int words,
                                     int[] thr) {
        int rows = d.rows(), cols = d.cols(), n = rows * cols;
        byte[] by = d.bytes();
        int off = k * n;
        for (int y = 0; y < rows; y++) {
            int sy = y - dy;
            for (int x = 0; x < cols; x++) {
                int sx = x - dx, i = y * cols + x;
                if (sy < 0 || sy >= rows || sx < 0 || sx >= cols) thr[i] = 0;
                else if (by != null) thr[i] = BYTE_THRESHOLDS[by[off + sy * cols + sx] & 0xFF];
                else thr[i] = threshold(d.pixel(k, sy * cols + sx));
            }
        }
        encodeThresholds(n, steps, rng, bits, bitsOff, words, thr);
    }

    /** Per-thread scratch for the uniform draws of one row (24-bit integers, one per pixel). */
    private static final ThreadLocal<int[]> DRAWS = ThreadLocal.withInitial(() -> new int[0]);

    /**
     * Row by row: first the random draws in their fixed order (one 64-bit number per pixel pair: bits
     * 0–23 for the even pixel, bits 40–63 for the odd one), then a branch-free unit-stride pass that
     * compares them with the thresholds (u &lt; thr ⇔ the sign bit of u − thr; both lie in [0, 2²⁴])
     * and packs 64 pixels per word.
     */
    private static void encodeThresholds(int n, int steps, Rng rng, long[] bits, int bitsOff, int words, int[] thr) {
        thr[n] = 0;
        int pairs = (n + 1) >>> 1;
        int[] u = DRAWS.get();
        if (u.length < 2 * pairs) {
            u = new int[2 * pairs];
            DRAWS.set(u);
        }
        for (int t = 0; t < steps; t++) {
            for (int p = 0; p < pairs; p++) {
                long r = rng.nextLong();
                u[2 * p] = (int) (r & 0xFFFFFFL);
                u[2 * p + 1] = (int) (r >>> 40);
            }
            int o = bitsOff + t * words;
            for (int w = 0; w < words; w++) {
                int base = w << 6, lim = Math.min(64, n - base);
                long word = 0;
                for (int k = 0; k < lim; k++) word |= (long) ((u[base + k] - thr[base + k]) >>> 31) << k;
                bits[o + w] = word;
            }
        }
    }
}
