package org.snn4j.train.optim;

/**
 * Gradient clipping over a {@link ParamSet}, applied to the gradient arrays in place before the
 * optimiser's step ({@code torch.nn.utils.clip_grad_norm_} / {@code clip_grad_value_}).
 */
public final class Clip {
    private Clip() {
    }

    /**
     * The Euclidean norm of all gradients together (summed in double, tensor by tensor, in order).
     *
     * @param ps the parameters
     * @return ‖g‖₂
     */
    public static double globalNorm(ParamSet ps) {
        double s = 0;
        for (Param p : ps.params()) {
            int o = p.offset(), e = o + p.length();
            if (p.isFloat()) {
                float[] g = p.floatGrads();
                for (int i = o; i < e; i++) s += (double) g[i] * g[i];
            } else {
                double[] g = p.doubleGrads();
                for (int i = o; i < e; i++) s += g[i] * g[i];
            }
        }
        return Math.sqrt(s);
    }

    /**
     * Scales every gradient by maxNorm / ‖g‖₂ when the global norm exceeds {@code maxNorm}.
     *
     * @param ps      the parameters
     * @param maxNorm the largest norm allowed (≤ 0: no clipping)
     * @return the norm before clipping
     */
    public static double byGlobalNorm(ParamSet ps, double maxNorm) {
        double norm = globalNorm(ps);
        if (maxNorm > 0 && norm > maxNorm) {
            double f = maxNorm / norm;
            for (Param p : ps.params()) {
                int o = p.offset(), e = o + p.length();
                if (p.isFloat()) {
                    float[] g = p.floatGrads();
                    for (int i = o; i < e; i++) g[i] = (float) (g[i] * f);
                } else {
                    double[] g = p.doubleGrads();
                    for (int i = o; i < e; i++) g[i] *= f;
                }
            }
        }
        return norm;
    }

    /**
     * Clamps every gradient entry to [−limit, limit].
     *
     * @param ps    the parameters
     * @param limit the largest magnitude allowed (&gt; 0)
     * @return the number of entries clamped
     */
    public static long byValue(ParamSet ps, double limit) {
        if (!(limit > 0)) throw new IllegalArgumentException("clip value must be positive: " + limit);
        long n = 0;
        float fl = (float) limit;
        for (Param p : ps.params()) {
            int o = p.offset(), e = o + p.length();
            if (p.isFloat()) {
                float[] g = p.floatGrads();
                for (int i = o; i < e; i++) {
                    if (g[i] > fl) { g[i] = fl; n++; }
                    else if (g[i] < -fl) { g[i] = -fl; n++; }
                }
            } else {
                double[] g = p.doubleGrads();
                for (int i = o; i < e; i++) {
                    if (g[i] > limit) { g[i] = limit; n++; }
                    else if (g[i] < -limit) { g[i] = -limit; n++; }
                }
            }
        }
        return n;
    }
}
