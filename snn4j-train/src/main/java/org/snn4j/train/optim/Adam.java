package org.snn4j.train.optim;

import java.util.List;
import org.snn4j.util.InputException;

/**
 * Adam (Kingma &amp; Ba 2015) as in PyTorch's {@code torch.optim.Adam}, and AdamW (Loshchilov &amp;
 * Hutter 2019, {@code torch.optim.AdamW}) with {@link #adamW}. With gradient g, step count t and a
 * tensor's learning rate η (the optimiser's rate times the tensor's {@link Param#lrScale}):
 * <pre>
 *   Adam (L2 weight decay λ):  g ← g + λ p
 *   AdamW (decoupled λ):       p ← p (1 − η λ)
 *   both:                      m ← β₁ m + (1 − β₁) g;   v ← β₂ v + (1 − β₂) g²
 *                              p ← p − η m̂ / (√v̂ + ε),   m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ)
 * </pre>
 * Defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8, λ = 0. Float tensors use PyTorch's order of operations
 * in float; double tensors fold the bias corrections into the step size and ε (η √(1−β₂ᵗ)/(1−β₁ᵗ)
 * and ε √(1−β₂ᵗ), Kingma &amp; Ba §2), the same update up to rounding. State slots: "m", "v".
 */
public final class Adam extends AbstractOptimizer {
    private double b1 = 0.9, b2 = 0.999, eps = 1e-8, weightDecay;
    private boolean decoupled;
    // bound arrays, per parameter, for the hot loop
    private float[][] fp, fg, fm, fvv;
    private double[][] dp, dg, dm, dvv;
    private int[] off, len;
    private double[] scale;

    /** @param lr learning rate (&gt; 0) */
    public Adam(double lr) {
        super(lr);
    }

    /**
     * AdamW: Adam with decoupled weight decay (p ← p (1 − ηλ) before the Adam update).
     *
     * @param lr          learning rate
     * @param weightDecay λ ≥ 0
     * @return a new optimiser
     */
    public static Adam adamW(double lr, double weightDecay) {
        Adam a = new Adam(lr).weightDecay(weightDecay);
        a.decoupled = true;
        return a;
    }

    /**
     * @param beta1 decay of the first moment, in [0, 1)
     * @param beta2 decay of the second moment, in [0, 1)
     * @return this
     */
    public Adam betas(double beta1, double beta2) {
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1))
            throw new InputException("Adam betas must be in [0, 1): " + beta1 + ", " + beta2);
        b1 = beta1;
        b2 = beta2;
        return this;
    }

    /** @param eps ε &gt; 0 (added to √v̂)  @return this */
    public Adam eps(double eps) {
        if (!(eps > 0)) throw new InputException("Adam epsilon must be positive: " + eps);
        this.eps = eps;
        return this;
    }

    /**
     * @param weightDecay λ ≥ 0: L2 (added to the gradient) for Adam, decoupled for {@link #adamW}
     * @return this
     */
    public Adam weightDecay(double weightDecay) {
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) throw new InputException("weight decay must be >= 0: " + weightDecay);
        this.weightDecay = weightDecay;
        return this;
    }

    /** @return λ */
    public double weightDecay() {
        return weightDecay;
    }

    /** @return true for AdamW (decoupled weight decay) */
    public boolean decoupled() {
        return decoupled;
    }

    @Override
    protected String[] slots() {
        return new String[] {"m", "v"};
    }

    @Override
    public void initialise(ParamSet params) {
        super.initialise(params);
        List<Param> ps = params.params();
        int n = ps.size();
        fp = new float[n][];
        fg = new float[n][];
        fm = new float[n][];
        fvv = new float[n][];
        dp = new double[n][];
        dg = new double[n][];
        dm = new double[n][];
        dvv = new double[n][];
        off = new int[n];
        len = new int[n];
        scale = new double[n];
        for (int k = 0; k < n; k++) {
            Param p = ps.get(k);
            off[k] = p.offset();
            len[k] = p.length();
            scale[k] = p.lrScale();
            if (p.isFloat()) {
                fp[k] = p.floatValues();
                fg[k] = p.floatGrads();
                fm[k] = (float[]) state[0][k];
                fvv[k] = (float[]) state[1][k];
            } else {
                dp[k] = p.doubleValues();
                dg[k] = p.doubleGrads();
                dm[k] = (double[]) state[0][k];
                dvv[k] = (double[]) state[1][k];
            }
        }
    }

    @Override
    public void update(int part, int parts) {
        // float constants exactly as the float kernel has always computed them
        float c1 = (float) (1 - Math.pow(b1, step)), c2 = (float) (1 - Math.pow(b2, step));
        float fb1 = (float) b1, fb2 = (float) b2, e = (float) eps, wd = decoupled ? 0f : (float) weightDecay;
        float invC1 = 1f / c1, invC2 = 1f / c2;
        double dc1 = 1 - Math.pow(b1, step), dc2 = 1 - Math.pow(b2, step);
        double da = lr * Math.sqrt(dc2) / dc1, de = eps * Math.sqrt(dc2);
        for (int k = 0; k < len.length; k++) {
            int n = len[k], o = off[k], i0 = o + from(part, parts, n), i1 = o + from(part + 1, parts, n);
            if (fp[k] != null) {
                float[] pk = fp[k], gk = fg[k], mk = fm[k], vk = fvv[k];
                float a = (float) (lr * scale[k]);
                if (decoupled && weightDecay > 0) {
                    float keep = (float) (1 - lr * scale[k] * weightDecay);
                    for (int i = i0; i < i1; i++) pk[i] *= keep;
                }
                for (int i = i0; i < i1; i++) {
                    float gi = gk[i] + wd * pk[i];
                    float mi = fb1 * mk[i - o] + (1 - fb1) * gi;
                    float vi = fb2 * vk[i - o] + (1 - fb2) * gi * gi;
                    mk[i - o] = mi;
                    vk[i - o] = vi;
                    pk[i] -= a * (mi * invC1) / ((float) Math.sqrt(vi * invC2) + e);
                }
            } else {
                double[] pk = dp[k], gk = dg[k], mk = dm[k], vk = dvv[k];
                double a = da * scale[k], l2 = decoupled ? 0 : weightDecay;
                if (decoupled && weightDecay > 0) {
                    double keep = 1 - lr * scale[k] * weightDecay;
                    for (int i = i0; i < i1; i++) pk[i] *= keep;
                }
                for (int i = i0; i < i1; i++) {
                    double gi = l2 > 0 ? gk[i] + l2 * pk[i] : gk[i];
                    double mi = b1 * mk[i - o] + (1 - b1) * gi;
                    double vi = b2 * vk[i - o] + (1 - b2) * gi * gi;
                    mk[i - o] = mi;
                    vk[i - o] = vi;
                    pk[i] -= a * mi / (Math.sqrt(vi) + de);
                }
            }
        }
    }

    @Override
    public String kind() {
        return decoupled ? "adamw" : "adam";
    }
}
