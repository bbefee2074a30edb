package org.snn4j.train.sg;

import java.util.Arrays;
import org.snn4j.data.Dataset;

/**
 * Delta modulation, snnTorch {@code spikegen.delta} (padding = False, off_spike = True) with the
 * on and off spikes on separate channels: for a signal x_t of n channels (x_{−1} = 0),
 * <pre>
 *   on  channel i      : spike at t when x_t,i − x_{t−1},i ≥ θ
 *   off channel n + i  : spike at t when x_{t−1},i − x_t,i ≥ θ
 * </pre>
 * so the output has 2n channels. A static image becomes a signal by {@link #filler}: shown for the
 * first ⌈T/2⌉ steps, then withdrawn (on spikes at step 0, off spikes at step ⌈T/2⌉).
 */
public final class DeltaEncoder {
    private final float threshold;

    public DeltaEncoder(double threshold) {
        if (!(threshold > 0)) throw new IllegalArgumentException("delta threshold must be positive: " + threshold);
        this.threshold = (float) threshold;
    }

    /**
     * Encodes T frames of n channels (frame t at x[xOff + t·n]) into T rows of 2n bits starting at
     * bits[bitsOff] ({@code words} ≥ ⌈2n/64⌉ per row).
     */
    public void encode(float[] x, int xOff, int n, int steps, long[] bits, int bitsOff, int words) {
        Arrays.fill(bits, bitsOff, bitsOff + steps * words, 0L);
        for (int t = 0; t < steps; t++) {
            int row = bitsOff + t * words;
            for (int i = 0; i < n; i++) {
                float prev = t == 0 ? 0f : x[xOff + (t - 1) * n + i], d = x[xOff + t * n + i] - prev;
                if (d >= threshold) bits[row + (i >>> 6)] |= 1L << (i & 63);
                else if (-d >= threshold) bits[row + ((n + i) >>> 6)] |= 1L << ((n + i) & 63);
            }
        }
    }

    /** Input filler for a dataset of static images: 2·dim input channels, the image shown for the first ⌈T/2⌉ steps. */
    public SgNet.InputFiller filler(Dataset d, int[] order, int first) {
        return (in, b0, b1, thr) -> {
            int T = in.steps(), words = in.words, n = d.dim(), off = (T + 1) / 2;
            if (in.n != 2 * n) throw new IllegalArgumentException("delta coding needs " + 2 * n + " input channels, the network has " + in.n);
            long[] bits = in.bits;
            for (int b = b0; b < b1; b++) {
                int img = order == null ? first + b : order[first + b];
                int o = b * T * words;
                Arrays.fill(bits, o, o + T * words, 0L);
                for (int i = 0; i < n; i++) {
                    float x = d.pixel(img, i);
                    if (x >= threshold) {
                        bits[o + (i >>> 6)] |= 1L << (i & 63);
                        if (off < T) bits[o + off * words + ((n + i) >>> 6)] |= 1L << ((n + i) & 63);
                    }
                }
            }
        };
    }

    @Override
    public String toString() {
        return "delta(threshold " + threshold + ")";
    }
}
