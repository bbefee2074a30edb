package org.snn4j.train.exact;

/**
 * One trial of a supervised task for {@link ExactGradient}: {@code steps} time steps of input
 * {@code x[k * nIn + d]}, target {@code y[k * nOut + o]} and non-negative loss weight (mask)
 * {@code mask[k * nOut + o]} for the readout after step k. The loss of the trial is the masked mean
 * squared error Σ m (o − y)² / Σ m (plus the network's activity cost), so windows where the mask
 * is 0 do not count.
 *
 * @param label an integer class of the trial for scoring (or 0 if not used)
 */
public record Trial(int steps, double[] x, double[] y, double[] mask, int label) {
    public Trial {
        if (steps <= 0) throw new IllegalArgumentException("a trial needs at least one step: " + steps);
        if (y.length != mask.length) throw new IllegalArgumentException("target and mask lengths differ: " + y.length + " vs " + mask.length);
        if (x.length % steps != 0 || y.length % steps != 0)
            throw new IllegalArgumentException("input/target lengths " + x.length + "/" + y.length + " are not multiples of steps " + steps);
    }
}
