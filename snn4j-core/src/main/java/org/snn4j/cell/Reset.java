package org.snn4j.cell;

/**
 * What a spike does to the membrane of a spiking cell (snnTorch's {@code reset_mechanism} and
 * {@code reset_delay}). The stored state v_t is the potential before any reset of step t, so the spike
 * z_t = H(v_t − θ) can be read from it; the reset acts on the next step's integration.
 */
public enum Reset {
    /** Subtract θ, dropping the step after the spike by θ: v_t = β v_{t−1} + J_t − r_t θ (snnTorch "subtract"). */
    SUBTRACT,
    /** Zero, delayed: the step after a spike is held at 0, its input dropped: v_t = (1 − r_t)(β v_{t−1} + J_t) (snnTorch "zero"). */
    ZERO,
    /**
     * Zero, within the spike's own step: the membrane restarts from 0 and the next step's input counts,
     * v_t = β (1 − r_t) v_{t−1} + J_t. This is NIR's and Norse's LIF ("v ← v_reset when z = 1", the
     * reset applied before the next integration; snnTorch's reset_delay = False). Only cells run it
     * (LIF, current-based LIF); the dedicated BPTT layers refuse it.
     */
    ZERO_IMMEDIATE
}
