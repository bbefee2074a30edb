package org.snn4j.train.optim;

import java.util.Arrays;

/**
 * One named parameter tensor as an optimiser sees it: its values and its gradient, both stored in
 * a float[] or a double[] at {@code [offset, offset + length)} (a view, so that a flat parameter
 * vector can be split into named tensors without copying), its shape (row-major; product =
 * length), and a multiplier of the learning rate for this tensor (1 by default).
 *
 * <p>Exactly one of {@link #floatValues()} / {@link #doubleValues()} is non-null; the gradient has
 * the same type and offset. Instances are made by {@link ParamSet.Builder}.
 */
public final class Param {
    private final String name;
    private final int[] shape;
    private final float[] fv, fg;
    private final double[] dv, dg;
    private final int offset, length;
    private final double lrScale;

    Param(String name, int[] shape, float[] fv, float[] fg, double[] dv, double[] dg, int offset, int length, double lrScale) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("a parameter needs a name");
        long n = 1;
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("parameter " + name + ": negative dimension in shape " + Arrays.toString(shape));
            n *= s;
        }
        if (n != length) throw new IllegalArgumentException("parameter " + name + ": shape " + Arrays.toString(shape) + " holds " + n
                + " values, not " + length);
        int cap = fv != null ? Math.min(fv.length, fg.length) : Math.min(dv.length, dg.length);
        if (offset < 0 || (long) offset + length > cap)
            throw new IllegalArgumentException("parameter " + name + ": range [" + offset + ", " + ((long) offset + length)
                    + ") outside its arrays (length " + cap + ")");
        if (!(lrScale >= 0) || !Double.isFinite(lrScale))
            throw new IllegalArgumentException("parameter " + name + ": learning-rate scale must be finite and >= 0: " + lrScale);
        this.name = name;
        this.shape = shape.clone();
        this.fv = fv;
        this.fg = fg;
        this.dv = dv;
        this.dg = dg;
        this.offset = offset;
        this.length = length;
        this.lrScale = lrScale;
    }

    /** @return the tensor's name, unique in its {@link ParamSet} */
    public String name() {
        return name;
    }

    /** @return a copy of the shape (row-major) */
    public int[] shape() {
        return shape.clone();
    }

    /** @return true when the values are floats (else doubles) */
    public boolean isFloat() {
        return fv != null;
    }

    /** @return the float array holding the values (live), or null for a double tensor */
    public float[] floatValues() {
        return fv;
    }

    /** @return the float array holding the gradient (live), or null for a double tensor */
    public float[] floatGrads() {
        return fg;
    }

    /** @return the double array holding the values (live), or null for a float tensor */
    public double[] doubleValues() {
        return dv;
    }

    /** @return the double array holding the gradient (live), or null for a float tensor */
    public double[] doubleGrads() {
        return dg;
    }

    /** @return where the tensor starts in its arrays */
    public int offset() {
        return offset;
    }

    /** @return the number of values */
    public int length() {
        return length;
    }

    /** @return the multiplier of the optimiser's learning rate for this tensor */
    public double lrScale() {
        return lrScale;
    }

    /** @return value i of the tensor (0 ≤ i &lt; length), as a double */
    public double value(int i) {
        return fv != null ? fv[offset + i] : dv[offset + i];
    }

    /** @return gradient entry i of the tensor, as a double */
    public double grad(int i) {
        return fv != null ? fg[offset + i] : dg[offset + i];
    }

    /** @return a new state array of this tensor's type and length (float[] or double[]) */
    Object newState() {
        return fv != null ? new float[length] : new double[length];
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + (fv != null ? " float" : " double");
    }
}
