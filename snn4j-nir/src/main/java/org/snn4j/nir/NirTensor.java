package org.snn4j.nir;

import java.util.Arrays;

/**
 * A parameter array of a NIR node: its shape (row-major, C order, as numpy and HDF5 store it) and its
 * values in float, the precision NIR files use. Immutable by convention: the reader and the builders
 * hand out fresh arrays, and nothing in snn4j writes into a tensor after it is built.
 *
 * @param shape dimensions; empty for a scalar
 * @param data  values, {@code product(shape)} of them
 */
public record NirTensor(int[] shape, float[] data) {
    public NirTensor {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new NirException("negative dimension in shape " + Arrays.toString(shape));
            n *= d;
        }
        if (n != data.length)
            throw new NirException("shape " + Arrays.toString(shape) + " holds " + n + " values, the data " + data.length);
    }

    /** A tensor of the given shape filled with one value. */
    public static NirTensor filled(float value, int... shape) {
        long n = 1;
        for (int d : shape) n *= d;
        float[] a = new float[Math.toIntExact(n)];
        Arrays.fill(a, value);
        return new NirTensor(shape.clone(), a);
    }

    /** A vector (1-D tensor) of these values. */
    public static NirTensor vector(float... values) {
        return new NirTensor(new int[]{values.length}, values.clone());
    }

    /** A 2-D tensor from row-major values. */
    public static NirTensor matrix(int rows, int cols, float[] rowMajor) {
        return new NirTensor(new int[]{rows, cols}, rowMajor.clone());
    }

    /** Number of values. */
    public int size() {
        return data.length;
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Value i of the flat (row-major) data. */
    public float get(int i) {
        return data[i];
    }

    /** True when every value equals the first (or the tensor is empty). */
    public boolean uniform() {
        for (float v : data) if (Float.compare(v, data[0]) != 0) return false;
        return true;
    }

    /** The smallest value (NaN for an empty tensor). */
    public float min() {
        float m = Float.NaN;
        for (float v : data) m = Float.isNaN(m) || v < m ? v : m;
        return m;
    }

    /** The largest value (NaN for an empty tensor). */
    public float max() {
        float m = Float.NaN;
        for (float v : data) m = Float.isNaN(m) || v > m ? v : m;
        return m;
    }

    /** The shape as text, e.g. {@code [16, 2, 5, 5]}. */
    public String shapeText() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NirTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "tensor" + shapeText();
    }
}
