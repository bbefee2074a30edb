package org.snn4j.papers.balanced;

import java.util.LinkedHashMap;
import java.util.Map;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.WorkloadBase;
import org.snn4j.papers.scn.LearningSchedule;
import org.snn4j.papers.scn.RecurrentVoltageRule;
import org.snn4j.model.ScnParams;
import org.snn4j.monitor.SpikeMonitor;
import org.snn4j.papers.scn.ScnNetwork;
import org.snn4j.sim.Simulation;
import org.snn4j.util.Rng;

/**
 * {@code snn4j bench balanced --neurons N --dims J --steps K}: a balanced network learning a linear
 * system with both rules on (the fast voltage rule on every spike, the slow rule — a dense N×N outer
 * product — every step) and the error feedback; the balanced-oscillator defaults (decoder norm 0.05,
 * λ = 20/s, dt = 1 ms, K = 500/s). The system: a damped rotation coupling neighbouring dimensions,
 * A = −I + 2π (S − Sᵀ), S the shift matrix (J = 2: the 1 Hz oscillator). {@code run_s} times the K steps.
 */
public final class BalancedWorkload extends WorkloadBase {
    /** For the service loader. */
    public BalancedWorkload() {
        super("balanced", "Balanced network learning a linear system with the fast and slow rules on (time steps per second)");
    }

    @Override
    public Params defaults() {
        return params()
                .declare("neurons", 100L, "neurons N", 2, 2048)
                .declare("dims", 2L, "system dimensions J", 1, 10000)
                .declare("steps", 200_000L, "learning steps timed", 1, 1e12)
                .declare("dt_ms", 1.0, "time step (ms)", 1e-6, 49)
                .declare("warmup", true, "run a throwaway network first so that run_s is the compiled loop")
                .declare("seed", 42L, "seed");
    }

    static LinearSystem system(int j) {
        double[][] a = new double[j][j];
        for (int q = 0; q < j; q++) {
            a[q][q] = -1;
            if (q + 1 < j) {
                a[q][q + 1] = -2 * Math.PI;
                a[q + 1][q] = 2 * Math.PI;
            }
        }
        return new LinearSystem(a);
    }

    private static final class Setup {
        final Simulation sim;
        final SpikeMonitor mon;
        final SlowErrorRule slowRule;

        Setup(int n, int j, double dt, long seed) {
            double dn = 0.05, t = dn * dn / 2;
            ScnParams p = new ScnParams(20, 1e-4, 0, 0.02 * t, 0.2 * t, ScnParams.SpikeRule.ONE_PER_STEP);
            double[][] d = ScnNetwork.randomDecoder(j, n, dn, Rng.stream(seed, 1));
            LinearSystem sys = system(j);
            double amp = BalancedProtocol.calibrate(sys, 0.5, 50, 1000, dt, Math.round(20_000 / dt), seed);
            BalancedNetwork net = new BalancedNetwork(p, d, BalancedNetwork.analyticFast(d, p), new double[n][n],
                    BalancedNetwork.analyticThresholds(d, p), 50);
            BalancedInput in = new BalancedInput(net, sys, BalancedProtocol.command(j, amp, 50, 1000, dt, seed, 1), 500, true);
            slowRule = SlowErrorRule.of(net, in, 0.1, LearningSchedule.constant());
            mon = new SpikeMonitor(net.scn.population, 0);
            sim = new Simulation(net.scn.network, dt, seed, 1);
            sim.add(in).add(slowRule).add(new RecurrentVoltageRule(net.scn, 0.003, 2, p.mu(), LearningSchedule.constant(), null, true))
                    .add(net.slow).add(mon);
        }
    }

    @Override
    public Map<String, Object> run(Params p) throws Exception {
        int n = p.getInt("neurons"), j = p.getInt("dims");
        long steps = p.getLong("steps"), seed = p.getLong("seed");
        double dt = p.getDouble("dt_ms");
        double warmupS = p.getBoolean("warmup") ? seconds(() -> new Setup(n, j, dt, seed + 1).sim.run(Math.min(steps, 20_000))) : 0;
        Timed<Setup> setup = timed(() -> new Setup(n, j, dt, seed));
        Setup s = setup.value();
        double setupS = setup.seconds(), runS = seconds(() -> s.sim.run(steps));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("N", n);
        m.put("J", j);
        m.put("steps", steps);
        m.put("duration_s", steps * dt * 1e-3);
        m.put("threads", s.sim.threads());
        m.put("spikes", s.mon.totalSpikes());
        m.put("rate_hz", s.mon.totalSpikes() / (double) n / (steps * dt * 1e-3));
        m.put("run_s", runS);
        m.put("setup_s", setupS);
        m.put("warmup_s", warmupS);
        m.put("steps_per_s", steps / runS);
        return m;
    }
}
