package org.snn4j.train.sg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snn4j.data.Dataset;
import org.snn4j.progress.Progress;
import org.snn4j.progress.ProgressListener;
import org.snn4j.train.optim.Adam;
import org.snn4j.train.optim.Optimizer;
import org.snn4j.train.optim.Schedule;
import org.snn4j.util.InputException;
import org.snn4j.io.Checkpoint;
import org.snn4j.io.ModelFile;
import org.snn4j.io.SafeTensors;
import org.snn4j.util.Rng;

/**
 * Mini-batch training of an {@link SgNet} on an image dataset with rate-coded input: each epoch
 * visits the training set in a fresh random order (stream (seed, epoch)), encodes every image anew
 * (stream (seed, epoch, batch, sample)), runs BPTT over all T steps and an optimiser step per batch
 * (Adam by default, any {@link Optimizer} with {@link #optimizer(Optimizer)}). The learning rate is
 * constant or follows a cosine from lr to 0 over all steps ({@link Schedule}). Deterministic for a
 * seed, whatever the number of threads.
 *
 * <p>Checkpoints ({@link #checkpoint}): every few batches and at the end of each epoch the trainer
 * writes, atomically, the parameters, the optimiser's state and step count, the position (epoch, batch),
 * the running statistics of the epoch and the per-epoch history; {@link #resume} reads it back and
 * the next {@link #trainEpoch} continues from the batch after the checkpoint. Since the batch order,
 * the input coding and the schedule depend only on (seed, epoch, batch), a resumed run ends with
 * the same weights as an uninterrupted one.
 */
public final class SgTrainer {
    /** What one epoch produced. */
    public record EpochResult(int epoch, double trainLoss, double trainAccuracy, double testAccuracy, double trainSeconds,
                              double testSeconds, long trainSamples, long testSamples) {
    }

    final SgNet net;
    private Optimizer opt;
    final Loss loss;
    final int steps, batch;
    final long seed;
    final boolean cosine;
    private final Schedule schedule;
    private final double lr0;
    private long totalSteps = 1, done;
    /** Input coding: the sample's image → spikes (rate coding by default). */
    private Encoding encoding = SgMlp::rateCoded;
    /** Input coding of training batches when it differs from the test coding (data augmentation), else null. */
    private Encoding trainEncoding;
    private Path checkpoint;
    private int checkpointEvery;
    private long stopAfter = Long.MAX_VALUE;
    /** Position to resume at: epoch, next batch, and that epoch's running sums. */
    private int posEpoch = 1, posBatch;
    private double posLoss;
    private long posCorrect, posSeen;
    /** Per-epoch records kept in the checkpoint (e.g. epoch, loss, train and test accuracy). */
    private final List<double[]> history = new ArrayList<>();

    /** Makes the input filler for images order[first ..] (or first .. when order is null) with the random stream (seed, stream). */
    @FunctionalInterface
    public interface Encoding {
        SgNet.InputFiller filler(Dataset data, int[] order, int first, long seed, long stream);
    }

    private int microBatches = 1;
    /** The engine of the batches when not the CPU network itself (null: the CPU). */
    private SgDevice device;
    private float[][] partGrads;
    private int[] partPred, partLabels, batchPred;

    public SgTrainer(SgNet net, Loss loss, int steps, int batch, double lr, double weightDecay, boolean cosine, long seed) {
        this.net = net;
        this.loss = loss;
        this.steps = steps;
        this.batch = batch;
        this.seed = seed;
        this.cosine = cosine;
        this.lr0 = lr;
        this.schedule = cosine ? Schedule.cosine() : Schedule.constant();
        optimizer(new Adam(lr).weightDecay(weightDecay));
    }

    /**
     * Replaces the optimiser (default: Adam at the given learning rate and L2 weight decay); it is
     * initialised over the network's parameters. Call before training.
     *
     * @param o the optimiser; its learning rate is the schedule's base rate
     * @return this
     */
    public SgTrainer optimizer(Optimizer o) {
        o.initialise(net.paramSet());
        o.learningRate(lr0);
        opt = o;
        return this;
    }

    /**
     * Computes each mini-batch as {@code parts} micro-batches ({@link MicroBatch}): the gradient of
     * each part, weighted by its share, summed in part order. What data-parallel training on P
     * workers does (snn4j-spark's {@code DataParallelSg} gives these same bits); 1 (the default) is
     * the whole batch at once.
     *
     * @param parts micro-batches per mini-batch (≥ 1; a smaller last batch gets at most one part per sample)
     * @return this
     */
    public SgTrainer microBatches(int parts) {
        if (parts < 1) throw new IllegalArgumentException("micro-batches must be >= 1: " + parts);
        if (parts > 1 && device != null) throw new InputException("micro-batches run on the CPU only (device=" + device.description() + ")");
        microBatches = parts;
        return this;
    }

    /**
     * Runs the forward and backward passes and the optimiser step of every batch on {@code d} (e.g. a
     * GPU, {@link SgDevice#open}) instead of the CPU network: the parameters and the optimiser's state
     * (set up by then: initial weights, a resumed checkpoint) are uploaded now; the trainer downloads
     * them at each checkpoint and at the end of each epoch, so the network holds the trained weights
     * after {@link #trainEpoch}. The input coding stays on the CPU (the same spikes as a CPU run).
     * Null: back to the CPU (after a download).
     *
     * @param d the device, or null
     * @return this
     */
    public SgTrainer device(SgDevice d) {
        if (d != null && microBatches > 1) throw new InputException("micro-batches run on the CPU only (device=" + d.description() + ")");
        if (device != null && d == null) device.download(net, opt);
        device = d;
        if (d != null) d.upload(net, opt);
        return this;
    }

    /** The device that computes the batches, or null for the CPU. */
    public SgDevice device() {
        return device;
    }

    /** Sets the input coding (default: rate coding). */
    public SgTrainer encoding(Encoding e) {
        encoding = e;
        return this;
    }

    public Encoding encoding() {
        return encoding;
    }

    /** Sets a different input coding for training batches only (e.g. {@link SgMlp#rateCodedShifted}); null: the same as the test coding. */
    public SgTrainer trainEncoding(Encoding e) {
        trainEncoding = e;
        return this;
    }

    /** Writes a checkpoint to {@code file} every {@code everyBatches} batches (0: only at the end of each epoch). */
    public SgTrainer checkpoint(Path file, int everyBatches) {
        checkpoint = file;
        checkpointEvery = everyBatches;
        return this;
    }

    /** Stops training after this many optimiser steps in total (tests: a simulated kill). */
    SgTrainer stopAfter(long steps) {
        stopAfter = steps;
        return this;
    }

    /** The per-epoch records (restored by {@link #resume}); add one with {@link #record}. */
    public List<double[]> history() {
        return history;
    }

    /** Adds a per-epoch record and rewrites the checkpoint with it. */
    public void record(double[] epochRecord) {
        history.add(epochRecord.clone());
        if (checkpoint != null) save();
    }

    /** Epochs completed (from a checkpoint, or by this trainer). */
    public int epochsDone() {
        return posEpoch - 1;
    }

    /** Optimiser steps done. */
    public long stepsDone() {
        return done;
    }

    /**
     * Adds the run's own settings (e.g. an experiment's resolved parameters, from
     * {@link org.snn4j.io.Checkpoint#settings}) to the checkpoint's fingerprint; the trainer adds its own
     * (batch, T, seed, learning rate, loss, schedule, planned steps, optimiser).
     *
     * @param s settings that must be the same to resume
     * @return this
     */
    public SgTrainer settings(Map<String, Object> s) {
        runSettings = new LinkedHashMap<>(s);
        return this;
    }

    private Map<String, Object> runSettings = Map.of();

    /** The fingerprint a checkpoint must match ({@link org.snn4j.io.Checkpoint}). */
    private Map<String, Object> fingerprint() {
        Map<String, Object> m = new LinkedHashMap<>(runSettings);
        m.put("batch", (long) batch);
        m.put("steps", (long) steps);
        m.put("seed", seed);
        m.put("lr", lr0);
        m.put("loss", loss.name().toLowerCase());
        m.put("lr_schedule", cosine ? "cosine" : "none");
        m.put("planned_steps", totalSteps);
        m.put("optimizer", opt.kind());
        return m;
    }

    /**
     * Resumes from the checkpoint file if it exists: returns false when there is none. A checkpoint
     * of other settings ({@link #settings} and the trainer's own) or another network is an
     * {@link InputException} naming what changed (one line).
     *
     * @return whether it resumed
     */
    public boolean resume() {
        if (checkpoint == null || !Files.exists(checkpoint)) return false;
        ModelFile.Contents c = ModelFile.read(checkpoint, CHECKPOINT, 2, "sg training checkpoint");
        Map<String, Object> m = c.meta();
        Path f = checkpoint;
        Checkpoint.check(f, ModelFile.object(m.get("settings"), f, "settings"), fingerprint(), Map.of(), List.of("epochs (constant learning rate only)"));
        SgModel.restore(net, ModelFile.object(m.get("model"), f, "model"), c);
        SafeTensors t = c.tensors();
        Map<String, Object> st = new LinkedHashMap<>();
        for (String name : t.tensors().keySet())
            if (name.startsWith("optimizer.")) st.put(name.substring(10), t.tensor(name).dtype() == SafeTensors.DType.F64 ? t.doubles(name) : t.floats(name));
        try {
            opt.loadState(st);
        } catch (IllegalArgumentException e) {
            throw new InputException(f + ": the checkpoint's optimizer state does not fit the network (" + e.getMessage() + ")");
        }
        opt.steps((long) ModelFile.num(m, "optimizer_steps", f));
        done = (long) ModelFile.num(m, "steps_done", f);
        posEpoch = (int) ModelFile.num(m, "epoch", f);
        posBatch = (int) ModelFile.num(m, "next_batch", f);
        posLoss = ModelFile.num(m, "epoch_loss_sum", f);
        posCorrect = (long) ModelFile.num(m, "epoch_correct", f);
        posSeen = (long) ModelFile.num(m, "epoch_seen", f);
        history.clear();
        double[] h = t.doubles("history");
        int width = (int) ModelFile.num(m, "history_width", f);
        for (int k = 0; width > 0 && k + width <= h.length; k += width) history.add(java.util.Arrays.copyOfRange(h, k, k + width));
        net.checkParams();
        if (device != null) device.upload(net, opt);
        return true;
    }

    static final String CHECKPOINT = "snn4j-sg-checkpoint";

    /**
     * Writes the checkpoint: metadata {settings, position, counters, model description} and the
     * tensors of the model, the optimiser's state ({@code optimizer.<name>}) and the per-epoch history
     * (F64 [epochs, width]).
     */
    private void save() {
        if (device != null) device.download(net, opt);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("settings", fingerprint());
        m.put("steps_done", done);
        m.put("epoch", (long) posEpoch);
        m.put("next_batch", (long) posBatch);
        m.put("epoch_loss_sum", posLoss);
        m.put("epoch_correct", posCorrect);
        m.put("epoch_seen", posSeen);
        m.put("optimizer_steps", opt.steps());
        SafeTensors.Builder t = SafeTensors.builder();
        m.put("model", SgModel.describe(net, t));
        for (Map.Entry<String, Object> e : opt.state().entrySet()) {
            if (e.getValue() instanceof float[] a) t.f32("optimizer." + e.getKey(), a);
            else t.f64("optimizer." + e.getKey(), (double[]) e.getValue());
        }
        int width = history.isEmpty() ? 0 : history.get(0).length;
        double[] h = new double[history.size() * width];
        for (int k = 0; k < history.size(); k++) System.arraycopy(history.get(k), 0, h, k * width, width);
        m.put("history_width", (long) width);
        t.f64("history", h, history.size(), width);
        try {
            ModelFile.write(checkpoint, CHECKPOINT, 2, ModelFile.provenance(null), m, t);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + checkpoint, e);
        }
    }

    /**
     * Trains for {@code epochs} epochs and returns the trained network as an immutable
     * {@link SgModel} (Tribuo's "a trainer turns data into a model"): a copy of the parameters, the
     * inference recipe (steps, encoder, decoder, batch, seed) and typed provenance with this
     * trainer's settings, the dataset and the final training metrics. With a {@link #checkpoint}
     * set, an existing checkpoint is resumed first and each epoch is recorded in it.
     *
     * @param train    the training set
     * @param epochs   epochs in all (those done before a resume included)
     * @param encoder  the input coding's name as {@link SgModel#encoder} knows it ("rate", ...): the
     *                 trainer uses it for training and the model records it
     * @param progress progress per epoch (null: none)
     * @return the model
     */
    public SgModel fit(Dataset train, int epochs, String encoder, ProgressListener progress) {
        if (epochs < 1) throw new InputException("epochs must be at least 1: " + epochs);
        encoding(SgModel.encoder(encoder));
        plan((long) epochs * ((train.size() + batch - 1) / batch));
        resume();
        double[] last = null;
        for (int e = epochsDone() + 1; e <= epochs; e++) {
            last = trainEpoch(train, e, progress);
            if (last == null) break;   // stopped early (tests)
            record(new double[] {e, last[0], last[1]});
        }
        Map<String, Object> config = new LinkedHashMap<>(fingerprint());
        config.put("encoder", encoder);
        config.put("epochs", (long) epochs);
        Map<String, Object> metrics = new LinkedHashMap<>();
        if (!history.isEmpty()) {
            double[] h = history.get(history.size() - 1);
            metrics.put("train_loss", h[1]);
            metrics.put("train_accuracy", h[2]);
        }
        return SgModel.of(net, new SgModel.Recipe(steps, encoder, loss.name().toLowerCase(), batch, seed),
                org.snn4j.io.ModelProvenance.of("sg", config, seed, train.name(), Map.of(), metrics));
    }

    /** Total optimiser steps planned (for the cosine schedule). */
    public void plan(long steps) {
        totalSteps = Math.max(1, steps);
    }

    /**
     * One epoch over {@code train}; returns (mean loss, accuracy, seconds).
     *
     * @param train    the training set
     * @param epoch    the epoch (1-based; with the seed it fixes the order and the coding)
     * @param progress receives "epoch N" progress in samples after every batch, with the running
     *                 loss and accuracy as status (null: none)
     * @return {mean loss, accuracy, seconds}, or null when stopped early (tests)
     */
    public double[] trainEpoch(Dataset train, int epoch, ProgressListener progress) {
        int n = train.size();
        int[] order = Dataset.permutation(n, Rng.stream(seed, 0x5EED, epoch));
        int batches = (n + batch - 1) / batch;
        int[] labels = new int[batch];
        double lossSum = 0;
        long correct = 0, seen = 0;
        long t0 = System.nanoTime();
        int first = 0;
        if (epoch == posEpoch && posBatch > 0) {   // resuming inside this epoch
            first = posBatch;
            lossSum = posLoss;
            correct = posCorrect;
            seen = posSeen;
        }
        Progress report = Progress.resume(progress, "epoch " + epoch, n, "samples", seen);
        for (int i = first; i < batches; i++) {
            if (done >= stopAfter) return null;
            int bs = Math.min(batch, n - i * batch);
            net.prepare(steps, bs);
            for (int b = 0; b < bs; b++) labels[b] = train.label(order[i * batch + b]);
            opt.learningRate(schedule.rate(lr0, done, totalSteps));
            Encoding enc = trainEncoding != null ? trainEncoding : encoding;
            long stream = ((long) epoch << 32) | i;
            double l;
            int[] pr;
            if (device != null) {
                if (batchPred == null || batchPred.length < batch) batchPred = new int[batch];
                l = device.train(net.fill(enc.filler(train, order, i * batch, seed, stream)), labels, opt.learningRate(), batchPred);
                pr = batchPred;
            } else if (microBatches == 1) {
                l = net.gradients(enc.filler(train, order, i * batch, seed, stream), labels, loss);
                pr = net.predictions();
            } else {
                l = microBatchGradients(enc, train, order, i * batch, bs, stream);
                pr = batchPred;
            }
            if (device == null) net.update(opt);
            done++;
            lossSum += l * bs;
            for (int b = 0; b < bs; b++) if (pr[b] == labels[b]) correct++;
            seen += bs;
            posEpoch = epoch;
            posBatch = i + 1 == batches ? 0 : i + 1;
            if (posBatch == 0) posEpoch = epoch + 1;
            posLoss = lossSum;
            posCorrect = correct;
            posSeen = seen;
            if (checkpoint != null && (i + 1 == batches || checkpointEvery > 0 && (i + 1) % checkpointEvery == 0)) save();
            if (progress != null) {
                String status = String.format("loss %.4f, train accuracy %.4f", lossSum / seen, correct / (double) seen);
                if (i + 1 == batches) report.end(seen, status);
                else report.at(seen, status);
            }
        }
        if (device != null && checkpoint == null) device.download(net, opt);   // (a checkpoint downloaded them already)
        return new double[] {lossSum / seen, correct / (double) seen, (System.nanoTime() - t0) * 1e-9};
    }

    /** One mini-batch as micro-batches: the parts' weighted gradients summed in part order into the network; returns the mean loss. */
    private double microBatchGradients(Encoding enc, Dataset train, int[] order, int first, int bs, long stream) {
        int parts = Math.min(microBatches, bs);
        int size = MicroBatch.size(net);
        if (partGrads == null || partGrads.length != parts || partGrads[0].length != size) partGrads = new float[parts][size];
        if (partPred == null) {
            partPred = new int[batch];
            partLabels = new int[batch];
            batchPred = new int[batch];
        }
        int[] b = MicroBatch.bounds(bs, parts);
        double sum = 0;
        for (int p = 0; p < parts; p++) {
            sum += MicroBatch.gradient(net, enc, train, order, first, bs, p, parts, steps, loss, seed, stream, partGrads[p], partPred, partLabels);
            System.arraycopy(partPred, 0, batchPred, b[p], b[p + 1] - b[p]);
        }
        MicroBatch.sumInto(net, partGrads);
        return sum / bs;
    }

    /** The input-coding stream of batch {@code i} of evaluation pass {@code evalIndex} (also {@link SgModel#evaluate}'s, pass 0). */
    static long evalStream(long evalIndex, int i) {
        return -1 - evalIndex * 100_000 - i;
    }

    /**
     * Test accuracy and seconds: forward passes only, fresh input coding from streams
     * {@link #evalStream}(evalIndex, batch).
     *
     * @param test      the test set
     * @param evalIndex which evaluation pass (0, 1, ...; each draws its own coding)
     * @return {accuracy, seconds}
     */
    public double[] evaluate(Dataset test, long evalIndex) {
        int n = test.size();
        int[] labels = new int[batch];
        long correct = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i * batch < n; i++) {
            int bs = Math.min(batch, n - i * batch);
            net.prepare(steps, bs);
            for (int b = 0; b < bs; b++) labels[b] = test.label(i * batch + b);
            int[] pr;
            if (device != null) {
                if (batchPred == null || batchPred.length < batch) batchPred = new int[batch];
                device.infer(net.fill(encoding.filler(test, null, i * batch, seed, evalStream(evalIndex, i))), labels, batchPred);
                pr = batchPred;
            } else {
                net.infer(encoding.filler(test, null, i * batch, seed, evalStream(evalIndex, i)), labels, loss);
                pr = net.predictions();
            }
            for (int b = 0; b < bs; b++) if (pr[b] == labels[b]) correct++;
        }
        return new double[] {correct / (double) n, (System.nanoTime() - t0) * 1e-9};
    }

    /** @return the optimiser */
    public Optimizer optimizer() {
        return opt;
    }
}
