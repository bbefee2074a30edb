package org.snn4j.papers.balanced;

import java.awt.Color;
import java.io.IOException;
import org.snn4j.experiment.ExperimentBase;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.RunContext;
import org.snn4j.model.ScnParams;
import org.snn4j.plot.Figure;
import org.snn4j.plot.Plots;
import org.snn4j.papers.scn.ScnNetwork;
import org.snn4j.util.InputException;
import org.snn4j.util.Rng;

/**
 * The shared part of {@code balanced-oscillator} and {@code balanced-lds}: a balanced spiking network
 * learns the linear system dx/dt = A x + c(t) with local rules and then runs autonomously
 * (Bourdoukan &amp; Denève 2015; {@link BalancedProtocol}). The system (A) and the command come from the
 * parameters, i.e. from {@code --config} or {@code --set}, not from code.
 */
public abstract class BalancedExperiment extends ExperimentBase {
    /**
     * @param name        the name on the command line
     * @param description one line for {@code snn4j list}
     */
    protected BalancedExperiment(String name, String description) {
        super(name, description);
    }

    /** The default system of the experiment, from its parameters (when {@code A} is empty). */
    protected abstract LinearSystem defaultSystem(Params p);

    /** Declares experiment-specific keys (e.g. the oscillator's frequency). */
    protected abstract void declareSystem(Params p, boolean quick);

    /** Neurons at full size. */
    protected abstract long fullNeurons();

    /** Learning time at full size (s). */
    protected double fullLearnS() {
        return 300;
    }

    /** Neurons, learning time and slow-rule start (s) at the quick size. */
    protected double[] quickSize() {
        return new double[] {50, 40, 10};
    }

    @Override
    public Params defaults(boolean quick) {
        Params p = params();
        declareSystem(p, quick);
        p.declare("A", "", "system matrix A (1/s): rows separated by ';', entries by ',' (empty: the experiment's default system)")
                .declare("neurons", quick ? (long) quickSize()[0] : fullNeurons(), "neurons N", 2, 2048)
                .declare("decoder_norm", quick ? 0.05 : 0.03, "norm of every decoder column D_i (random directions)", 1e-9, 1e6)
                .declare("lambda", 20.0, "leak of voltages and rates, lambda (1/s)", 1e-6, 1e6)
                .declare("tau_slow_ms", 50.0, "time constant of the slow synapses (ms; 1000/lambda for the analytic identity)", 1e-6, 1e9)
                .declare("dt_ms", quick ? 1.0 : 0.5, "time step (ms)", 1e-6, 100)
                .declare("mu", 1e-4, "quadratic rate cost mu", 0, 1e6)
                .declare("sigma_v_rel", 0.02, "voltage noise per step, relative to the mean threshold", 0, 1e6)
                .declare("sigma_t_rel", 0.2, "spike-decision noise, relative to the mean threshold", 0, 1e6)
                .declareChoice("spike_rule", "one", "one (at most one spike per step) or all (every neuron above threshold)", "one", "all")
                .declare("x_rms", 0.5, "RMS of the target state x under the command (sets the command amplitude)", 1e-9, 1e9)
                .declare("command_sigma_ms", 50.0, "command c(t): sd of the Gaussian smoothing of white noise (ms)", 1e-3, 1e9)
                .declare("command_block_ms", 1000.0, "command c(t): length of one independent noise sequence (ms)", 1e-3, 1e9)
                .declare("gain_k", 500.0, "error feedback gain K during learning (1/s)", 0, 1e9)
                .declare("eta_slow", 0.1, "slow learning rate eta", 0, 1e9)
                .declare("eps_fast", 0.003, "fast (voltage rule) learning rate (0: fast weights fixed)", 0, 1)
                .declare("beta_fast", 2.0, "voltage scale beta of the fast rule (2: fixed point at the scale of DᵀD + mu I; Brendel et al.'s 1/0.9 shrinks it to ~0.63)", -1e6, 1e6)
                .declare("lr_decay_s", quick ? 0.0 : 20.0, "learning rates decay as 1/(1 + t/this) (s; 0: constant)", 0, 1e12)
                .declare("slow_start_s", quick ? quickSize()[2] : 50.0, "the slow rule starts after this much learning (s; the fast rule from the start)", 0, 1e12)
                .declare("fast_init_noise", 0.1, "initial fast weights: analytic + Gaussian noise of this size relative to the RMS off-diagonal weight (0: analytic)", 0, 1e6)
                .declare("learn_s", quick ? quickSize()[1] : fullLearnS(), "learning time (s, simulated)", 0, 1e9)
                .declare("test_s", quick ? 5.0 : 10.0, "autonomous test run (s, simulated)", 1e-3, 1e9)
                .declare("checkpoints", quick ? 6L : 12L, "measuring points during learning", 1, 1000)
                .declare("calibration_s", 100.0, "simulated time of the command-amplitude calibration (s)", 1e-3, 1e9);
        return p;
    }

    static ScnParams.SpikeRule rule(String s) {
        switch (s) {
            case "one": return ScnParams.SpikeRule.ONE_PER_STEP;
            case "all": return ScnParams.SpikeRule.ALL_ABOVE;
            default: throw new InputException("spike_rule must be 'one' or 'all', got '" + s + "'");
        }
    }

    /** The system from the parameters: {@code A} if given, else the default. */
    public LinearSystem system(Params p) {
        String a = p.getString("A").trim();
        return a.isEmpty() ? defaultSystem(p) : LinearSystem.parse(a, "A");
    }

    /** The system, its stability, the step against the time constants, and the memory of the runs. */
    @Override
    public void validate(Params p) {
        LinearSystem sys = system(p);
        if (!sys.isStable())
            throw new InputException(name() + ": the system A is not stable (every eigenvalue needs a negative real part); the network learns decaying dynamics driven by the command");
        int n = p.getInt("neurons");
        double dt = p.getDouble("dt_ms"), lambda = p.getDouble("lambda");
        if (lambda * dt * 1e-3 >= 1) throw new InputException("lambda*dt must be < 1 (lambda = " + lambda + "/s, dt = " + dt + " ms)");
        if (dt >= p.getDouble("tau_slow_ms")) throw new InputException("dt_ms must be smaller than tau_slow_ms");
        if (rule(p.getString("spike_rule")) == ScnParams.SpikeRule.ONE_PER_STEP && n > org.snn4j.sim.Simulation.CHUNK)
            throw new InputException("spike_rule=one needs neurons <= " + org.snn4j.sim.Simulation.CHUNK);
        for (String k : new String[] {"learn_s", "test_s", "calibration_s"})
            if (p.getDouble(k) * 1000 / dt > Integer.MAX_VALUE - 16)
                throw new InputException(name() + ": " + k + " = " + p.getDouble(k) + " s is more than 2^31 steps of " + dt + " ms");
        // the test runs keep their trajectories (state, estimate, analytic and learned, J doubles a step each); weights N×N a few times
        org.snn4j.util.Memory.require(String.format("%s: %s s of test at %s ms, %d neurons", name(), p.getDouble("test_s"), dt, n),
                64.0 * sys.dims() * (p.getDouble("test_s") * 1000 / dt) + 64.0 * n * n);
    }

    /** The protocol configuration from the parameters. */
    public BalancedProtocol.Config config(Params p, long seed) {
        validate(p);
        LinearSystem sys = system(p);
        int j = sys.dims(), n = p.getInt("neurons");
        double dt = p.getDouble("dt_ms"), lambda = p.getDouble("lambda"), dn = p.getDouble("decoder_norm"), mu = p.getDouble("mu");
        ScnParams.SpikeRule r = rule(p.getString("spike_rule"));
        double t = (dn * dn + mu) / 2;
        ScnParams sp = new ScnParams(lambda, mu, 0, p.getDouble("sigma_v_rel") * t, p.getDouble("sigma_t_rel") * t, r);
        double[][] d = ScnNetwork.randomDecoder(j, n, dn, Rng.stream(seed, 0xDEC0L));
        double amp = BalancedProtocol.calibrate(sys, p.getDouble("x_rms"), p.getDouble("command_sigma_ms"), p.getDouble("command_block_ms"),
                dt, Math.max(1, Math.round(p.getDouble("calibration_s") * 1000 / dt)), seed);
        return new BalancedProtocol.Config(sp, d, sys, p.getDouble("tau_slow_ms"), dt, p.getDouble("gain_k"), p.getDouble("eta_slow"),
                p.getDouble("eps_fast"), p.getDouble("beta_fast"), p.getDouble("lr_decay_s") * 1000 / dt,
                Math.round(p.getDouble("slow_start_s") * 1000 / dt), p.getDouble("fast_init_noise"),
                Math.round(p.getDouble("learn_s") * 1000 / dt), Math.max(1, Math.round(p.getDouble("test_s") * 1000 / dt)),
                p.getInt("checkpoints"), amp, p.getDouble("command_sigma_ms"), p.getDouble("command_block_ms"), seed);
    }

    @Override
    public void run(RunContext run) throws Exception {
        Params p = run.params();
        BalancedProtocol.Config cfg = config(p, run.seed());
        int n = cfg.decoder()[0].length, j = cfg.system().dims();
        run.progress(String.format("N = %d, J = %d, A = [%s], command amplitude %.4g, learning %d steps", n, j, cfg.system(),
                cfg.commandAmplitude(), cfg.learnSteps()));
        BalancedProtocol.Result r = BalancedProtocol.run(cfg, run.progressListener());

        double[][] slowStar = cfg.system().analyticSlowWeights(cfg.decoder(), cfg.params().lambda());
        double[][] fastStar = BalancedNetwork.analyticFast(cfg.decoder(), cfg.params());
        int last = r.timeS.length - 1;
        run.metric("autonomous_nrmse", r.trained.nrmse);
        run.metric("autonomous_nrmse_analytic", r.analytic.nrmse);
        run.metric("autonomous_nrmse_untrained", r.untrained.nrmse);
        run.metric("autonomous_nrmse_ratio", r.trained.nrmse / r.analytic.nrmse);
        run.metric("slow_weight_distance", r.slowDistance[last]);
        run.metric("slow_weight_scale", bestScale(r.omegaSlow, slowStar));
        run.metric("fast_weight_distance", r.fastDistance[last]);
        run.metric("fast_weight_distance_initial", r.fastDistance[0]);
        run.metric("tracking_nrmse_learning", r.trackingNrmseFinal);
        run.metric("cv_isi_median_learning", r.cvLearning);
        run.metric("mean_rate_hz_learning", r.rateLearning);
        run.metric("cv_isi_median", r.trained.cvIsiMedian);
        run.metric("mean_rate_hz", r.trained.meanRateHz);
        run.metric("ei_balance_corr", r.trained.eiBalanceCorr);
        run.metric("cv_isi_median_analytic", r.analytic.cvIsiMedian);
        run.metric("mean_rate_hz_analytic", r.analytic.meanRateHz);
        run.metric("ei_balance_corr_analytic", r.analytic.eiBalanceCorr);
        run.metric("cv_isi_median_untrained", r.untrained.cvIsiMedian);
        run.metric("mean_rate_hz_untrained", r.untrained.meanRateHz);
        run.metric("x_rms_test", r.trained.xRms);
        run.metric("neurons", n);
        run.metric("dims", j);
        run.metric("learn_s", cfg.learnSteps() * cfg.dtMs() * 1e-3);
        run.metric("test_s", cfg.testSteps() * cfg.dtMs() * 1e-3);
        run.metric("command_amplitude", cfg.commandAmplitude());
        run.metric("run_s", r.runS);
        run.writeMetrics();

        plots(run, cfg, r);
        run.note(String.format("A %d-D system dx/dt = A x + c(t), A = [%s] (1/s), is learned by %d neurons (decoder norm %.3g, λ = %.3g/s, "
                        + "slow synapses τ = %.3g ms, dt = %.3g ms). Learning for %.1f s with the error fed back with gain K = %.3g/s; "
                        + "slow rule η = %.3g, fast voltage rule ε = %.3g (β = %.3g), fast weights starting %.2f away from DᵀD + μI. "
                        + "Then the feedback is off and each network runs from rest for %.1f s on a fresh command c(t) "
                        + "(smoothed noise, never used in learning; x RMS %.3g).",
                j, cfg.system(), n, p.getDouble("decoder_norm"), cfg.params().lambda(), cfg.tauSlowMs(), cfg.dtMs(),
                cfg.learnSteps() * cfg.dtMs() * 1e-3, cfg.gainK(), cfg.etaSlow(), cfg.epsFast(), cfg.betaFast(), r.fastDistance[0],
                cfg.testSteps() * cfg.dtMs() * 1e-3, r.trained.xRms));
        run.note(String.format("Autonomous normalised RMS error sqrt(Σ‖x̂ − x‖²/Σ‖x − x̄‖²): learned %.4f, analytic weights %.4f, "
                        + "untrained %.4f. Slow weights at distance %.4f from Dᵀ(A + λI)D at the best scale (scale %.3f); fast weights %.4f "
                        + "from DᵀD + μI (initially %.4f).", r.trained.nrmse, r.analytic.nrmse, r.untrained.nrmse, r.slowDistance[last],
                bestScale(r.omegaSlow, slowStar), r.fastDistance[last], r.fastDistance[0]));
        run.finish();
    }

    static double bestScale(double[][] a, double[][] b) {
        double ab = 0, bb = 0;
        for (int i = 0; i < a.length; i++)
            for (int k = 0; k < a[i].length; k++) {
                ab += a[i][k] * b[i][k];
                bb += b[i][k] * b[i][k];
            }
        return bb == 0 ? Double.NaN : ab / bb;
    }

    private static void plots(RunContext run, BalancedProtocol.Config cfg, BalancedProtocol.Result r) throws IOException {
        int j = cfg.system().dims(), n = cfg.decoder()[0].length;
        trajectories(run, "trajectories_before.png", "Before learning (untrained network, feedback off)", r.untrained, j);
        trajectories(run, "trajectories_after.png", "After learning (learned weights, feedback off)", r.trained, j);
        trajectories(run, "trajectories_analytic.png", "Analytic weights (feedback off)", r.analytic, j);
        if (j >= 2) {
            int m = samplesWithin(r.trained.timesMs, 5000);
            Figure f = new Figure("Phase plane, first 5 s of the autonomous run", "x1", "x2", 700, 700)
                    .line(head(r.trained.x[0], m), head(r.trained.x[1], m), "target x", Color.BLACK)
                    .line(head(r.trained.xhat[0], m), head(r.trained.xhat[1], m), "learned x̂", Figure.PALETTE[0])
                    .line(head(r.untrained.xhat[0], m), head(r.untrained.xhat[1], m), "untrained x̂", Figure.PALETTE[1]);
            f.save(run.plotPath("phase_plane.png"));
            run.plotted("phase_plane.png", "Phase plane (x1, x2): target, learned and untrained network on the same command");
        }
        Plots.learningCurve(run.plotPath("weight_distance.png"), "Distance of the weights to the analytic ones (best scale)",
                "learning time (s)", "relative distance", r.timeS, new double[][] {r.slowDistance, r.fastDistance},
                new String[] {"slow ‖Ωs − s·Dᵀ(A+λI)D‖/‖Ωs‖", "fast ‖Ωf − s·(DᵀD+μI)‖/‖Ωf‖"}, false);
        run.plotted("weight_distance.png", "Weight distances over learning");
        Plots.learningCurve(run.plotPath("learning_curve.png"), "Errors over learning", "learning time (s)", "normalised RMS error",
                r.timeS, new double[][] {r.autonomousNrmse, r.trackingNrmse},
                new String[] {"autonomous (feedback off, test command)", "tracking with feedback (training)"}, false);
        run.plotted("learning_curve.png", "Autonomous error and tracking error over learning");
        Plots.raster(run.plotPath("raster_before.png"), "Spikes before learning (autonomous run)", r.untrained.rasterTimesMs,
                r.untrained.rasterNeurons, n);
        run.plotted("raster_before.png", "Raster before learning");
        Plots.raster(run.plotPath("raster_after.png"), "Spikes after learning (autonomous run)", r.trained.rasterTimesMs,
                r.trained.rasterNeurons, n);
        run.plotted("raster_after.png", "Raster after learning");
    }

    private static void trajectories(RunContext run, String file, String title, AutonomousRun.Result a, int j) throws IOException {
        int m = samplesWithin(a.timesMs, 5000);
        double[] t = new double[m];
        for (int k = 0; k < m; k++) t[k] = a.timesMs[k] * 1e-3;
        Figure f = new Figure(title + String.format(": nrmse %.3f", a.nrmse), "time (s)", "x (dark: target x; light: decoded x̂)");
        for (int q = 0; q < Math.min(j, 4); q++) {
            Color c = Figure.PALETTE[q % Figure.PALETTE.length];
            f.line(t, head(a.x[q], m), "x" + (q + 1), c.darker().darker());
            f.line(t, head(a.xhat[q], m), "x̂" + (q + 1), c);
        }
        f.save(run.plotPath(file));
        run.plotted(file, title + ": target x and decoded x̂ (first 5 s)");
    }

    private static int samplesWithin(double[] timesMs, double ms) {
        int m = 0;
        while (m < timesMs.length && timesMs[m] <= ms) m++;
        return Math.max(1, m);
    }

    private static double[] head(double[] a, int m) {
        return java.util.Arrays.copyOf(a, Math.min(m, a.length));
    }
}
