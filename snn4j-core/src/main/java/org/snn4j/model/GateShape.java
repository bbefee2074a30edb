package org.snn4j.model;

/**
 * Shape of the gate function g(θ) of a gate-function synapse ({@link QifGate}): a non-negative bump
 * of total area 1 (∫ g dθ = 1, θ in radians) supported on the active zone |u| &lt; h, where
 * u = π − |θ| is the phase distance to the spike phase θ = ±π and h = Δ/2 is half the zone width Δ.
 * <pre>
 *   RECT:     g = 1/Δ                               (the gate of Huh &amp; Sejnowski 2018, Fig. 1)
 *   TRIANGLE: g = (1 − |u|/h) / h                   (continuous; the PyTorch peer's gate)
 *   COSINE:   g = (1 + cos(π u / h)) / (2h)         (continuously differentiable)
 * </pre>
 * {@link #value} gives g and {@link #slope} gives dg/du (for u ≥ 0), both in 1/rad units.
 */
public enum GateShape {
    RECT, TRIANGLE, COSINE;

    /** g at distance u ≥ 0 from the spike phase, for half-width h (rad). */
    public double value(double u, double h) {
        if (u >= h) return 0;
        switch (this) {
            case RECT: return 0.5 / h;
            case TRIANGLE: return (1 - u / h) / h;
            default: return (1 + Math.cos(Math.PI * u / h)) / (2 * h);
        }
    }

    /** dg/du at distance u ≥ 0 (0 outside the zone; RECT: 0 everywhere except its edges). */
    public double slope(double u, double h) {
        if (u >= h) return 0;
        switch (this) {
            case RECT: return 0;
            case TRIANGLE: return -1 / (h * h);
            default: return -Math.PI * Math.sin(Math.PI * u / h) / (2 * h * h);
        }
    }

    /**
     * The gate's mass beyond distance u ≥ 0 on one side of the spike phase, ∫_u^h g(u') du' (1/2 at u = 0,
     * 0 for u ≥ h): the charge a phase still collects on its way from distance u to the spike.
     */
    public double tail(double u, double h) {
        if (u >= h) return 0;
        switch (this) {
            case RECT: return (h - u) / (2 * h);
            case TRIANGLE: return (h - u) * (h - u) / (2 * h * h);
            default: return (h - u) / (2 * h) - Math.sin(Math.PI * u / h) / (2 * Math.PI);
        }
    }

    /** Parses "rect", "triangle" or "cosine" (case-insensitive); IllegalArgumentException otherwise. */
    public static GateShape parse(String s) {
        for (GateShape g : values()) if (g.name().equalsIgnoreCase(s.trim())) return g;
        throw new IllegalArgumentException("unknown gate shape '" + s + "' (expected rect, triangle or cosine)");
    }
}
