package org.snn4j.model;

/**
 * Parameters of the spike-coding network neuron ({@link SpikeCodingModel}; Boerlin, Machens &amp;
 * Denève 2013, Bourdoukan et al. 2012, Brendel et al. 2020). Voltages and thresholds are in the
 * network's own (dimensionless) units, the units of the signal x times the decoder weights.
 *
 * @param lambda  leak rate λ of the voltages, of the filtered rates r and of the readout (1/s), &gt; 0
 * @param mu      quadratic rate cost μ ≥ 0 (enters Ω = DᵀD + μI and the thresholds)
 * @param nu      linear rate cost ν ≥ 0 (enters the thresholds only: T_i = (‖D_i‖² + μ + ν)/2)
 * @param sigmaV  standard deviation of the Gaussian noise added to every voltage at every step
 *                (absolute, per step; Brendel et al. use 0.001), ≥ 0
 * @param sigmaT  standard deviation of the Gaussian noise on the spike decision, V_i − T_i − σ_T ξ
 *                (per neuron and step; Brendel et al. use 0.01), ≥ 0
 * @param rule    {@link SpikeRule#ONE_PER_STEP} (the greedy rule: at most one spike per step, the
 *                neuron furthest above threshold) or {@link SpikeRule#ALL_ABOVE}
 * @param refractorySteps after a spike a neuron cannot spike again for this many steps (its voltage
 *                evolves normally; 0 = none; Brendel et al.'s E/I network uses 10), ≥ 0
 */
public record ScnParams(double lambda, double mu, double nu, double sigmaV, double sigmaT, SpikeRule rule, int refractorySteps) {
    /** Which neurons spike in a step. */
    public enum SpikeRule {
        /** At most one spike per step and batch entry: the neuron with the largest V − T − σ_T ξ, if that is &gt; 0. */
        ONE_PER_STEP,
        /** Every neuron with V − T − σ_T ξ &gt; 0 spikes. */
        ALL_ABOVE
    }

    public ScnParams {
        if (!(lambda > 0) || Double.isInfinite(lambda)) throw new IllegalArgumentException("SCN leak lambda must be positive: " + lambda);
        if (!(mu >= 0) || Double.isInfinite(mu)) throw new IllegalArgumentException("SCN rate cost mu must be >= 0: " + mu);
        if (!(nu >= 0) || Double.isInfinite(nu)) throw new IllegalArgumentException("SCN rate cost nu must be >= 0: " + nu);
        if (!(sigmaV >= 0) || !(sigmaT >= 0) || Double.isInfinite(sigmaV) || Double.isInfinite(sigmaT))
            throw new IllegalArgumentException("SCN noise levels must be finite and >= 0: sigmaV=" + sigmaV + " sigmaT=" + sigmaT);
        if (rule == null) throw new IllegalArgumentException("SCN spike rule must be given");
        if (refractorySteps < 0) throw new IllegalArgumentException("SCN refractory steps must be >= 0: " + refractorySteps);
    }

    /** Parameters without a refractory period. */
    public ScnParams(double lambda, double mu, double nu, double sigmaV, double sigmaT, SpikeRule rule) {
        this(lambda, mu, nu, sigmaV, sigmaT, rule, 0);
    }

    /** The parameters of Brendel et al. 2020, Fig. 2: λ = 50/s, μ = 0.02/0.9, noise 0.001 and 0.01, one spike per step. */
    public static ScnParams brendelFig2() {
        return new ScnParams(50, 0.02 / 0.9, 0, 0.001, 0.01, SpikeRule.ONE_PER_STEP);
    }

    /** The same parameters with another rate cost μ. */
    public ScnParams withMu(double newMu) {
        return new ScnParams(lambda, newMu, nu, sigmaV, sigmaT, rule, refractorySteps);
    }

    /** The same parameters with other noise levels. */
    public ScnParams withNoise(double newSigmaV, double newSigmaT) {
        return new ScnParams(lambda, mu, nu, newSigmaV, newSigmaT, rule, refractorySteps);
    }

    /** The same parameters with another spike rule. */
    public ScnParams withRule(SpikeRule newRule) {
        return new ScnParams(lambda, mu, nu, sigmaV, sigmaT, newRule, refractorySteps);
    }
}
