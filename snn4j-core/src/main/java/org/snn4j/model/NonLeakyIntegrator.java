package org.snn4j.model;

import java.util.Arrays;
import java.util.List;

/**
 * A non-leaky integrate-and-fire neuron with a floor at 0: eRBP's error neuron (Neftci et al. 2017).
 *
 * <p>Projections add into {@code v} (e.g. +w_L per label spike and −w_L per prediction spike for
 * the positive error neuron E⁺). Each step:
 * <pre>
 *   V ← max(V, 0);   V &gt; θ  →  spike, V ← V − θ
 * </pre>
 * (at most one spike per step; the remainder carries over), so that over a presentation the spike
 * count is ⌊(Σ inputs)/θ⌋ while the summed input stays positive: E⁺ counts label minus prediction
 * spikes, E⁻ prediction minus label spikes, each scaled by w_L/θ.
 *
 * <p>Variables: {@code v}.
 */
public final class NonLeakyIntegrator extends ArrayStateModel {
    private final double threshold;
    /** The integrated input. */
    public final double[] v;

    public NonLeakyIntegrator(int size, double threshold) {
        this(size, 1, threshold);
    }

    public NonLeakyIntegrator(int size, int batch, double threshold) {
        super(size, batch);
        if (!(threshold > 0)) throw new IllegalArgumentException("threshold must be positive: " + threshold);
        this.threshold = threshold;
        v = state("v");
    }

    public double threshold() {
        return threshold;
    }

    public void resetState() {
        Arrays.fill(v, 0);
    }

    @Override
    public void prepare(double dtMs) {
    }

    @Override
    public void step(StepContext ctx) {
        final double th = threshold;
        final double[] v = this.v;
        for (int i = ctx.from(), to = ctx.to(); i < to; i++) {
            double x = v[i];
            if (x < 0) x = 0;
            if (x > th) {
                x -= th;
                ctx.spike(i);
            }
            v[i] = x;
        }
    }
}
