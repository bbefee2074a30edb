package org.snn4j.train.sg;

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

    /** The decay β per step. */
    public float decay() {
        return beta;
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
            SpikingLayer.loadCarry(gs, b * n, carry, n);
            for (int t = T - 1; t >= 0; t--) {
                org.snn4j.cell.LifKernels.integrateBackward(true, beta, 0f, null, 0, gy, gx, (b * T + t) * n, carry, n);   // no reset: k_t = 1
                if (cut(t)) Arrays.fill(carry, 0, n, 0f);
            }
            SpikingLayer.storeCarry(carry, gs, b * n, n);
        }
    }
}
