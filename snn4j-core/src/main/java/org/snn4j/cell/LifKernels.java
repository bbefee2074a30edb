package org.snn4j.cell;

/**
 * The leaky integrate-and-fire membrane step in float, written once and called by every engine: the
 * BPTT layers of {@code org.snn4j.train.sg} ({@code Lif}, {@code Synaptic}, {@code RecurrentLif},
 * {@code LeakyReadout}), the cells {@link LifCell} and {@link CubaLifCell}, and through them the
 * simulator ({@link CellModel}).
 *
 * <p>snnTorch semantics (reset_delay = True, reset detached from the graph), with drive J_t, decay β
 * and threshold θ:
 * <pre>
 *   r_t = H(v_{t−1} − θ)
 *   subtractive reset: v_t = β v_{t−1} + J_t − r_t θ
 *   zero reset:        v_t = (1 − r_t)(β v_{t−1} + J_t)
 * </pre>
 * and its vector-Jacobian product back through time, with g_t = ∂L/∂v_t and k_t = 1 (subtract) or
 * 1 − r_t (zero): g_t = ∂L/∂z_t·σ'(v_t − θ) + k_{t+1} β g_{t+1}, ∂L/∂J_t = k_t g_t. Units are
 * dimensionless (a threshold-normalised membrane); β is the decay per step, exp(−dt/τ_m).
 *
 * <p>Each kernel handles one row of n units (one sample at one step) with branch-free, unit-stride
 * loops that HotSpot vectorises; scalar-β and per-neuron-β forms are kept apart on purpose (β in a
 * register against one more load per neuron).
 */
public final class LifKernels {
    private LifKernels() {
    }

    /**
     * −1 (all bits) when v &gt; θ, else 0, without a branch: the sign bit of the rounded difference
     * θ − v, which is negative exactly when v &gt; θ (rounding keeps the sign; an exact 0 is +0; θ &gt; 0).
     * Used by the reset (θ or +0 selected by bit masking, the same floats as {@code v > θ ? θ : 0f})
     * and by the spike packing of the layers.
     */
    public static int spikeMask(float v, float th) {
        return Float.floatToRawIntBits(th - v) >> 31;
    }

    /**
     * The membrane step for one (sample, step), scalar β: v[o + i] = v_t from the previous potential
     * pv[po + i] = v_{t−1} (pv null: v_{−1} = 0, so v_t = J_t) and the drive j[jo + i] = J_t.
     */
    public static void integrate(boolean sub, float beta, float th, float[] pv, int po, float[] j, int jo, float[] v, int o, int n) {
        if (pv == null) {
            System.arraycopy(j, jo, v, o, n);
        } else if (sub) {
            final int thBits = Float.floatToRawIntBits(th);
            for (int i = 0; i < n; i++) {
                float vp = pv[po + i];
                v[o + i] = beta * vp + j[jo + i] - Float.intBitsToFloat(thBits & spikeMask(vp, th));
            }
        } else {
            for (int i = 0; i < n; i++) {
                float vp = pv[po + i];
                v[o + i] = vp > th ? 0f : beta * vp + j[jo + i];
            }
        }
    }

    /**
     * {@link #integrate(boolean, float, float, float[], int, float[], int, float[], int, int)} with β_i = beta[i]. Kept
     * apart from the scalar form on purpose: there β stays in a register, here it is one more load per neuron.
     */
    public static void integrate(boolean sub, float[] beta, float th, float[] pv, int po, float[] j, int jo, float[] v, int o, int n) {
        if (pv == null) {
            System.arraycopy(j, jo, v, o, n);
        } else if (sub) {
            final int thBits = Float.floatToRawIntBits(th);
            for (int i = 0; i < n; i++) {
                float vp = pv[po + i];
                v[o + i] = beta[i] * vp + j[jo + i] - Float.intBitsToFloat(thBits & spikeMask(vp, th));
            }
        } else {
            for (int i = 0; i < n; i++) {
                float vp = pv[po + i];
                v[o + i] = vp > th ? 0f : beta[i] * vp + j[jo + i];
            }
        }
    }

    /**
     * The membrane step backward for one (sample, step), scalar β: with gy[o + i] = ∂L/∂z_t·σ' and
     * carry[i] = k_{t+1} β g_{t+1} on entry, g_t = gy + carry, writes gx[o + i] = ∂L/∂J_t = k_t g_t
     * and carry[i] = k_t β g_t (gx may be gy). k_t = 1 when {@code sub} or pv is null (no reset
     * before step 0; also the backward of a plain leaky integrator), else 1 − H(pv[po + i] − θ).
     */
    public static void integrateBackward(boolean sub, float beta, float th, float[] pv, int po, float[] gy, float[] gx, int o, float[] carry, int n) {
        if (sub || pv == null) {
            for (int i = 0; i < n; i++) {
                float g = gy[o + i] + carry[i];
                gx[o + i] = g;
                carry[i] = beta * g;
            }
        } else {
            for (int i = 0; i < n; i++) {
                float g = gy[o + i] + carry[i];
                float keep = pv[po + i] > th ? 0f : 1f;   // k_t = 1 − r_t
                gx[o + i] = keep * g;
                carry[i] = keep * beta * g;
            }
        }
    }

    /** {@link #integrateBackward(boolean, float, float, float[], int, float[], float[], int, float[], int)} with β_i = beta[i]. */
    public static void integrateBackward(boolean sub, float[] beta, float th, float[] pv, int po, float[] gy, float[] gx, int o, float[] carry, int n) {
        if (sub || pv == null) {
            for (int i = 0; i < n; i++) {
                float g = gy[o + i] + carry[i];
                gx[o + i] = g;
                carry[i] = beta[i] * g;
            }
        } else {
            for (int i = 0; i < n; i++) {
                float g = gy[o + i] + carry[i];
                float keep = pv[po + i] > th ? 0f : 1f;   // k_t = 1 − r_t
                gx[o + i] = keep * g;
                carry[i] = keep * beta[i] * g;
            }
        }
    }

    /**
     * The membrane step with the reset inside the spike's own step ({@link Reset#ZERO_IMMEDIATE}), scalar β:
     * v[o + i] = β·(1 − r)·pv[po + i] + j[jo + i] with r = H(pv − θ) (pv null: v_{−1} = 0).
     */
    public static void integrateResetNow(float beta, float th, float[] pv, int po, float[] j, int jo, float[] v, int o, int n) {
        if (pv == null) {
            System.arraycopy(j, jo, v, o, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            float vp = pv[po + i];
            v[o + i] = beta * (vp > th ? 0f : vp) + j[jo + i];
        }
    }

    /**
     * Backward of {@link #integrateResetNow}: g_t = gy + carry; ∂L/∂J_t = g_t; the carry to step t − 1 is
     * β·(1 − r_t)·g_t, r_t = H(pv − θ) (the reset detached, as in the other kernels).
     */
    public static void integrateResetNowBackward(float beta, float th, float[] pv, int po, float[] gy, float[] gx, int o,
                                                 float[] carry, int n) {
        for (int i = 0; i < n; i++) {
            float g = gy[o + i] + carry[i];
            gx[o + i] = g;
            carry[i] = (pv != null && pv[po + i] > th ? 0f : beta) * g;
        }
    }

}
