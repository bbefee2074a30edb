package org.snn4j.papers.balanced;

import org.snn4j.experiment.Params;
import org.snn4j.util.InputException;

/**
 * {@code snn4j run balanced-lds}: a balanced spiking network learns a general linear dynamical system
 * dx/dt = A x + c(t) with local rules, then generates it autonomously (Bourdoukan &amp; Denève 2015).
 * Default: a 3-D rotation with decay about an oblique axis u (default (1, 1, 1)/√3),
 * A = −I/τ + ω [u]ₓ ([u]ₓ the cross-product matrix, ω = 2π f): a pure decay along u and a damped
 * rotation in the plane normal to it, mixing all three coordinates, unlike the axis-aligned 2-D
 * oscillator. Any A (any dimension) may be given with {@code A}, e.g. a leaky integrator chain
 * {@code "-1,0,0; 1,-1,0; 0,1,-1"}.
 */
public final class BalancedLdsExperiment extends BalancedExperiment {
    /** For the service loader. */
    public BalancedLdsExperiment() {
        super("balanced-lds",
                "Balanced spiking network learning a linear dynamical system (default: 3-D rotation with decay; any A via --config) with local rules");
    }

    @Override
    protected void declareSystem(Params p, boolean quick) {
        p.declare("rot_freq_hz", 0.5, "default system: rotation frequency f (Hz)", 0, 1e6)
                .declare("decay_s", 1.0, "default system: decay time constant tau (s)", 1e-6, 1e9)
                .declare("axis", "1,1,1", "default system: rotation axis (3 numbers, normalised here)");
    }

    @Override
    protected long fullNeurons() {
        return 150;
    }

    @Override
    protected double fullLearnS() {
        return 600;
    }

    @Override
    protected double[] quickSize() {
        return new double[] {80, 100, 20};   // 3-D: more neurons and weights to learn than the oscillator
    }

    /**
     * The base presets ({@code from-random}, {@code from-zero}) and {@code slow-system}: the slow rule alone on
     * a slow, nearly integrating system (eigenvalues −0.1 ± 1i/s, 50 times below λ = 5/s), with the fast
     * weights given at their optimum and a low feedback gain, K = 150/s: the slow rule's scale bias grows
     * with K (docs/balanced.md, seventh session). {@code slow-system-learned}: the same system with the fast weights
     * learned too, on an evenly spread decoder (docs/balanced.md, eighth session); {@code slow-system-from-zero}: and
     * the fast weights learned from zero, at a rate high enough to converge from nothing and decaying over twice
     * the time, so that the rule's noise at the end is as small as from the perturbed start (ninth session).
     */
    @Override
    public java.util.List<org.snn4j.experiment.Preset> presets() {
        java.util.List<org.snn4j.experiment.Preset> all = new java.util.ArrayList<>(super.presets());
        java.util.Map<String, Object> slow = new java.util.LinkedHashMap<>();
        slow.put("A", "-0.1,-1;1,-0.1");
        slow.put("neurons", 100L);
        slow.put("lambda", 5.0);
        slow.put("tau_slow_ms", 200.0);
        slow.put("eta_slow", 0.05);
        slow.put("learn_s", 1800.0);
        slow.put("gain_k", 150.0);
        slow.put("eps_fast", 0.0);
        slow.put("fast_init_noise", 0.0);
        all.add(new org.snn4j.experiment.Preset("slow-system", "the slow rule alone on A = [-0.1, -1; 1, -0.1] (eigenvalues -0.1 +- 1i, "
                + "lambda 5/s), fast weights given at D^T D + mu I, feedback gain K 150/s: over seeds 1-5 0.104 +- 0.032, "
                + "0.87 +- 0.20 x the analytic network (docs/balanced.md)", slow));
        java.util.Map<String, Object> full = new java.util.LinkedHashMap<>(slow);
        full.put("eps_fast", 0.003);
        full.put("fast_init_noise", 0.1);
        full.put("decoder", "spread");
        full.put("learn_s", 3600.0);
        all.add(new org.snn4j.experiment.Preset("slow-system-learned", "both rules learning on the slow system of slow-system: the fast weights "
                + "from 10 % noise with the voltage rule, decoding directions spread evenly, 3600 s: over seeds 1-10 0.095 +- 0.039, "
                + "0.91 +- 0.27 x the analytic network, 10 of 10 seeds within 0.2 and 1.5x (docs/balanced.md)", full));
        java.util.Map<String, Object> zero = new java.util.LinkedHashMap<>(full);
        zero.putAll(fastLearned("zero"));
        zero.put("eps_fast", 0.015);
        zero.put("learn_s", 7200.0);
        all.add(new org.snn4j.experiment.Preset("slow-system-from-zero", "slow-system-learned with the fast weights learned from zero "
                + "(the from-zero recipe at eps_fast 0.015, 7200 s): over seeds 1-10 0.104 +- 0.031, 1.01 +- 0.20 x the analytic network, 10 of 10 seeds within 0.2 and 1.5x (docs/balanced.md)", zero));
        return java.util.List.copyOf(all);
    }

    /** A = −I/τ + ω [u]ₓ for the unit axis u. */
    public static LinearSystem rotationWithDecay(double freqHz, double decayS, double[] axis) {
        double nn = Math.sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
        if (!(nn > 0)) throw new InputException("axis must be a non-zero 3-vector");
        double w = 2 * Math.PI * freqHz, x = w * axis[0] / nn, y = w * axis[1] / nn, z = w * axis[2] / nn, l = -1 / decayS;
        return new LinearSystem(new double[][] {{l, -z, y}, {z, l, -x}, {-y, x, l}});
    }

    @Override
    protected LinearSystem defaultSystem(Params p) {
        String[] parts = p.getString("axis").trim().split("[,\\s]+");
        if (parts.length != 3) throw new InputException("axis: expected 3 numbers, got '" + p.getString("axis") + "'");
        double[] u = new double[3];
        for (int k = 0; k < 3; k++) {
            try {
                u[k] = Double.parseDouble(parts[k]);
            } catch (NumberFormatException e) {
                throw new InputException("axis: not a number: '" + parts[k] + "'");
            }
        }
        return rotationWithDecay(p.getDouble("rot_freq_hz"), p.getDouble("decay_s"), u);
    }
}
