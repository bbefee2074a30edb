package org.snn4j.model;

import java.util.Arrays;
import java.util.List;
import org.snn4j.util.Rng;

/**
 * Independent Poisson spike trains (NEST's poisson_generator, Brian2's PoissonGroup).
 *
 * <p>Each neuron i fires in each step with probability rate_i · dt (rate in Hz, dt in s), which is
 * the clock-driven discretisation of a Poisson process of rate rate_i; the rate may be changed
 * between steps through the {@code rate} variable. Draws come from the chunk's random stream, so the
 * trains are the same whatever the thread count. Requires rate · dt ≤ 1.
 */
public final class PoissonSource extends ArrayStateModel {
    /** Rate per neuron in Hz (flat, batch-major). */
    public final double[] rate;
    private double dtSeconds;

    public PoissonSource(int size, double rateHz) {
        this(size, 1, rateHz);
    }

    public PoissonSource(int size, int batch, double rateHz) {
        super(size, batch);
        if (!(rateHz >= 0)) throw new IllegalArgumentException("rate must be >= 0: " + rateHz);
        rate = state("rate");
        Arrays.fill(rate, rateHz);
    }

    @Override
    public void prepare(double dtMs) {
        dtSeconds = dtMs * 1e-3;
    }

    @Override
    public void step(StepContext ctx) {
        Rng rng = ctx.rng();
        double dt = dtSeconds;
        for (int i = ctx.from(), to = ctx.to(); i < to; i++) {
            if (rng.nextDouble() < rate[i] * dt) ctx.spike(i);
        }
    }
}
