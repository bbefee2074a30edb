package org.snn4j.cell;

/** What a spike does to the membrane of a spiking cell (snnTorch's {@code reset_mechanism}). */
public enum Reset {
    /** v ← v − θ at the next step ("subtract"). */
    SUBTRACT,
    /** v ← 0 at the next step ("zero"). */
    ZERO
}
