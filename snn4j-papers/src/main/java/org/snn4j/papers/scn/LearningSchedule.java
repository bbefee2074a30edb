package org.snn4j.papers.scn;

/**
 * When and how strongly a spike-coding learning rule acts: the learning rate at step t is
 * ε(t) = ε₀ · g(t) with
 * <pre>
 *   g(t) = 0                             for t &lt; start or (stop ≥ 0 and t ≥ stop)
 *   g(t) = 1 / (1 + (t − start)/decay)   otherwise (g = 1 when decay = 0: a constant rate)
 * </pre>
 *
 * @param startStep first step with learning, ≥ 0
 * @param stopStep  first step without learning again (−1: never stops)
 * @param decaySteps time scale of the 1/t decay of the rate in steps (0: constant), ≥ 0
 */
public record LearningSchedule(long startStep, long stopStep, double decaySteps) {
    public LearningSchedule {
        if (startStep < 0) throw new IllegalArgumentException("learning schedule: start step must be >= 0: " + startStep);
        if (stopStep < -1) throw new IllegalArgumentException("learning schedule: stop step must be >= 0 or -1: " + stopStep);
        if (!(decaySteps >= 0) || Double.isInfinite(decaySteps))
            throw new IllegalArgumentException("learning schedule: decay must be finite and >= 0: " + decaySteps);
    }

    /** Learning at a constant rate from step 0 on. */
    public static LearningSchedule constant() {
        return new LearningSchedule(0, -1, 0);
    }

    /** The factor g(t). */
    public double factor(long step) {
        if (step < startStep || (stopStep >= 0 && step >= stopStep)) return 0;
        return decaySteps == 0 ? 1 : 1 / (1 + (step - startStep) / decaySteps);
    }
}
