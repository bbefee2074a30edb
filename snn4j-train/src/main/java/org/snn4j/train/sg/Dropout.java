package org.snn4j.train.sg;

import org.snn4j.util.Rng;

/**
 * Dropout at every time step (PyTorch's {@code nn.Dropout} applied per step, as in snnTorch): during
 * training each unit of each step is kept with probability 1 − p and scaled by 1/(1 − p), else set to 0;
 * during inference the layer passes its input through. The mask of sample b comes from the stream
 * (seed, training step, b), drawn for every (step, unit) in order, so it is the same whatever the thread
 * split, and the backward pass draws it again instead of storing it. The output is dense (spikes become
 * 0 or 1/(1 − p)).
 */
public final class Dropout extends Layer {
    public final double p;
    private final long seed;

    public Dropout(int n, double p, long seed) {
        super(n, n);
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout probability must lie in [0, 1): " + p);
        this.p = p;
        this.seed = seed;
    }

    @Override
    public String name() {
        return "dropout(" + in + ", p=" + p + ")";
    }

    @Override
    public boolean binaryOutput() {
        return false;
    }

    private Rng stream(int b) {
        return Rng.stream(seed, 0xD809, trainStep, b);
    }

    @Override
    public void forward(Seq x, Seq y, int b0, int b1, Scratch s) {
        final boolean drop = training && p > 0;
        final float scale = (float) (1 / (1 - p));
        for (int b = b0; b < b1; b++) {
            Rng r = drop ? stream(b) : null;
            for (int t = 0; t < steps; t++) {
                final int row = b * steps + t;
                for (int i = 0; i < in; i++) {
                    float v = x.binary ? ((x.bits[row * x.words + (i >>> 6)] >>> (i & 63) & 1L) != 0 ? 1f : 0f) : x.dense[row * in + i];
                    if (drop) v = r.nextDouble() < p ? 0f : v * scale;
                    y.dense[row * in + i] = v;
                }
            }
        }
    }

    @Override
    public void backward(Seq x, Seq y, float[] gy, float[] gx, int b0, int b1, Scratch s) {
        if (gx == null) return;
        final boolean drop = training && p > 0;
        final float scale = (float) (1 / (1 - p));
        for (int b = b0; b < b1; b++) {
            Rng r = drop ? stream(b) : null;
            for (int k = b * steps * in, e = (b + 1) * steps * in; k < e; k++)
                gx[k] = drop ? (r.nextDouble() < p ? 0f : gy[k] * scale) : gy[k];
        }
    }
}
