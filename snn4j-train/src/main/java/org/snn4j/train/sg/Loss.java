package org.snn4j.train.sg;

import org.snn4j.util.InputException;

/**
 * Classification losses on the output sequence y (B samples × T steps × K classes), averaged over
 * the batch. With softmax p = softmax(logits) and label c:
 * <ul>
 *   <li>{@link #CE_COUNT}: logits = spike counts Σ_t y_t; L = −log p_c (snnTorch
 *       {@code ce_count_loss}); ∂L/∂y_t = (p − onehot(c)) / B for every t.</li>
 *   <li>{@link #CE_RATE}: cross-entropy at every step on y_t, averaged over T (snnTorch
 *       {@code ce_rate_loss}); ∂L/∂y_t = (softmax(y_t) − onehot(c)) / (T·B).</li>
 *   <li>{@link #CE_MAX}: logits = max_t y_t (for a membrane readout; snnTorch
 *       {@code ce_max_membrane_loss}); the gradient flows to the arg-max step.</li>
 *   <li>{@link #CE_MEAN}: logits = mean_t y_t (membrane readout).</li>
 *   <li>{@link #CE_LAST}: logits = y_{T−1}, the readout at the last step (tasks that answer after a
 *       delay); the gradient flows to the last step only.</li>
 *   <li>{@link #MSE_COUNT}: mean over classes of (Σ_t y_t − target)², target = 0.8 T for the label
 *       and 0.2 T for the others (snnTorch {@code mse_count_loss(correct_rate=0.8,
 *       incorrect_rate=0.2)}).</li>
 *   <li>{@link #CE_FIRST}: the first-spike decoder: logits = −t_k, t_k the first-spike step of
 *       output k (T when it does not spike), written as a function of the outputs up to the first
 *       spike τ_k (the first step with y &gt; ½; τ_k = T − 1 when none):
 *       t_k = T − Σ_{s ≤ τ_k} (T − s) y_{s,k}, exact for binary spikes; so
 *       ∂L/∂y_{s,k} = (p_k − onehot(c)_k)(T − s)/B for s ≤ τ_k, 0 after: an earlier spike of the
 *       label's output, later ones of the others.</li>
 *   <li>{@link #SUM}: the sum of all outputs, L = Σ_{t,k} y_{t,k} (no label; the Open Neuromorphic
 *       benchmark's loss); ∂L/∂y = 1/B.</li>
 * </ul>
 * The prediction is the arg-max of the logits (of the counts for CE_RATE and MSE_COUNT), first
 * index on ties.
 */
public enum Loss {
    CE_COUNT, CE_RATE, CE_MAX, CE_MEAN, MSE_COUNT, CE_FIRST, SUM, CE_LAST;

    public static Loss parse(String s) {
        for (Loss l : values()) if (l.name().equalsIgnoreCase(s.replace('-', '_'))) return l;
        throw new InputException("unknown loss '" + s + "' (ce_count, ce_rate, ce_max, ce_mean, mse_count, ce_first, sum, ce_last)");
    }

    /**
     * Loss of sample b with label c (not divided by B); writes ∂(batch mean)/∂y for its rows into gy
     * (dense, batch-major) when gy is not null; stores the predicted class in pred[b].
     * {@code logits} is scratch of length ≥ 2K.
     */
    public double sample(Seq y, int b, int c, float[] gy, int batch, int[] pred, float[] logits) {
        final int K = y.n, T = y.steps;
        final float invB = 1f / batch;
        // logits
        for (int k = 0; k < K; k++) logits[k] = this == CE_MAX ? Float.NEGATIVE_INFINITY : 0f;
        int[] argT = null;
        for (int t = 0; t < T; t++)
            for (int k = 0; k < K; k++) {
                float v = y.get(b, t, k);
                if (this == CE_MAX) {
                    if (v > logits[k]) {
                        logits[k] = v;
                        logits[K + k] = t;
                    }
                } else if (this == CE_LAST) {
                    if (t == T - 1) logits[k] = v;
                } else logits[k] += v;
            }
        if (this == CE_MEAN) for (int k = 0; k < K; k++) logits[k] /= T;
        if (this == CE_FIRST) {   // logits[k] = −t_k, logits[K + k] = τ_k
            for (int k = 0; k < K; k++) {
                int tau = T - 1;
                for (int t = 0; t < T; t++)
                    if (y.get(b, t, k) > 0.5f) {
                        tau = t;
                        break;
                    }
                double tk = T;
                for (int t = 0; t <= tau; t++) tk -= (T - t) * (double) y.get(b, t, k);
                logits[k] = (float) -tk;
                logits[K + k] = tau;
            }
        }
        int best = 0;
        for (int k = 1; k < K; k++) if (logits[k] > logits[best]) best = k;
        pred[b] = best;
        double loss;
        switch (this) {
            case SUM: {
                loss = 0;
                for (int k = 0; k < K; k++) loss += logits[k];
                if (gy != null) java.util.Arrays.fill(gy, b * T * K, (b + 1) * T * K, invB);
                return loss;
            }
            case CE_FIRST: {
                double lse = logSumExp(logits, K);
                loss = lse - logits[c];
                if (gy != null)
                    for (int t = 0; t < T; t++) {
                        int o = (b * T + t) * K;
                        for (int k = 0; k < K; k++) {
                            float g = (float) Math.exp(logits[k] - lse) - (k == c ? 1f : 0f);
                            gy[o + k] = t <= logits[K + k] ? g * (T - t) * invB : 0f;
                        }
                    }
                return loss;
            }
            case CE_COUNT:
            case CE_LAST:
            case CE_MAX:
            case CE_MEAN: {
                double lse = logSumExp(logits, K);
                loss = lse - logits[c];
                if (gy != null) {
                    float scale = this == CE_MEAN ? invB / T : invB;
                    for (int t = 0; t < T; t++) {
                        int o = (b * T + t) * K;
                        for (int k = 0; k < K; k++) {
                            float g = (float) Math.exp(logits[k] - lse) - (k == c ? 1f : 0f);
                            gy[o + k] = this == CE_MAX ? (logits[K + k] == t ? g * invB : 0f)
                                    : this == CE_LAST ? (t == T - 1 ? g * invB : 0f) : g * scale;
                        }
                    }
                }
                return loss;
            }
            case CE_RATE: {
                loss = 0;
                for (int t = 0; t < T; t++) {
                    int o = (b * T + t) * K;
                    double m = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < K; k++) m = Math.max(m, y.get(b, t, k));
                    double s = 0;
                    for (int k = 0; k < K; k++) s += Math.exp(y.get(b, t, k) - m);
                    double lse = m + Math.log(s);
                    loss += lse - y.get(b, t, c);
                    if (gy != null)
                        for (int k = 0; k < K; k++)
                            gy[o + k] = ((float) Math.exp(y.get(b, t, k) - lse) - (k == c ? 1f : 0f)) * invB / T;
                }
                return loss / T;
            }
            default: {   // MSE_COUNT
                loss = 0;
                for (int k = 0; k < K; k++) {
                    double d = logits[k] - (k == c ? 0.8 : 0.2) * T;
                    loss += d * d;
                    logits[K + k] = (float) (2 * d / K);
                }
                if (gy != null)
                    for (int t = 0; t < T; t++) {
                        int o = (b * T + t) * K;
                        for (int k = 0; k < K; k++) gy[o + k] = logits[K + k] * invB;
                    }
                return loss / K;
            }
        }
    }

    private static double logSumExp(float[] x, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) m = Math.max(m, x[k]);
        double s = 0;
        for (int k = 0; k < n; k++) s += Math.exp(x[k] - m);
        return m + Math.log(s);
    }
}
