package org.snn4j.papers.scn;

import org.snn4j.papers.scn.ScnInput;
import org.snn4j.papers.scn.ScnNetwork;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;
import org.snn4j.util.InputException;
import org.snn4j.util.IntBuffer;

/**
 * The feed-forward Hebbian rule of spike-coding networks (Bourdoukan et al. 2012; Brendel et al.
 * 2020): whenever neuron k spikes, its feed-forward weights move towards the scaled signal,
 * <pre>
 *   F_k ← F_k + ε_f (α x − F_k)
 * </pre>
 * (x: the represented signal of the step, {@link ScnInput#x()}; F_k: column k of {@link ScnNetwork#ff};
 * ε_f scaled by the {@link LearningSchedule}). A step hook of the core's simulation loop, applied in
 * {@code afterStep} to every spike of the step. A non-finite weight stops the run with an
 * {@link InputException} naming the step, the weight and its value.
 */
public final class FeedforwardHebbianRule implements StepHook {
    private final ScnNetwork net;
    private final ScnInput input;
    private final double epsF, alpha;
    private final LearningSchedule schedule;
    private long updates;

    public FeedforwardHebbianRule(ScnNetwork net, ScnInput input, double epsF, double alpha, LearningSchedule schedule) {
        if (!(epsF >= 0) || Double.isInfinite(epsF)) throw new IllegalArgumentException("feed-forward learning rate must be >= 0: " + epsF);
        this.net = net;
        this.input = input;
        this.epsF = epsF;
        this.alpha = alpha;
        this.schedule = schedule;
    }

    /** Spikes that caused an update so far. */
    public long updates() {
        return updates;
    }

    @Override
    public void afterStep(Simulation sim, long step) {
        double eps = epsF * schedule.factor(step);
        if (eps == 0) return;
        IntBuffer spikes = sim.spikes(net.population);
        int[] raw = spikes.raw();
        double[] f = net.ff.w, x = input.x();
        int n = net.n;
        for (int s = 0, ns = spikes.size(); s < ns; s++) {
            int k = raw[s];
            for (int q = 0; q < net.j; q++) {
                int idx = q * n + k;
                double w = f[idx] + eps * (alpha * x[q] - f[idx]);
                if (!Double.isFinite(w))
                    throw new InputException("SCN feed-forward learning diverged at step " + step + ": F[" + q + "][" + k + "] = " + w);
                f[idx] = w;
            }
            updates++;
        }
    }
}
