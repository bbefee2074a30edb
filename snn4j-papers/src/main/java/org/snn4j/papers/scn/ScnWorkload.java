package org.snn4j.papers.scn;

import java.util.LinkedHashMap;
import java.util.Map;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.WorkloadBase;
import org.snn4j.model.ScnParams;

/**
 * {@code snn4j bench scn --neurons N --dims J --steps K}: a spike-coding network learning with both
 * rules on (Brendel et al. 2020 Fig. 2 parameters; the random part of the initial Ω scaled by 20/N so
 * that the total initial inhibition does not grow with N). {@code run_s} times the K learning steps.
 */
public final class ScnWorkload extends WorkloadBase {
    /** For the service loader. */
    public ScnWorkload() {
        super("scn", "Spike-coding network with the feed-forward and recurrent learning rules on (time steps per second)");
    }

    @Override
    public Params defaults() {
        return params()
                .declare("neurons", 20L, "neurons N", 2, 2048)
                .declare("dims", 2L, "signal dimensions J", 1, 10000)
                .declare("steps", 1_000_000L, "learning steps timed", 1, 1e12)
                .declareChoice("spike_rule", "one", "one (at most one spike per step) or all", "one", "all")
                .declare("warmup", true, "run a throwaway network first so that run_s is the compiled loop")
                .declare("seed", 42L, "seed");
    }

    static ScnTrainer.Config config(int n, int j, ScnParams.SpikeRule rule, long seed) {
        ScnTrainer.Config b = ScnTrainer.brendelFig2(seed);
        return new ScnTrainer.Config(n, j, b.params().withRule(rule), b.dtMs(), b.threshold(), b.ffNorm(), b.omegaRand() * 20.0 / n,
                b.omegaDiag(), b.epsF(), b.epsR(), b.alpha(), b.beta(), b.amplitude(), b.sigmaSteps(), b.blockSteps(), b.schedule(), seed);
    }

    @Override
    public Map<String, Object> run(Params p) throws Exception {
        int n = p.getInt("neurons"), j = p.getInt("dims");
        long steps = p.getLong("steps"), seed = p.getLong("seed");
        ScnParams.SpikeRule rule = ScnLearningExperiment.rule(p.getString("spike_rule"));
        double warmupS = p.getBoolean("warmup") ? seconds(() -> new ScnTrainer(config(n, j, rule, seed + 1)).trainTo(Math.min(steps, 20_000))) : 0;
        Timed<ScnTrainer> setup = timed(() -> new ScnTrainer(config(n, j, rule, seed)));
        ScnTrainer t = setup.value();
        double setupS = setup.seconds(), runS = seconds(() -> t.trainTo(steps));
        long spikes = t.ffRule.updates();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("N", n);
        m.put("J", j);
        m.put("steps", steps);
        m.put("duration_s", steps * t.cfg.dtMs() * 1e-3);
        m.put("threads", t.sim.threads());
        m.put("spike_rule", p.getString("spike_rule"));
        m.put("spikes", spikes);
        m.put("rate_hz", spikes / (double) n / (steps * t.cfg.dtMs() * 1e-3));
        m.put("run_s", runS);
        m.put("setup_s", setupS);
        m.put("warmup_s", warmupS);
        m.put("steps_per_s", steps / runS);
        m.put("omega_distance", t.net.omegaDistance());
        return m;
    }
}
