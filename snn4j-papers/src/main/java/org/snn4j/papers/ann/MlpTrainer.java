package org.snn4j.papers.ann;

import org.snn4j.data.Dataset;
import org.snn4j.util.InputException;
import org.snn4j.util.Rng;

/**
 * Mini-batch SGD for {@link Mlp}: each epoch visits the training set in a fresh random order (drawn
 * from the seed and the epoch number), in batches of {@code batch} samples, with learning rate
 * {@code lr}. Deterministic for a seed. Divergence (a non-finite loss or weight) stops training with
 * an {@link InputException} naming the epoch, the batch, the layer and the value.
 */
public final class MlpTrainer {
    /** Called after each epoch with the epoch (1-based), mean training loss and test accuracy. */
    public interface Listener {
        void epoch(int epoch, double trainLoss, double testAccuracy);
    }

    private final int batch;
    private final double lr;
    private final long seed;
    private int augmentShift;

    public MlpTrainer(int batch, double lr, long seed) {
        if (batch <= 0) throw new IllegalArgumentException("batch must be positive: " + batch);
        if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("learning rate must be positive: " + lr);
        this.batch = batch;
        this.lr = lr;
        this.seed = seed;
    }

    /**
     * Training-time augmentation: each training image is translated by (dx, dy), each uniform in
     * [−maxShift, maxShift] (see {@link Dataset#imageShifted}), drawn from the epoch's own stream.
     */
    public MlpTrainer withAugmentShift(int maxShift) {
        if (maxShift < 0) throw new IllegalArgumentException("shift must be >= 0: " + maxShift);
        this.augmentShift = maxShift;
        return this;
    }

    /** One epoch; returns the mean training loss. */
    public double epoch(Mlp net, Dataset train, Mlp.Feedback fb, int epoch) {
        int[] order = Dataset.permutation(train.size(), Rng.stream(seed, 0x5A17, epoch));
        double[] x = new double[train.dim()];
        float[] shifted = augmentShift > 0 ? new float[train.dim()] : null;
        Rng shiftRng = Rng.stream(seed, 0x5A17, epoch, 0x5F);
        int span = 2 * augmentShift + 1;
        double total = 0;
        for (int start = 0, bi = 0; start < order.length; start += batch, bi++) {
            int end = Math.min(order.length, start + batch);
            net.zeroGrad();
            double bl = 0;
            for (int k = start; k < end; k++) {
                if (shifted == null) train.image(order[k], x);
                else {
                    train.imageShifted(order[k], shiftRng.nextInt(span) - augmentShift, shiftRng.nextInt(span) - augmentShift, shifted);
                    for (int i = 0; i < x.length; i++) x[i] = shifted[i];
                }
                bl += net.accumulate(x, train.label(order[k]), fb);
            }
            if (!Double.isFinite(bl))
                throw new InputException("MLP (" + fb + ") training diverged in epoch " + epoch + ", batch " + bi + ": loss = " + bl
                        + " (lower the learning rate)");
            net.apply(lr, end - start);
            total += bl;
        }
        String bad = net.firstNonFinite();
        if (bad != null) throw new InputException("MLP (" + fb + ") training diverged in epoch " + epoch + ": " + bad);
        return total / train.size();
    }

    /** Trains for {@code epochs} epochs, reporting the test accuracy after each; returns the final test accuracy. */
    public double train(Mlp net, Dataset train, Dataset test, Mlp.Feedback fb, int epochs, Listener listener) {
        double acc = 0;
        for (int e = 1; e <= epochs; e++) {
            double loss = epoch(net, train, fb, e);
            acc = net.accuracy(test);
            if (listener != null) listener.epoch(e, loss, acc);
        }
        return acc;
    }
}
