package org.snn4j.papers.sg;

import org.snn4j.cell.CellModel;
import org.snn4j.model.SpikeTimeSource;
import org.snn4j.monitor.SpikeMonitor;
import org.snn4j.monitor.StateMonitor;
import org.snn4j.network.Population;
import org.snn4j.sim.Simulation;
import org.snn4j.train.sg.SimulationBridge;

import org.snn4j.cell.AlifCell;
import org.snn4j.cell.CubaLifCell;
import org.snn4j.cell.LifCell;
import org.snn4j.train.sg.CellLayer;

import org.snn4j.cell.Reset;

import org.snn4j.train.sg.Layer;
import org.snn4j.train.sg.LeakyReadout;
import org.snn4j.train.sg.Lif;
import org.snn4j.train.sg.Linear;
import org.snn4j.train.sg.Loss;
import org.snn4j.train.sg.RecurrentLif;
import org.snn4j.train.sg.Seq;
import org.snn4j.train.sg.SgCnn;
import org.snn4j.train.sg.SgDevice;
import org.snn4j.train.sg.SgMlp;
import org.snn4j.train.sg.SgModel;
import org.snn4j.train.sg.SgNet;
import org.snn4j.train.sg.SgTrainer;
import org.snn4j.train.sg.Surrogate;
import org.snn4j.train.sg.Synaptic;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.snn4j.data.Dataset;
import org.snn4j.experiment.ExperimentBase;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.RunContext;
import org.snn4j.nir.Nir;
import org.snn4j.nir.NirExport;
import org.snn4j.nir.NirNetwork;
import org.snn4j.plot.Plots;
import org.snn4j.util.InputException;
import org.snn4j.util.Provenance;
import org.snn4j.util.Rng;

/**
 * {@code snn4j run sg-mlp}: a spiking MLP (784 → hidden LIF layers → 10 outputs) trained with
 * surrogate-gradient BPTT on MNIST or Fashion-MNIST, rate-coded input over T steps, Adam (Neftci,
 * Mostafa &amp; Zenke 2019; snnTorch tutorial 5: 784-1000-10, T = 25, one epoch, 93.9 % on MNIST). By
 * default the 10 outputs are non-spiking leaky integrators and the loss is the cross-entropy of their
 * mean membrane potential (ce_mean), batch 64: 0.886 on Fashion-MNIST in 5 epochs against 0.864 for
 * cross-entropy on the spike counts of LIF outputs at batch 128 ({@code --set readout=lif --set loss=ce_count
 * --set batch=128}).
 * Reports test accuracy per epoch, throughput and memory; plots the learning curve, spikes and the
 * output membrane potentials for one test example.
 */
public class SgMlpExperiment extends ExperimentBase {
    /** For the service loader. */
    public SgMlpExperiment() {
        super("sg-mlp",
                "surrogate-gradient BPTT of a spiking MLP (784-H-10 LIF, rate coding) on MNIST / Fashion-MNIST: test accuracy, learning curve, throughput");
    }

    /** For variants with other defaults (sg-cnn). */
    protected SgMlpExperiment(String name, String description) {
        super(name, description);
    }

    @Override
    public Params defaults(boolean quick) {
        return declareThreads(declareEpochs(declareDataset(params(), "fashion-mnist"), quick ? 1L : 5L))
                .declare("arch", "", "convolutional architecture instead of the MLP, e.g. 12c5-mp2-64c5-mp2-10 (see sg-cnn); empty: 784-hidden-10")
                .declare("hidden", quick ? "256" : "1000", "hidden layer sizes, comma-separated (e.g. 1000 or 256,256)")
                .declare("steps", 25L, "time steps T per example", 1, 10000)
                .declare("batch", 64L, "mini-batch size (64: more updates in 5 epochs; Fashion-MNIST 0.886 against 0.881 at 128)", 1, 100000)
                .declare("lr", 5e-4, "Adam learning rate", 0, 10)
                .declareChoice("lr_schedule", "cosine", "none or cosine (to 0 over all steps)", "none", "cosine")
                .declare("weight_decay", 0.0, "L2 weight decay added to the gradient", 0, 10)
                .declareChoice("loss", "ce_mean", "readout=leaky: ce_mean (cross-entropy on the mean output membrane potential) or ce_max; readout=lif: ce_count, ce_rate, mse_count or ce_first", "ce_mean", "ce_max", "ce_count", "ce_rate", "mse_count", "ce_first", "ce_last", "sum")
                .declare("beta", 0.95, "LIF decay per step", 0, 1)
                .declare("threshold", 1.0, "LIF threshold", 1e-9, 1e9)
                .declareChoice("reset", "subtract", "subtract or zero (snnTorch's, delayed to the next step), or zero_immediate (NIR's and Norse's: within the spike's step; neuron lif or synaptic, learn_beta none; exports to NIR exactly)", "subtract", "zero", "zero_immediate")
                .declare("surrogate", "fast_sigmoid:25", "fast_sigmoid[:k], arctan[:alpha] or triangle[:gamma[:width]]")
                .declare("train_limit", quick ? 10000L : 0L, "use only the first N training images (0 = all)", 0, 1e9)
                .declare("test_limit", quick ? 2000L : 0L, "use only the first N test images (0 = all)", 0, 1e9)
                .declareChoice("neuron", "lif", "hidden neurons: lif, synaptic (current + membrane), rlif (recurrent LIF) or alif (adaptive threshold, LSNN)", "lif", "synaptic", "rlif", "alif")
                .declare("alif_rho", 0.95, "adaptation decay per step (neuron=alif)", 0, 1)
                .declare("alif_b", 0.2, "threshold increase per spike (neuron=alif)", 0, 100)
                .declare("alpha", 0.9, "synaptic current decay (neuron=synaptic)", 0, 1)
                .declareChoice("learn_beta", "none", "learnable decays (β; α and β for neuron=synaptic): none, layer or neuron", "none", "layer", "neuron")
                .declareChoice("encoder", "rate", "input coding: rate, latency (linear), latency_log or delta (on/off channels)", "rate", "direct", "latency", "latency_log", "delta")
                .declareChoice("readout", "leaky", "output layer: lif (spikes; losses ce_count, ce_rate, mse_count, ce_first) or leaky (membrane of a non-spiking leaky integrator; losses ce_mean, ce_max)", "lif", "leaky")
                .declare("augment_shift", 0L, "training-time augmentation: translate each image by up to this many pixels (rate or direct coding)", 0, 10)
                .declare("tbptt", 0L, "truncated BPTT window k in steps (0 = full BPTT)", 0, 1e6)
                .declare("recompute", 0L, "keep layer state for m steps and recompute in the backward pass (0 = keep all T)", 0, 1e6)
                .declare("init_model", "", "start from the weights of a saved model.safetensors (or an older model.json) of the same network, e.g. to continue training")
                .declare("micro_batches", 1L, "compute each mini-batch as this many parts, gradients summed in part order (what data-parallel training "
                        + "on that many workers does, bit for bit; 1: the whole batch)", 1, 1024)
                .declareChoice("device", "cpu", "cpu, cuda (an NVIDIA GPU through the optional snn4j-cuda module: one hidden LIF layer, readout=lif with "
                        + "ce_count or leaky with ce_mean/ce_max; docs/gpu.md) or auto (cuda when usable, else the CPU with a notice)", "cpu", "cuda", "auto")
                .declare("checkpoint_every", 0L, "also checkpoint every N batches (always at the end of each epoch)", 0, 1e9)
                .declare("export_nir", false, "also write model.nir (NIR interchange) and run the test images through it in the NIR runtime, comparing predictions with the trainer's forward pass")
                .declare("simulate", quick ? 10L : 100L, "run this many test images of the trained network in the simulator (core Population/Projection, monitors) and compare with the trainer's forward pass", 0, 1e6);
    }

    /** The network: 784 (or 1568 for delta coding) → [Linear → hidden neurons] × layers → Linear → LIF(10). */
    static SgNet build(Params p, int nIn, int[] hidden, Reset reset, Surrogate sg, long seed) {
        double beta = p.getDouble("beta"), theta = p.getDouble("threshold");
        String arch = p.getString("arch");
        if (!arch.isEmpty()) {
            boolean binaryIn = !p.getString("encoder").equals("direct");
            return new SgNet(nIn, binaryIn, SgCnn.layers(arch, 1, 28, 28, beta, theta, reset, sg, binaryIn, p.getString("readout").equals("leaky"),
                    seed), p.getInt("threads"));
        }
        String neuron = p.getString("neuron"), learn = p.getString("learn_beta");
        java.util.List<Layer> ls = new java.util.ArrayList<>();
        int prev = nIn;
        for (int l = 0; l < hidden.length; l++) {
            ls.add(new Linear(prev, hidden[l], org.snn4j.util.Rng.splitMix(seed + 2L * l)));
            int h = hidden[l];
            if (reset == Reset.ZERO_IMMEDIATE) {   // the dedicated layers run the delayed resets; the core cells run this one
                ls.add(new CellLayer(h, neuron.equals("lif") ? new LifCell(beta, theta, reset)
                        : new CubaLifCell(p.getDouble("alpha"), beta, theta, reset), sg));
                prev = h;
                continue;
            }
            ls.add(switch (neuron) {
                case "lif" -> {
                    Lif lif = new Lif(h, beta, theta, reset, sg);
                    yield learn.equals("none") ? lif : lif.learnBeta(learn.equals("neuron"));
                }
                case "synaptic" -> {
                    Synaptic syn = new Synaptic(h, p.getDouble("alpha"), beta, theta, reset, sg);
                    yield learn.equals("none") ? syn : syn.learn(true, true, learn.equals("neuron"));
                }
                case "rlif" -> new RecurrentLif(h, beta, theta, reset, sg, org.snn4j.util.Rng.splitMix(seed + 2L * l + 1));
                case "alif" -> new CellLayer(h, new AlifCell(beta, p.getDouble("alif_rho"), theta, p.getDouble("alif_b")), sg);
                default -> throw new InputException("sg-mlp: neuron must be lif, synaptic, rlif or alif, not '" + neuron + "'");
            });
            prev = h;
        }
        ls.add(new Linear(prev, 10, org.snn4j.util.Rng.splitMix(seed + 2L * hidden.length)));
        ls.add(p.getString("readout").equals("leaky") ? new LeakyReadout(10, beta)
                : reset == Reset.ZERO_IMMEDIATE ? new CellLayer(10, new LifCell(beta, theta, reset), sg) : new Lif(10, beta, theta, reset, sg));
        return new SgNet(nIn, !p.getString("encoder").equals("direct"), ls, p.getInt("threads")).truncate(p.getInt("tbptt"))
                .memoryWindow(p.getInt("recompute"));
    }

    /** The training checkpoint in the run folder (rerunning with the same --out resumes from it). */
    static final String CHECKPOINT = "train-checkpoint.safetensors";
    /** Parameters that may change on resume besides data_dir and threads (epochs only changes the run under a constant learning rate: the cosine schedule's length is checked). */
    static final java.util.List<String> FREE = java.util.List.of("epochs", "checkpoint_every");

    static SgTrainer.Encoding encoding(String encoder) {
        try {
            return SgModel.encoder(encoder);
        } catch (InputException e) {
            throw new InputException("sg-mlp: " + e.getMessage());
        }
    }

    /** Hidden layer sizes: up to the largest layer snn4j builds ({@link SgCnn#MAX_LAYER_NEURONS}). */
    static int[] parseHidden(Params p) {
        return p.getIntList("hidden", 1, (int) SgCnn.MAX_LAYER_NEURONS);
    }

    private static Reset reset(Params p) {
        return switch (p.getString("reset")) {
            case "subtract" -> Reset.SUBTRACT;
            case "zero" -> Reset.ZERO;
            case "zero_immediate" -> Reset.ZERO_IMMEDIATE;
            default -> throw new InputException("sg-mlp: reset must be subtract, zero or zero_immediate, not '" + p.getString("reset") + "'");
        };
    }

    /**
     * Refuses a surrogate-gradient network whose training cannot fit the heap: weights, gradients and
     * two Adam moments (16 bytes a parameter), and per sample and kept step about three floats per
     * neuron (state, output, gradient).
     *
     * @param what    the network, for the message
     * @param params  trainable parameters
     * @param neurons neurons per sample
     * @param batch   samples per batch
     * @param steps   time steps kept for the backward pass
     */
    public static void requireMemory(String what, long params, long neurons, int batch, int steps) {
        org.snn4j.util.Memory.require(String.format("%s, batch %d, T %d (%d parameters)", what, batch, steps, params),
                16.0 * params + 12.0 * neurons * batch * steps);
    }

    /** Every check that needs no data, before the run folder is made: values, combinations, memory, the initial model. */
    @Override
    public java.util.List<org.snn4j.experiment.Preset> presets() {
        return java.util.List.of(
                new org.snn4j.experiment.Preset("mnist", "MNIST-10k, LIF outputs, mse_count, ±2 px shifts, 20 epochs, batch 128: test accuracy 0.963 (docs/sg-mlp.md)",
                        java.util.Map.of("dataset", "mnist", "readout", "lif", "loss", "mse_count", "augment_shift", 2L, "epochs", 20L, "batch", 128L)));
    }

    @Override
    public void validate(Params p) {
        int[] hidden = parseHidden(p);
        Loss loss = Loss.parse(p.getString("loss"));
        String readout = p.getString("readout");
        boolean membraneLoss = loss == Loss.CE_MAX || loss == Loss.CE_MEAN;
        if (readout.equals("lif") && (membraneLoss || loss == Loss.SUM))
            throw new InputException("sg-mlp: the output layer spikes; use ce_count, ce_rate, mse_count or ce_first (or --set readout=leaky with ce_mean or ce_max)");
        if (readout.equals("leaky") && !membraneLoss)
            throw new InputException("sg-mlp: readout=leaky gives membrane potentials; use loss ce_mean or ce_max");
        Reset reset = reset(p);
        Surrogate.parse(p.getString("surrogate"));
        String encoder = p.getString("encoder"), neuron = p.getString("neuron"), learn = p.getString("learn_beta");
        encoding(encoder);
        if (p.getInt("micro_batches") > p.getInt("batch")) throw new InputException(name() + ": micro_batches exceeds batch");
        if (p.getInt("augment_shift") > 0 && !encoder.equals("rate") && !encoder.equals("direct"))
            throw new InputException("sg-mlp: augment_shift works with encoder=rate or direct only");
        int nIn = encoder.equals("delta") ? 2 * 784 : 784;
        long params, neurons;
        String arch = p.getString("arch");
        if (!arch.isEmpty()) {
            if (nIn != 784) throw new InputException("sg-cnn: the convolutional networks take 28x28 images (encoder rate, direct, latency or latency_log)");
            if (reset == Reset.ZERO_IMMEDIATE || !neuron.equals("lif") || !learn.equals("none"))
                throw new InputException("sg-cnn: arch takes neuron=lif, learn_beta=none and reset subtract or zero");
            if (p.getInt("tbptt") > 0 || p.getInt("recompute") > 0) throw new InputException("sg-cnn: tbptt and recompute are for the MLP only");
            SgCnn.Size size = SgCnn.size(arch, 1, 28, 28);
            params = size.params();
            neurons = size.neurons();
        } else {
            if (reset == Reset.ZERO_IMMEDIATE && (!learn.equals("none") || !(neuron.equals("lif") || neuron.equals("synaptic"))))
                throw new InputException("sg-mlp: reset=zero_immediate takes neuron=lif or synaptic and learn_beta=none");
            if (neuron.equals("alif") && (reset != Reset.SUBTRACT || !learn.equals("none")))
                throw new InputException("sg-mlp: neuron=alif takes reset=subtract and learn_beta=none");
            params = 0;
            neurons = 10;
            long prev = nIn;
            for (int h : hidden) {
                params += prev * h + h + (neuron.equals("rlif") ? (long) h * h : 0);
                neurons += h;
                prev = h;
            }
            params += prev * 10 + 10;
        }
        String device = p.getString("device");
        if (device.equals("cuda") && p.getInt("micro_batches") > 1) throw new InputException(name() + ": device=cuda: micro_batches runs on the CPU only");
        if (!device.equals("cpu") && !(device.equals("auto") && p.getInt("micro_batches") > 1)) {   // what the device cannot train, and no device: one line before anything is written
            try (SgNet net = build(p, nIn, hidden, reset, Surrogate.parse(p.getString("surrogate")), 0)) {
                org.snn4j.train.optim.Adam adam = new org.snn4j.train.optim.Adam(1e-3);
                adam.initialise(net.paramSet());
                SgDevice.check(device, name(), net, loss, adam);
            }
        }
        int T = p.getInt("steps"), window = p.getInt("recompute") > 0 ? Math.min(T, p.getInt("recompute")) : T;
        requireMemory(name() + ": " + (arch.isEmpty() ? nIn + "-" + p.getString("hidden") + "-10" : arch), params, neurons, p.getInt("batch"), window);
        if (!p.getString("init_model").isEmpty()) {   // the model must load into this very network
            Path init = Path.of(p.getString("init_model"));
            try (SgNet net = build(p, nIn, hidden, reset, Surrogate.parse(p.getString("surrogate")), 0)) {
                SgModel.restore(net, init);
            }
        }
    }

    @Override
    public void checkResume(Params p, long seed, Path out) {
        org.snn4j.io.Checkpoint.precheck(out.resolve(CHECKPOINT), org.snn4j.io.Checkpoint.settings(p.asMap(), seed, FREE), FREE);
    }

    @Override
    public void run(RunContext run) throws Exception {
        Params p = run.params();
        String ds = p.getString("dataset");
        int[] hidden = parseHidden(p);
        int T = p.getInt("steps"), epochs = p.getInt("epochs"), B = p.getInt("batch");
        validate(p);   // the runner checked them before writing anything; a direct call is checked here
        Loss loss = Loss.parse(p.getString("loss"));
        Reset reset = reset(p);
        String sched = p.getString("lr_schedule");
        Surrogate sg = Surrogate.parse(p.getString("surrogate"));
        Data data = loadDataset(run);
        Dataset train = data.train(), test = data.test();
        if (p.getLong("train_limit") > 0) train = train.shuffled(Rng.stream(run.seed(), 0xDA7A)).head(p.getInt("train_limit"));
        if (p.getLong("test_limit") > 0) test = test.head(p.getInt("test_limit"));
        if (train.dim() != 784) throw new InputException("sg-mlp: expected 28x28 images, " + ds + " has " + train.rows() + "x" + train.cols());

        String encoder = p.getString("encoder");
        int nIn = encoder.equals("delta") ? 2 * 784 : 784;
        try (SgNet net = build(p, nIn, hidden, reset, sg, run.seed())) {
            SgTrainer tr = new SgTrainer(net, loss, T, B, p.getDouble("lr"), p.getDouble("weight_decay"), sched.equals("cosine"),
                    run.seed()).encoding(encoding(encoder)).microBatches(p.getInt("micro_batches"));
            int shift = p.getInt("augment_shift");
            if (shift > 0) tr.trainEncoding(encoder.equals("rate") ? SgMlp.rateCodedShifted(shift) : SgCnn.directShifted(shift));
            tr.plan((long) epochs * ((train.size() + B - 1) / B));
            if (!p.getString("init_model").isEmpty()) {
                Path init = Path.of(p.getString("init_model"));
                org.snn4j.io.ModelProvenance from = SgModel.restore(net, init);
                run.dataFile("init-model", init);
                run.progress("initial weights from " + init + " (" + from.savedAt() + ")");
            }
            tr.checkpoint(run.out().resolve(CHECKPOINT), p.getInt("checkpoint_every"))
                    .settings(org.snn4j.io.Checkpoint.settings(p.asMap(), run.seed(), FREE));
            if (tr.resume())
                run.progress("resumed from " + run.out().resolve(CHECKPOINT) + " after " + tr.epochsDone() + " epoch(s), "
                        + tr.stepsDone() + " batches");
            String device = p.getString("device");
            if (device.equals("auto") && p.getInt("micro_batches") > 1) {
                System.err.println(name() + ": device=auto: micro_batches runs on the CPU only; running on the CPU");
                device = "cpu";
            }
            tr.device(SgDevice.open(device, name(), net, loss, tr.optimizer(), System.err));
            run.progress(String.format("%s: %d training / %d test images, network %s, T = %d, batch %d, %s, %d parameters",
                    ds, train.size(), test.size(), architecture(p), T, B, tr.device() == null ? net.threads() + " CPU thread(s)"
                            : tr.device().description(), net.paramCount()));
            List<double[]> curve = new ArrayList<>();
            double trainS = 0, testS = 0;
            long trainN = 0, testN = 0;
            double lastTest = Double.NaN;
            for (double[] h : tr.history()) {   // epochs restored from a checkpoint
                curve.add(h);
                lastTest = h[3];
                run.metric("test_accuracy_epoch_" + (int) h[0], h[3]);
            }
            try {
                for (int e = tr.epochsDone() + 1; e <= epochs; e++) {
                    double[] r = tr.trainEpoch(train, e, run.progressListener());
                    double[] te = tr.evaluate(test, e);
                    trainS += r[2];
                    testS += te[1];
                    trainN += train.size();
                    testN += test.size();
                    lastTest = te[0];
                    curve.add(new double[] {e, r[0], r[1], te[0]});
                    tr.record(curve.get(curve.size() - 1));
                    run.progress(String.format("epoch %d: train loss %.4f, train accuracy %.4f, test accuracy %.4f", e, r[0], r[1], te[0]));
                    run.metric("test_accuracy_epoch_" + e, te[0]);
                    run.writeMetrics();
                }
                run.metric("device", tr.device() == null ? "cpu" : tr.device().description());
            } finally {   // the network holds the trained weights (downloaded at the end of each epoch)
                SgDevice d = tr.device();
                if (d != null) {
                    try {
                        tr.device(null);
                    } finally {
                        d.close();
                    }
                }
            }
            run.metric("dataset", ds);
            run.metric("hidden", p.getString("hidden"));
            run.metric("architecture", architecture(p));
            run.metric("steps", T);
            run.metric("epochs", epochs);
            run.metric("batch", B);
            run.metric("train_size", train.size());
            run.metric("test_size", test.size());
            run.metric("test_accuracy", lastTest);
            run.metric("train_accuracy", curve.get(curve.size() - 1)[2]);
            run.metric("train_loss", curve.get(curve.size() - 1)[1]);
            run.metric("train_samples_per_s", trainN / trainS);
            run.metric("infer_samples_per_s", testN / testS);
            run.metric("train_s", trainS);
            run.metric("threads", net.threads());
            run.metric("params", net.paramCount());
            run.metric("state_mb", net.stateBytes() / 1048576.0);
            run.metric("peak_rss_mb", Provenance.peakRssMb());
            run.metric("neuron", p.getString("neuron"));
            run.metric("encoder", encoder);
            run.metric("tbptt", p.getInt("tbptt"));
            run.metric("recompute", p.getInt("recompute"));
            net.prepare(T, B);
            run.metric("state_bytes_per_step", net.stateBytes() / (double) T);
            SgModel.of(net, new SgModel.Recipe(T, encoder, loss.name().toLowerCase(), B, run.seed()), run.modelProvenance(ds))
                    .save(run.out().resolve("model.safetensors"));

            double[] x = new double[curve.size()];
            double[][] ys = new double[2][curve.size()];
            double[][] ls = new double[1][curve.size()];
            for (int k = 0; k < x.length; k++) {
                x[k] = curve.get(k)[0];
                ys[0][k] = curve.get(k)[2];
                ys[1][k] = curve.get(k)[3];
                ls[0][k] = curve.get(k)[1];
            }
            Plots.learningCurve(run.plotPath("learning_curve.png"), "sg-mlp on " + ds + ": accuracy per epoch", "epoch", "accuracy",
                    x, ys, new String[] {"train (during the epoch)", "test"}, false);
            run.plotted("learning_curve.png", "Training and test accuracy per epoch");
            Plots.learningCurve(run.plotPath("loss.png"), "sg-mlp on " + ds + ": training loss per epoch", "epoch",
                    "cross-entropy loss", x, ls, new String[] {"train"}, false);
            run.plotted("loss.png", "Mean training loss per epoch");
            net.memoryWindow(0);   // the plots read every step's membrane potential
            outputPlots(run, net, test, T, ds, tr);
            if (p.getString("arch").isEmpty()) simulatorCheck(run, net, test, T, tr, loss, Math.min(p.getInt("simulate"), test.size()));
            else confusion(run, net, test, T, tr, loss);
            if (p.getBoolean("export_nir")) nirCheck(run, net, test, T, B, tr, loss);
            run.note(String.format("%s spiking network (LIF β = %s, θ = %s, %s reset, surrogate %s), " + encoder + " coding over T = %d steps, "
                            + "loss %s, Adam lr %s (%s), batch %d, %d epoch(s) on %d %s training images: test accuracy **%.4f** on %d test "
                            + "images. Training %.0f samples/s, inference %.0f samples/s on %d thread(s); peak RSS %.0f MB.",
                    architecture(p), p.getDouble("beta"), p.getDouble("threshold"), p.getString("reset"), sg, T,
                    loss.name().toLowerCase(), p.getDouble("lr"), sched, B, epochs, train.size(), ds, lastTest, test.size(),
                    trainN / trainS, testN / testS, net.threads(), Provenance.peakRssMb()));
        }
    }

    /**
     * The trained network in the simulator ({@link SimulationBridge}): the first n test images, each
     * encoded as in testing, run through a core {@code Network} of cell populations with spike and
     * state monitors; the predictions and every layer's spike count are compared with the trainer's
     * forward pass on the same input spikes.
     */
    static void simulatorCheck(RunContext run, SgNet net, Dataset test, int T, SgTrainer tr, Loss loss, int n) {
        if (n == 0) return;
        int samePrediction = 0, sameSpikes = 0;
        long spikes = 0, netSpikes = 0, countDiff = 0;
        for (int img = 0; img < n; img++) {
            net.prepare(T, 1);
            net.infer(tr.encoding().filler(test, null, img, run.seed(), 0x51AL), new int[] {test.label(img)}, loss);
            int netPrediction = net.predictions()[0];
            SimulationBridge.Converted cv = SimulationBridge.convert(net, new SpikeTimeSource(SimulationBridge.inputTimes(net.input(), 0)));
            int L = cv.layers().size();
            Simulation sim = new Simulation(cv.network(), 1.0, run.seed(), 1);
            List<SpikeMonitor> mons = new ArrayList<>();
            for (Population pop : cv.layers()) {
                SpikeMonitor m = new SpikeMonitor(pop);
                sim.add(m);
                mons.add(m);
            }
            Population readout = cv.layers().get(L - 1);
            boolean leaky = !((CellModel) readout.model()).cell().spiking();
            StateMonitor v = leaky ? new StateMonitor(readout, "v", java.util.stream.IntStream.range(0, readout.size()).toArray(), 1, T + L + 1) : null;
            if (leaky) sim.add(v);
            sim.run(T + L + 1);
            boolean same = true;
            for (int k = 0; k < L; k++) {
                long c = mons.get(k).totalSpikes(), want = net.spikeCount(2 * k + 1);
                spikes += c;
                netSpikes += want;
                countDiff += Math.abs(c - want);
                if (c != want) same = false;
            }
            if (same) sameSpikes++;
            double[] logits = new double[readout.size()];
            for (int j = 0; j < logits.length; j++) {
                if (leaky) {   // the readout's step t is simulation step t + L
                    double[] tr2 = v.trace(j);
                    double acc = loss == Loss.CE_MAX ? Double.NEGATIVE_INFINITY : 0;
                    for (int t = 0; t < T; t++) acc = loss == Loss.CE_MAX ? Math.max(acc, tr2[t + L]) : acc + tr2[t + L];
                    logits[j] = acc;
                } else {
                    logits[j] = mons.get(L - 1).counts()[j];
                }
            }
            int best = 0;
            for (int j = 1; j < logits.length; j++) if (logits[j] > logits[best]) best = j;
            if (best == netPrediction) samePrediction++;
        }
        run.metric("simulated_images", n);
        run.metric("simulated_same_prediction", samePrediction / (double) n);
        run.metric("simulated_same_spike_counts", sameSpikes / (double) n);
        run.metric("simulated_spikes", spikes);
        run.metric("simulated_spike_count_rel_diff", netSpikes == 0 ? 0 : countDiff / (double) netSpikes);
        run.note(String.format("In the simulator (SimulationBridge: the trained layers as core populations and projections, with spike and "
                + "state monitors), %d test images gave the trainer's prediction for %d and every layer's spike count for %d; "
                + "spike counts differ by %.2g of %d spikes in all: the simulator's projections sum the weights of the spiking inputs "
                + "in double and round once, the trainer sums them in float, so a potential within float rounding of the threshold "
                + "may fall on the other side.", n, samePrediction, sameSpikes, netSpikes == 0 ? 0.0 : countDiff / (double) netSpikes, netSpikes));
    }

    /**
     * The trained model as a NIR graph ({@code model.nir}, one step = 1 ms), read back and run in the NIR
     * runtime on the test images, each batch encoded exactly as in testing: the NIR runtime's predictions
     * against the trainer's on the same input spikes. NIR's LIF resets within the spike's step, so a model
     * trained with the delayed reset differs slightly once exported ({@link NirExport}); the metrics say by how much.
     */
    static void nirCheck(RunContext run, SgNet net, Dataset test, int T, int B, SgTrainer tr, Loss loss) throws java.io.IOException {
        java.nio.file.Path nirFile = run.out().resolve("model.nir");
        NirExport.Exported e = NirExport.of(run.out().resolve("model.safetensors"), 1e-3);
        Nir.write(e.graph(), nirFile);
        NirNetwork nir = Nir.load(nirFile, 1e-3);
        int n = test.size(), nIn = net.input().n, nOut = nir.outputSize(), same = 0, correct = 0, nativeCorrect = 0;
        double nirSeconds = 0;
        for (int first = 0, k = 0; first < n; first += B, k++) {
            int bs = Math.min(B, n - first);
            int[] labels = new int[bs];
            for (int b = 0; b < bs; b++) labels[b] = test.label(first + b);
            net.prepare(T, bs);
            net.infer(tr.encoding().filler(test, null, first, run.seed(), 0x4E1L + k), labels, loss);
            int[] want = net.predictions();
            float[][] x = new float[T][bs * nIn];
            for (int b = 0; b < bs; b++) for (int t = 0; t < T; t++) for (int i = 0; i < nIn; i++) x[t][b * nIn + i] = net.input().get(b, t, i);
            long t0 = System.nanoTime();
            NirNetwork.Result r = nir.run(x, bs, List.of(), net.threads());
            nirSeconds += (System.nanoTime() - t0) * 1e-9;
            for (int b = 0; b < bs; b++) {
                int best = 0;
                double[] logit = new double[nOut];
                for (int j = 0; j < nOut; j++) {
                    double acc = loss == Loss.CE_MAX ? Double.NEGATIVE_INFINITY : 0;
                    for (int t = 0; t < T; t++) {
                        float v = r.output[t][b * nOut + j];
                        acc = loss == Loss.CE_MAX ? Math.max(acc, v) : acc + v;
                    }
                    logit[j] = acc;
                    if (acc > logit[best]) best = j;
                }
                if (best == want[b]) same++;
                if (best == labels[b]) correct++;
                if (want[b] == labels[b]) nativeCorrect++;
            }
        }
        run.metric("nir_nodes", (long) e.graph().nodes().size());
        run.metric("nir_test_accuracy", correct / (double) n);
        run.metric("nir_native_test_accuracy", nativeCorrect / (double) n);
        run.metric("nir_same_prediction", same / (double) n);
        run.metric("nir_samples_per_s", n / nirSeconds);
        run.note(String.format("Exported to NIR (model.nir, %d nodes%s) and run in snn4j's NIR runtime on the %d test images, encoded as the "
                        + "trainer encodes them: accuracy %.4f against the trainer's %.4f on the same input spikes, the same prediction for %.1f%% "
                        + "of the images, %.0f samples/s.", e.graph().nodes().size(), e.notes().isEmpty() ? "" : "; " + String.join("; ", e.notes()),
                n, correct / (double) n, nativeCorrect / (double) n, 100.0 * same / n, n / nirSeconds));
    }

    /** "784-256-10" for the MLP, the architecture string for a convolutional network. */
    static String architecture(Params p) {
        return p.getString("arch").isEmpty() ? "784-" + p.getString("hidden").replace(',', '-') + "-10" : "1x28x28-" + p.getString("arch");
    }

    /** The confusion matrix of the test set (the evaluation coding of the last epoch's pass 0) as a PNG and a metric. */
    static void confusion(RunContext run, SgNet net, Dataset test, int T, SgTrainer tr, Loss loss) throws java.io.IOException {
        int K = test.classes(), B = Math.max(1, net.batch());
        int[][] cm = new int[K][K];
        for (int first = 0, k = 0; first < test.size(); first += B, k++) {
            int bs = Math.min(B, test.size() - first);
            int[] labels = new int[bs];
            for (int b = 0; b < bs; b++) labels[b] = test.label(first + b);
            net.prepare(T, bs);
            net.infer(tr.encoding().filler(test, null, first, run.seed(), 0xC0F0L + k), labels, loss);
            int[] pr = net.predictions();
            for (int b = 0; b < bs; b++) cm[labels[b]][pr[b]]++;
        }
        String[] names = new String[K];
        for (int c = 0; c < K; c++) names[c] = String.valueOf(c);
        Plots.confusion(run.plotPath("confusion.png"), "Confusion matrix, " + test.size() + " test images", cm, names);
        run.plotted("confusion.png", "Test-set confusion matrix (rows: true class, columns: predicted; counts)");
        StringBuilder rows = new StringBuilder();
        for (int[] r : cm) rows.append(rows.length() == 0 ? "" : ";").append(java.util.Arrays.toString(r).replaceAll("[\\[\\] ]", ""));
        run.metric("confusion_matrix", rows.toString());
    }

    /** Output spikes and membrane potentials for the first test image. */
    static void outputPlots(RunContext run, SgNet net, Dataset test, int T, String ds, SgTrainer tr) throws java.io.IOException {
        net.prepare(T, 1);
        net.infer(tr.encoding().filler(test, null, 0, run.seed(), 0x0E1L), new int[] {test.label(0)}, Loss.CE_COUNT);
        int last = net.layers().size() - 1;
        Seq out = net.output();
        boolean leaky = net.layers().get(last) instanceof LeakyReadout;
        Seq spk = leaky ? net.activations(last - 2) : out;   // a membrane readout does not spike: show the last hidden layer
        List<Double> ts = new ArrayList<>();
        List<Integer> ns = new ArrayList<>();
        for (int t = 0; t < T; t++) for (int k = 0; k < spk.n; k++) if (spk.get(0, t, k) != 0) {
            ts.add((double) t);
            ns.add(k);
        }
        String who = leaky ? "Last hidden layer" : "Output";
        Plots.raster(run.plotPath("output_raster.png"), who + " spikes for one test image (label " + test.label(0) + ", predicted "
                        + net.predictions()[0] + ")", ts.stream().mapToDouble(Double::doubleValue).toArray(),
                ns.stream().mapToInt(Integer::intValue).toArray(), spk.n);
        run.plotted("output_raster.png", who + " spikes for the first test image (x axis: time step, plotted as 1 ms per step)");
        Lif lif = leaky ? null : (Lif) net.layers().get(last);
        double[] time = new double[T];
        double[][] v = new double[out.n][T];
        String[] labels = new String[out.n];
        for (int k = 0; k < out.n; k++) {
            labels[k] = "class " + k;
            for (int t = 0; t < T; t++) {
                time[t] = t;
                v[k][t] = leaky ? out.get(0, t, k) : lif.membrane(0, t, k);
            }
        }
        Plots.traces(run.plotPath("output_membrane.png"), "Output membrane potentials, one test image" + (leaky ? " (leaky integrators, no threshold)" : " (threshold 1)"), time, v, labels,
                "membrane potential (threshold units)");
        run.plotted("output_membrane.png", "Output-layer membrane potentials for the same example (x axis: time step, 1 ms per step)");
    }
}
