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
public final class PoissonSource implements NeuronModel {
    private final int size, batch;
    /** Rate per neuron in Hz (flat, batch-major). */
    public final double[] rate;
    private double dtSeconds;

    public PoissonSource(int size, double rateHz) {
        this(size, 1, rateHz);
    }

    public PoissonSource(int size, int batch, double rateHz) {
        if (size <= 0 || batch <= 0) throw new IllegalArgumentException("size and batch must be positive");
        if (!(rateHz >= 0)) throw new IllegalArgumentException("rate must be >= 0: " + rateHz);
        this.size = size;
        this.batch = batch;
        rate = new double[size * batch];
        Arrays.fill(rate, rateHz);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public List<String> variableNames() {
        return List.of("rate");
    }

    @Override
    public double[] variable(String name) {
        if (name.equals("rate")) return rate;
        throw NeuronModel.unknownVariable(this, name);
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
