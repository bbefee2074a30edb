package org.snn4j.papers.scn;

import java.util.ArrayList;
import java.util.List;
import org.snn4j.experiment.ExperimentBase;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.RunContext;
import org.snn4j.model.ScnParams;
import org.snn4j.monitor.SpikeMonitor;
import org.snn4j.plot.Figure;
import org.snn4j.plot.Plots;
import org.snn4j.papers.scn.ScnInput;
import org.snn4j.papers.scn.ScnNetwork;
import org.snn4j.papers.scn.ScnSignal;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;
import org.snn4j.util.InputException;
import org.snn4j.util.Rng;

/**
 * {@code snn4j run scn-analytic}: the analytic spike-coding network (F = Dᵀ, Ω = DᵀD + μI,
 * T_i = (‖D_i‖² + μ)/2) for a random decoder D with columns of fixed norm: its decoding error against
 * the number of neurons N and the rate cost μ, and, for one configuration, the spike raster and the
 * signal with its readout for a chosen signal (smoothed noise, sines or steps).
 */
public final class ScnAnalyticExperiment extends ExperimentBase {
    /** For the service loader. */
    public ScnAnalyticExperiment() {
        super("scn-analytic",
                "Analytic spike-coding network (F = D^T, Omega = D^T D + mu I): decoding error vs N and mu, rasters, tracking of noise/sines/steps");
    }

    @Override
    public Params defaults(boolean quick) {
        return params()
                .declare("neurons", 20L, "neurons N of the headline network", 1, 2048)
                .declare("dims", 2L, "signal dimensions J", 1, 1000)
                .declare("mu", 0.02 / 0.9, "rate cost mu of the headline network", 0, 1e6)
                .declare("nu", 0.0, "linear rate cost nu (all networks)", 0, 1e6)
                .declare("decoder_norm", 1.0, "norm of every decoder column D_i", 1e-9, 1e9)
                .declare("lambda", 50.0, "leak (1/s)", 1e-6, 1e6)
                .declare("dt_ms", 1.0, "time step (ms)", 1e-6, 100)
                .declare("sigma_v", 0.001, "voltage noise per step", 0, 1e6)
                .declare("sigma_t", 0.01, "spike-decision noise", 0, 1e6)
                .declareChoice("spike_rule", "one", "one (at most one spike per step) or all", "one", "all")
                .declare("amplitude", 2000.0, "amplitude A of the smoothed-noise signal", 0, 1e12)
                .declare("sigma_steps", 30.0, "sd of the smoothing kernel (steps)", 1e-3, 1e6)
                .declare("block_steps", 1000L, "steps of one noise sequence", 1, 1e8)
                .declare("sweep_neurons", quick ? "5,10,20,40" : "5,10,20,40,80,160", "comma-separated N of the sweep")
                .declare("sweep_mu", quick ? "0,0.0222,0.2" : "0,0.002,0.0222,0.2,1", "comma-separated mu of the sweep")
                .declare("fit_steps", quick ? 10_000L : 50_000L, "steps of the run that fits the readout", 1, 1e9)
                .declare("test_steps", quick ? 20_000L : 100_000L, "steps of the measuring run", 1, 1e9)
                .declare("var_inputs", quick ? 4L : 10L, "constant inputs for Fano/CV/correlation of the headline network", 0, 1e6)
                .declare("var_trials", quick ? 10L : 20L, "trials per constant input", 2, 1e6)
                .declare("var_steps", quick ? 2000L : 5000L, "steps per trial", 1, 1e9)
                .declare("var_amplitude", 90.0, "norm of the constant command", 0, 1e12)
                .declare("corr_window_ms", 10.0, "window of the pairwise count correlations (ms)", 1e-3, 1e9)
                .declareChoice("signal", "noise", "signal of the tracking plot: noise, sines or steps", "noise", "sines", "steps")
                .declare("signal_amplitude", 3.0, "amplitude of the sines / steps in x units", 0, 1e9)
                .declare("signal_freq_hz", 2.0, "frequency of the first sine (the second: 1.37 times it)", 0, 1e6)
                .declare("step_ms", 200.0, "hold time of each step level (ms)", 1e-3, 1e9)
                .declare("demo_ms", 1000.0, "length of the tracking plot and raster (ms)", 1, 1e9);
    }

    @Override
    public void validate(Params p) {
        int nMax = p.getInt("neurons");
        for (int n : p.getIntList("sweep_neurons", 1, 2048)) nMax = Math.max(nMax, n);
        p.getDoubleList("sweep_mu", 0, 1e9);
        ScnChecks.check(name(), p, nMax, p.getInt("dims"), 1);
    }

    @Override
    public void run(RunContext run) throws Exception {
        Params p = run.params();
        int n = p.getInt("neurons"), j = p.getInt("dims");
        double dt = p.getDouble("dt_ms"), lambda = p.getDouble("lambda"), norm = p.getDouble("decoder_norm");
        if (lambda * dt * 1e-3 >= 1) throw new InputException("scn-analytic: lambda*dt must be < 1");
        ScnParams base = new ScnParams(lambda, p.getDouble("mu"), p.getDouble("nu"), p.getDouble("sigma_v"), p.getDouble("sigma_t"),
                ScnLearningExperiment.rule(p.getString("spike_rule")));
        int[] ns = p.getIntList("sweep_neurons", 1, 2048);
        double[] mus = p.getDoubleList("sweep_mu", 0, 1e9);
        String sigName = p.getString("signal");
        if (!sigName.equals("noise") && !sigName.equals("sines") && !sigName.equals("steps"))
            throw new InputException("scn-analytic: signal must be noise, sines or steps, got '" + sigName + "'");
        int block = p.getInt("block_steps");
        int demoSteps = (int) Math.min(Integer.MAX_VALUE, Math.round(p.getDouble("demo_ms") / dt));
        long evalSeed = Rng.stream(run.seed(), 99).nextLong();
        ScnEvaluator full = new ScnEvaluator(ScnEvaluator.Config.of(p, dt, p.getDouble("demo_ms"), evalSeed));
        ScnEvaluator sweep = new ScnEvaluator(new ScnEvaluator.Config(dt, p.getLong("fit_steps"), p.getLong("test_steps"),
                p.getDouble("amplitude"), p.getDouble("sigma_steps"), block, 0, 2, 1, 0, p.getDouble("corr_window_ms"), 0, evalSeed));

        // Headline network.
        double[][] d = ScnNetwork.randomDecoder(j, n, norm, Rng.stream(run.seed(), 1));
        ScnNetwork net = ScnNetwork.analytic(d, base);
        ScnEvaluator.Result head = full.evaluate(net);
        ScnEvaluator.Result own = sweep.evaluate(net.f(), net.omega(), net.thresholds(), base, null, d);
        run.metric("neurons", n);
        run.metric("dims", j);
        run.metric("mu", base.mu());
        run.metric("decoding_error", head.decodingError);
        run.metric("decoding_error_own_decoder", own.decodingError);
        run.metric("mean_rate_hz", head.meanRateHz);
        run.metric("cv_isi_median", head.cvIsiMedian);
        run.metric("fano_median", head.fanoMedian);
        run.metric("pairwise_corr_mean", head.pairwiseCorrMean);
        run.metric("ei_balance_corr", head.eiBalanceCorr);
        run.metric("voltage_var", head.voltageVar);
        run.progress(String.format("N = %d, mu = %.4g: decoding error %.4g (own decoder %.4g), rate %.2f Hz, CV %.2f",
                n, base.mu(), head.decodingError, own.decodingError, head.meanRateHz, head.cvIsiMedian));

        // Sweep over N and μ (fixed decoder norm; decoder columns drawn afresh for each N).
        double[][] err = new double[mus.length][ns.length], errOwn = new double[mus.length][ns.length],
                rate = new double[mus.length][ns.length];
        List<double[]> rows = new ArrayList<>();
        for (int a = 0; a < mus.length; a++)
            for (int b = 0; b < ns.length; b++) {
                double[][] dd = ScnNetwork.randomDecoder(j, ns[b], norm, Rng.stream(run.seed(), 2, ns[b]));
                ScnParams pm = base.withMu(mus[a]);
                ScnNetwork sn = ScnNetwork.analytic(dd, pm);
                ScnEvaluator.Result r = sweep.evaluate(sn);
                ScnEvaluator.Result ro = sweep.evaluate(sn.f(), sn.omega(), sn.thresholds(), pm, null, dd);
                err[a][b] = r.decodingError;
                errOwn[a][b] = ro.decodingError;
                rate[a][b] = r.meanRateHz;
                rows.add(new double[] {ns[b], mus[a], r.decodingError, ro.decodingError, r.meanRateHz});
                run.progress(String.format("N = %d, mu = %.4g: decoding error %.4g (own decoder %.4g), rate %.2f Hz",
                        ns[b], mus[a], r.decodingError, ro.decodingError, r.meanRateHz));
            }
        ScnPlots.csv(run.out().resolve("sweep.csv"), new String[] {"neurons", "mu", "decoding_error", "decoding_error_own_decoder",
                "mean_rate_hz"}, rows);
        int mHead = 0;
        for (int a = 1; a < mus.length; a++) if (Math.abs(mus[a] - base.mu()) < Math.abs(mus[mHead] - base.mu())) mHead = a;
        run.metric("sweep_mu_for_n_trend", mus[mHead]);
        run.metric("decoding_error_smallest_n", err[mHead][0]);
        run.metric("decoding_error_largest_n", err[mHead][ns.length - 1]);
        boolean fallsN = true;
        for (int b = 1; b < ns.length; b++) fallsN &= err[mHead][b] < err[mHead][b - 1];
        run.metric("error_falls_with_n", fallsN);
        int nHead = 0;
        for (int b = 1; b < ns.length; b++) if (Math.abs(ns[b] - n) < Math.abs(ns[nHead] - n)) nHead = b;
        boolean fallsMu = true;
        for (int a = 1; a < mus.length; a++) fallsMu &= (mus[a] > mus[a - 1]) == (err[a][nHead] > err[a - 1][nHead]);
        run.metric("error_falls_as_mu_to_0", fallsMu);
        run.writeMetrics();

        // Plots: error vs N per μ, error vs μ per N, raster and tracking.
        double[] logN = new double[ns.length];
        for (int b = 0; b < ns.length; b++) logN[b] = Math.log10(ns[b]);
        String[] muLabels = new String[mus.length];
        for (int a = 0; a < mus.length; a++) muLabels[a] = "mu = " + mus[a];
        Plots.learningCurve(run.plotPath("error_vs_n.png"), "Decoding error (optimal linear readout) against N", "log10 N",
                "decoding error", logN, err, muLabels, true);
        run.plotted("error_vs_n.png", "Decoding error against the number of neurons, one line per mu");
        Plots.learningCurve(run.plotPath("rate_vs_n.png"), "Mean rate against N", "log10 N", "mean rate (Hz)", logN, rate, muLabels, true);
        run.plotted("rate_vs_n.png", "Mean rate against the number of neurons");
        double[][] errT = new double[ns.length][mus.length];
        String[] nLabels = new String[ns.length];
        double[] muX = new double[mus.length];
        for (int a = 0; a < mus.length; a++) muX[a] = Math.log10(mus[a] + 1e-3);
        for (int b = 0; b < ns.length; b++) {
            nLabels[b] = "N = " + ns[b];
            for (int a = 0; a < mus.length; a++) errT[b][a] = err[a][b];
        }
        Plots.learningCurve(run.plotPath("error_vs_mu.png"), "Decoding error against the rate cost mu", "log10 (mu + 0.001)",
                "decoding error", muX, errT, nLabels, true);
        run.plotted("error_vs_mu.png", "Decoding error against mu, one line per N");
        ScnPlots.raster(run, "raster.png", String.format("Analytic SCN, N = %d, mu = %.3g (smoothed-noise test signal)", n, base.mu()),
                head, dt, n, "Raster of the headline network");
        demo(run, net, d, sigName, p, demoSteps);
        run.note(String.format("Decoder columns random with norm %.3g; thresholds (‖D_i‖² + μ + ν)/2. Headline (N = %d, μ = %.4g): "
                        + "decoding error %.4g with the optimal linear readout (%.4g with the network's own decoder D), %.2f Hz. "
                        + "The sweep (sweep.csv) uses the same signals for every (N, μ).",
                norm, n, base.mu(), head.decodingError, own.decodingError, head.meanRateHz));
    }

    /** Tracking plot: the headline network driven by the chosen signal, x and D r. */
    private static void demo(RunContext run, ScnNetwork proto, double[][] d, String sigName, Params p, int steps) throws Exception {
        ScnNetwork net = ScnNetwork.analytic(d, proto.params);
        double dt = p.getDouble("dt_ms"), lambda = proto.params.lambda(), amp = p.getDouble("signal_amplitude");
        int j = net.j;
        ScnSignal sig;
        if (sigName.equals("noise")) {
            sig = ScnSignal.smoothedNoise(j, p.getDouble("amplitude"), p.getDouble("sigma_steps"), p.getInt("block_steps"),
                    Rng.stream(run.seed(), 5));
        } else if (sigName.equals("sines")) {
            double[] a = new double[j], f = new double[j], ph = new double[j];
            for (int q = 0; q < j; q++) {
                a[q] = amp;
                f[q] = p.getDouble("signal_freq_hz") * Math.pow(1.37, q);
                ph[q] = q * Math.PI / 2;
            }
            sig = ScnSignal.sines(a, f, ph, lambda, dt);
        } else {
            double[][] levels = new double[4][j];
            Rng r = Rng.stream(run.seed(), 6);
            for (double[] l : levels) for (int q = 0; q < j; q++) l[q] = amp * (2 * r.nextDouble() - 1);
            sig = ScnSignal.steps(levels, (int) Math.max(1, Math.round(p.getDouble("step_ms") / dt)), lambda);
        }
        ScnInput in = new ScnInput(net, sig);
        double[][] x = new double[j][steps], xh = new double[j][steps];
        double[] tmp = new double[j];
        Simulation sim = new Simulation(net.network, dt, Rng.stream(run.seed(), 7).nextLong(), 1);
        SpikeMonitor mon = new SpikeMonitor(net.population);
        sim.add(in).add(mon).add(new StepHook() {
            @Override
            public void afterStep(Simulation s, long step) {
                net.readout(d, tmp);
                for (int q = 0; q < j; q++) {
                    x[q][(int) step] = in.x()[q];
                    xh[q][(int) step] = tmp[q];
                }
            }
        });
        sim.run(steps);
        double[] t = new double[steps];
        for (int k = 0; k < steps; k++) t[k] = (k + 1) * dt;
        Figure fig = new Figure("Analytic SCN tracking a " + sigName + " signal: x and x̂ = D r", "time (ms)", "signal (network units)", 1000, 500);
        for (int q = 0; q < Math.min(j, 3); q++) {
            java.awt.Color c = Figure.PALETTE[q % Figure.PALETTE.length];
            fig.line(t, x[q], "x" + (q + 1), c);
            fig.line(t, xh[q], "x̂" + (q + 1), c.darker().darker());
        }
        fig.save(run.plotPath("tracking.png"));
        run.plotted("tracking.png", "Signal and the network's own readout D r (" + sigName + ")");
        Plots.raster(run.plotPath("raster_tracking.png"), "Spikes while tracking the " + sigName + " signal", mon.timesMs(), mon.indices(), net.n);
        run.plotted("raster_tracking.png", "Raster while tracking the " + sigName + " signal");
    }
}
