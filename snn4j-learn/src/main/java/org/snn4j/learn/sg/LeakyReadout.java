package org.snn4j.learn.sg;

import java.util.Arrays;

/**
 * A non-spiking leaky integrator, the usual readout of a spiking network: v_t = β v_{t−1} + I_t
 * with v_{−1} = 0 (or the window's initial state); its output is the membrane potential v_t (dense).
 * Backward through time: g_t = ∂L/∂v_t + β g_{t+1}, ∂L/∂I_t = g_t.
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
    public boolean inPlaceBackward() {
        return true;
    }

    @Override
    public int stateSize() {
        return out;
    }

    @Override
    public void forward(Seq x, Seq y, int b0, int b1, Scratch s) {
        final int n = out, T = steps;
        float[] cur = x.dense, v = y.dense, in0 = stateIn;
        for (int b = b0; b < b1; b++) {
            for (int t = 0; t < T; t++) {
                int o = (b * T + t) * n;
                if (t > 0) for (int i = 0; i < n; i++) v[o + i] = beta * v[o - n + i] + cur[o + i];
                else if (in0 == null) System.arraycopy(cur, o, v, o, n);
                else for (int i = 0; i < n; i++) v[o + i] = beta * in0[b * n + i] + cur[o + i];
            }
            if (stateOut != null) System.arraycopy(v, (b * T + T - 1) * n, stateOut, b * n, n);
        }
    }

    @Override
    public void backward(Seq x, Seq y, float[] gy, float[] gx, int b0, int b1, Scratch s) {
        final int n = out, T = steps;
        float[] carry = s.carry, gs = gradState;
        if (gx == null) gx = gy;
        for (int b = b0; b < b1; b++) {
            if (gs == null) Arrays.fill(carry, 0, n, 0f);
            else System.arraycopy(gs, b * n, carry, 0, n);
            for (int t = T - 1; t >= 0; t--) {
                int o = (b * T + t) * n;
                for (int i = 0; i < n; i++) {
                    float g = gy[o + i] + carry[i];
                    gx[o + i] = g;
                    carry[i] = beta * g;
                }
                if (cut(t)) Arrays.fill(carry, 0, n, 0f);
            }
            if (gs != null) System.arraycopy(carry, 0, gs, b * n, n);
        }
    }
}
