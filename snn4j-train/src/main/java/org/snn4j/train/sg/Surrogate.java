package org.snn4j.train.sg;

/**
 * The surrogate derivative of the spike non-linearity: a spiking unit emits z = H(x) with
 * x = v − θ (membrane potential minus threshold; H(x) = 1 for x &gt; 0, else 0), and back-propagation
 * uses dz/dx ≈ {@link #grad}(x) in place of H'(x) (Neftci, Mostafa &amp; Zenke 2019).
 *
 * <ul>
 *   <li>{@link #fastSigmoid}(k): 1 / (1 + k|x|)² (SuperSpike; snnTorch's {@code fast_sigmoid},
 *       default slope k = 25);</li>
 *   <li>{@link #arctan}(α): (α/2) / (1 + (π α x / 2)²) (snnTorch's {@code atan}, the derivative of
 *       arctan(π α x / 2)/π + 1/2; default α = 2);</li>
 *   <li>{@link #triangle}(γ, w): γ · max(0, 1 − |x| / w) (Bellec et al. 2018, γ = 0.3, w = θ);</li>
 *   <li>{@link #custom}(f): any function, the hook for a user's own surrogate.</li>
 * </ul>
 * The built-in shapes are evaluated inline in the layers' loops; a custom one is called per element.
 */
public final class Surrogate implements org.snn4j.cell.SpikeFunction {
    /** A user-supplied surrogate derivative dz/dx at x = v − θ. */
    @FunctionalInterface
    public interface Fn {
        float grad(float x);
    }

    enum Kind { FAST_SIGMOID, ARCTAN, TRIANGLE, CUSTOM }

    final Kind kind;
    final float a, b;
    final Fn fn;
    private final String label;

    private Surrogate(Kind kind, float a, float b, Fn fn, String label) {
        this.kind = kind;
        this.a = a;
        this.b = b;
        this.fn = fn;
        this.label = label;
    }

    /** 1 / (1 + k|x|)². */
    public static Surrogate fastSigmoid(double slope) {
        if (!(slope > 0)) throw new IllegalArgumentException("fast-sigmoid slope must be positive: " + slope);
        return new Surrogate(Kind.FAST_SIGMOID, (float) slope, 0, null, "fast_sigmoid(" + slope + ")");
    }

    /** (α/2) / (1 + (π α x / 2)²). */
    public static Surrogate arctan(double alpha) {
        if (!(alpha > 0)) throw new IllegalArgumentException("arctan alpha must be positive: " + alpha);
        return new Surrogate(Kind.ARCTAN, (float) alpha, 0, null, "arctan(" + alpha + ")");
    }

    /** γ · max(0, 1 − |x| / w). */
    public static Surrogate triangle(double gamma, double width) {
        if (!(gamma > 0) || !(width > 0)) throw new IllegalArgumentException("triangle gamma and width must be positive");
        return new Surrogate(Kind.TRIANGLE, (float) gamma, (float) width, null, "triangle(" + gamma + ", " + width + ")");
    }

    /** A custom surrogate derivative. */
    public static Surrogate custom(String name, Fn f) {
        return new Surrogate(Kind.CUSTOM, 0, 0, f, name);
    }

    /** Parses "fast_sigmoid[:k]", "arctan[:alpha]" or "triangle[:gamma[:width]]". */
    public static Surrogate parse(String s) {
        String[] f = s.trim().toLowerCase().split(":", -1);
        int most = switch (f[0]) {
            case "triangle" -> 3;
            default -> 2;
        };
        if (f.length > most)
            throw new org.snn4j.util.InputException("bad surrogate '" + s + "': " + f[0] + " takes at most " + (most - 1) + " parameter(s) (fast_sigmoid[:k], arctan[:alpha], triangle[:gamma[:width]])");
        try {
            switch (f[0]) {
                case "fast_sigmoid": case "fast-sigmoid": case "fastsigmoid":
                    return fastSigmoid(f.length > 1 ? Double.parseDouble(f[1]) : 25);
                case "arctan": case "atan":
                    return arctan(f.length > 1 ? Double.parseDouble(f[1]) : 2);
                case "triangle":
                    return triangle(f.length > 1 ? Double.parseDouble(f[1]) : 0.3, f.length > 2 ? Double.parseDouble(f[2]) : 1);
                default:
                    throw new org.snn4j.util.InputException("unknown surrogate '" + s + "' (fast_sigmoid[:k], arctan[:alpha], triangle[:gamma[:width]])");
            }
        } catch (IllegalArgumentException e) {
            throw new org.snn4j.util.InputException("bad surrogate '" + s + "': " + e.getMessage());
        }
    }

    /** H(x): the forward spike. */
    @Override
    public float value(float x) {
        return x > 0 ? 1f : 0f;
    }

    /** The surrogate derivative, {@link #grad}. */
    @Override
    public float derivative(float x) {
        return grad(x);
    }

    /** {@link #apply}: the specialised loops. */
    @Override
    public void scaleByDerivative(float[] v, float theta, float[] g, int o, int n) {
        apply(v, theta, g, o, n);
    }

    /** dz/dx at x = v − θ. */
    public float grad(float x) {
        switch (kind) {
            case FAST_SIGMOID: {
                float d = 1f + a * Math.abs(x);
                return 1f / (d * d);
            }
            case ARCTAN: {
                float u = (float) (Math.PI / 2) * a * x;
                return 0.5f * a / (1f + u * u);
            }
            case TRIANGLE:
                return a * Math.max(0f, 1f - Math.abs(x) / b);
            default:
                return fn.grad(x);
        }
    }

    /**
     * out[o + p] = g[o + p] · grad(v[o + p] − θ) for p ∈ [0, len): the hot loop of a spiking
     * layer's backward pass, one specialised loop per shape.
     */
    void apply(float[] v, float theta, float[] g, int o, int len) {
        switch (kind) {
            case FAST_SIGMOID: {
                float k = a;
                for (int p = o; p < o + len; p++) {
                    float d = 1f + k * Math.abs(v[p] - theta);
                    g[p] = g[p] / (d * d);
                }
                break;
            }
            case ARCTAN: {
                float c = (float) (Math.PI / 2) * a, h = 0.5f * a;
                for (int p = o; p < o + len; p++) {
                    float u = c * (v[p] - theta);
                    g[p] = g[p] * h / (1f + u * u);
                }
                break;
            }
            default:
                for (int p = o; p < o + len; p++) g[p] = g[p] * grad(v[p] - theta);
        }
    }

    /** The text {@link #parse} reads back ("fast_sigmoid:25.0"), or null for a custom surrogate. */
    public String spec() {
        switch (kind) {
            case FAST_SIGMOID:
                return "fast_sigmoid:" + a;
            case ARCTAN:
                return "arctan:" + a;
            case TRIANGLE:
                return "triangle:" + a + ":" + b;
            default:
                return null;
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
