package org.snn4j.train.optim;

/**
 * A learning-rate schedule: the rate for step {@code step} (0-based) of {@code total} planned
 * steps, given the base rate. Set it on the optimiser before each step:
 * {@code opt.learningRate(schedule.rate(lr0, step, total))}.
 */
@FunctionalInterface
public interface Schedule {
    /**
     * @param base  the base learning rate η₀
     * @param step  the step about to be taken (0-based)
     * @param total the number of steps planned (≥ 1)
     * @return the learning rate for this step
     */
    double rate(double base, long step, long total);

    /** @return η₀ throughout */
    static Schedule constant() {
        return (base, step, total) -> base;
    }

    /** @return η₀ · ½ (1 + cos(π step / total)): from η₀ to 0 over the planned steps (SGDR without restarts) */
    static Schedule cosine() {
        return (base, step, total) -> base * 0.5 * (1 + Math.cos(Math.PI * step / total));
    }

    /**
     * @param finalFraction the fraction of η₀ reached at the last planned step (≥ 0)
     * @return η₀ · finalFraction^(step / (total − 1)): exponential decay from η₀ to η₀·finalFraction
     */
    static Schedule exponential(double finalFraction) {
        if (!(finalFraction >= 0) || !Double.isFinite(finalFraction))
            throw new IllegalArgumentException("final learning-rate fraction must be >= 0: " + finalFraction);
        return (base, step, total) -> base * Math.pow(finalFraction, (double) step / Math.max(1, total - 1));
    }

    /**
     * @param every steps between decays (&gt; 0)
     * @param gamma factor per decay
     * @return η₀ · gamma^⌊step / every⌋
     */
    static Schedule step(long every, double gamma) {
        if (every <= 0) throw new IllegalArgumentException("step schedule: period must be positive: " + every);
        if (!(gamma > 0) || !Double.isFinite(gamma)) throw new IllegalArgumentException("step schedule: gamma must be positive: " + gamma);
        return (base, step, total) -> base * Math.pow(gamma, (double) (step / every));
    }
}
