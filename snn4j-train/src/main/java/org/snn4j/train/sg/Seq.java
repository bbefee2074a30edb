package org.snn4j.train.sg;

/**
 * The activations at one boundary of a network, for a mini-batch of B samples over T time steps and
 * n units, batch-major: unit i of sample b at step t is element (b·T + t)·n + i ("row" r = b·T + t).
 *
 * <p>Spikes are binary and stored as bit sets ({@link #bits}: {@link #words} longs per row, unit i
 * in bit i % 64 of word i / 64): 32 times less memory than floats, and the next {@link Linear}
 * layer adds only the weight rows of the units that spiked. Real-valued activations (membrane
 * potentials of a readout, input currents, smooth spikes in tests) are dense floats
 * ({@link #dense}).
 */
public final class Seq {
    /** Units per row. */
    public final int n;
    /** True when the activations are binary and live in {@link #bits}. */
    public final boolean binary;
    /** Words per row when binary: ⌈n / 64⌉. */
    public final int words;
    int steps, batch;
    /** Dense values (binary == false), length ≥ B·T·n. */
    public float[] dense;
    /** Bit sets (binary == true), length ≥ B·T·words. */
    public long[] bits;

    public Seq(int n, boolean binary) {
        this.n = n;
        this.binary = binary;
        this.words = (n + 63) >>> 6;
    }

    /** Makes room for B samples of T steps (keeping the arrays when they are large enough). */
    public void ensure(int steps, int batch) {
        this.steps = steps;
        this.batch = batch;
        long rows = (long) steps * batch;
        if (binary) {
            long len = rows * words;
            if (len > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("batch × steps too large: " + rows + " rows");
            if (bits == null || bits.length < len) bits = new long[(int) len];
        } else {
            long len = rows * n;
            if (len > Integer.MAX_VALUE - 16)
                throw new IllegalArgumentException("batch × steps × units too large: " + len + " elements");
            if (dense == null || dense.length < len) dense = new float[(int) len];
        }
    }

    public int steps() {
        return steps;
    }

    public int batch() {
        return batch;
    }

    /** Activation of unit i of sample b at step t (1 or 0 for spikes). */
    public float get(int b, int t, int i) {
        int r = b * steps + t;
        if (binary) return (bits[r * words + (i >>> 6)] >>> (i & 63) & 1L) != 0 ? 1f : 0f;
        return dense[r * n + i];
    }

    /** Sets an activation (binary: non-zero means a spike). */
    public void set(int b, int t, int i, float v) {
        int r = b * steps + t;
        if (binary) {
            int w = r * words + (i >>> 6);
            if (v != 0) bits[w] |= 1L << (i & 63);
            else bits[w] &= ~(1L << (i & 63));
        } else {
            dense[r * n + i] = v;
        }
    }

    /** Bytes held by the arrays. */
    public long bytes() {
        return (dense == null ? 0 : 4L * dense.length) + (bits == null ? 0 : 8L * bits.length);
    }
}
