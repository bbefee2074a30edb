package org.snn4j.learn.sg;

import java.util.function.Consumer;
import org.snn4j.data.Dataset;
import org.snn4j.util.Rng;

/**
 * Mini-batch training of an {@link SgNet} on an image dataset with rate-coded input: each epoch
 * visits the training set in a fresh random order (stream (seed, epoch)), encodes every image anew
 * (stream (seed, epoch, batch, sample)), runs BPTT over all T steps and an Adam step per batch.
 * The learning rate is constant or follows a cosine from lr to 0 over all steps. Deterministic for a
 * seed, whatever the number of threads.
 */
public final class SgTrainer {
    /** What one epoch produced. */
    public record EpochResult(int epoch, double trainLoss, double trainAccuracy, double testAccuracy, double trainSeconds,
                              double testSeconds, long trainSamples, long testSamples) {
    }

    /** A progress report every few batches. */
    public record Progress(int epoch, int batch, int batches, double loss, double accuracy, double samplesPerSecond) {
    }

    final SgNet net;
    final Adam adam;
    final Loss loss;
    final int steps, batch;
    final long seed;
    final boolean cosine;
    private final double lr0;
    private long totalSteps = 1, done;

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
        for (int i = 0; i < batches; i++) {
            int bs = Math.min(batch, n - i * batch);
            net.prepare(steps, bs);
            for (int b = 0; b < bs; b++) labels[b] = train.label(order[i * batch + b]);
            if (cosine) adam.learningRate(lr0 * 0.5 * (1 + Math.cos(Math.PI * done / totalSteps)));
            double l = net.gradients(SgMlp.rateCoded(train, order, i * batch, seed, ((long) epoch << 32) | i), labels,
                    loss);
            net.update(adam);
            done++;
            lossSum += l * bs;
            int[] pr = net.predictions();
            for (int b = 0; b < bs; b++) if (pr[b] == labels[b]) correct++;
            seen += bs;
            if (progress != null && ((i + 1) % every == 0 || i + 1 == batches)) {
                long now = System.nanoTime();
                progress.accept(new Progress(epoch, i + 1, batches, lossSum / seen, correct / (double) seen,
                        seen / ((now - t0) * 1e-9)));
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
            net.infer(SgMlp.rateCoded(test, null, i * batch, seed, -1 - evalIndex * 100_000 - i), labels, loss);
            int[] pr = net.predictions();
            for (int b = 0; b < bs; b++) if (pr[b] == labels[b]) correct++;
        }
        return new double[] {correct / (double) n, (System.nanoTime() - t0) * 1e-9};
    }

    public Adam optimizer() {
        return adam;
    }
}
