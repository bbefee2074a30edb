package org.snn4j.train.sg;

import org.snn4j.data.Dataset;

/**
 * A mini-batch computed as micro-batches: the B samples split into P contiguous parts, each part's
 * gradient (the mean over its samples, from {@link SgNet#gradients}) weighted by its share
 * B_p / B and summed in part order. What data-parallel training does with one part per worker
 * (snn4j-spark), and what one process does with the same P parts: the two give the same bits.
 *
 * <p>Each part codes its input from its own stream ({@link #stream}), so that no two parts share
 * random draws.
 */
public final class MicroBatch {
    private MicroBatch() {
    }

    /**
     * The part boundaries of a batch: part p holds samples [bounds[p], bounds[p+1]), the first
     * B mod P parts one sample more than the others.
     *
     * @param batch samples B (≥ parts)
     * @param parts parts P (≥ 1)
     * @return P + 1 offsets
     */
    public static int[] bounds(int batch, int parts) {
        if (parts < 1 || parts > batch) throw new IllegalArgumentException("cannot split a batch of " + batch + " into " + parts + " parts");
        int[] b = new int[parts + 1];
        for (int p = 0; p < parts; p++) b[p + 1] = b[p] + batch / parts + (p < batch % parts ? 1 : 0);
        return b;
    }

    /** The input-coding stream of part p: the batch's own when there is one part. */
    public static long stream(long batchStream, int p, int parts) {
        return parts == 1 ? batchStream : batchStream ^ ((long) (p + 1) << 54);
    }

    /**
     * Computes part p of a mini-batch on {@code net} and writes its weighted gradient, flat in
     * {@link SgNet#paramGrads} order, into {@code out}.
     *
     * @param net      the network (its weights are the step's)
     * @param enc      the input coding
     * @param data     the training set
     * @param order    the epoch's sample order
     * @param first    the mini-batch's first position in {@code order}
     * @param batch    the mini-batch's size B
     * @param p        the part
     * @param parts    P
     * @param steps    time steps T
     * @param loss     the loss
     * @param seed     the run's seed
     * @param stream   the mini-batch's coding stream
     * @param out      the flat weighted gradient ({@link #size} floats)
     * @param pred     receives the part's predictions (length ≥ its samples)
     * @param labels   scratch for the part's labels (length ≥ its samples)
     * @return the part's summed loss (mean × its samples)
     */
    public static double gradient(SgNet net, SgTrainer.Encoding enc, Dataset data, int[] order, int first, int batch, int p, int parts,
                                  int steps, Loss loss, long seed, long stream, float[] out, int[] pred, int[] labels) {
        int[] b = bounds(batch, parts);
        int n = b[p + 1] - b[p];
        net.prepare(steps, n);
        for (int k = 0; k < n; k++) labels[k] = data.label(order[first + b[p] + k]);
        double mean = net.gradients(enc.filler(data, order, first + b[p], seed, stream(stream, p, parts)), labels, loss);
        float share = (float) n / batch;
        int o = 0;
        for (float[] g : net.paramGrads())
            for (float v : g) out[o++] = v * share;
        System.arraycopy(net.predictions(), 0, pred, 0, n);
        return mean * n;
    }

    /** Number of trainable floats of a network (the length of a flat gradient). */
    public static int size(SgNet net) {
        long n = net.paramCount();
        if (n > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("too many parameters for one flat vector: " + n);
        return (int) n;
    }

    /**
     * Sums the parts' weighted gradients in part order into the network's gradient tensors (the sum
     * is the mini-batch's mean gradient), ready for {@link SgNet#update}.
     */
    public static void sumInto(SgNet net, float[][] parts) {
        int o = 0;
        for (float[] g : net.paramGrads()) {
            for (int i = 0; i < g.length; i++) {
                float s = parts[0][o + i];
                for (int p = 1; p < parts.length; p++) s += parts[p][o + i];
                g[i] = s;
            }
            o += g.length;
        }
    }

    /** The network's weights, flat in {@link SgNet#params} order (what a driver broadcasts). */
    public static float[] weights(SgNet net) {
        float[] w = new float[size(net)];
        int o = 0;
        for (float[] t : net.params()) {
            System.arraycopy(t, 0, w, o, t.length);
            o += t.length;
        }
        return w;
    }

    /** Sets the network's weights from a flat vector of {@link #weights} layout (a worker's replica). */
    public static void setWeights(SgNet net, float[] w) {
        int o = 0;
        for (float[] t : net.params()) {
            System.arraycopy(w, o, t, 0, t.length);
            o += t.length;
        }
    }
}
