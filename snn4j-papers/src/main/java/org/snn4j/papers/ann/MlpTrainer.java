package org.snn4j.papers.ann;

import org.snn4j.data.Dataset;
import org.snn4j.progress.Progress;
import org.snn4j.progress.ProgressListener;
import org.snn4j.train.optim.Adam;
import org.snn4j.train.optim.Divergence;
import org.snn4j.train.optim.Optimizer;
import org.snn4j.train.optim.Sgd;
import org.snn4j.util.DivergenceException;
import org.snn4j.util.Rng;

/**
 * Mini-batch SGD for {@link Mlp}: each epoch visits the training set in a fresh random order (drawn
 * from the seed and the epoch number), in batches of {@code batch} samples, with learning rate
 * {@code lr}. Deterministic for a seed. Divergence (a non-finite loss or weight) stops training with
 * a {@link DivergenceException} naming the epoch, the batch, the layer and the value.
 *
 * <p>The optimiser is plain SGD on the batch mean (the default) or Adam ({@link #withAdam}, whose
 * moments persist across the epochs of one network); {@link #withLrDecay} multiplies the rate by a
 * factor after each epoch (epoch e trains at lr · decay^(e−1)).
 */
public final class MlpTrainer {
    private final int batch;
    private final double lr;
    private final long seed;
    private int augmentShift;
    private boolean adam;
    private double lrDecay = 1;
    /** Adam's state and the network it belongs to (a new network starts from zero moments). */
    private Optimizer adamOpt;
    private Mlp adamNet;

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

    /** Adam (β 0.9 / 0.999, ε 1e-8) instead of SGD, at the same {@code lr}; its moments carry across epochs. */
    public MlpTrainer withAdam() {
        adam = true;
        return this;
    }

    /** Multiplies the learning rate by {@code decay} (in (0, 1]) after each epoch. */
    public MlpTrainer withLrDecay(double decay) {
        if (!(decay > 0 && decay <= 1)) throw new IllegalArgumentException("learning-rate decay must be in (0, 1]: " + decay);
        lrDecay = decay;
        return this;
    }

    /** One epoch; returns the mean training loss. */
    public double epoch(Mlp net, Dataset train, Mlp.Feedback fb, int epoch) {
        int[] order = Dataset.permutation(train.size(), Rng.stream(seed, 0x5A17, epoch));
        double[] x = new double[train.dim()];
        float[] shifted = augmentShift > 0 ? new float[train.dim()] : null;
        Rng shiftRng = Rng.stream(seed, 0x5A17, epoch, 0x5F);
        int span = 2 * augmentShift + 1;
        double lrE = lr * Math.pow(lrDecay, epoch - 1);
        Optimizer opt;
        if (adam) {
            if (adamNet != net) {
                adamOpt = new Adam(lrE);
                adamOpt.initialise(net.params());
                adamNet = net;
            }
            opt = adamOpt;
            opt.learningRate(lrE);   // Adam's step does not depend on the gradient's scale: sums over the batch are fine
        } else {
            opt = new Sgd(lrE, 0);   // stateless, so one per epoch is the same as one per run
            opt.initialise(net.params());
        }
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
                throw new DivergenceException(bi, "loss", "MLP (" + fb + ") training diverged in epoch " + epoch + ", batch " + bi + ": loss = " + bl
                        + " (lower the learning rate)");
            // the gradients are sums over the batch: plain SGD at lr / batch size gives the mean's step
            if (!adam) opt.learningRate(lrE / (end - start));
            opt.step();
            total += bl;
        }
        Divergence.checkValues(net.params(), "MLP (" + fb + ") training diverged in epoch", epoch);
        return total / train.size();
    }

    /**
     * Trains for {@code epochs} epochs, measuring the test accuracy after each.
     *
     * @param net      the network
     * @param train    training set
     * @param test     test set
     * @param fb       how hidden layers get their error
     * @param epochs   number of epochs
     * @param progress receives "{fb} MLP" progress in epochs, with loss and test accuracy (null: none)
     * @return the test accuracy after each epoch (the last is the final one)
     */
    public double[] train(Mlp net, Dataset train, Dataset test, Mlp.Feedback fb, int epochs, ProgressListener progress) {
        double[] acc = new double[epochs];
        Progress report = Progress.start(progress, fb + " MLP", epochs, "epochs");
        for (int e = 1; e <= epochs; e++) {
            double loss = epoch(net, train, fb, e);
            acc[e - 1] = net.accuracy(test);
            String status = String.format("train loss %.4f, test accuracy %.4f", loss, acc[e - 1]);
            if (e == epochs) report.end(e, status);
            else report.at(e, status);
        }
        return acc;
    }
}
