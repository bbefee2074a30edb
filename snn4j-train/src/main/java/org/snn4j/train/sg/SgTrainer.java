package org.snn4j.train.sg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.snn4j.data.Dataset;
import org.snn4j.util.InputException;
import org.snn4j.util.ModelFile;
import org.snn4j.util.Rng;

/**
 * Mini-batch training of an {@link SgNet} on an image dataset with rate-coded input: each epoch
 * visits the training set in a fresh random order (stream (seed, epoch)), encodes every image anew
 * (stream (seed, epoch, batch, sample)), runs BPTT over all T steps and an Adam step per batch.
 * The learning rate is constant or follows a cosine from lr to 0 over all steps. Deterministic for a
 * seed, whatever the number of threads.
 *
 * <p>Checkpoints ({@link #checkpoint}): every few batches and at the end of each epoch the trainer
 * writes, atomically, the parameters, Adam's moments and step count, the position (epoch, batch),
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

    /** A progress report every few batches ({@code samples}: seen so far in this epoch). */
    public record Progress(int epoch, int batch, int batches, double loss, double accuracy, double samplesPerSecond, long samples) {
    }

    final SgNet net;
    final Adam adam;
    final Loss loss;
    final int steps, batch;
    final long seed;
    final boolean cosine;
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

    public SgTrainer(SgNet net, Loss loss, int steps, int batch, double lr, double weightDecay, boolean cosine, long seed) {
        this.net = net;
        this.loss = loss;
        this.steps = steps;
        this.batch = batch;
        this.seed = seed;
        this.cosine = cosine;
        this.lr0 = lr;
        this.adam = new Adam(net.params(), net.paramGrads(), lr, weightDecay);
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
     * Resumes from the checkpoint file if it exists: returns false when there is none. A file of a
     * different network or batch size is an {@link InputException} (one line).
     */
    public boolean resume() {
        if (checkpoint == null || !Files.exists(checkpoint)) return false;
        Map<String, Object> m = ModelFile.read(checkpoint, CHECKPOINT, 1, "sg training checkpoint");
        Path f = checkpoint;
        if ((long) ModelFile.num(m, "batch", f) != batch || (long) ModelFile.num(m, "steps", f) != steps
                || (long) ModelFile.num(m, "seed", f) != seed)
            throw new InputException(f + ": checkpoint of a run with another batch size, T or seed; delete it or change --out");
        if (ModelFile.num(m, "lr", f) != lr0 || !loss.name().equals(ModelFile.str(m, "loss", f))
                || Boolean.TRUE.equals(m.get("cosine")) != cosine || (long) ModelFile.num(m, "planned_steps", f) != totalSteps)
            throw new InputException(f + ": checkpoint of a run with another learning rate, loss or schedule (epochs); delete it or change --out");
        SgModel.restore(net, ModelFile.object(m.get("model"), f, "model"), f);
        float[][] m1 = adam.firstMoments(), m2 = adam.secondMoments();
        for (int p = 0; p < m1.length; p++) {
            ModelFile.floats(m.get("adam_m_" + p), m1[p], f, "adam_m_" + p);
            ModelFile.floats(m.get("adam_v_" + p), m2[p], f, "adam_v_" + p);
        }
        if (m.get("adam_m_" + m1.length) != null) throw new InputException(f + ": checkpoint has more tensors than the network");
        adam.steps((long) ModelFile.num(m, "adam_steps", f));
        done = (long) ModelFile.num(m, "steps_done", f);
        posEpoch = (int) ModelFile.num(m, "epoch", f);
        posBatch = (int) ModelFile.num(m, "next_batch", f);
        posLoss = ModelFile.num(m, "epoch_loss_sum", f);
        posCorrect = (long) ModelFile.num(m, "epoch_correct", f);
        posSeen = (long) ModelFile.num(m, "epoch_seen", f);
        history.clear();
        for (Object o : ModelFile.list(m, "history", f)) {
            List<?> l = (List<?>) o;
            double[] r = new double[l.size()];
            for (int k = 0; k < r.length; k++) r[k] = ((Number) l.get(k)).doubleValue();
            history.add(r);
        }
        net.checkParams();
        return true;
    }

    static final String CHECKPOINT = "snn4j-sg-checkpoint";

    private void save() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("batch", (long) batch);
        m.put("steps", (long) steps);
        m.put("seed", seed);
        m.put("lr", lr0);
        m.put("loss", loss.name());
        m.put("cosine", cosine);
        m.put("planned_steps", totalSteps);
        m.put("steps_done", done);
        m.put("epoch", (long) posEpoch);
        m.put("next_batch", (long) posBatch);
        m.put("epoch_loss_sum", posLoss);
        m.put("epoch_correct", posCorrect);
        m.put("epoch_seen", posSeen);
        List<Object> h = new ArrayList<>();
        for (double[] r : history) h.add(r);
        m.put("history", h);
        m.put("adam_steps", adam.steps());
        float[][] m1 = adam.firstMoments(), m2 = adam.secondMoments();
        for (int p = 0; p < m1.length; p++) {
            m.put("adam_m_" + p, ModelFile.floats(m1[p]));
            m.put("adam_v_" + p, ModelFile.floats(m2[p]));
        }
        m.put("model", SgModel.describe(net));
        try {
            ModelFile.write(checkpoint, CHECKPOINT, 1, Map.of("seed", seed), m);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + checkpoint, e);
        }
    }

    /** Total optimiser steps planned (for the cosine schedule). */
    public void plan(long steps) {
        totalSteps = Math.max(1, steps);
    }

    /** One epoch over {@code train}; returns (mean loss, accuracy, seconds). */
    public double[] trainEpoch(Dataset train, int epoch, Consumer<Progress> progress) {
        int n = train.size();
        int[] order = Dataset.permutation(n, Rng.stream(seed, 0x5EED, epoch));
        int batches = (n + batch - 1) / batch;
        int[] labels = new int[batch];
        double lossSum = 0;
        long correct = 0, seen = 0;
        long t0 = System.nanoTime(), tLast = t0;
        int every = Math.max(1, batches / 20);
        int first = 0;
        if (epoch == posEpoch && posBatch > 0) {   // resuming inside this epoch
            first = posBatch;
            lossSum = posLoss;
            correct = posCorrect;
            seen = posSeen;
        }
        final long seen0 = seen;
        for (int i = first; i < batches; i++) {
            if (done >= stopAfter) return null;
            int bs = Math.min(batch, n - i * batch);
            net.prepare(steps, bs);
            for (int b = 0; b < bs; b++) labels[b] = train.label(order[i * batch + b]);
            if (cosine) adam.learningRate(lr0 * 0.5 * (1 + Math.cos(Math.PI * done / totalSteps)));
            double l = net.gradients((trainEncoding != null ? trainEncoding : encoding).filler(train, order, i * batch, seed, ((long) epoch << 32) | i), labels, loss);
            net.update(adam);
            done++;
            lossSum += l * bs;
            int[] pr = net.predictions();
            for (int b = 0; b < bs; b++) if (pr[b] == labels[b]) correct++;
            seen += bs;
            posEpoch = epoch;
            posBatch = i + 1 == batches ? 0 : i + 1;
            if (posBatch == 0) posEpoch = epoch + 1;
            posLoss = lossSum;
            posCorrect = correct;
            posSeen = seen;
            if (checkpoint != null && (i + 1 == batches || checkpointEvery > 0 && (i + 1) % checkpointEvery == 0)) save();
            if (progress != null && ((i + 1) % every == 0 || i + 1 == batches)) {
                long now = System.nanoTime();
                progress.accept(new Progress(epoch, i + 1, batches, lossSum / seen, correct / (double) seen,
                        (seen - seen0) / ((now - t0) * 1e-9), seen));
                tLast = now;
            }
        }
        return new double[] {lossSum / seen, correct / (double) seen, (System.nanoTime() - t0) * 1e-9};
    }

    /** Test accuracy and seconds: forward passes only, fresh rate coding from stream (seed, −1 − evalIndex). */
    public double[] evaluate(Dataset test, long evalIndex) {
        int n = test.size();
        int[] labels = new int[batch];
        long correct = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i * batch < n; i++) {
            int bs = Math.min(batch, n - i * batch);
            net.prepare(steps, bs);
            for (int b = 0; b < bs; b++) labels[b] = test.label(i * batch + b);
            net.infer(encoding.filler(test, null, i * batch, seed, -1 - evalIndex * 100_000 - i), labels, loss);
            int[] pr = net.predictions();
            for (int b = 0; b < bs; b++) if (pr[b] == labels[b]) correct++;
        }
        return new double[] {correct / (double) n, (System.nanoTime() - t0) * 1e-9};
    }

    public Adam optimizer() {
        return adam;
    }
}
