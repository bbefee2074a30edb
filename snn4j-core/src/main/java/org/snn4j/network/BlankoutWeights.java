package org.snn4j.network;

import org.snn4j.util.Rng;

/**
 * Stochastic ("blank-out") synapses over a dense matrix: each synapse transmits each presynaptic
 * spike independently with probability p (eRBP×, Neftci et al. 2017; DropConnect in time).
 *
 * <p>The draws are counter-based, so they do not depend on the thread count or on who asks: the
 * n-th delivery of row i transmits through synapse (i, j) when byte (j mod 8) of
 * SplitMix64(key(seed, i, n) + ⌊j/8⌋·φ) is below round(256·p); p is therefore quantised to k/256
 * (0.45 → 115/256 = 0.449). One 64-bit hash serves 8 synapses. A learning rule that must act only
 * on the synapses that transmitted reads them back: delivery records, per synapse, whether the
 * row's last delivery transmitted ({@link #transmittedMask}), and {@link #lastMask} recomputes the
 * same draws.
 */
public final class BlankoutWeights implements Weights {
    private final DenseWeights w;
    private long seed;
    private final int threshold;
    private long[][] count;
    private int[] bounds;
    /** Per column partition, the random bytes of the row being delivered (columns rounded up to whole draws). */
    private byte[][] draws;
    private static final java.lang.invoke.VarHandle LONG_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    /** 1 where synapse (i, j) transmitted row i's last delivery, row-major; written by delivery. */
    private final byte[] transmitted;

    /** @param p transmission probability in [0, 1] */
    public BlankoutWeights(DenseWeights weights, double p, long seed) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("transmission probability must be in [0, 1]: " + p);
        this.w = weights;
        this.seed = seed;
        this.threshold = (int) Math.round(p * 256);
        this.bounds = new int[] {0, weights.cols()};
        this.count = new long[1][weights.rows()];
        this.draws = new byte[1][(weights.cols() + 7) & ~7];
        this.transmitted = new byte[weights.rows() * weights.cols()];
    }

    /**
     * Live row-major flags: entry i·cols + j is 1 when synapse (i, j) transmitted the last delivery
     * of row i (0 before any). Each delivery thread writes only its own columns.
     */
    public byte[] transmittedMask() {
        return transmitted;
    }

    /**
     * Restarts the transmission draws under a new seed, as if the synapses were new: the delivery
     * counts of every row go back to 0 and no synapse has transmitted yet. Deliveries after it
     * depend only on {@code seed} (e.g. an epoch-derived seed, so that training can resume from a
     * checkpoint of the weights).
     */
    public void reseed(long seed) {
        this.seed = seed;
        for (long[] c : count) java.util.Arrays.fill(c, 0);
        java.util.Arrays.fill(transmitted, (byte) 0);
    }

    /** The underlying weights (live). */
    public DenseWeights dense() {
        return w;
    }

    /** The effective transmission probability, round(256·p)/256. */
    public double probability() {
        return threshold / 256.0;
    }

    private long key(int row, long n) {
        return Rng.splitMix(Rng.splitMix(seed ^ 0xB1A4C0DEL) ^ ((long) row * 0x9E3779B97F4A7C15L) ^ Rng.splitMix(n + 0x632BE59BD9B4E019L));
    }

    private static long block(long key, int b) {
        return Rng.splitMix(key + b * 0x9E3779B97F4A7C15L);
    }

    @Override
    public int rows() {
        return w.rows();
    }

    @Override
    public int cols() {
        return w.cols();
    }

    @Override
    public long synapses() {
        return w.synapses();
    }

    @Override
    public long bytes() {
        return w.bytes() + 8L * count.length * count[0].length;
    }

    @Override
    public void partition(int[] colBounds) {
        bounds = colBounds.clone();
        long[] delivered = count[0];   // every part counts every delivery: the counts go on under the new partition
        count = new long[colBounds.length - 1][];
        for (int k = 0; k < count.length; k++) count[k] = delivered.clone();
        draws = new byte[colBounds.length - 1][(w.cols() + 7) & ~7];
    }

    @Override
    public void deliverRow(int row, int part, double[] target, int offset) {
        int lo = bounds[part], hi = bounds[part + 1], cols = w.cols(), base = row * cols;
        long key = key(row, count[part][row]++);
        double[] ww = w.w;
        byte[] tr = transmitted;
        int th = threshold;
        // one 64-bit draw per 8 synapses (block b serves columns 8b..8b+7, byte k of the draw column
        // 8b+k, whatever the partition), laid out as bytes; then one branch-free unit-stride pass
        // (a transmission happens with probability ~p: a branch would be unpredictable)
        byte[] r = draws[part];
        for (int b = lo >>> 3, bEnd = (hi + 7) >>> 3; b < bEnd; b++) LONG_LE.set(r, b << 3, block(key, b));
        for (int j = lo; j < hi; j++) {
            int t = ((r[j] & 0xFF) - th) >>> 31;  // 1 when the byte is below the threshold
            target[offset + j] += t * ww[base + j];
            tr[base + j] = (byte) t;
        }
    }

    @Override
    public void deliverRowDelayed(int row, int part, double[][] ring, int slot0, int uniformDelay, int offset) {
        deliverRow(row, part, ring[(slot0 + uniformDelay) % ring.length], offset);
    }

    /**
     * Which synapses of row {@code row} transmitted its most recent delivery: sets mask[j] for every
     * column and returns how many transmitted (all false before the first delivery).
     */
    public int lastMask(int row, boolean[] mask) {
        long n = count[0][row] - 1;
        int cols = w.cols(), k = 0;
        if (n < 0) {
            java.util.Arrays.fill(mask, 0, cols, false);
            return 0;
        }
        long key = key(row, n);
        long bits = 0;
        for (int j = 0; j < cols; j++) {
            if ((j & 7) == 0) bits = block(key, j >>> 3);
            boolean t = (int) (bits & 0xFF) < threshold;
            mask[j] = t;
            if (t) k++;
            bits >>>= 8;
        }
        return k;
    }

    @Override
    public int maxSynapseDelay() {
        return 0;
    }

    @Override
    public double get(int i, int j) {
        return w.get(i, j);
    }

    @Override
    public void set(int i, int j, double value) {
        w.set(i, j, value);
    }

    @Override
    public double[][] toDense() {
        return w.toDense();
    }

    @Override
    public void setFromDense(double[][] m) {
        w.setFromDense(m);
    }
}
