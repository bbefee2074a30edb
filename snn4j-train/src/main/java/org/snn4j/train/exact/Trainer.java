package org.snn4j.train.exact;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snn4j.io.Checkpoint;
import org.snn4j.io.ModelFile;
import org.snn4j.io.SafeTensors;
import org.snn4j.progress.Progress;
import org.snn4j.progress.ProgressListener;
import org.snn4j.train.optim.Clip;
import org.snn4j.train.optim.Divergence;
import org.snn4j.train.optim.Optimizer;
import org.snn4j.train.optim.ParamSet;
import org.snn4j.train.optim.Schedule;
import org.snn4j.util.DivergenceException;
import org.snn4j.util.InputException;

/**
 * Mini-batch training of a {@link QifNet} by its exact gradient: iteration i uses trials
 * i·B … i·B + B − 1 of a deterministic {@link TrialSource}, clips the gradient's global norm, takes
 * an optimiser step (learning rate decaying exponentially from η to η·{@code lrFinalFraction} over the
 * run, {@link Schedule#exponential}) and checks loss, gradient and weights for NaN/Inf (stopping with a
 * {@link DivergenceException} that names the iteration and the tensor entry). The optimiser works on
 * the tensors W, U, I0 and O of the flat parameter vector, each with its own learning-rate multiplier
 * ({@link #lrScales}). Every {@code checkpointEvery} iterations it writes
 * the parameters, the optimiser state and the history atomically to a checkpoint; a run started with
 * an existing checkpoint resumes from it and ends with the same weights as an uninterrupted run.
 */
public final class Trainer {
    /** Trials by index, deterministic (e.g. seeded with Rng.stream(seed, index)). */
    public interface TrialSource {
        Trial trial(long index);
    }

    /** Training settings. */
    public record Config(int iterations, int batch, double clip, double lrFinalFraction, int checkpointEvery, Path checkpoint,
                         int logEvery) {
    }

    private final QifNet net;
    private final BatchGradient bg;
    private final Optimizer opt;
    private final TrialSource src;
    private final Config cfg;
    private final ProgressListener progress;
    private final double lr0;
    private final Schedule schedule;
    private double[] lrScales = {1, 1, 1, 1};
    /** Loss, masked MSE, gradient norm and batch spikes per iteration done so far. */
    public double[] loss = new double[0], mse = new double[0], gradNorm = new double[0], spikes = new double[0];
    private int done;
    private int stopAfter = Integer.MAX_VALUE;
    private boolean resumed;

    public Trainer(QifNet net, BatchGradient bg, Optimizer opt, TrialSource src, Config cfg, ProgressListener progress) {
        this.net = net;
        this.bg = bg;
        this.opt = opt;
        this.src = src;
        this.cfg = cfg;
        this.progress = progress == null ? ProgressListener.none() : progress;
        this.lr0 = opt.learningRate();
        this.schedule = Schedule.exponential(cfg.lrFinalFraction());
    }

    /**
     * Per-tensor multipliers of the learning rate (default 1).
     *
     * @param w  for the recurrent weights W
     * @param u  for the input weights U
     * @param i0 for the bias currents I0
     * @param o  for the readout O
     * @return this
     */
    public Trainer lrScales(double w, double u, double i0, double o) {
        lrScales = new double[] {w, u, i0, o};
        return this;
    }

    /** The tensors W (n×n), U (n×nIn), I0 (n), O (nOut×n) as views of the parameter vector and of {@code grad}. */
    private ParamSet params(double[] grad) {
        int n = net.n;
        return ParamSet.builder()
                .view("W", net.w, grad, net.offW, net.offU - net.offW, lrScales[0], n, n)
                .view("U", net.w, grad, net.offU, net.offI0 - net.offU, lrScales[1], n, net.nIn)
                .view("I0", net.w, grad, net.offI0, net.offO - net.offI0, lrScales[2], n)
                .view("O", net.w, grad, net.offO, net.size() - net.offO, lrScales[3], net.nOut, n)
                .build();
    }

    /** Iterations completed (including those restored from a checkpoint). */
    public int iterationsDone() {
        return done;
    }

    /** True if the last {@link #train} resumed from a checkpoint. */
    public boolean resumed() {
        return resumed;
    }

    /** Stops {@link #train} after this many iterations of this call (to simulate a killed run in tests). */
    public Trainer stopAfter(int iterations) {
        stopAfter = iterations;
        return this;
    }

    /** Trains to {@code cfg.iterations()}, resuming from the checkpoint if it exists. */
    public void train() throws IOException {
        double[] grad = new double[net.size()];
        ParamSet ps = params(grad);
        opt.initialise(ps);
        if (cfg.checkpoint() != null && Files.exists(cfg.checkpoint())) {
            load(cfg.checkpoint());
            resumed = true;
            progress.message("resumed from " + cfg.checkpoint() + " at iteration " + done);
        }
        int it0 = done;
        Trial[] batch = new Trial[cfg.batch()];
        loss = Arrays.copyOf(loss, cfg.iterations());
        mse = Arrays.copyOf(mse, cfg.iterations());
        gradNorm = Arrays.copyOf(gradNorm, cfg.iterations());
        spikes = Arrays.copyOf(spikes, cfg.iterations());
        Progress report = Progress.resume(progress, "training", cfg.iterations(), "iterations", done);
        for (int it = done; it < cfg.iterations(); it++) {
            if (it - it0 >= stopAfter) return;
            for (int k = 0; k < batch.length; k++) batch[k] = src.trial((long) it * batch.length + k);
            double l = bg.lossAndGradient(batch, grad, null);
            Divergence.checkLoss("iteration", it, l);
            Divergence.checkGrads(ps, "iteration", it);
            double gn = Clip.byGlobalNorm(ps, cfg.clip());
            opt.learningRate(schedule.rate(lr0, it, cfg.iterations()));
            opt.step();
            Divergence.checkValues(ps, "iteration", it);
            net.sync();
            loss[it] = l;
            mse[it] = bg.lastMse();
            gradNorm[it] = gn;
            spikes[it] = bg.lastSpikes();
            done = it + 1;
            if (cfg.checkpoint() != null && cfg.checkpointEvery() > 0 && (done % cfg.checkpointEvery() == 0 || done == cfg.iterations()))
                save(cfg.checkpoint());
            if (cfg.logEvery() > 0) {
                String status = String.format("loss %.5f, mse %.5f, |g| %.3g, %.1f spikes/trial", l, mse[it], gn, spikes[it] / batch.length);
                if (done == cfg.iterations()) report.end(done, status);
                else report.at(done, status);
            }
        }
    }

    /**
     * Adds the run's own settings (e.g. an experiment's resolved parameters, from
     * {@link Checkpoint#settings}) to the checkpoint's fingerprint; the trainer adds its own
     * (network size, batch, iterations, clip, learning rate and schedule, multipliers, optimiser).
     *
     * @param s settings that must be the same to resume
     * @return this
     */
    public Trainer settings(Map<String, Object> s) {
        runSettings = new LinkedHashMap<>(s);
        return this;
    }

    private Map<String, Object> runSettings = Map.of();

    /** The fingerprint a checkpoint must match. */
    private Map<String, Object> fingerprint() {
        Map<String, Object> m = new LinkedHashMap<>(runSettings);
        m.put("n", (long) net.n);
        m.put("parameters", (long) net.size());
        m.put("batch", (long) cfg.batch());
        m.put("iterations", (long) cfg.iterations());
        m.put("clip", cfg.clip());
        m.put("lr", lr0);
        m.put("lr_final_fraction", cfg.lrFinalFraction());
        m.put("lr_scales", lrScales.clone());
        m.put("optimizer", opt.kind());
        return m;
    }

    static final String CHECKPOINT = "snn4j-exact-qif-checkpoint";

    /**
     * Writes the training state atomically: metadata {settings, iterations done, network} and the
     * tensors W, U, I0, O, the optimiser's state ({@code optimizer.<name>}) and the per-iteration
     * loss, mse, grad_norm and spikes (F64).
     *
     * @param file the checkpoint ({@code *.safetensors})
     * @throws IOException if it cannot be written
     */
    public void save(Path file) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("settings", fingerprint());
        m.put("iterations_done", (long) done);
        m.put("optimizer_steps", opt.steps());
        SafeTensors.Builder t = SafeTensors.builder();
        m.put("network", net.describe(t));
        for (Map.Entry<String, Object> e : opt.state().entrySet()) {
            if (e.getValue() instanceof double[] a) t.f64("optimizer." + e.getKey(), a);
            else t.f32("optimizer." + e.getKey(), (float[]) e.getValue());
        }
        t.f64("loss", Arrays.copyOf(loss, done)).f64("mse", Arrays.copyOf(mse, done)).f64("grad_norm", Arrays.copyOf(gradNorm, done))
                .f64("spikes", Arrays.copyOf(spikes, done));
        ModelFile.write(file, CHECKPOINT, 2, ModelFile.provenance(null), m, t);
    }

    private void load(Path file) {
        ModelFile.Contents c = ModelFile.read(file, CHECKPOINT, 2, "exact-qif training checkpoint");
        Map<String, Object> m = c.meta();
        Checkpoint.check(file, ModelFile.object(m.get("settings"), file, "settings"), fingerprint(), Map.of(), List.of());
        net.restore(c);
        SafeTensors t = c.tensors();
        Map<String, Object> st = new LinkedHashMap<>();
        for (String name : t.tensors().keySet())
            if (name.startsWith("optimizer.")) st.put(name.substring(10), t.tensor(name).dtype() == SafeTensors.DType.F64 ? t.doubles(name) : t.floats(name));
        try {
            opt.loadState(st);
        } catch (IllegalArgumentException e) {
            throw new InputException(file + ": the checkpoint's optimizer state does not fit the network (" + e.getMessage() + ")");
        }
        opt.steps((long) ModelFile.num(m, "optimizer_steps", file));
        done = (int) ModelFile.num(m, "iterations_done", file);
        loss = t.doubles("loss");
        mse = t.doubles("mse");
        gradNorm = t.doubles("grad_norm");
        spikes = t.doubles("spikes");
        if (loss.length != done || mse.length != done || gradNorm.length != done || spikes.length != done)
            throw new InputException(file + ": checkpoint history does not hold " + done + " iterations");
    }
}
