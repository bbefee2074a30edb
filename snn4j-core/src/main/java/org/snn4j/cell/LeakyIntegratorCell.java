package org.snn4j.cell;

import java.util.List;

/**
 * A non-spiking leaky integrator, the usual readout of a spiking network (NIR's {@code LI} in
 * discrete time): v_t = β v_{t−1} + I_t, output v_t. Backward: g_t = ∂L/∂v_t + β g_{t+1},
 * ∂L/∂I_t = g_t. State: {@code v}.
 *
 * @param beta decay per step, in [0, 1]
 */
public record LeakyIntegratorCell(double beta) implements Cell {
    public LeakyIntegratorCell {
        Cell.checkDecay("readout beta", beta);
    }

    @Override
    public String name() {
        return "leaky_integrator(beta=" + beta + ")";
    }

    @Override
    public List<String> stateNames() {
        return List.of("v");
    }

    @Override
    public boolean spiking() {
        return false;
    }

    @Override
    public void forward(float[][] prev, int po, float[] input, int io, float[][] next, int no, int n, SpikeFunction f) {
        final float bt = (float) beta;
        final float[] v = next[0];
        if (prev == null) System.arraycopy(input, io, v, no, n);
        else for (int i = 0; i < n; i++) v[no + i] = bt * prev[0][po + i] + input[io + i];
    }

    @Override
    public void backward(float[][] prev, int po, float[][] s, int o, float[] gz, float[] gx, float[][] carry, int n,
                         SpikeFunction f) {
        LifKernels.integrateBackward(true, (float) beta, 0f, null, 0, gz, gx, o, carry[0], n);   // no reset: k_t = 1
    }
}
