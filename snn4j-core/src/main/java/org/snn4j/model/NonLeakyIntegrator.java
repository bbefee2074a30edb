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
 * <p>Generalised by two optional parameters, a decay β per step and no floor
 * ({@link #NonLeakyIntegrator(int, int, double, double, boolean)}):
 * <pre>
 *   [V ← max(V, 0)];   z = H(V − θ)  (spike);   V ← β V − θ z
 * </pre>
 * (β = 1 with the floor is the rule above). With β &lt; 1 and no floor this is the discrete LIF
 * neuron of snnTorch's {@code Leaky} with subtractive reset: inputs delivered after the step add
 * I_{t+1}, so V_{t+1} = β V_t + I_{t+1} − θ H(V_t − θ), the equation of
 * {@code org.snn4j.train.sg.Lif} (whose batched engine is tested against this model).
 *
 * <p>Variables: {@code v}.
 */
public final class NonLeakyIntegrator extends ArrayStateModel {
    private final double threshold, decay;
    private final boolean floor;
    /** The integrated input. */
    public final double[] v;

    public NonLeakyIntegrator(int size, double threshold) {
        this(size, 1, threshold);
    }

    public NonLeakyIntegrator(int size, int batch, double threshold) {
        this(size, batch, threshold, 1, true);
    }

    /**
     * @param decay       β ∈ [0, 1], applied after the threshold test
     * @param floorAtZero whether V is floored at 0 before the test
     */
    public NonLeakyIntegrator(int size, int batch, double threshold, double decay, boolean floorAtZero) {
        super(size, batch);
        if (!(threshold > 0)) throw new IllegalArgumentException("threshold must be positive: " + threshold);
        if (!(decay >= 0 && decay <= 1)) throw new IllegalArgumentException("decay must lie in [0, 1]: " + decay);
        this.threshold = threshold;
        this.decay = decay;
        this.floor = floorAtZero;
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
        final double th = threshold, beta = decay;
        final double[] v = this.v;
        if (beta == 1 && floor) {
            for (int i = ctx.from(), to = ctx.to(); i < to; i++) {
                double x = v[i];
                if (x < 0) x = 0;
                if (x > th) {
                    x -= th;
                    ctx.spike(i);
                }
                v[i] = x;
            }
            return;
        }
        for (int i = ctx.from(), to = ctx.to(); i < to; i++) {
            double x = v[i];
            if (floor && x < 0) x = 0;
            if (x > th) {
                v[i] = beta * x - th;
                ctx.spike(i);
            } else {
                v[i] = beta * x;
            }
        }
    }
}
