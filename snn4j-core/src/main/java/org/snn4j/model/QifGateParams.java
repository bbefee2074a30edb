package org.snn4j.model;

/**
 * Parameters of the quadratic integrate-and-fire neuron in phase form with a gate-function synapse
 * ({@link QifGate}). Times in ms, phases in radians.
 *
 * @param tauV      membrane time constant τ_v (ms), &gt; 0
 * @param tauS      synaptic time constant τ_s (ms), &gt; 0
 * @param zoneWidth width Δ of the gate's active zone around θ = π (rad), in (0, 2π)
 * @param shape     shape of the gate within the zone
 */
public record QifGateParams(double tauV, double tauS, double zoneWidth, GateShape shape) {
    public QifGateParams {
        if (!(tauV > 0) || !(tauS > 0))
            throw new IllegalArgumentException("time constants must be positive: tauV=" + tauV + " tauS=" + tauS);
        if (!(zoneWidth > 0) || !(zoneWidth < 2 * Math.PI))
            throw new IllegalArgumentException("gate zone width must be in (0, 2π) rad: " + zoneWidth);
        if (shape == null) throw new IllegalArgumentException("gate shape must be given");
    }

    /** τ_v = τ_s = 10 ms, a cosine gate of width 0.4 rad. */
    public static QifGateParams defaults() {
        return new QifGateParams(10.0, 10.0, 0.4, GateShape.COSINE);
    }

    public QifGateParams withTaus(double tauV, double tauS) {
        return new QifGateParams(tauV, tauS, zoneWidth, shape);
    }
}
