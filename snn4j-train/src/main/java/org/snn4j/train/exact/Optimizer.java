package org.snn4j.train.exact;

import org.snn4j.util.InputException;

/**
 * First-order optimisers on a flat parameter vector, with their state exposed for checkpoints.
 * <pre>
 *   Adam:           m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;  w ← w − η m̂ / (√v̂ + ε)
 *                   (m̂ = m/(1−β1^t), v̂ = v/(1−β2^t))
 *   SGD + momentum: u ← μ u + g;  w ← w − η u
 * </pre>
 */
public abstract class Optimizer {
    /** Learning rate η (may be changed between steps, e.g. by a schedule). */
    public double lr;
    /** Steps taken. */
    public long t;
    /** Per-parameter multiplier of the learning rate (null: 1 for all). */
    public double[] scale;

    protected Optimizer(double lr) {
        if (!(lr > 0)) throw new InputException("learning rate must be positive: " + lr);
        this.lr = lr;
    }

    /** One update of {@code w} with gradient {@code g}. */
    public abstract void step(double[] w, double[] g);

    /** The internal state arrays (live; for checkpoints). */
    public abstract double[][] state();

    public abstract String kind();

    /** "adam" or "sgd" (SGD with momentum). */
    public static Optimizer create(String kind, int size, double lr, double momentum) {
        switch (kind) {
            case "adam": return new Adam(size, lr, 0.9, 0.999, 1e-8);
            case "sgd": return new Sgd(size, lr, momentum);
            default: throw new InputException("unknown optimizer '" + kind + "' (expected adam or sgd)");
        }
    }

    /**
     * Scales g in place so that its Euclidean norm is at most {@code maxNorm} (no-op if maxNorm ≤ 0);
     * returns the norm before clipping.
     */
    public static double clipNorm(double[] g, double maxNorm) {
        double s = 0;
        for (double v : g) s += v * v;
        double norm = Math.sqrt(s);
        if (maxNorm > 0 && norm > maxNorm) {
            double f = maxNorm / norm;
            for (int k = 0; k < g.length; k++) g[k] *= f;
        }
        return norm;
    }

    /** Adam (Kingma &amp; Ba 2015). */
    public static final class Adam extends Optimizer {
        private final double b1, b2, eps;
        private final double[] m, v;

        public Adam(int size, double lr, double b1, double b2, double eps) {
            super(lr);
            this.b1 = b1;
            this.b2 = b2;
            this.eps = eps;
            m = new double[size];
            v = new double[size];
        }

        @Override
        public void step(double[] w, double[] g) {
            t++;
            double c1 = 1 - Math.pow(b1, t), c2 = 1 - Math.pow(b2, t);
            double a = lr * Math.sqrt(c2) / c1, e = eps * Math.sqrt(c2);
            for (int k = 0; k < w.length; k++) {
                double gk = g[k];
                m[k] = b1 * m[k] + (1 - b1) * gk;
                v[k] = b2 * v[k] + (1 - b2) * gk * gk;
                w[k] -= (scale == null ? a : a * scale[k]) * m[k] / (Math.sqrt(v[k]) + e);
            }
        }

        @Override
        public double[][] state() {
            return new double[][] {m, v};
        }

        @Override
        public String kind() {
            return "adam";
        }
    }

    /** Stochastic gradient descent with (heavy-ball) momentum μ. */
    public static final class Sgd extends Optimizer {
        private final double mu;
        private final double[] u;

        public Sgd(int size, double lr, double momentum) {
            super(lr);
            if (!(momentum >= 0 && momentum < 1)) throw new InputException("momentum must be in [0, 1): " + momentum);
            mu = momentum;
            u = new double[size];
        }

        @Override
        public void step(double[] w, double[] g) {
            t++;
            for (int k = 0; k < w.length; k++) {
                u[k] = mu * u[k] + g[k];
                w[k] -= (scale == null ? lr : lr * scale[k]) * u[k];
            }
        }

        @Override
        public double[][] state() {
            return new double[][] {u};
        }

        @Override
        public String kind() {
            return "sgd";
        }
    }
}
