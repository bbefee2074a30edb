package org.snn4j.papers.scn;

import java.util.ArrayList;
import java.util.List;
import org.snn4j.experiment.ExperimentBase;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.RunContext;
import org.snn4j.model.ScnParams;
import org.snn4j.plot.Plots;
import org.snn4j.papers.scn.ScnInput;
import org.snn4j.papers.scn.ScnSignal;
import org.snn4j.sim.Simulation;
import org.snn4j.util.InputException;
import org.snn4j.util.Rng;

/**
 * {@code snn4j run scn-dale}: the E/I spike-coding network that obeys Dale's law (Brendel et al.
 * 2020, Fig. 4: 300 E + 75 I neurons, J = 3, dt = 0.1 ms) learning with local, sign-constrained
 * rules ({@link DaleLearning}); measured with frozen weights ({@link DaleEvaluator}) before learning and
 * at log-spaced points.
 */
public final class ScnDaleExperiment extends ExperimentBase {
    static final String[] MEASURES = {"decoding_error", "decoding_error_inh", "mean_rate_hz", "mean_rate_hz_inh", "cv_isi_median",
            "fano_median", "pairwise_corr_mean", "ei_balance_corr", "voltage_var"};

    /** For the service loader. */
    public ScnDaleExperiment() {
        super("scn-dale",
                "E/I spike-coding network with Dale's law learning to represent a 3-D signal (Brendel et al. 2020 Fig. 4: 300 E + 75 I)");
    }

    @Override
    public Params defaults(boolean quick) {
        return params()
                .declare("exc", quick ? 80L : 300L, "excitatory neurons", 1, 2048)
                .declare("inh", quick ? 20L : 75L, "inhibitory neurons", 1, 2048)
                .declare("dims", 3L, "signal dimensions J", 1, 1000)
                .declare("lambda", 50.0, "leak (1/s)", 1e-6, 1e6)
                .declare("dt_ms", 0.1, "time step (ms)", 1e-6, 100)
                .declare("mu", 0.002, "quadratic rate cost", 0, 1e6)
                .declare("eps_f", 1e-5, "feed-forward (X→E, E→I) learning rate", 0, 1)
                .declare("eps_r", 1e-4, "recurrent (E→E, I→E, I→I) learning rate", 0, 1)
                .declare("kappa_e", 6.0, "filter of the input for the X→E rule, in units of lambda", 0, 1e6)
                .declare("kappa_i", 1.0, "filter of the E spikes for the E→I rule, in units of lambda", 0, 1e6)
                .declare("autapse", -0.02, "fixed E autapse C_EE,kk", -1e6, 0)
                .declare("refractory_steps", 10L, "refractory period (steps)", 0, 1e6)
                .declare("sigma_v", 0.002, "voltage noise per step", 0, 1e6)
                .declare("sigma_t", 0.02, "spike-decision noise", 0, 1e6)
                .declare("amplitude", 2000.0, "amplitude A of the smoothed-noise signal", 0, 1e12)
                .declare("sigma_steps", 30.0, "sd of the smoothing kernel (steps)", 1e-3, 1e6)
                .declare("block_steps", 1000L, "steps of one input sequence", 1, 1e8)
                .declare("presentations", quick ? 1000L : 30_000L, "training length in presentations (the paper: 2^20)", 0, 1e9)
                .declare("first_eval_log2", quick ? 14L : 15L, "first evaluation after 2^this steps", 0, 40)
                .declare("fit_steps", quick ? 10_000L : 40_000L, "steps of the readout fit", 1, 1e9)
                .declare("test_steps", quick ? 10_000L : 50_000L, "steps of the measuring run", 1, 1e9)
                .declare("var_inputs", quick ? 2L : 5L, "constant inputs for Fano/CV/correlation", 0, 1e6)
                .declare("var_trials", quick ? 5L : 10L, "trials per constant input", 2, 1e6)
                .declare("var_steps", quick ? 5000L : 10_000L, "steps per trial", 1, 1e9)
                .declare("var_amplitude", 90.0, "norm of the constant command (Brendel et al.: 90)", 0, 1e12)
                .declare("corr_window_ms", 10.0, "window of the pairwise count correlations (ms)", 1e-3, 1e9)
                .declare("raster_ms", 500.0, "length of the rasters (ms)", 0, 1e9);
    }

    @Override
    public void validate(Params p) {
        ScnChecks.check(name(), p, p.getInt("exc") + p.getInt("inh"), p.getInt("dims"), Math.max(1, p.getDouble("kappa_e")));
    }

    @Override
    public void run(RunContext run) throws Exception {
        Params p = run.params();
        int ne = p.getInt("exc"), ni = p.getInt("inh"), j = p.getInt("dims");
        double dt = p.getDouble("dt_ms"), lambda = p.getDouble("lambda");
        if (lambda * dt * 1e-3 >= 1 || p.getDouble("kappa_e") * lambda * dt * 1e-3 >= 1)
            throw new InputException("scn-dale: lambda*dt and kappa_e*lambda*dt must be < 1");
        ScnParams sp = new ScnParams(lambda, p.getDouble("mu"), 0, p.getDouble("sigma_v"), p.getDouble("sigma_t"),
                ScnParams.SpikeRule.ONE_PER_STEP, p.getInt("refractory_steps"));
        int block = p.getInt("block_steps");
        DaleNetwork net = DaleNetwork.brendelInitial(sp, ne, ni, j, Rng.stream(run.seed(), 1));
        ScnInput input = new ScnInput(net.ffE, net.e, ScnSignal.smoothedNoise(j, p.getDouble("amplitude"), p.getDouble("sigma_steps"),
                block, Rng.stream(run.seed(), 2)));
        DaleLearning learning = new DaleLearning(net, input, p.getDouble("eps_f"), p.getDouble("eps_r"), sp.mu(), p.getDouble("kappa_e"),
                p.getDouble("kappa_i"), p.getDouble("autapse"), LearningSchedule.constant());
        Simulation sim = new Simulation(net.network, dt, Rng.stream(run.seed(), 3).nextLong(), 1);
        sim.add(input).add(learning);
        DaleEvaluator ev = new DaleEvaluator(ScnEvaluator.Config.of(p, dt, p.getDouble("raster_ms"), Rng.stream(run.seed(), 99).nextLong()));

        long total = p.getLong("presentations") * block;
        List<double[]> rows = new ArrayList<>();
        LearningCurve<DaleEvaluator.Result> curve = LearningCurve.run(p.getInt("first_eval_log2"), total, pt -> {
            if (pt > sim.stepCount()) sim.run(pt - sim.stepCount());
        }, pt -> ev.evaluate(net), (pt, r) -> {
            rows.add(new double[] {pt, pt * dt * 1e-3, pt / (double) block, r.decodingError, r.decodingErrorI, r.meanRateHz, r.meanRateHzI,
                    r.cvIsiMedian, r.fanoMedian, r.pairwiseCorrMean, r.eiBalanceCorr, r.voltageVar});
            run.progress(String.format("step %d (%.1f s): decoding error E %.4g I %.4g, rate E %.2f I %.2f Hz, CV %.2f, E/I balance %.3f",
                    pt, pt * dt * 1e-3, r.decodingError, r.decodingErrorI, r.meanRateHz, r.meanRateHzI, r.cvIsiMedian, r.eiBalanceCorr));
        });
        DaleEvaluator.Result first = curve.first, last = curve.last;
        double trainS = curve.trainS, evalS = curve.evalS;
        String[] header = {"step", "time_s", "presentations", "decoding_error", "decoding_error_inh", "mean_rate_hz", "mean_rate_hz_inh",
                "cv_isi_median", "fano_median", "pairwise_corr_mean", "ei_balance_corr", "voltage_var"};
        ScnPlots.csv(run.out().resolve("learning.csv"), header, rows);
        double[] r0 = rows.get(0), rl = rows.get(rows.size() - 1);
        run.metric("exc", ne);
        run.metric("inh", ni);
        run.metric("dims", j);
        run.metric("training_steps", total);
        run.metric("training_s", total * dt * 1e-3);
        for (int m = 0; m < MEASURES.length; m++) {
            run.metric(MEASURES[m], rl[3 + m]);
            run.metric(MEASURES[m] + "_start", r0[3 + m]);
        }
        run.metric("decoding_error_drop", r0[3] / rl[3]);
        run.metric("target_ei_balance", rl[10] >= 0.8 && rl[10] > r0[10]);
        run.metric("target_error_drop_10x", rl[3] * 10 <= r0[3]);
        run.metric("train_run_s", trainS);
        run.metric("eval_run_s", evalS);
        run.metric("train_steps_per_s", total / Math.max(trainS, 1e-9));
        run.writeMetrics();

        ScnPlots.measureCurves(run, MEASURES, rows, dt, "(E/I network; first point: before)", m -> m <= 3 || m == 8);
        for (int b = 0; b < 2; b++) {
            DaleEvaluator.Result r = b == 0 ? first : last;
            double[] t = new double[r.rasterSteps.length];
            for (int k = 0; k < t.length; k++) t[k] = (r.rasterSteps[k] + 1) * dt;
            String file = b == 0 ? "raster_before.png" : "raster_after.png";
            Plots.raster(run.plotPath(file), "Spikes " + (b == 0 ? "before" : "after") + " learning (E: 0.." + (ne - 1) + ", I above)", t,
                    r.rasterNeurons, ne + ni);
            run.plotted(file, "Raster " + (b == 0 ? "before" : "after") + " learning");
        }
        run.note(String.format("%d E + %d I neurons, J = %d, dt = %g ms; %d presentations of %d steps (%.1f s simulated; the paper "
                        + "trains 2^20 presentations) in %.1f s of loop time (%.0f steps/s). Decoding error (E readout) %.4g → %.4g; "
                        + "E/I balance of the E neurons %.3f → %.3f; E rate %.2f → %.2f Hz; ISI CV %.2f → %.2f.",
                ne, ni, j, dt, p.getLong("presentations"), block, total * dt * 1e-3, trainS, total / Math.max(trainS, 1e-9), r0[3], rl[3],
                r0[10], rl[10], r0[5], rl[5], r0[7], rl[7]));
    }
}
