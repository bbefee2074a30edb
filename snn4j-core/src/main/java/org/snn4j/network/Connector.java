package org.snn4j.network;

/**
 * Builds the weight matrix of a projection (PyNN's Connector, NEST's conn_spec). A connector that
 * draws random numbers uses streams derived from the given seed and the row, so the matrix depends
 * only on the seed, never on the number of threads building it.
 */
@FunctionalInterface
public interface Connector {
    Weights connect(int nPre, int nPost, long seed);
}
