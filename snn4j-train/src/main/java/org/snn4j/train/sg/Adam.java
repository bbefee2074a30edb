package org.snn4j.train.sg;

/**
 * Adam (Kingma &amp; Ba 2015) as in PyTorch's {@code torch.optim.Adam}: with gradient g (plus
 * weight decay λ·p, L2 style, when λ &gt; 0), step count s,
 * m ← β₁ m + (1 − β₁) g, v ← β₂ v + (1 − β₂) g², p ← p − η (m / (1 − β₁ˢ)) / (√(v / (1 − β₂ˢ)) + ε).
 * Defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8.
 */
public final class Adam {
    private final float[][] p, g, m, v;
    private double lr;
    private final double b1, b2, eps, weightDecay;
    private long step;

    public Adam(float[][] params, float[][] grads, double lr, double weightDecay) {
        this(params, grads, lr, 0.9, 0.999, 1e-8, weightDecay);
    }

    public Adam(float[][] params, float[][] grads, double lr, double b1, double b2, double eps, double weightDecay) {
        if (!(lr > 0)) throw new IllegalArgumentException("learning rate must be positive: " + lr);
        this.p = params;
        this.g = grads;
        this.lr = lr;
        this.b1 = b1;
        this.b2 = b2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        m = new float[p.length][];
        v = new float[p.length][];
        for (int k = 0; k < p.length; k++) {
            m[k] = new float[p[k].length];
            v[k] = new float[p[k].length];
        }
    }

    public void learningRate(double lr) {
        this.lr = lr;
    }

    public double learningRate() {
        return lr;
    }

    public long steps() {
        return step;
    }

    /** The first (m) and second (v) moment estimates, live, in the order of the parameters (for checkpoints). */
    float[][] firstMoments() {
        return m;
    }

    float[][] secondMoments() {
        return v;
    }

    /** Restores the step count (from a checkpoint). */
    void steps(long s) {
        step = s;
    }

    /** Starts a step (advances the step count); then call {@link #update} on every part, in any order or in parallel. */
    public void begin() {
        step++;
    }

    /** Number of parts the update can be split into: {@code parts} chunks of each tensor. */
    public void update(int part, int parts) {
        float c1 = (float) (1 - Math.pow(b1, step)), c2 = (float) (1 - Math.pow(b2, step));
        float fb1 = (float) b1, fb2 = (float) b2, a = (float) lr, e = (float) eps, wd = (float) weightDecay;
        float invC1 = 1f / c1, invC2 = 1f / c2;
        for (int k = 0; k < p.length; k++) {
            float[] pk = p[k], gk = g[k], mk = m[k], vk = v[k];
            int n = pk.length, i0 = (int) ((long) part * n / parts), i1 = (int) ((long) (part + 1) * n / parts);
            for (int i = i0; i < i1; i++) {
                float gi = gk[i] + wd * pk[i];
                float mi = fb1 * mk[i] + (1 - fb1) * gi;
                float vi = fb2 * vk[i] + (1 - fb2) * gi * gi;
                mk[i] = mi;
                vk[i] = vi;
                pk[i] -= a * (mi * invC1) / ((float) Math.sqrt(vi * invC2) + e);
            }
        }
    }
}
