package org.snn4j.train.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An ordered set of named parameter tensors ({@link Param}) with their gradients: what an
 * {@link Optimizer} is initialised over, what gradient clipping and divergence checks walk, and
 * what a checkpoint names. Immutable once built; the tensors' arrays are live.
 *
 * <pre>
 *   ParamSet ps = ParamSet.builder()
 *       .add("layer1.weight", w, gw, 784, 256)          // float[] or double[] values and gradient
 *       .view("W", net.w, grad, net.offW, n * n, n, n)  // a range of a flat vector
 *       .build();
 * </pre>
 */
public final class ParamSet {
    private final List<Param> params;

    private ParamSet(List<Param> params) {
        this.params = Collections.unmodifiableList(new ArrayList<>(params));
    }

    /** @return a builder of an empty set */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the tensors, in the order they were added */
    public List<Param> params() {
        return params;
    }

    /** @return the number of tensors */
    public int size() {
        return params.size();
    }

    /** @param k index  @return tensor k */
    public Param get(int k) {
        return params.get(k);
    }

    /** @param name a tensor name  @return that tensor, or null when there is none */
    public Param get(String name) {
        for (Param p : params) if (p.name().equals(name)) return p;
        return null;
    }

    /** @return the total number of scalars */
    public long count() {
        long n = 0;
        for (Param p : params) n += p.length();
        return n;
    }

    /** Builds a {@link ParamSet}; names must be unique. */
    public static final class Builder {
        private final List<Param> params = new ArrayList<>();
        private final Set<String> names = new HashSet<>();

        private Builder() {
        }

        private Builder put(Param p) {
            if (!names.add(p.name())) throw new IllegalArgumentException("two parameters named " + p.name());
            params.add(p);
            return this;
        }

        private static int[] shapeOr(int[] shape, int length) {
            return shape.length == 0 ? new int[] {length} : shape;
        }

        /**
         * Adds a whole float[] as a tensor.
         *
         * @param name   unique name
         * @param values the values (updated in place)
         * @param grads  the gradient, same length
         * @param shape  the shape (none: one dimension of values.length)
         * @return this builder
         */
        public Builder add(String name, float[] values, float[] grads, int... shape) {
            return view(name, values, grads, 0, values.length, 1, shapeOr(shape, values.length));
        }

        /**
         * Adds a whole double[] as a tensor.
         *
         * @param name   unique name
         * @param values the values (updated in place)
         * @param grads  the gradient, same length
         * @param shape  the shape (none: one dimension of values.length)
         * @return this builder
         */
        public Builder add(String name, double[] values, double[] grads, int... shape) {
            return view(name, values, grads, 0, values.length, 1, shapeOr(shape, values.length));
        }

        /**
         * Adds the range [offset, offset + length) of a float vector and its gradient as a tensor.
         *
         * @param name    unique name
         * @param values  the values
         * @param grads   the gradient (same indexing)
         * @param offset  first index
         * @param length  number of values
         * @param lrScale multiplier of the learning rate for this tensor
         * @param shape   the shape (none: one dimension of length)
         * @return this builder
         */
        public Builder view(String name, float[] values, float[] grads, int offset, int length, double lrScale, int... shape) {
            if (values == null || grads == null) throw new IllegalArgumentException("parameter " + name + ": null array");
            return put(new Param(name, shapeOr(shape, length), values, grads, null, null, offset, length, lrScale));
        }

        /**
         * Adds the range [offset, offset + length) of a double vector and its gradient as a tensor.
         *
         * @param name    unique name
         * @param values  the values
         * @param grads   the gradient (same indexing)
         * @param offset  first index
         * @param length  number of values
         * @param lrScale multiplier of the learning rate for this tensor
         * @param shape   the shape (none: one dimension of length)
         * @return this builder
         */
        public Builder view(String name, double[] values, double[] grads, int offset, int length, double lrScale, int... shape) {
            if (values == null || grads == null) throw new IllegalArgumentException("parameter " + name + ": null array");
            return put(new Param(name, shapeOr(shape, length), null, null, values, grads, offset, length, lrScale));
        }

        /** @return the set */
        public ParamSet build() {
            return new ParamSet(params);
        }
    }
}
