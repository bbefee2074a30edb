package org.snn4j.network;

import java.util.Arrays;

/**
 * Sparse weights in compressed sparse row form: the synapses of presynaptic neuron i are
 * {@code col[rowPtr[i] .. rowPtr[i+1])}, sorted by column. Weights are either one shared constant
 * (no per-synapse storage: 4 bytes per synapse in all) or a {@code float} per synapse (8 bytes per
 * synapse); optional per-synapse delays add one byte each.
 */
public final class CsrWeights implements Weights {
    private final int rows, cols;
    private final int[] rowPtr;
    private final int[] col;
    private final float[] w;          // null: every synapse has weight `constant`
    private final double constant;
    private final byte[] delay;       // null: no per-synapse delays
    private int parts = 1;
    private int[] splits = new int[0]; // interior split points per row: splits[row*(parts-1) + k-1]
    private int[] bounds;

    /**
     * @param rowPtr   rows + 1 offsets into col
     * @param col      column of each synapse, sorted within each row
     * @param w        weight per synapse, or null to use {@code constant}
     * @param constant the shared weight when {@code w} is null
     * @param delay    delay in steps per synapse (0..127), or null
     */
    public CsrWeights(int rows, int cols, int[] rowPtr, int[] col, float[] w, double constant, byte[] delay) {
        if (rowPtr.length != rows + 1) throw new IllegalArgumentException("rowPtr needs rows + 1 entries");
        if (w != null && w.length != col.length) throw new IllegalArgumentException("one weight per synapse needed");
        if (delay != null && delay.length != col.length) throw new IllegalArgumentException("one delay per synapse needed");
        for (int i = 0; i < rows; i++) {
            for (int k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
                int c = col[k];
                if (c < 0 || c >= cols) throw new IllegalArgumentException("column " + c + " out of range [0," + cols + ")");
                if (k > rowPtr[i] && col[k - 1] >= c) throw new IllegalArgumentException("columns of row " + i + " not strictly increasing");
                if (delay != null && delay[k] < 0) throw new IllegalArgumentException("negative delay");
            }
        }
        this.rows = rows;
        this.cols = cols;
        this.rowPtr = rowPtr;
        this.col = col;
        this.w = w;
        this.constant = constant;
        this.delay = delay;
        this.bounds = new int[] {0, cols};
    }

    /** Builds from a dense matrix, keeping the non-zero entries, with per-synapse weights. */
    public static CsrWeights fromDense(double[][] m) {
        int rows = m.length, cols = m[0].length;
        int[] rowPtr = new int[rows + 1];
        int nnz = 0;
        for (double[] r : m) for (double x : r) if (x != 0) nnz++;
        int[] col = new int[nnz];
        float[] w = new float[nnz];
        int k = 0;
        for (int i = 0; i < rows; i++) {
            if (m[i].length != cols) throw new IllegalArgumentException("ragged matrix at row " + i);
            for (int j = 0; j < cols; j++) {
                if (m[i][j] != 0) {
                    col[k] = j;
                    w[k++] = (float) m[i][j];
                }
            }
            rowPtr[i + 1] = k;
        }
        return new CsrWeights(rows, cols, rowPtr, col, w, 0, null);
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public long synapses() {
        return col.length;
    }

    /** Out-degree of presynaptic neuron i. */
    public int rowLength(int i) {
        return rowPtr[i + 1] - rowPtr[i];
    }

    /** True when all synapses share one weight (no per-synapse storage). */
    public boolean sharedWeight() {
        return w == null;
    }

    @Override
    public long bytes() {
        return 4L * rowPtr.length + 4L * col.length + (w == null ? 0 : 4L * w.length)
                + (delay == null ? 0 : delay.length) + 4L * splits.length;
    }

    @Override
    public void partition(int[] colBounds) {
        bounds = colBounds.clone();
        parts = colBounds.length - 1;
        splits = new int[rows * (parts - 1)];
        for (int i = 0; i < rows; i++) {
            for (int k = 1; k < parts; k++) {
                // first synapse of row i whose column is >= colBounds[k]
                int lo = rowPtr[i], hi = rowPtr[i + 1];
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    if (col[mid] < colBounds[k]) lo = mid + 1;
                    else hi = mid;
                }
                splits[i * (parts - 1) + k - 1] = lo;
            }
        }
    }

    private int segStart(int row, int part) {
        return part == 0 ? rowPtr[row] : splits[row * (parts - 1) + part - 1];
    }

    private int segEnd(int row, int part) {
        return part == parts - 1 ? rowPtr[row + 1] : splits[row * (parts - 1) + part];
    }

    @Override
    public void deliverRow(int row, int part, double[] target, int offset) {
        int s = segStart(row, part), e = segEnd(row, part);
        final int[] c = col;
        if (w == null) {
            final double x = constant;
            for (int k = s; k < e; k++) target[offset + c[k]] += x;
        } else {
            final float[] ww = w;
            for (int k = s; k < e; k++) target[offset + c[k]] += ww[k];
        }
    }

    @Override
    public void deliverRowDelayed(int row, int part, double[][] ring, int slot0, int uniformDelay, int offset) {
        if (delay == null) {
            deliverRow(row, part, ring[(slot0 + uniformDelay) % ring.length], offset);
            return;
        }
        int s = segStart(row, part), e = segEnd(row, part);
        int len = ring.length;
        for (int k = s; k < e; k++) {
            ring[(slot0 + delay[k]) % len][offset + col[k]] += w == null ? constant : w[k];
        }
    }

    @Override
    public int maxSynapseDelay() {
        if (delay == null) return 0;
        int m = 0;
        for (byte d : delay) m = Math.max(m, d);
        return m;
    }

    private int find(int i, int j) {
        return Arrays.binarySearch(col, rowPtr[i], rowPtr[i + 1], j);
    }

    @Override
    public double get(int i, int j) {
        int k = find(i, j);
        if (k < 0) return 0;
        return w == null ? constant : w[k];
    }

    @Override
    public void set(int i, int j, double value) {
        int k = find(i, j);
        if (k < 0) throw new IllegalArgumentException("no synapse (" + i + ", " + j + ") in this sparse projection");
        if (w == null) throw new IllegalStateException("this projection shares one weight; build it with per-synapse weights to change them");
        w[k] = (float) value;
    }

    @Override
    public double[][] toDense() {
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++)
            for (int k = rowPtr[i]; k < rowPtr[i + 1]; k++) m[i][col[k]] = w == null ? constant : w[k];
        return m;
    }

    @Override
    public void setFromDense(double[][] m) {
        if (m.length != rows) throw new IllegalArgumentException("matrix has " + m.length + " rows, expected " + rows);
        if (w == null) throw new IllegalStateException("this projection shares one weight; build it with per-synapse weights to change them");
        for (int i = 0; i < rows; i++) {
            if (m[i].length != cols)
                throw new IllegalArgumentException("matrix row " + i + " has " + m[i].length + " columns, expected " + cols);
            int k = rowPtr[i];
            for (int j = 0; j < cols; j++) {
                if (k < rowPtr[i + 1] && col[k] == j) w[k++] = (float) m[i][j];
                else if (m[i][j] != 0)
                    throw new IllegalArgumentException("no synapse (" + i + ", " + j + ") for non-zero weight " + m[i][j]);
            }
        }
    }
}
