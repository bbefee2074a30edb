package org.snn4j.train.sg;

import static org.snn4j.cell.LifKernels.integrate;
import static org.snn4j.cell.LifKernels.integrateBackward;
import static org.snn4j.cell.LifKernels.spikeMask;

import java.util.Arrays;
import org.snn4j.cell.Reset;

/**
 * The common part of the spiking layers {@link Lif}, {@link Synaptic} and {@link RecurrentLif}: n
 * units (n → n) whose membrane potential v_t is compared with a threshold θ, with snnTorch semantics
 * (reset_delay = True, reset detached from the graph). Each layer computes its own drive J_t of the
 * membrane (the input current I_t, a synaptic current syn_t, I_t plus the recurrent input, ...);
 * the shared "membrane → spike → reset" step, with decay β, is
 * <pre>
 *   r_t = H(v_{t−1} − θ)                                  (reset, a constant in the backward pass)
 *   subtractive reset: v_t = β v_{t−1} + J_t − r_t θ
 *   zero reset:        v_t = (1 − r_t)(β v_{t−1} + J_t)
 *   z_t = H(v_t − θ)                                      (spike output, binary)
 * </pre>
 * with v_{−1} = 0 (or the window's initial state). Its backward pass through time, with
 * g_t = ∂L/∂v_t, k_t = 1 (subtract) or 1 − r_t (zero) and the surrogate σ'(x) ≈ H'(x):
 * <pre>
 *   g_t = ∂L/∂z_t · σ'(v_t − θ) + k_{t+1} β g_{t+1},       ∂L/∂J_t = k_t g_t
 * </pre>
 * The layer keeps v_t for every step ({@link #mem}, B·T·n floats, batch-major) for the backward
 * pass. The step kernels ({@link org.snn4j.cell.LifKernels}) are static loops over
 * primitive arrays, one call per (sample, step), so that the JIT vectorises them.
 *
 * <p>For tests, a {@link Lif.Smooth} function ({@code smooth(...)} of each layer) replaces H in the
 * spike output; its exact derivative is then used as the surrogate, the output is dense, and finite
 * differences check the backward pass exactly (away from the reset switching points).
 */
public abstract class SpikingLayer extends Layer {
    /** Fixed (or initial) membrane decay β per step, and the threshold θ. */
    final float beta, theta;
    final Reset reset;
    final Surrogate surrogate;
    /** Test hook: smooth spikes (dense output), null for binary spikes. */
    Lif.Smooth smooth;
    /** v_t of every sample and step of the last forward pass, index (b·T + t)·n + i. */
    float[] mem;

    /** Stores the parameters; the subclass validates them (its own messages, in its own order). */
    SpikingLayer(int n, double beta, double theta, Reset reset, Surrogate surrogate) {
        super(n, n);
        if (reset == Reset.ZERO_IMMEDIATE)
            throw new IllegalArgumentException("this layer runs snnTorch's delayed reset; for a reset within the spike's step use CellLayer with a LifCell");
        this.beta = (float) beta;
        this.theta = (float) theta;
        this.reset = reset;
        this.surrogate = surrogate;
    }

    /** The fixed (or, when learnable, initial) decay β per step. */
    public final float decay() {
        return beta;
    }

    /** The threshold θ. */
    public final float threshold() {
        return theta;
    }

    /** The reset rule. */
    public final Reset reset() {
        return reset;
    }

    /** The surrogate of the spike function's derivative. */
    public final Surrogate surrogate() {
        return surrogate;
    }

    /** Whether a decay of this layer is trained (false for fixed decays and for layers without one). */
    public boolean learnsDecay() {
        return false;
    }

    /** Throws unless 0 ≤ value ≤ 1 (a decay per step); {@code what} names it in the message. */
    static void checkDecay(String what, double value) {
        if (!(value >= 0 && value <= 1)) throw new IllegalArgumentException(what + " must lie in [0, 1]: " + value);
    }

    /** Throws unless θ &gt; 0; {@code what} names it in the message. */
    static void checkThreshold(String what, double theta) {
        if (!(theta > 0)) throw new IllegalArgumentException(what + " must be positive: " + theta);
    }

    /**
     * A decay as used: the fixed value when {@code p} is null, else the raw learnable value (one per
     * layer or one per neuron) clamped to [0, 1] (snnTorch {@code clamp(0, 1)}).
     */
    static float decayAt(float[] p, float fixed, int i) {
        if (p == null) return fixed;
        float v = p[p.length == 1 ? 0 : i];
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }

    /** Fills dst[0, n) with {@link #decayAt}(p, fixed, i). */
    static void decays(float[] p, float fixed, float[] dst, int n) {
        for (int i = 0; i < n; i++) dst[i] = decayAt(p, fixed, i);
    }

    /** "0.9", "learnable" or "learnable per neuron", for {@link #name()}. */
    static String decayName(float[] p, float fixed) {
        return p == null ? "" + fixed : "learnable" + (p.length == 1 ? "" : " per neuron");
    }

    /** The end of {@link #name()}: ", reset, surrogate)". */
    final String resetAndSurrogate() {
        return ", " + reset.name().toLowerCase() + ", " + surrogate + ")";
    }

    @Override
    public final boolean binaryOutput() {
        return smooth == null;
    }

    @Override
    public final boolean inPlaceBackward() {
        return true;
    }

    @Override
    public void allocate(int steps, int batch) {
        super.allocate(steps, batch);
        long len = (long) steps * batch * out;
        if (len > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("batch × steps × units too large: " + len);
        if (mem == null || mem.length < len) mem = new float[(int) len];
    }

    /** Membrane potential of unit i of sample b at step t (after the last forward pass). */
    public float membrane(int b, int t, int i) {
        return mem[(b * steps + t) * out + i];
    }

    @Override
    public long stateBytes() {
        return mem == null ? 0 : 4L * mem.length;
    }

    /** Writes the spikes z_t = H(v_t − θ) of row r (or the smooth output in tests) from {@link #mem}. */
    final void emit(Seq y, int r) {
        final int n = out, o = r * n;
        final float th = theta;
        final float[] v = mem;
        if (smooth == null) {
            // 64 units per word, branch-free (spikes are sparse and irregular: a branch per unit mispredicts)
            int wo = r * y.words;
            long[] bits = y.bits;
            for (int base = 0, w = wo; base < n; base += 64, w++) {
                int lim = Math.min(64, n - base), ob = o + base;
                long word = 0;
                for (int k = 0; k < lim; k++) word |= (long) (spikeMask(v[ob + k], th) & 1) << k;
                bits[w] = word;
            }
        } else {
            for (int i = 0; i < n; i++) y.dense[o + i] = smooth.value(v[o + i] - th);
        }
    }

    /** gy[o + i] ← gy[o + i] · σ'(v_t − θ), the spike function's backward at one (sample, step). */
    final void spikeBackward(float[] gy, int o) {
        if (smooth == null) surrogate.apply(mem, theta, gy, o, out);
        else for (int i = 0; i < out; i++) gy[o + i] *= smooth.derivative(mem[o + i] - theta);
    }

    /** carry[0, n) ← gs[off, off + n), or zeros when gs is null (the start of a sample's backward pass). */
    static void loadCarry(float[] gs, int off, float[] carry, int n) {
        if (gs == null) Arrays.fill(carry, 0, n, 0f);
        else System.arraycopy(gs, off, carry, 0, n);
    }

    /** gs[off, off + n) ← carry[0, n) unless gs is null (∂L/∂ the window's initial state). */
    static void storeCarry(float[] carry, float[] gs, int off, int n) {
        if (gs != null) System.arraycopy(carry, 0, gs, off, n);
    }

    /**
     * For a two-part state (2n floats per sample b: the first part, then the second, as in
     * {@link Synaptic} and {@link RecurrentLif}): loads both carries from gs, or zeros when gs is null.
     */
    static void loadCarry(float[] gs, int b, float[] first, float[] second, int n) {
        loadCarry(gs, 2 * b * n, first, n);
        loadCarry(gs, 2 * b * n + n, second, n);
    }

    /** Stores both carries of a two-part state (see {@link #loadCarry(float[], int, float[], float[], int)}) unless gs is null. */
    static void storeCarry(float[] first, float[] second, float[] gs, int b, int n) {
        storeCarry(first, gs, 2 * b * n, n);
        storeCarry(second, gs, 2 * b * n + n, n);
    }

    /** Truncated BPTT ({@link #cut}): zeros both carries[0, n) when the gradient must not flow from step t back. */
    final void cutCarry(int t, float[] first, float[] second, int n) {
        if (cut(t)) {
            Arrays.fill(first, 0, n, 0f);
            Arrays.fill(second, 0, n, 0f);
        }
    }
}
