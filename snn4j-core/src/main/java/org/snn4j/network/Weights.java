package org.snn4j.network;

/**
 * The weight matrix of a projection, rows = presynaptic neurons, columns = postsynaptic neurons.
 * Dense ({@link DenseWeights}) or sparse ({@link CsrWeights}); both can be read and written as a
 * matrix so that learning rules can change them, and both deliver a presynaptic spike as one pass
 * over its row (event-driven propagation).
 *
 * <p>For parallel delivery the columns are split into {@code parts} disjoint ranges, one per thread;
 * part k adds only into its own columns, so threads never write the same target, and each target
 * receives its additions in the same order as a serial run: the result is bit-identical for any
 * thread count.
 */
public interface Weights {
    int rows();

    int cols();

    /** Number of stored synapses. */
    long synapses();

    /** Bytes held by the connectivity and weight arrays. */
    long bytes();

    /** Splits the columns into {@code parts} ranges, bounds[k] .. bounds[k+1]; bounds has parts+1 entries. */
    void partition(int[] colBounds);

    /**
     * Adds row {@code row}'s weights, restricted to column part {@code part}, into
     * {@code target[offset + col]}.
     */
    void deliverRow(int row, int part, double[] target, int offset);

    /**
     * As {@link #deliverRow}, but each synapse's contribution goes into the delay ring slot of its own
     * delay: {@code ring[(slot0 + delay) % ring.length][offset + col]}, where delay is the synapse's
     * delay in steps or {@code uniformDelay} when there are no per-synapse delays.
     */
    void deliverRowDelayed(int row, int part, double[][] ring, int slot0, int uniformDelay, int offset);

    /** Largest per-synapse delay in steps (0 when there are none). */
    int maxSynapseDelay();

    /** The weight of synapse (i, j); 0 where there is none. */
    double get(int i, int j);

    /** Sets the weight of an existing synapse (i, j); CSR matrices cannot grow new synapses. */
    void set(int i, int j, double w);

    /** The full matrix [rows][cols], zeros where there is no synapse. */
    double[][] toDense();

    /**
     * Overwrites the weights from a full matrix; a sparse matrix takes the values at its existing
     * synapses and requires zeros elsewhere.
     */
    void setFromDense(double[][] w);
}
