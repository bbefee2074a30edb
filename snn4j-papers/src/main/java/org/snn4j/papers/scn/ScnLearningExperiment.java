package org.snn4j.papers.scn;

import java.util.ArrayList;
import java.util.List;
import org.snn4j.experiment.ExperimentBase;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.RunContext;
import org.snn4j.model.ScnParams;
import org.snn4j.plot.Figure;
import org.snn4j.papers.scn.ScnNetwork;
import org.snn4j.util.InputException;
import org.snn4j.util.Rng;

/**
 * {@code snn4j run scn-learning}: a spike-coding network learns, with local rules only, to represent
 * a 2-D signal (Brendel et al. 2020, Fig. 2; Bourdoukan et al. 2012). The network is measured with
 * frozen weights ({@link ScnEvaluator}) before learning and at log-spaced points (2^k steps), and
 * compared at the end with the analytic network of the same decoder and μ; finally a quarter of the
 * neurons are silenced.
 */
public final class ScnLearningExperiment extends ExperimentBase {
    static final String[] MEASURES = {"decoding_error", "omega_distance", "mean_rate_hz", "cv_isi_median", "fano_median",
            "pairwise_corr_mean", "ei_balance_corr", "voltage_var"};

    /** For the service loader. */
    public ScnLearningExperiment() {
        super("scn-learning",
                "Spike-coding network learning an optimal representation with local rules (Brendel et al. 2020 Fig. 2: N = 20, J = 2)");
    }

    @Override
    public Params defaults(boolean quick) {
        return params()
                .declare("neurons", 20L, "neurons N", 2, 2048)
                .declare("dims", 2L, "signal dimensions J", 1, 1000)
                .declare("lambda", 50.0, "leak of voltages and rates (1/s)", 1e-6, 1e6)
                .declare("dt_ms", 1.0, "time step (ms)", 1e-6, 100)
                .declare("mu", 0.02 / 0.9, "quadratic rate cost mu", 0, 1e6)
                .declare("threshold", 0.5, "threshold of every neuron", 1e-9, 1e9)
                .declare("eps_f", 1e-4, "feed-forward learning rate", 0, 1)
                .declare("eps_r", 1e-3, "recurrent learning rate", 0, 1)
                .declare("alpha", 0.18, "feed-forward target scale alpha", -1e6, 1e6)
                .declare("beta", 1 / 0.9, "recurrent voltage scale beta", -1e6, 1e6)
                .declare("lr_decay_steps", 0.0, "learning rates decay as 1/(1 + t/this) (0: constant)", 0, 1e15)
                .declare("ff_norm", 1.0, "norm of the initial feed-forward columns", 0, 1e6)
                .declare("omega_rand", 0.2, "initial Omega: scale of its uniform random part", 0, 1e6)
                .declare("omega_diag", 0.5, "initial Omega: diagonal", 0, 1e6)
                .declare("amplitude", 2000.0, "amplitude A of the smoothed-noise signal", 0, 1e12)
                .declare("sigma_steps", 30.0, "sd of the smoothing kernel (steps)", 1e-3, 1e6)
                .declare("block_steps", 1000L, "steps of one input sequence (a presentation)", 1, 1e8)
                .declare("presentations", quick ? 300L : 14_000L, "training length in presentations", 0, 1e9)
                .declare("sigma_v", 0.001, "voltage noise per step", 0, 1e6)
                .declare("sigma_t", 0.01, "spike-decision noise", 0, 1e6)
                .declareChoice("spike_rule", "one", "one (at most one spike per step) or all (every neuron above threshold)", "one", "all")
                .declare("fit_steps", quick ? 10_000L : 50_000L, "steps of the run that fits the readout", 1, 1e9)
                .declare("test_steps", quick ? 20_000L : 100_000L, "steps of the run that measures", 1, 1e9)
                .declare("first_eval_log2", 10L, "first evaluation after 2^this steps (then every doubling)", 0, 40)
                .declare("noise_factor", 10.0, "robustness check: voltage noise multiplied by this", 0, 1e6)
                .declare("silence_fraction", 0.25, "fraction of neurons silenced after learning", 0, 1)
                .declare("raster_ms", 1000.0, "length of the rasters (ms)", 0, 1e9)
                .declare("var_inputs", quick ? 4L : 10L, "constant inputs for the Fano factor, ISI CV and correlations (0: skip)", 0, 1e6)
                .declare("var_trials", quick ? 10L : 20L, "trials per constant input", 2, 1e6)
                .declare("var_steps", quick ? 2000L : 5000L, "steps per trial", 1, 1e9)
                .declare("var_amplitude", 90.0, "norm of the constant command c (Brendel et al.: 90)", 0, 1e12)
                .declare("corr_window_ms", 10.0, "window of the pairwise count correlations (ms)", 1e-3, 1e9);
    }

    /** The regime where the code becomes Poisson-like and independent (issue 17; docs/scn.md). */
    @Override
    public java.util.List<org.snn4j.experiment.Preset> presets() {
        return java.util.List.of(new org.snn4j.experiment.Preset("poisson",
                "Brendel Fig. 2 (N = 20) with 30x the voltage noise (sigma_v = 0.03), same rules and rates: the Poisson-like, "
                        + "independent regime of Bourdoukan et al. 2012 (docs/scn.md)",
                java.util.Map.of("sigma_v", 0.03)));
    }

    static ScnParams.SpikeRule rule(String s) {
        switch (s) {
            case "one": return ScnParams.SpikeRule.ONE_PER_STEP;
            case "all": return ScnParams.SpikeRule.ALL_ABOVE;
            default: throw new InputException("spike_rule must be 'one' or 'all', got '" + s + "'");
        }
    }

    @Override
    public void validate(Params p) {
        ScnChecks.check(name(), p, p.getInt("neurons"), p.getInt("dims"), 1);
    }

    @Override
    public void run(RunContext run) throws Exception {
        Params p = run.params();
        int n = p.getInt("neurons"), j = p.getInt("dims");
        double dt = p.getDouble("dt_ms"), lambda = p.getDouble("lambda"), mu = p.getDouble("mu");
        if (lambda * dt * 1e-3 >= 1) throw new InputException("scn-learning: lambda*dt must be < 1");
        ScnParams sp = new ScnParams(lambda, mu, 0, p.getDouble("sigma_v"), p.getDouble("sigma_t"), rule(p.getString("spike_rule")));
        int block = p.getInt("block_steps");
        ScnTrainer.Config tc = new ScnTrainer.Config(n, j, sp, dt, p.getDouble("threshold"), p.getDouble("ff_norm"),
                p.getDouble("omega_rand"), p.getDouble("omega_diag"), p.getDouble("eps_f"), p.getDouble("eps_r"), p.getDouble("alpha"),
                p.getDouble("beta"), p.getDouble("amplitude"), p.getDouble("sigma_steps"), block,
                new LearningSchedule(0, -1, p.getDouble("lr_decay_steps")), run.seed());
        ScnTrainer trainer = new ScnTrainer(tc);
        ScnEvaluator ev = new ScnEvaluator(ScnEvaluator.Config.of(p, dt, p.getDouble("raster_ms"), Rng.stream(run.seed(), 99).nextLong()));

        long total = p.getLong("presentations") * block;
        List<double[]> rows = new ArrayList<>();
        LearningCurve<ScnEvaluator.Result> curve = LearningCurve.run(p.getInt("first_eval_log2"), total, trainer::trainTo,
                pt -> ev.evaluate(trainer.net), (pt, r) -> {
            double od = trainer.net.omegaDistance();
            rows.add(new double[] {pt, pt * dt * 1e-3, pt / (double) block, r.decodingError, od, r.meanRateHz, r.cvIsiMedian,
                    r.fanoMedian, r.pairwiseCorrMean, r.eiBalanceCorr, r.voltageVar, r.cvIsiSignal});
            run.progress(String.format("step %d (%.0f s): decoding error %.4g, omega distance %.3f, rate %.2f Hz, CV %.2f, corr %.3f",
                    pt, pt * dt * 1e-3, r.decodingError, od, r.meanRateHz, r.cvIsiMedian, r.pairwiseCorrMean));
        });
        ScnEvaluator.Result first = curve.first, last = curve.last;
        double trainS = curve.trainS, evalS = curve.evalS;
        String[] header = {"step", "time_s", "presentations", "decoding_error", "omega_distance", "mean_rate_hz", "cv_isi_median",
                "fano_median", "pairwise_corr_mean", "ei_balance_corr", "voltage_var", "cv_isi_signal"};
        ScnPlots.csv(run.out().resolve("learning.csv"), header, rows);

        // The analytic network with the learned decoder directions: D = F (J×N), same μ.
        double[][] f = trainer.net.f();
        ScnNetwork analytic = ScnNetwork.analytic(f, sp);
        ScnEvaluator.Result an = ev.evaluate(analytic);

        // Robustness: silence a quarter of the neurons; the readout stays the one fitted on the intact network.
        int nSil = (int) Math.floor(p.getDouble("silence_fraction") * n);
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        Rng.stream(run.seed(), 77).shuffle(perm);
        int[] silenced = java.util.Arrays.copyOf(perm, nSil);
        java.util.Arrays.sort(silenced);
        ScnEvaluator.Result lost = ev.evaluate(f, trainer.net.omega(), trainer.net.thresholds(), sp, silenced, last.decoder);
        ScnEvaluator.Result lostRefit = ev.evaluate(f, trainer.net.omega(), trainer.net.thresholds(), sp, silenced, null);

        // Robustness to noise: the learned and the analytic network with the voltage noise multiplied.
        double nf = p.getDouble("noise_factor");
        ScnParams noisy = sp.withNoise(sp.sigmaV() * nf, sp.sigmaT());
        ScnEvaluator.Result ln = ev.evaluate(f, trainer.net.omega(), trainer.net.thresholds(), noisy, null, null);
        ScnNetwork analyticNoisy = ScnNetwork.analytic(f, noisy);
        ScnEvaluator.Result an2 = ev.evaluate(analyticNoisy);

        double[] r0 = rows.get(0), rl = rows.get(rows.size() - 1);
        run.metric("neurons", n);
        run.metric("dims", j);
        run.metric("training_steps", total);
        run.metric("training_s", total * dt * 1e-3);
        for (int m = 0; m < MEASURES.length; m++) {
            run.metric(MEASURES[m], rl[3 + m]);
            run.metric(MEASURES[m] + "_start", r0[3 + m]);
        }
        run.metric("cv_isi_signal", rl[11]);
        run.metric("cv_isi_signal_start", r0[11]);
        run.metric("decoding_error_analytic", an.decodingError);
        run.metric("mean_rate_hz_analytic", an.meanRateHz);
        run.metric("cv_isi_median_analytic", an.cvIsiMedian);
        run.metric("fano_median_analytic", an.fanoMedian);
        run.metric("pairwise_corr_mean_analytic", an.pairwiseCorrMean);
        run.metric("decoding_error_vs_analytic", rl[3] / an.decodingError);
        run.metric("mean_rate_vs_analytic", rl[5] / an.meanRateHz);
        run.metric("decoding_error_drop", r0[3] / rl[3]);
        run.metric("mean_rate_drop", r0[5] / rl[5]);
        run.metric("noise_factor", nf);
        run.metric("decoding_error_noisy", ln.decodingError);
        run.metric("decoding_error_analytic_noisy", an2.decodingError);
        run.metric("silenced_neurons", nSil);
        run.metric("decoding_error_after_loss", lost.decodingError);
        run.metric("decoding_error_after_loss_refit", lostRefit.decodingError);
        run.metric("mean_rate_hz_after_loss", lost.meanRateHz);
        run.metric("target_error_vs_analytic", rl[3] <= 1.5 * an.decodingError);
        run.metric("target_error_drop_10x", rl[3] * 10 <= r0[3]);
        run.metric("target_omega_distance", rl[4] <= 0.1);
        run.metric("target_rate_drop_3x", rl[5] * 3 <= r0[5]);
        run.metric("target_cv_isi", rl[6] >= 0.8);
        run.metric("target_corr_lower", rl[8] < r0[8]);
        run.metric("target_loss", lost.decodingError <= 2 * rl[3]);
        // Issue 17's reading of Bourdoukan et al. 2012: learning makes the code Poisson-like and independent.
        boolean poisson = rl[6] >= 0.8, independent = Math.abs(rl[8]) <= 0.05, rateDrop2 = rl[5] * 2 <= r0[5],
                nearAnalytic = rl[3] <= 1.2 * an.decodingError;
        run.metric("target_poisson_cv", poisson);
        run.metric("target_independent", independent);
        run.metric("target_rate_drop_2x", rateDrop2);
        run.metric("target_error_vs_analytic_1_2", nearAnalytic);
        run.metric("target_poisson_regime", poisson && independent && rateDrop2 && nearAnalytic);
        run.metric("train_run_s", trainS);
        run.metric("eval_run_s", evalS);
        run.metric("train_steps_per_s", total / Math.max(trainS, 1e-9));
        run.writeMetrics();

        // Plots: one per measure against training time, rasters and readouts before and after.
        ScnPlots.measureCurves(run, MEASURES, rows, dt, "(first point: before learning)", m -> m == 0 || m == 1 || m == 2 || m == 7);
        ScnPlots.raster(run, "raster_before.png", "Spikes before learning (test signal)", first, dt, n, "Raster before learning");
        ScnPlots.raster(run, "raster_after.png", "Spikes after learning (test signal)", last, dt, n, "Raster after learning");
        ScnPlots.raster(run, "raster_after_loss.png", "Spikes after learning, " + nSil + " neurons silenced", lost, dt, n,
                "Raster after silencing a quarter of the neurons");
        ScnPlots.decoding(run, "decoding_before.png", "Signal and optimal linear readout before learning", first, dt,
                "Signal and readout before learning");
        ScnPlots.decoding(run, "decoding_after.png", "Signal and optimal linear readout after learning", last, dt,
                "Signal and readout after learning");
        // Learned Ω against the analytic F Fᵀ + μI.
        double[][] om = trainer.net.omega(), opt = trainer.net.omegaOptimal();
        double[] ox = new double[n * n], oy = new double[n * n];
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++) {
                ox[a * n + b] = opt[a][b];
                oy[a * n + b] = om[a][b];
            }
        new Figure("Learned recurrent weights against F Fᵀ + μI", "(F Fᵀ + μI)_ik", "learned Ω_ik")
                .points(ox, oy, null, Figure.PALETTE[0], 3f).save(run.plotPath("omega_scatter.png"));
        run.plotted("omega_scatter.png", "Learned recurrent weights against the analytic optimum");

        run.note(String.format("N = %d neurons represent a %d-D smoothed-noise signal; %d presentations of %d steps (%.0f s "
                        + "simulated, %.1f s of loop time, %.0f steps/s) with ε_f = %g, ε_r = %g. Each point of the curves "
                        + "is the frozen network, its optimal linear readout fitted on %d held-out steps and measured on %d others."
                        + "%n%nDecoding error %.4g → %.4g (analytic network with the learned decoder and the same μ: %.4g); "
                        + "‖Ω − sΩ*‖/‖Ω‖ %.3f → %.3f; rate %.2f → %.2f Hz; ISI CV %.2f → %.2f; pairwise correlation %.3f → %.3f. "
                        + "After silencing %d neurons (readout kept): decoding error %.4g. With %gx voltage noise: %.4g (analytic: %.4g).",
                n, j, p.getLong("presentations"), block, total * dt * 1e-3, trainS, total / Math.max(trainS, 1e-9),
                p.getDouble("eps_f"), p.getDouble("eps_r"), p.getLong("fit_steps"), p.getLong("test_steps"), r0[3], rl[3],
                an.decodingError, r0[4], rl[4], r0[5], rl[5], r0[6], rl[6], r0[8], rl[8], nSil, lost.decodingError, nf, ln.decodingError, an2.decodingError));
    }
}
