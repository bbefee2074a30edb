package org.snn4j.model;

import java.util.List;

/**
 * Quadratic integrate-and-fire neuron in phase (theta) form with a gate-function synapse
 * (Huh &amp; Sejnowski, NeurIPS 2018): a spiking neuron whose dynamics are a smooth ODE, so that the
 * exact gradient of a loss can be computed through it (see {@code org.snn4j.train.exact}).
 *
 * <p>Continuous equations (t in ms, θ in rad, I dimensionless, s in 1/ms):
 * <pre>
 *   τ_v dθ/dt = (1 − cos θ) + (1 + cos θ) · I            (v = tan(θ/2) is the QIF voltage)
 *   τ_s ds/dt = −s + g(θ) · dθ/dt                         (gate-function synapse)
 * </pre>
 * A spike is the passage of θ through π; θ is kept in [−π, π) by wrapping (the dynamics are
 * 2π-periodic, so the wrap is no discontinuity of the flow). The gate g ({@link GateShape}) is
 * non-negative, non-zero only in the active zone |π − |θ|| &lt; Δ/2 and has ∫ g dθ = 1, so a full
 * passage through the zone adds one unit of charge to the synapse: ∫ s dt = 1 (ms · 1/ms) per spike
 * however fast θ moves; a phase that enters the zone and turns back gives a graded response. For
 * I &gt; 0 the neuron fires periodically with period π τ_v / √I; for I &lt; 0 it rests at
 * cos θ* = (1 + I)/(1 − I), θ* &lt; 0.
 *
 * <p>Discretisation (explicit Euler, step dt), the map Φ that the adjoint differentiates:
 * <pre>
 *   f      = ((1 − cos θ) + (1 + cos θ) · I) / τ_v        (computed as ·(1/τ_v))
 *   s'     = s + (dt/τ_s) · (g(θ) · f − s)
 *   θ'     = wrap(θ + dt · f)                             (spike reported when θ + dt·f ≥ π)
 * </pre>
 * {@link #advance} is this map and {@link #backward} its exact transposed Jacobian (vector-Jacobian
 * product); both are static kernels over a contiguous range of flat indices so that a learner uses
 * the same code as the simulation loop.
 *
 * <p>Semi-implicit variant (the {@code selfW} overloads), for strong currents at coarse steps. Two
 * loops are stiff there. (1) Below threshold θ relaxes to its rest phase at the rate
 * ∂f/∂θ = sin θ (1 − I)/τ_v ≈ −2√|I|/τ_v, so the explicit step oscillates and diverges once
 * |I| &gt; (τ_v/dt)² (100 at τ_v = 10 ms, dt = 1 ms), which strong recurrent inhibition reaches. (2)
 * A neuron's own synapse feeds back on its current through a self-coupling d = W_ii &lt; 0. The
 * semi-implicit step linearises both about the state before the step, J = min(∂f/∂θ, 0) and
 * I = I_k + d·(s' − s), and solves the linear equations for the rate F exactly:
 * <pre>
 *   f_e = ((1 − cos θ) + (1 + cos θ) · I_k) / τ_v,   q = (1 + cos θ)/τ_v,   J = min(sin θ (1 − I_k)/τ_v, 0)
 *   F   = (f_e − (dt/τ_s) · q · d · s) / (1 − dt · J − (dt/τ_s) · g · q · d)
 *   s'  = s + (dt/τ_s) · (g(θ) · F − s),             θ' = wrap(θ + dt · F)
 * </pre>
 * The denominator is ≥ 1 (J ≤ 0, d ≤ 0: callers pass min(W_ii, 0)); the step is first-order accurate
 * like the explicit one, which it equals where J = 0 and d = 0 (a neuron moving towards its spike with
 * I &lt; 1 and no self-coupling).
 *
 * <p>Exact-phase variant ({@link #advanceExactPhase}): the phase follows the exact flow of the step's constant
 * current, so that neither the firing rate nor the adjoint depends on how dt compares with τ_v/√|I|. With
 * v = tan(θ/2) the equation is the QIF's τ_v dv/dt = v² + I, a Riccati equation whose flow over a step is a
 * Möbius map: writing v = x/y,
 * <pre>
 *   [x'; y'] = [[c, I·k], [−k, c]] · [x; y],   c = cos(√I·t), k = sin(√I·t)/√I,   t = dt/τ_v
 * </pre>
 * (cosh and sinh/√|I| for I &lt; 0; c = 1, k = t at I = 0), from x = sin(θ/2), y = cos(θ/2); θ' = 2·atan2(x', y'),
 * with a spike for each passage of θ through π (the flow crosses π only forwards). The synapse receives the
 * gate's exact charge over the step, Q = G(θ') − G(θ) + spikes with G(θ) = ∫_{−π}^{θ} g, so that
 * s' = s + (dt/τ_s)(Q/dt − s): the explicit step with g·f·dt replaced by the charge. The self-coupling
 * is part of I (explicit).
 *
 * <p>Variables: {@code theta} (rad), {@code s} (1/ms), {@code i} (the total input current I, read
 * every step and never reset by the kernel: whoever drives the population writes it, e.g. a hook
 * that sets I = W s + U x + I_0 before each step; a projection adding into it makes a step current).
 */
public final class QifGate extends ArrayStateModel {
    private static final double PI = Math.PI, TWO_PI = 2 * Math.PI;
    private final QifGateParams p;
    /** Phase θ (rad), in [−π, π). */
    public final double[] theta;
    /** Synaptic trace s (1/ms). */
    public final double[] s;
    /** Total input current I (dimensionless). */
    public final double[] current;
    private double dt = Double.NaN;

    public QifGate(QifGateParams params, int size) {
        this(params, size, 1);
    }

    public QifGate(QifGateParams params, int size, int batch) {
        super(size, batch);
        this.p = params;
        theta = state("theta");
        s = state("s");
        current = state("i");
    }

    public QifGateParams params() {
        return p;
    }

    @Override
    public void prepare(double dtMs) {
        if (!(dtMs > 0)) throw new IllegalArgumentException("dt must be positive: " + dtMs);
        this.dt = dtMs;
    }

    /** The step length set by {@link #prepare}. */
    public double dt() {
        return dt;
    }

    private double[] selfCoupling;

    /**
     * Makes {@link #step} the semi-implicit step of the class comment (θ's relaxation and the
     * self-coupling implicit): {@code d[i]} (≤ 0, length size·batch, flat index as the state) is the part
     * of the current I that the driver computes as d_i·s_i (zeros: no self-coupling); null restores the
     * explicit step.
     */
    public void semiImplicit(double[] d) {
        if (d != null && d.length != theta.length)
            throw new IllegalArgumentException("self-coupling needs " + theta.length + " values, got " + d.length);
        selfCoupling = d;
    }

    private boolean exactPhase;

    /** Makes {@link #step} the exact-phase step ({@link #advanceExactPhase}); false restores the Euler steps. */
    public void exactPhase(boolean on) {
        exactPhase = on;
    }

    @Override
    public void step(StepContext ctx) {
        if (exactPhase) advanceExactPhase(p, ctx.dt(), theta, s, current, ctx.from(), ctx.to(), ctx);
        else advance(p, ctx.dt(), theta, s, current, ctx.from(), ctx.to(), ctx, null, selfCoupling);
    }

    /**
     * One Euler step Φ of flat indices [from, to): reads I from {@code cur}, updates θ and s in place
     * and reports each passage of θ through π to {@code spikes} (may be null), in ascending order.
     */
    public static void advance(QifGateParams p, double dt, double[] theta, double[] s, double[] cur, int from, int to,
                               StepContext spikes) {
        advance(p, dt, theta, s, cur, from, to, spikes, null);
    }

    /**
     * {@link #advance(QifGateParams, double, double[], double[], double[], int, int, StepContext)} that
     * also writes cos θ (of the state before the step) to {@code cosOut[i]} when {@code cosOut} is not
     * null, for {@link #backward(QifGateParams, double, double[], double[], double[], int, double[], double[], double[], int, int, double[], double[])}
     * to reuse instead of recomputing it.
     */
    public static void advance(QifGateParams p, double dt, double[] theta, double[] s, double[] cur, int from, int to,
                               StepContext spikes, double[] cosOut) {
        advance(p, dt, theta, s, cur, from, to, spikes, cosOut, null);
    }

    /**
     * The semi-implicit step of the class comment, with the self-coupling {@code selfW[i]} (≤ 0, indexed
     * like the state) of flat index i; {@code selfW == null} is the explicit step. {@code cur} holds the
     * current computed from the state before the step (self term included).
     */
    public static void advance(QifGateParams p, double dt, double[] theta, double[] s, double[] cur, int from, int to,
                               StepContext spikes, double[] cosOut, double[] selfW) {
        if (selfW != null) {
            advanceSemiImplicit(p, dt, theta, s, cur, from, to, spikes, cosOut, selfW);
            return;
        }
        final double invTv = 1 / p.tauV(), a = dt / p.tauS(), h = 0.5 * p.zoneWidth();
        final GateShape shape = p.shape();
        for (int i = from; i < to; i++) {
            double th = theta[i], c = Math.cos(th), in = cur[i];
            if (cosOut != null) cosOut[i] = c;
            double f = ((1 - c) + (1 + c) * in) * invTv;
            double g = gate(shape, th, h);
            double si = s[i];
            s[i] = si + a * (g * f - si);
            theta[i] = wrap(th + dt * f, i, spikes);
        }
    }

    /**
     * One exact-phase step (class comment) of flat indices [from, to): reads I from {@code cur}, updates θ
     * and s in place and reports passages of θ through π to {@code spikes} (may be null; one report per step
     * even if the phase turns more than once, which needs √I·dt/τ_v &gt; π).
     */
    public static void advanceExactPhase(QifGateParams p, double dt, double[] theta, double[] s, double[] cur, int from, int to,
                                         StepContext spikes) {
        final double t = dt / p.tauV(), a = dt / p.tauS(), invTs = 1 / p.tauS(), h = 0.5 * p.zoneWidth();
        final GateShape shape = p.shape();
        for (int i = from; i < to; i++) {
            double th = theta[i], in = cur[i], hx = Math.sin(0.5 * th), hy = Math.cos(0.5 * th);
            double z = in * t * t, c = flowC(z), k = flowK(z, t, in);
            double xn = c * hx + in * k * hy, yn = -k * hx + c * hy;
            int turns = turns(in, t, hx, hy, yn);
            double thn = phase(xn, yn);
            double q = charge(shape, thn, h) - charge(shape, th, h) + turns;
            s[i] = s[i] * (1 - a) + q * invTs;
            theta[i] = thn;
            if (turns > 0 && spikes != null) spikes.spike(i);
        }
    }

    /**
     * The exact vector-Jacobian product of {@link #advanceExactPhase}, with the same arguments and outputs as
     * {@link #backward(QifGateParams, double, double[], double[], double[], int, double[], double[], double[], int, int, double[])}:
     * with θ' = 2·atan2(x', y') and Q = G(θ') − G(θ) + spikes,
     * <pre>
     *   ∂s'/∂θ = (g(θ') ∂θ'/∂θ − g(θ))/τ_s,   ∂s'/∂I = g(θ') ∂θ'/∂I / τ_s,   ∂s'/∂s = 1 − dt/τ_s
     *   ∂θ'/∂u = 2 (y' ∂x'/∂u − x' ∂y'/∂u)/(x'² + y'²),   ∂c/∂I = −t k/2,   ∂k/∂I = (t c − k)/(2I)
     * </pre>
     */
    public static void backwardExactPhase(QifGateParams p, double dt, double[] theta, double[] s, double[] cur, int so,
                                          double[] lamTheta, double[] lamS, double[] gI, int ao, int n, double[] gTau) {
        final double t = dt / p.tauV(), a = dt / p.tauS(), invTs = 1 / p.tauS(), h = 0.5 * p.zoneWidth();
        final GateShape shape = p.shape();
        double dTv = 0, dTs = 0;
        for (int j = 0; j < n; j++) {
            double th = theta[so + j], in = cur[so + j], hx = Math.sin(0.5 * th), hy = Math.cos(0.5 * th);
            double z = in * t * t, c = flowC(z), k = flowK(z, t, in), cI = -0.5 * t * k, kI = flowKI(z, t, in, c, k);
            double xn = c * hx + in * k * hy, yn = -k * hx + c * hy, r2 = xn * xn + yn * yn;
            double dxTh = 0.5 * (c * hy - in * k * hx), dyTh = -0.5 * (k * hy + c * hx);
            double dxI = cI * hx + (k + in * kI) * hy, dyI = -kI * hx + cI * hy;
            double thTh = 2 * (yn * dxTh - xn * dyTh) / r2, thI = 2 * (yn * dxI - xn * dyI) / r2;
            double thn = phase(xn, yn);
            double gNew = gate(shape, thn, h), gOld = gate(shape, th, h);
            double lt = lamTheta[ao + j], ls = lamS[ao + j];
            double lth = lt + ls * gNew * invTs;             // adjoint of θ' through θ' itself and the charge G(θ')
            gI[ao + j] = lth * thI;
            lamTheta[ao + j] = lth * thTh - ls * gOld * invTs;
            lamS[ao + j] = ls * (1 - a);
            if (gTau != null) {
                // ∂θ'/∂t with dc/dt = −I k, dk/dt = c; t = dt/τ_v
                double dxT = in * (c * hy - k * hx), dyT = -c * hx - in * k * hy;
                double thT = 2 * (yn * dxT - xn * dyT) / r2;
                dTv -= lth * thT * t / p.tauV();
                double q = charge(shape, thn, h) - charge(shape, th, h) + turns(in, t, hx, hy, yn);
                dTs -= ls * (q / dt - s[so + j]) * a / p.tauS();
            }
        }
        if (gTau != null) {
            gTau[0] += dTv;
            gTau[1] += dTs;
        }
    }

    /** c = cos(√z) (cosh(√−z) for z &lt; 0) of the Möbius flow, z = I t²; its power series near 0. */
    private static double flowC(double z) {
        if (Math.abs(z) < 1e-3) return 1 - z / 2 + z * z / 24 - z * z * z / 720;
        return z > 0 ? Math.cos(Math.sqrt(z)) : Math.cosh(Math.sqrt(-z));
    }

    /** k = sin(√I t)/√I (sinh(√−I t)/√−I for I &lt; 0), z = I t²; its power series near 0. */
    private static double flowK(double z, double t, double in) {
        if (Math.abs(z) < 1e-3) return t * (1 - z / 6 + z * z / 120 - z * z * z / 5040);
        return z > 0 ? Math.sin(Math.sqrt(z)) / Math.sqrt(in) : Math.sinh(Math.sqrt(-z)) / Math.sqrt(-in);
    }

    /** ∂k/∂I = (t c − k)/(2I), from its power series near I = 0 (dc/dI = −t k/2 needs none). */
    private static double flowKI(double z, double t, double in, double c, double k) {
        if (Math.abs(z) < 1e-3) return t * t * t * (-1.0 / 6 + z / 60 - z * z / 1680);
        return (t * c - k) / (2 * in);
    }

    /**
     * Passages through π in a step that starts at half-angle (hx, hy) = (sin θ/2, cos θ/2) and ends with y' = yn:
     * for I &gt; 0 the phase φ = atan(tan(θ/2)/√I) advances uniformly by √I·t and a passage is each crossing of
     * π/2 + mπ; for I ≤ 0 at most one (the flow runs through π once, towards its rest phase).
     */
    private static int turns(double in, double t, double hx, double hy, double yn) {
        if (in > 0) {
            double sq = Math.sqrt(in), phi = Math.atan2(hx, hy * sq);
            return (int) Math.floor((phi + sq * t) / PI + 0.5);
        }
        return yn < 0 ? 1 : 0;
    }

    /** θ' in [−π, π) from the half-angle vector (x', y') = ±(sin θ'/2, cos θ'/2): both signs name the same phase. */
    private static double phase(double x, double y) {
        double th = y < 0 ? 2 * Math.atan2(-x, -y) : 2 * Math.atan2(x, y);
        return th >= PI ? th - TWO_PI : th;
    }

    /** G(θ) = ∫_{−π}^{θ} g: 0 at −π, 1/2 between the two halves of the zone, 1 at π. */
    private static double charge(GateShape shape, double th, double h) {
        return th < 0 ? 0.5 - shape.tail(PI + th, h) : 0.5 + shape.tail(PI - th, h);
    }

    /** g(θ) for a zone of half-width h around ±π (u = π − |θ| is the distance to it). */
    private static double gate(GateShape shape, double th, double h) {
        double u = PI - Math.abs(th);
        return u < h ? shape.value(u, h) : 0.0;
    }

    /** ∂g/∂θ: dg/du · du/dθ with du/dθ = −sign θ. */
    private static double gateSlope(GateShape shape, double th, double h) {
        double u = PI - Math.abs(th);
        if (!(u < h)) return 0.0;
        double slope = shape.slope(u, h);
        return th >= 0 ? -slope : slope;
    }

    /** θ after the step, wrapped into [−π, π); a passage through π is reported to {@code spikes} (may be null). */
    private static double wrap(double thn, int i, StepContext spikes) {
        if (thn >= PI) {
            if (spikes != null) spikes.spike(i);
            return thn - TWO_PI;
        }
        return thn < -PI ? thn + TWO_PI : thn;
    }

    private static void advanceSemiImplicit(QifGateParams p, double dt, double[] theta, double[] s, double[] cur, int from,
                                            int to, StepContext spikes, double[] cosOut, double[] selfW) {
        final double invTv = 1 / p.tauV(), a = dt / p.tauS(), h = 0.5 * p.zoneWidth();
        final GateShape shape = p.shape();
        for (int i = from; i < to; i++) {
            double th = theta[i], c = Math.cos(th), in = cur[i], d = selfW[i];
            if (cosOut != null) cosOut[i] = c;
            double q = (1 + c) * invTv;
            double fe = (1 - c) * invTv + q * in;
            double jac = Math.min(Math.sin(th) * (1 - in) * invTv, 0.0);
            double g = gate(shape, th, h);
            double si = s[i];
            double f = (fe - a * q * d * si) / (1 - dt * jac - a * g * q * d);
            s[i] = si + a * (g * f - si);
            theta[i] = wrap(th + dt * f, i, spikes);
        }
    }

    /**
     * The exact vector-Jacobian product of {@link #advance} for {@code n} neurons. Inputs: the state
     * before the step (θ, s, I at {@code theta[so + j]}, {@code s[so + j]}, {@code cur[so + j]}) and
     * the adjoints λ_θ', λ_s' of the state after it ({@code lamTheta[ao + j]}, {@code lamS[ao + j]}).
     * Outputs, in place: λ_θ ← (∂θ'/∂θ)λ_θ' + (∂s'/∂θ)λ_s', λ_s ← (1 − dt/τ_s)λ_s' (the direct path
     * only; the caller adds the recurrent path through I), and {@code gI[ao + j]} = ∂L/∂I for this
     * step. If {@code gTau} is not null, ∂L/∂τ_v and ∂L/∂τ_s of this step are added to gTau[0], gTau[1].
     * <pre>
     *   λ_f = (dt/τ_s) g λ_s' + dt λ_θ'
     *   ∂L/∂I = λ_f (1 + cos θ)/τ_v
     *   λ_θ  = λ_θ' + λ_f · sin θ (1 − I)/τ_v + λ_s' (dt/τ_s) g'(θ) f
     * </pre>
     */
    public static void backward(QifGateParams p, double dt, double[] theta, double[] s, double[] cur, int so,
                                double[] lamTheta, double[] lamS, double[] gI, int ao, int n, double[] gTau) {
        backward(p, dt, theta, s, cur, so, lamTheta, lamS, gI, ao, n, gTau, null);
    }

    /**
     * {@link #backward(QifGateParams, double, double[], double[], double[], int, double[], double[], double[], int, int, double[])}
     * with cos θ taken from {@code cos[so + j]} (as written by the forward step) when {@code cos} is not null.
     */
    public static void backward(QifGateParams p, double dt, double[] theta, double[] s, double[] cur, int so,
                                double[] lamTheta, double[] lamS, double[] gI, int ao, int n, double[] gTau, double[] cos) {
        backward(p, dt, theta, s, cur, so, lamTheta, lamS, gI, ao, n, gTau, cos, null, null);
    }

    /**
     * The vector-Jacobian product of the semi-implicit step with self-couplings {@code selfW[so + j]}
     * (≤ 0, indexed like the state; null: the explicit step). Besides the explicit overload's outputs it
     * adds ∂L/∂d of this step to {@code gSelf[so + j]} (may be null). Here λ_s also holds the path of s through the self term;
     * the caller adds only the recurrent path through I_k, as for the explicit step. With F = N/D as in
     * the class comment:
     * <pre>
     *   λ_F = dt λ_θ' + (dt/τ_s) g λ_s';   λ_N = λ_F/D;   λ_D = −λ_F F/D
     *   ∂L/∂I_k = q λ_N − (sin θ/τ_v) λ_J,   λ_J = −dt λ_D where sin θ (1 − I_k) &lt; 0, else 0
     *   λ_s = (1 − dt/τ_s) λ_s' − (dt/τ_s) q d λ_N;   ∂L/∂d = −(dt/τ_s) q (s λ_N + g λ_D)
     * </pre>
     * and λ_θ collects the paths through cos θ (f_e, q), sin θ (J) and g(θ).
     */
    public static void backward(QifGateParams p, double dt, double[] theta, double[] s, double[] cur, int so,
                                double[] lamTheta, double[] lamS, double[] gI, int ao, int n, double[] gTau, double[] cos,
                                double[] selfW, double[] gSelf) {
        if (selfW != null) {
            backwardSemiImplicit(p, dt, theta, s, cur, so, lamTheta, lamS, gI, ao, n, gTau, cos, selfW, gSelf);
            return;
        }
        final double invTv = 1 / p.tauV(), a = dt / p.tauS(), h = 0.5 * p.zoneWidth(), oneMinusA = 1 - a;
        final GateShape shape = p.shape();
        double dTv = 0, dTs = 0;
        for (int j = 0; j < n; j++) {
            double th = theta[so + j], c = cos != null ? cos[so + j] : Math.cos(th), in = cur[so + j];
            double f = ((1 - c) + (1 + c) * in) * invTv;
            double g = gate(shape, th, h), gth = gateSlope(shape, th, h);
            double lt = lamTheta[ao + j], ls = lamS[ao + j];
            double lf = a * g * ls + dt * lt;
            gI[ao + j] = lf * (1 + c) * invTv;
            lamTheta[ao + j] = lt + lf * Math.sin(th) * (1 - in) * invTv + ls * a * gth * f;
            lamS[ao + j] = ls * oneMinusA;
            if (gTau != null) {
                dTv -= lf * f * invTv;
                dTs -= ls * (g * f - s[so + j]) * a / p.tauS();
            }
        }
        if (gTau != null) {
            gTau[0] += dTv;
            gTau[1] += dTs;
        }
    }

    private static void backwardSemiImplicit(QifGateParams p, double dt, double[] theta, double[] s, double[] cur, int so,
                                             double[] lamTheta, double[] lamS, double[] gI, int ao, int n, double[] gTau,
                                             double[] cos, double[] selfW, double[] gSelf) {
        final double invTv = 1 / p.tauV(), a = dt / p.tauS(), h = 0.5 * p.zoneWidth();
        final GateShape shape = p.shape();
        double dTv = 0, dTs = 0;
        for (int j = 0; j < n; j++) {
            double th = theta[so + j], c = cos != null ? cos[so + j] : Math.cos(th), in = cur[so + j], si = s[so + j];
            double d = selfW[so + j], sn = Math.sin(th);
            double q = (1 + c) * invTv;
            double fe = (1 - c) * invTv + q * in;
            double jraw = sn * (1 - in) * invTv, jac = Math.min(jraw, 0.0);
            double g = gate(shape, th, h), gth = gateSlope(shape, th, h);
            double den = 1 - dt * jac - a * g * q * d, num = fe - a * q * d * si, f = num / den;
            double lt = lamTheta[ao + j], ls = lamS[ao + j];
            double lf = dt * lt + a * g * ls;                  // F → θ', s'
            double lnum = lf / den, lden = -lf * f / den;
            double lq = -lnum * a * d * si - lden * a * g * d;
            double lg = a * f * ls - lden * a * q * d;
            double lj = jraw < 0 ? -dt * lden : 0;
            double lin = lnum * q - lj * sn * invTv;           // through f_e and J
            double lc = lnum * (in - 1) * invTv + lq * invTv;  // through f_e and q
            gI[ao + j] = lin;
            lamTheta[ao + j] = lt - sn * lc + gth * lg + lj * c * (1 - in) * invTv;
            lamS[ao + j] = ls * (1 - a) - lnum * a * q * d;
            if (gSelf != null) gSelf[so + j] += -lnum * a * q * si - lden * a * g * q;
            if (gTau != null) {
                dTv -= (lnum * fe + lq * q + lj * jac) * invTv;
                double la = ls * (g * f - si) - lnum * q * d * si - lden * g * q * d;
                dTs -= la * a / p.tauS();
            }
        }
        if (gTau != null) {
            gTau[0] += dTv;
            gTau[1] += dTs;
        }
    }
}
