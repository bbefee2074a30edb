package org.snn4j.train.sg;

import java.util.Arrays;
import org.snn4j.data.Dataset;

/**
 * Latency (time-to-first-spike) coding, snnTorch {@code spikegen.latency} with clip = True: each
 * input x ∈ [0, 1] emits at most one spike, brighter inputs earlier. With T steps:
 * <pre>
 *   linear: t(x) = round((T − 1)(1 − x))                 (x = 1 at step 0, x = 0 at the last step)
 *   log:    t(x) = round(τ ln(x / (x − θ)))  for x &gt; θ   (the charging time of an RC circuit to θ)
 * </pre>
 * Inputs x ≤ θ, or whose time falls after step T − 1, do not spike (θ = 0.01 and τ = 5 steps by
 * default, as snnTorch's threshold and a time constant in steps).
 */
public final class LatencyEncoder {
    private final boolean log;
    private final float threshold, tau;

    /** @param log log (RC) or linear timing; @param threshold θ in [0, 1); @param tau τ in steps (log only) */
    public LatencyEncoder(boolean log, double threshold, double tau) {
        if (!(threshold >= 0 && threshold < 1)) throw new IllegalArgumentException("latency threshold must lie in [0, 1): " + threshold);
        if (!(tau > 0)) throw new IllegalArgumentException("latency tau must be positive: " + tau);
        this.log = log;
        this.threshold = (float) threshold;
        this.tau = (float) tau;
    }

    /** Spike step of input x over T steps, or −1 for none. */
    public int spikeTime(float x, int steps) {
        if (!(x > threshold)) return -1;
        double t = log ? tau * Math.log(x / (double) (x - threshold)) : (steps - 1) * (1 - (double) Math.min(1f, x));
        long r = Math.round(t);
        return r >= 0 && r < steps ? (int) r : -1;
    }

    /** Encodes input x[0 .. n) of one sample into T rows of bits starting at bits[bitsOff] (words per row). */
    public void encode(float[] x, int xOff, int n, int steps, long[] bits, int bitsOff, int words) {
        Arrays.fill(bits, bitsOff, bitsOff + steps * words, 0L);
        for (int i = 0; i < n; i++) {
            int t = spikeTime(x[xOff + i], steps);
            if (t >= 0) bits[bitsOff + t * words + (i >>> 6)] |= 1L << (i & 63);
        }
    }

    /** An input filler for images of a dataset (deterministic; the random stream is not used). */
    public SgNet.InputFiller filler(Dataset d, int[] order, int first) {
        return (in, b0, b1, thr) -> {
            int T = in.steps(), words = in.words, n = d.dim();
            long[] bits = in.bits;
            for (int b = b0; b < b1; b++) {
                int img = order == null ? first + b : order[first + b];
                int off = b * T * words;
                Arrays.fill(bits, off, off + T * words, 0L);
                for (int i = 0; i < n; i++) {
                    int t = spikeTime(d.pixel(img, i), T);
                    if (t >= 0) bits[off + t * words + (i >>> 6)] |= 1L << (i & 63);
                }
            }
        };
    }

    @Override
    public String toString() {
        return log ? "latency(log, threshold " + threshold + ", tau " + tau + ")" : "latency(linear, threshold " + threshold + ")";
    }
}
