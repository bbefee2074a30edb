package org.snn4j.network;

/** A dense weight matrix, row-major (pre × post), for all-to-all or learned connectivity. */
public final class DenseWeights implements Weights {
    private final int rows, cols;
    /** Row-major weights, w[i * cols + j] from pre i to post j. */
    public final double[] w;
    private int[] bounds;

    public DenseWeights(int rows, int cols) {
        if (rows <= 0 || cols <= 0) throw new IllegalArgumentException("matrix size must be positive: " + rows + "x" + cols);
        this.rows = rows;
        this.cols = cols;
        this.w = new double[rows * cols];
        this.bounds = new int[] {0, cols};
    }

    public static DenseWeights of(double[][] m) {
        DenseWeights d = new DenseWeights(m.length, m[0].length);
        d.setFromDense(m);
        return d;
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
        return (long) rows * cols;
    }

    @Override
    public long bytes() {
        return 8L * w.length;
    }

    @Override
    public void partition(int[] colBounds) {
        bounds = colBounds.clone();
    }

    @Override
    public void deliverRow(int row, int part, double[] target, int offset) {
        int lo = bounds[part], hi = bounds[part + 1];
        int base = row * cols;
        for (int j = lo; j < hi; j++) target[offset + j] += w[base + j];
    }

    @Override
    public void deliverRowDelayed(int row, int part, double[][] ring, int slot0, int uniformDelay, int offset) {
        deliverRow(row, part, ring[(slot0 + uniformDelay) % ring.length], offset);
    }

    @Override
    public int maxSynapseDelay() {
        return 0;
    }

    @Override
    public double get(int i, int j) {
        return w[i * cols + j];
    }

    @Override
    public void set(int i, int j, double value) {
        w[i * cols + j] = value;
    }

    @Override
    public double[][] toDense() {
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) System.arraycopy(w, i * cols, m[i], 0, cols);
        return m;
    }

    @Override
    public void setFromDense(double[][] m) {
        if (m.length != rows) throw new IllegalArgumentException("matrix has " + m.length + " rows, expected " + rows);
        for (int i = 0; i < rows; i++) {
            if (m[i].length != cols)
                throw new IllegalArgumentException("matrix row " + i + " has " + m[i].length + " columns, expected " + cols);
            System.arraycopy(m[i], 0, w, i * cols, cols);
        }
    }
}
