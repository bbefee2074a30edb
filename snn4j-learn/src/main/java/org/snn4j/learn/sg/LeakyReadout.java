package org.snn4j.learn.sg;

/**
 * A non-spiking leaky integrator, the usual readout of a spiking network: v_t = β v_{t−1} + I_t
 * with v_{−1} = 0; its output is the membrane potential v_t (dense). Backward through time:
 * g_t = ∂L/∂v_t + β g_{t+1}, ∂L/∂I_t = g_t.
 */
public final class LeakyReadout extends Layer {
    final float beta;

    public LeakyReadout(int n, double beta) {
        super(n, n);
        if (!(beta >= 0 && beta <= 1)) throw new IllegalArgumentException("readout beta must lie in [0, 1]: " + beta);
        this.beta = (float) beta;
    }

    @Override
    public String name() {
        return "leaky_readout(" + out + ", beta=" + beta + ")";
    }

    @Override
    public boolean binaryOutput() {
        return false;
    }

    @Override
    public void forward(Seq x, Seq y, int b0, int b1, Scratch s) {
        final int n = out, T = steps;
        float[] cur = x.dense, v = y.dense;
        for (int b = b0; b < b1; b++)
            for (int t = 0; t < T; t++) {
                int o = (b * T + t) * n;
                if (t == 0) System.arraycopy(cur, o, v, o, n);
                else for (int i = 0; i < n; i++) v[o + i] = beta * v[o - n + i] + cur[o + i];
            }
    }

    @Override
    public void backward(Seq x, Seq y, float[] gy, float[] gx, int b0, int b1, Scratch s) {
        final int n = out, T = steps;
        for (int b = b0; b < b1; b++)
            for (int t = T - 1; t >= 0; t--) {
                int o = (b * T + t) * n;
                if (t == T - 1) System.arraycopy(gy, o, gx, o, n);
                else for (int i = 0; i < n; i++) gx[o + i] = gy[o + i] + beta * gx[o + n + i];
            }
    }
}
