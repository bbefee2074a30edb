package org.snn4j.papers.exact;

import org.snn4j.train.exact.BatchGradient;
import org.snn4j.train.exact.ExactGradient;
import org.snn4j.train.exact.QifNet;
import org.snn4j.train.exact.Trainer;
import org.snn4j.train.exact.Trial;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.snn4j.experiment.ExperimentBase;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.RunContext;
import org.snn4j.model.GateShape;
import org.snn4j.model.QifGateParams;
import org.snn4j.plot.Figure;
import org.snn4j.plot.Plots;
import org.snn4j.util.AtomicFiles;
import org.snn4j.util.IntBuffer;
import org.snn4j.util.Rng;

/**
 * {@code snn4j run exact-xor}: a recurrent network of QIF neurons with gate-function synapses learns
 * the delayed-memory XOR task ({@link XorTask}) by exact gradient descent (Huh &amp; Sejnowski 2018).
 * Writes the learning curve, example trials of the four sign pairs (input, target, readout, raster),
 * the trained model ({@code model.safetensors}, with provenance) and {@code train-checkpoint.safetensors}: running
 * again into the same {@code --out} resumes a killed run.
 */
public final class ExactXorExperiment extends ExperimentBase {
    /** For the service loader. */
    public ExactXorExperiment() {
        super("exact-xor",
                "Exact gradient descent (Huh & Sejnowski 2018): QIF/gate-synapse network learns delayed-memory XOR over 1 s trials");
    }

    @Override
    public Params defaults(boolean quick) {
        return params()
                .declare("neurons", 100L, "recurrent QIF neurons", 1, 100000)
                .declare("trial_s", quick ? 0.4 : 1.0, "trial length (s)", 0.01, 100)
                .declare("dt_ms", 1.0, "time step (ms)", 1e-4, 10)
                .declare("tau_v_ms", 10.0, "membrane time constant τ_v (ms)", 1e-3, 1e4)
                .declare("tau_s_ms", 80.0, "synaptic time constant τ_s (ms); 80 ms: a trial is 12.5 of them, the delays up to 7.5", 1e-3, 1e4)
                .declare("zone_width", 1.0, "gate active-zone width around θ = π (rad)", 1e-6, 6.28)
                .declareChoice("gate_shape", "cosine", "gate shape: rect, triangle or cosine", "rect", "triangle", "cosine")
                .declareChoice("step", "explicit", STEP_HELP, "explicit", "semi-implicit", "exact-phase")
                .declare("pulse_sigma_ms", 10.0, "s.d. of the Gaussian input pulses (ms)", 0.1, 1000)
                .declare("t1_min_ms", 50.0, "earliest first pulse (ms)", 0, 1e6)
                .declare("t1_max_ms", quick ? 100.0 : 150.0, "latest first pulse (ms)", 0, 1e6)
                .declare("d1_min_ms", quick ? 20.0 : 100.0, "shortest delay between the two pulses (ms)", 0, 1e6)
                .declare("d1_max_ms", quick ? 60.0 : 300.0, "longest delay between the two pulses (ms)", 0, 1e6)
                .declare("d2_min_ms", quick ? 20.0 : 100.0, "shortest delay from the second pulse to the go cue (ms)", 0, 1e6)
                .declare("d2_max_ms", quick ? 60.0 : 300.0, "longest delay from the second pulse to the go cue (ms)", 0, 1e6)
                .declare("curriculum_trials", quick ? 0L : 32000L, "training trials over which the delays grow from curriculum_start of their range to all of it (0: off)", 0, 1e12)
                .declare("curriculum_start", 0.1, "delay scale at the start of the curriculum", 0, 1)
                .declareChoice("target", "xor", "what the readout reports: xor (the task), first or second sign (diagnostics)", "xor", "first", "second")
                .declare("window_delay_ms", 10.0, "start of the scoring window after the cue (ms)", 0, 1e6)
                .declare("window_ms", 100.0, "length of the scoring window (ms)", 1, 1e6)
                .declare("iterations", quick ? 300L : 2500L, "training iterations (mini-batches)", 1, 1e9)
                .declare("batch", 16L, "trials per mini-batch", 1, 1e6)
                .declareChoice("optimizer", "adam", "adam or sgd (with momentum)", "adam", "sgd")
                .declare("lr", 0.01, "learning rate", 1e-12, 10)
                .declare("lr_final_fraction", 0.1, "learning rate at the end as a fraction of lr (exponential decay)", 1e-6, 1)
                .declare("momentum", 0.9, "momentum of sgd", 0, 0.999)
                .declare("lr_scale_i0", 0.2, "learning-rate multiplier of the bias I_0", 0, 1e6)
                .declare("lr_scale_o", 20.0, "learning-rate multiplier of the readout O (s is small: ~0.01/ms)", 0, 1e6)
                .declare("clip", 0.0, "clip the gradient's global norm to this (0: no clipping)", 0, 1e12)
                .declare("activity_cost", 0.0, "weight of the mean squared synaptic activity in the loss", 0, 1e12)
                .declare("w_gain", 5.0, "initial recurrent weights: s.d. w_gain/√n", 0, 1e6)
                .declare("u_gain", 1.0, "initial input weights: s.d.", 0, 1e6)
                .declare("i0_mean", -0.05, "initial bias current: mean", -100, 100)
                .declare("i0_sd", 0.1, "initial bias current: s.d.", 0, 100)
                .declare("o_gain", 10.0, "initial readout weights: s.d. o_gain/√n", 0, 1e6)
                .declare("bptt_checkpoint_every", 0L, "adjoint memory: 0 keeps the trajectory, m > 0 stores every m-th state and recomputes", 0, 1e9)
                .declare("save_every", quick ? 20L : 25L, "iterations between training checkpoints", 1, 1e9)
                .declare("test_trials", quick ? 100L : 1000L, "held-out test trials", 1, 1e7)
                .declare("threads", 0L, "worker threads (0: all processors); results do not depend on it", 0, 256);
    }

    /** Help text of the {@code step} parameter of both exact-gradient experiments. */
    static final String STEP_HELP = "integration step: explicit Euler, semi-implicit (θ's relaxation and each neuron's "
            + "self-inhibition min(W_ii, 0) linearly implicit: stable for strong currents at dt = 1 ms), or exact-phase (the phase "
            + "follows the exact flow of the step's current, a Möbius map on tan(θ/2), and the synapse the gate's exact charge; see QifGate)";

    /** Whether {@code step} asks for the semi-implicit step. */
    static boolean semiImplicit(Params p) {
        return p.getString("step").equals("semi-implicit");
    }

    /** Whether {@code step} asks for the exact-phase step. */
    static boolean exactPhase(Params p) {
        return p.getString("step").equals("exact-phase");
    }

    static QifGateParams model(Params p) {
        return new QifGateParams(p.getDouble("tau_v_ms"), p.getDouble("tau_s_ms"), p.getDouble("zone_width"),
                GateShape.parse(p.getString("gate_shape")));
    }

    /**
     * The memory of exact-gradient training, refused before the run when it exceeds the heap: the
     * kept trajectory (about six doubles per neuron and step for each trial computed at once, one per
     * thread) and the weights with their gradient and optimiser moments.
     */
    public static void requireMemory(String name, int n, int inputs, int outputs, double steps, int threads, int batch, int checkpointEvery) {
        if (steps > Integer.MAX_VALUE - 16) throw new org.snn4j.util.InputException(name + ": " + (long) steps + " steps per trial is more than snn4j runs");
        int team = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        double perTrial = 48.0 * n * (checkpointEvery > 0 ? Math.min(steps, steps / checkpointEvery + checkpointEvery) : steps);
        double weights = 8.0 * ((double) n * n + (double) n * (inputs + outputs + 1));
        org.snn4j.util.Memory.require(String.format("%s: %d neurons, %.0f steps per trial, %d thread(s)", name, n, steps, team),
                perTrial * Math.min(team, batch) + 6 * weights);
    }

    @Override
    public void validate(Params p) {
        model(p);
        double dt = p.getDouble("dt_ms"), trialMs = p.getDouble("trial_s") * 1000;
        if (trialMs < dt) throw new org.snn4j.util.InputException("exact-xor: trial_s is shorter than one step");
        new XorTask(0, 0, dt, trialMs, p.getDouble("pulse_sigma_ms"), p.getDouble("t1_min_ms"), p.getDouble("t1_max_ms"),
                p.getDouble("d1_min_ms"), p.getDouble("d1_max_ms"), p.getDouble("d2_min_ms"), p.getDouble("d2_max_ms"),
                p.getDouble("window_delay_ms"), p.getDouble("window_ms"));
        for (String k : new String[] {"t1", "d1", "d2"})
            if (p.getDouble(k + "_min_ms") > p.getDouble(k + "_max_ms"))
                throw new org.snn4j.util.InputException("exact-xor: " + k + "_min_ms is larger than " + k + "_max_ms");
        requireMemory(name(), p.getInt("neurons"), 2, 1, Math.round(trialMs / dt), p.getInt("threads"), p.getInt("batch"), p.getInt("bptt_checkpoint_every"));
    }

    @Override
    public void checkResume(Params p, long seed, java.nio.file.Path out) {
        ExactTraining.checkResume(p, seed, out);
    }

    @Override
    public void run(RunContext run) throws Exception {
        Params p = run.params();
        int n = p.getInt("neurons"), batch = p.getInt("batch"), iters = p.getInt("iterations");
        double dt = p.getDouble("dt_ms"), trialMs = p.getDouble("trial_s") * 1000;
        XorTask task = new XorTask(run.seed(), 0, dt, trialMs, p.getDouble("pulse_sigma_ms"), p.getDouble("t1_min_ms"),
                p.getDouble("t1_max_ms"), p.getDouble("d1_min_ms"), p.getDouble("d1_max_ms"), p.getDouble("d2_min_ms"),
                p.getDouble("d2_max_ms"), p.getDouble("window_delay_ms"), p.getDouble("window_ms"));
        switch (p.getString("target")) {
            case "xor": task.target = 0; break;
            case "first": task.target = 1; break;
            case "second": task.target = 2; break;
            default: throw new org.snn4j.util.InputException("exact-xor: target must be xor, first or second, got '" + p.getString("target") + "'");
        }
        task.curriculumTrials = p.getLong("curriculum_trials");
        task.curriculumStart = p.getDouble("curriculum_start");
        int steps = (int) Math.round(trialMs / dt);
        QifNet net = new QifNet(n, 2, 1, dt, model(p), semiImplicit(p), exactPhase(p)).randomize(Rng.stream(run.seed(), 0x1417L), p.getDouble("w_gain"),
                p.getDouble("u_gain"), p.getDouble("i0_mean"), p.getDouble("i0_sd"), p.getDouble("o_gain"));
        try (BatchGradient bg = new BatchGradient(net, steps, p.getInt("bptt_checkpoint_every"), p.getDouble("activity_cost"),
                p.getInt("threads"))) {
            ExactTraining training = new ExactTraining(run, net, bg, task, Math.max(1, iters / 40), 1, 1, () -> run.progress(String.format(
                    "training %d neurons on %d-step trials, %d iterations of %d trials, %d thread(s)", n, steps, iters, batch, bg.threads())));
            Trainer tr = training.trainer;
            double trainS = training.trainS;
            if (tr.resumed()) run.note("This run resumed from `train-checkpoint.safetensors`; `train_s` counts only the resumed part.");

            // held-out test
            int nTest = p.getInt("test_trials");
            XorTask test = task.withSplit(1);
            Trial[] tt = ExactTraining.trials(test, nTest);
            long[] sp = new long[nTest];
            double[][] out = bg.outputs(tt, sp);
            int correct = 0;
            double mse = 0, spikes = 0;
            for (int k = 0; k < nTest; k++) {
                if (XorTask.correct(tt[k], out[k])) correct++;
                double e = 0, c = 0;
                for (int q = 0; q < tt[k].steps(); q++) if (tt[k].mask()[q] > 0) {
                    e += (out[k][q] - tt[k].y()[q]) * (out[k][q] - tt[k].y()[q]);
                    c++;
                }
                mse += e / Math.max(1, c);
                spikes += sp[k];
            }
            double acc = (double) correct / nTest;
            int done = training.done;
            double first = training.firstLoss, last = training.lastLoss;
            run.metric("test_accuracy", acc);
            run.metric("test_trials", nTest);
            run.metric("test_mse", mse / nTest);
            run.metric("trial_s", trialMs / 1000);
            run.metric("neurons", n);
            run.metric("train_trials", (long) done * batch);
            run.metric("train_s", trainS);
            run.metric("final_loss", last);
            run.metric("initial_loss", first);
            run.metric("loss_drop_factor", first / last);
            run.metric("iterations", done);
            run.metric("rate_hz", spikes / nTest / n / (trialMs / 1000));
            run.metric("threads", bg.threads());
            run.progress(String.format("test accuracy %.4f on %d held-out trials (loss %.4f -> %.4f, %.1f s of training)", acc, nTest,
                    first, last, trainS));

            net.save(run.out().resolve("model.safetensors"), run.modelProvenance("xor task"));

            double[] x = new double[done];
            for (int k = 0; k < done; k++) x[k] = k + 1;
            Plots.learningCurve(run.plotPath("learning_curve.png"), "exact-xor: training loss (masked MSE per mini-batch)",
                    "iteration (mini-batch of " + batch + " trials)", "loss", x, new double[][] {smooth(tr.loss, done, 0), smooth(tr.loss, done, 20)},
                    new String[] {"per batch", "running mean (20)"}, true);
            run.plotted("learning_curve.png", "Learning curve");
            examples(run, net, bg.workspace(), task.withSplit(2));
            run.note(String.format("%d QIF neurons (τ_v = %.3g ms, τ_s = %.3g ms, %s gate of width %.3g rad), dt = %.3g ms, trials of %.3g s; "
                            + "trained on %d trials (%d iterations, batch %d, %s) in %.1f s; test accuracy %.4f on %d held-out trials "
                            + "(sign of the mean readout over the %.0f ms window starting %.0f ms after the go cue; test trials use the full "
                            + "delay ranges, training ramps them up over the first %d trials). Target: ≥ 0.98.",
                    n, p.getDouble("tau_v_ms"), p.getDouble("tau_s_ms"), p.getString("gate_shape"), p.getDouble("zone_width"), dt,
                    trialMs / 1000, (long) done * batch, done, batch, p.getString("optimizer"), trainS, acc, nTest, p.getDouble("window_ms"),
                    p.getDouble("window_delay_ms"), p.getLong("curriculum_trials")));
        }
    }

    static double[] smooth(double[] a, int n, int w) {
        double[] r = new double[n];
        for (int k = 0; k < n; k++) r[k] = w <= 1 ? a[k] : ExactTraining.mean(a, Math.max(0, k - w + 1), k + 1);
        return r;
    }

    /** One figure per sign pair (input, target, readout over time; raster below), stacked into one PNG. */
    private void examples(RunContext run, QifNet net, ExactGradient ws, XorTask task) throws Exception {
        int[][] pairs = {{1, 1}, {1, -1}, {-1, 1}, {-1, -1}};
        BufferedImage[] panels = new BufferedImage[8];
        for (int q = 0; q < 4; q++) {
            Trial t = task.trial(q, pairs[q]);
            IntBuffer st = new IntBuffer(), ni = new IntBuffer();
            ws.recordSpikes(st, ni);
            ws.run(t, null, null);
            ws.recordSpikes(null, null);
            int K = t.steps();
            double[] time = new double[K], in = new double[K], go = new double[K], y = new double[K], o = new double[K];
            for (int k = 0; k < K; k++) {
                time[k] = (k + 1) * net.dt;
                in[k] = t.x()[2 * k];
                go[k] = t.x()[2 * k + 1];
                y[k] = t.mask()[k] > 0 ? t.y()[k] : Double.NaN;
                o[k] = ws.outputs[k];
            }
            String title = String.format("signs (%+d, %+d): target %+d, readout mean %.2f", pairs[q][0], pairs[q][1], t.label(),
                    XorTask.windowMean(t, ws.outputs));
            panels[2 * q] = new Figure(title, "time (ms)", "input / target / readout", 800, 330)
                    .line(time, in, "signed pulses").line(time, go, "go cue").line(time, y, "target").line(time, o, "readout o = O s")
                    .yRange(-1.6, 1.6).render();
            double[] ts = new double[st.size()], ys = new double[st.size()];
            for (int k = 0; k < ts.length; k++) {
                ts[k] = (st.get(k) + 1) * net.dt;
                ys[k] = ni.get(k);
            }
            panels[2 * q + 1] = new Figure(String.format("spikes (%d; %.1f Hz per neuron)", ts.length, ts.length / (double) net.n / (K * net.dt / 1000)),
                    "time (ms)", "neuron", 800, 330).points(ts, ys, null, Color.BLACK, 2f).xRange(0, K * net.dt)
                    .yRange(-0.5, net.n - 0.5).render();
        }
        int w = panels[0].getWidth(), h = panels[0].getHeight();
        BufferedImage img = new BufferedImage(2 * w, 4 * h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        for (int q = 0; q < 4; q++) {
            g.drawImage(panels[2 * q], 0, q * h, null);
            g.drawImage(panels[2 * q + 1], w, q * h, null);
        }
        g.dispose();
        AtomicFiles.write(run.plotPath("example_trials.png"), os -> ImageIO.write(img, "png", os));
        run.plotted("example_trials.png", "Example test trials of the four sign pairs: input, target and readout (left), spike raster (right)");
        if (!Files.exists(run.plotPath("example_trials.png"))) throw new IllegalStateException("example plot not written");
    }
}
