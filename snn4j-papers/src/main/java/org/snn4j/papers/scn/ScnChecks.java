package org.snn4j.papers.scn;

import org.snn4j.experiment.Params;
import org.snn4j.util.InputException;
import org.snn4j.util.Memory;

/** The checks the three spike-coding experiments share, made before a run folder exists. */
final class ScnChecks {
    private ScnChecks() {
    }

    /**
     * The Euler step against the leak, the step counts, and the memory of the longest recorded run
     * (spike raster, rates and estimates: a few doubles per neuron and dimension and step) with the
     * N×N recurrent weights.
     *
     * @param name  the experiment, for messages
     * @param p     its parameters (dt_ms, lambda, and whichever of fit_steps, test_steps, var_steps, raster_ms, demo_ms it has)
     * @param n     neurons
     * @param j     signal dimensions
     * @param leak  the fastest leak as a multiple of lambda (kappa_e for the E/I network, else 1)
     */
    static void check(String name, Params p, int n, int j, double leak) {
        double dt = p.getDouble("dt_ms"), lambda = p.getDouble("lambda");
        if (leak * lambda * dt * 1e-3 >= 1)
            throw new InputException(name + ": " + (leak == 1 ? "" : "kappa_e*") + "lambda*dt must be < 1 (lambda = " + lambda + "/s, dt = " + dt + " ms)");
        double steps = 0;
        for (String k : new String[] {"fit_steps", "test_steps", "var_steps", "block_steps"}) if (p.has(k)) steps = Math.max(steps, p.getLong(k));
        for (String k : new String[] {"raster_ms", "demo_ms"}) if (p.has(k)) steps = Math.max(steps, p.getDouble(k) / dt);
        if (steps > Integer.MAX_VALUE - 16) throw new InputException(name + ": a run of " + (long) steps + " steps is more than 2^31");
        Memory.require(String.format("%s: %d neurons, %d dimensions, %.0f recorded steps", name, n, j, steps),
                24.0 * steps * (n + 2.0 * j) + 48.0 * n * (n + j));
    }
}
