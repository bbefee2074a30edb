package org.snn4j.monitor;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;

/**
 * How well a network's decoded estimate x̂ follows a target signal x of j dimensions: after every
 * step it reads both and accumulates Σ‖x̂ − x‖², Σ x and Σ x² per dimension, from which
 * {@link #nrmse()} is the error normalised by the target's variance,
 * √(Σ‖x̂ − x‖² / n / Σ_q var(x_q)), and {@link #rms()} the target's root mean square.
 * {@link #reset()} starts a new segment (e.g. one checkpoint of a learning run).
 */
public final class DecodingErrorMonitor implements StepHook {
    private final int j;
    private final Consumer<double[]> decode;
    private final Supplier<double[]> target;
    private final double[] xhat, sx, sxx;
    private double se;
    private long samples;

    /**
     * @param j      signal dimensions
     * @param decode writes this step's estimate x̂ into the array it is given (length j)
     * @param target this step's target x (length at least j; read, not kept)
     */
    public DecodingErrorMonitor(int j, Consumer<double[]> decode, Supplier<double[]> target) {
        if (j < 1) throw new IllegalArgumentException("the decoding-error monitor needs at least one dimension: " + j);
        this.j = j;
        this.decode = decode;
        this.target = target;
        xhat = new double[j];
        sx = new double[j];
        sxx = new double[j];
    }

    @Override
    public void afterStep(Simulation sim, long step) {
        decode.accept(xhat);
        double[] x = target.get();
        for (int q = 0; q < j; q++) {
            double e = xhat[q] - x[q];
            se += e * e;
            sx[q] += x[q];
            sxx[q] += x[q] * x[q];
        }
        samples++;
    }

    /** Forgets what was accumulated: the next figures cover the steps from here on. */
    public void reset() {
        se = 0;
        samples = 0;
        Arrays.fill(sx, 0);
        Arrays.fill(sxx, 0);
    }

    /** @return the estimate x̂ of the last step (live; overwritten every step) */
    public double[] estimate() {
        return xhat;
    }

    /** @return the steps accumulated since the start or the last {@link #reset()} */
    public long samples() {
        return samples;
    }

    /** @return √(Σ‖x̂ − x‖² / n / Σ_q var(x_q)) over the n steps accumulated; NaN when none */
    public double nrmse() {
        if (samples == 0) return Double.NaN;
        double var = 0;
        for (int q = 0; q < j; q++) {
            double m = sx[q] / samples;
            var += sxx[q] / samples - m * m;
        }
        return Math.sqrt(se / samples / var);
    }

    /** @return the target's root mean square √(Σ_q mean(x_q²)); NaN when no step was accumulated */
    public double rms() {
        if (samples == 0) return Double.NaN;
        double ms = 0;
        for (int q = 0; q < j; q++) ms += sxx[q] / samples;
        return Math.sqrt(ms);
    }
}
