package org.snn4j.network;

import org.snn4j.math.Parallel;
import org.snn4j.util.IntBuffer;
import org.snn4j.util.Rng;

/** The standard connectors: all-to-all, one-to-one, fixed probability, explicit matrix. */
public final class Connectors {
    private Connectors() {
    }

    /** Every pre neuron to every post neuron with the same weight (dense). */
    public static Connector allToAll(double weight) {
        return (nPre, nPost, seed) -> {
            DenseWeights d = new DenseWeights(nPre, nPost);
            java.util.Arrays.fill(d.w, weight);
            return d;
        };
    }

    /** Pre neuron i to post neuron i (sparse); needs equal sizes. */
    public static Connector oneToOne(double weight) {
        return (nPre, nPost, seed) -> {
            if (nPre != nPost) throw new IllegalArgumentException("one-to-one needs equal sizes, got " + nPre + " and " + nPost);
            int[] rowPtr = new int[nPre + 1];
            int[] col = new int[nPre];
            for (int i = 0; i < nPre; i++) {
                rowPtr[i + 1] = i + 1;
                col[i] = i;
            }
            return new CsrWeights(nPre, nPost, rowPtr, col, null, weight, null);
        };
    }

    /** The given matrix [pre][post]; sparse keeps only the non-zero entries in CSR form. */
    public static Connector fromMatrix(double[][] m, boolean sparse) {
        return (nPre, nPost, seed) -> {
            if (m.length != nPre || m[0].length != nPost)
                throw new IllegalArgumentException("matrix is " + m.length + "x" + m[0].length + ", projection needs "
                        + nPre + "x" + nPost);
            return sparse ? CsrWeights.fromDense(m) : DenseWeights.of(m);
        };
    }

    /**
     * Each ordered pair (i, j) is connected independently with probability p (Brian2's
     * {@code connect(p=...)}, NEST's pairwise_bernoulli), all with one shared weight. Targets are
     * drawn by geometric skips, so the cost is proportional to the synapses made, not to nPre·nPost.
     *
     * @param autapses whether i → i is allowed (meaningful when pre and post are the same neurons)
     */
    public static Connector fixedProbability(double p, double weight, boolean autapses) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("connection probability must be in [0, 1]: " + p);
        return (nPre, nPost, seed) -> {
            final int block = 256;
            int nBlocks = (nPre + block - 1) / block;
            int[][] blockCols = new int[nBlocks][];
            int[] rowLen = new int[nPre];
            final double log1mp = Math.log1p(-p);
            Parallel.common().forEach(nBlocks, b -> {   // blocks own their rows: same result on any team
                IntBuffer buf = new IntBuffer(Math.max(16, (int) (block * nPost * p * 1.1)));
                for (int i = b * block, end = Math.min(nPre, i + block); i < end; i++) {
                    int before = buf.size();
                    if (p >= 1) {
                        for (int j = 0; j < nPost; j++) if (autapses || i != j) buf.add(j);
                    } else if (p > 0) {
                        Rng rng = Rng.stream(seed, i);
                        long j = -1;
                        while (true) {
                            j += 1 + rng.nextGeometric(log1mp);
                            if (j >= nPost) break;
                            if (autapses || j != i) buf.add((int) j);
                        }
                    }
                    rowLen[i] = buf.size() - before;
                }
                blockCols[b] = buf.toArray();
            });
            int[] rowPtr = new int[nPre + 1];
            long total = 0;
            for (int i = 0; i < nPre; i++) {
                total += rowLen[i];
                if (total > Integer.MAX_VALUE - 8)
                    throw new IllegalArgumentException("more than 2^31 synapses in one projection; split it");
                rowPtr[i + 1] = (int) total;
            }
            int[] col = new int[(int) total];
            int off = 0;
            for (int b = 0; b < nBlocks; b++) {
                System.arraycopy(blockCols[b], 0, col, off, blockCols[b].length);
                off += blockCols[b].length;
                blockCols[b] = null;
            }
            return new CsrWeights(nPre, nPost, rowPtr, col, null, weight, null);
        };
    }
}
