package org.snn4j.train.sg;

/**
 * Max, average or sum pooling of (C, H, W) maps at every time step (PyTorch's {@code max_pool2d},
 * {@code avg_pool2d}; windows k × k moved by the stride, no padding, the remainder dropped).
 *
 * <p>Max pooling keeps the input's kind: of spikes (bits) it gives spikes (a window spikes when any of
 * its inputs does), of floats floats. Its gradient goes to the window's largest input, the first in
 * row-major order on ties, as in PyTorch (so a window of zero spikes passes its gradient to its first
 * element). Average and sum pooling give floats; the gradient is spread (÷ k² for the average).
 */
public final class Pool2d extends Layer {
    /** The pooling function. */
    public enum Mode { MAX, AVG, SUM }

    public final int channels, inH, inW, kernel, stride, outH, outW;
    public final Mode mode;
    private final boolean binaryIn;

    /** Max pooling of a k × k window with stride k, of spikes (binaryInput) or floats. */
    public Pool2d(int channels, int inH, int inW, int kernel, boolean binaryInput) {
        this(Mode.MAX, channels, inH, inW, kernel, kernel, binaryInput);
    }

    public Pool2d(Mode mode, int channels, int inH, int inW, int kernel, int stride, boolean binaryInput) {
        super(channels * inH * inW, channels * pooled(inH, kernel, stride) * pooled(inW, kernel, stride));
        this.mode = mode;
        this.channels = channels;
        this.inH = inH;
        this.inW = inW;
        this.kernel = kernel;
        this.stride = stride;
        this.outH = pooled(inH, kernel, stride);
        this.outW = pooled(inW, kernel, stride);
        this.binaryIn = binaryInput;
    }

    private static int pooled(int n, int k, int s) {
        if (k < 1 || s < 1 || k > n) throw new IllegalArgumentException("pool: a " + k + "-wide window (stride " + s + ") does not fit " + n);
        return (n - k) / s + 1;
    }

    @Override
    public String name() {
        return mode.name().toLowerCase() + "pool2d(" + channels + "x" + inH + "x" + inW + ", k" + kernel + (stride != kernel ? " s" + stride : "") + ")";
    }

    /** True when the input is spikes (bits). */
    public boolean binaryInput() {
        return binaryIn;
    }

    /** True for max pooling of spikes (the output is spikes too). */
    @Override
    public boolean binaryOutput() {
        return mode == Mode.MAX && binaryIn;
    }

    private static float at(Seq x, int r, int i) {
        return x.binary ? (x.bits[r * x.words + (i >>> 6)] >>> (i & 63) & 1L) : x.dense[r * x.n + i];
    }

    /** Input index of the window's largest value (the first on ties) for output (c, oy, ox) of row r. */
    private int argmax(Seq x, int r, int c, int oy, int ox) {
        int best = -1;
        float bv = Float.NEGATIVE_INFINITY;
        for (int ky = 0; ky < kernel; ky++) {
            int base = (c * inH + oy * stride + ky) * inW + ox * stride;
            for (int kx = 0; kx < kernel; kx++) {
                float v = at(x, r, base + kx);
                if (v > bv || best < 0) {
                    bv = v;
                    best = base + kx;
                }
            }
        }
        return best;
    }

    @Override
    public void forward(Seq x, Seq y, int b0, int b1, Scratch s) {
        final float scale = mode == Mode.AVG ? 1f / (kernel * kernel) : 1f;
        for (int r = b0 * steps; r < b1 * steps; r++) {
            if (mode == Mode.MAX && !x.binary && kernel == 2 && stride == 2) {   // the common case: 2 × 2 after a convolution
                final float[] xd = x.dense, yd = y.dense;
                final int xo = r * in, yo = r * out;
                for (int c = 0; c < channels; c++)
                    for (int oy = 0; oy < outH; oy++) {
                        final int a = xo + (c * inH + 2 * oy) * inW, b = a + inW, o = yo + (c * outH + oy) * outW;
                        for (int ox = 0; ox < outW; ox++)
                            yd[o + ox] = Math.max(Math.max(xd[a + 2 * ox], xd[a + 2 * ox + 1]), Math.max(xd[b + 2 * ox], xd[b + 2 * ox + 1]));
                    }
                continue;
            }
            if (mode == Mode.MAX && !x.binary) {   // other windows of floats, without the generic accessor
                final float[] xd = x.dense, yd = y.dense;
                final int xo = r * in, yo = r * out;
                for (int c = 0; c < channels; c++)
                    for (int oy = 0; oy < outH; oy++)
                        for (int ox = 0; ox < outW; ox++) {
                            int base = xo + (c * inH + oy * stride) * inW + ox * stride;
                            float m = xd[base];
                            for (int ky = 0; ky < kernel; ky++)
                                for (int kx = 0, q = base + ky * inW; kx < kernel; kx++) m = Math.max(m, xd[q + kx]);
                            yd[yo + (c * outH + oy) * outW + ox] = m;
                        }
                continue;
            }
            if (y.binary) java.util.Arrays.fill(y.bits, r * y.words, (r + 1) * y.words, 0L);
            for (int c = 0; c < channels; c++)
                for (int oy = 0; oy < outH; oy++)
                    for (int ox = 0; ox < outW; ox++) {
                        int o = (c * outH + oy) * outW + ox;
                        if (mode == Mode.MAX) {
                            float v = at(x, r, argmax(x, r, c, oy, ox));
                            if (y.binary) {
                                if (v != 0) y.bits[r * y.words + (o >>> 6)] |= 1L << (o & 63);
                            } else y.dense[r * out + o] = v;
                        } else {
                            float sum = 0;
                            for (int ky = 0; ky < kernel; ky++) {
                                int base = (c * inH + oy * stride + ky) * inW + ox * stride;
                                for (int kx = 0; kx < kernel; kx++) sum += at(x, r, base + kx);
                            }
                            y.dense[r * out + o] = sum * scale;
                        }
                    }
        }
    }

    /** Input index (within the row) of the window's largest value, the first on ties; dense rows. */
    private int argmaxDense(float[] xd, int xo, int c, int oy, int ox) {
        int base = (c * inH + oy * stride) * inW + ox * stride, best = base;
        if (kernel == 2) {   // row-major order: (0,0), (0,1), (1,0), (1,1); strict > keeps the first on ties
            float v = xd[xo + base];
            if (xd[xo + base + 1] > v) {
                v = xd[xo + base + 1];
                best = base + 1;
            }
            if (xd[xo + base + inW] > v) {
                v = xd[xo + base + inW];
                best = base + inW;
            }
            return xd[xo + base + inW + 1] > v ? base + inW + 1 : best;
        }
        float bv = xd[xo + base];
        for (int ky = 0; ky < kernel; ky++)
            for (int kx = 0; kx < kernel; kx++) {
                int q = base + ky * inW + kx;
                if (xd[xo + q] > bv) {
                    bv = xd[xo + q];
                    best = q;
                }
            }
        return best;
    }

    @Override
    public void backward(Seq x, Seq y, float[] gy, float[] gx, int b0, int b1, Scratch s) {
        if (gx == null) return;
        final float scale = mode == Mode.AVG ? 1f / (kernel * kernel) : 1f;
        for (int r = b0 * steps; r < b1 * steps; r++) {
            java.util.Arrays.fill(gx, r * in, (r + 1) * in, 0f);
            for (int c = 0; c < channels; c++)
                for (int oy = 0; oy < outH; oy++)
                    for (int ox = 0; ox < outW; ox++) {
                        float g = gy[r * out + (c * outH + oy) * outW + ox];
                        if (g == 0f) continue;
                        if (mode == Mode.MAX) gx[r * in + (x.binary ? argmax(x, r, c, oy, ox) : argmaxDense(x.dense, r * in, c, oy, ox))] += g;
                        else
                            for (int ky = 0; ky < kernel; ky++) {
                                int base = r * in + (c * inH + oy * stride + ky) * inW + ox * stride;
                                for (int kx = 0; kx < kernel; kx++) gx[base + kx] += g * scale;
                            }
                    }
        }
    }
}
