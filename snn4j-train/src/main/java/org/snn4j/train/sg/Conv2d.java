package org.snn4j.train.sg;

import org.snn4j.math.Blas;
import org.snn4j.math.Conv;
import org.snn4j.util.Rng;

/**
 * A 2-D convolution applied at every time step, PyTorch's {@code nn.Conv2d} (cross-correlation,
 * stride, symmetric zero padding, dilation, groups, bias), on (C, H, W) maps stored flat in a
 * {@link Seq} row. Initialised as PyTorch does: W, b ~ U(±1/√fan_in), fan_in = C_in/groups · kH · kW.
 * A 1-D convolution is the H = 1 case ({@link #conv1d}).
 *
 * <p>Forward: the core's {@link Conv} kernel (rebuilt from the weights once per batch), which scatters
 * only the non-zero inputs: a spike map costs its spikes, not its size. A step whose input equals the
 * previous step's (an image fed as a constant current, snnTorch tutorial 6) reuses that step's output.
 *
 * <p>Backward, per sample: each step's ∂L/∂y is transposed to channel-last once and (a) scattered back
 * through the weights into ∂L/∂x (its zero entries skipped: after a max-pool most are), (b) multiplied
 * with the step's non-zero inputs into this sample's share of ∂L/∂W (steps with the same input summed
 * first, so a constant input costs one product per sample). The shares are summed over the samples in
 * a fixed order by {@link #paramGrads}, so the gradient does not depend on the number of threads.
 */
public final class Conv2d extends Layer {
    public final int inChannels, inH, inW, outChannels, kH, kW, stride, padding, dilation, groups, outH, outW;
    private final int cig, cog, taps;
    final float[] w, gw, b, gb;
    /** Per-sample shares of ∂L/∂W in the layout [c][ky][kx][co % cog] and of ∂L/∂b. */
    private float[] shareW, shareB;
    /** The forward kernel for the current weights, valid between {@link #beforeForward} and {@link #afterPass}. */
    private volatile Conv conv;
    /** W as [co][ky][kx][c % cig] for the backward scatter, rebuilt after {@link #beforeBackward}. */
    private float[] wBack;
    private boolean wBackStale = true;

    /**
     * @param inChannels C_in; @param inH H; @param inW W; @param outChannels C_out; @param kernel k (square)
     * @param stride     s; @param padding p (both sides); @param seed initialisation stream
     */
    public Conv2d(int inChannels, int inH, int inW, int outChannels, int kernel, int stride, int padding, long seed) {
        this(inChannels, inH, inW, outChannels, kernel, kernel, stride, padding, 1, 1, seed);
    }

    /** The general form: kernel kH × kW, dilation, groups. */
    public Conv2d(int inChannels, int inH, int inW, int outChannels, int kH, int kW, int stride, int padding, int dilation, int groups,
                  long seed) {
        super(check(inChannels, inH, inW), outChannels * outSize(inH, kH, stride, padding, dilation) * outSize(inW, kW, stride, padding, dilation));
        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new IllegalArgumentException("groups " + groups + " must divide " + inChannels + " input and " + outChannels + " output channels");
        if (stride < 1 || dilation < 1 || padding < 0 || kH < 1 || kW < 1)
            throw new IllegalArgumentException("conv: kernel, stride and dilation must be >= 1 and padding >= 0");
        this.inChannels = inChannels;
        this.inH = inH;
        this.inW = inW;
        this.outChannels = outChannels;
        this.kH = kH;
        this.kW = kW;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.groups = groups;
        this.outH = outSize(inH, kH, stride, padding, dilation);
        this.outW = outSize(inW, kW, stride, padding, dilation);
        cig = inChannels / groups;
        cog = outChannels / groups;
        taps = kH * kW;
        int nw = outChannels * cig * taps;
        w = new float[nw];
        gw = new float[nw];
        b = new float[outChannels];
        gb = new float[outChannels];
        Rng r = Rng.stream(seed, 0xC0B2D, inChannels, outChannels, taps);
        double lim = 1 / Math.sqrt(cig * taps);
        for (int i = 0; i < nw; i++) w[i] = (float) r.uniform(-lim, lim);
        for (int i = 0; i < outChannels; i++) b[i] = (float) r.uniform(-lim, lim);
    }

    /** A 1-D convolution over (C, L) rows: {@code nn.Conv1d}. */
    public static Conv2d conv1d(int inChannels, int length, int outChannels, int kernel, int stride, int padding, long seed) {
        return new Conv2d(inChannels, 1, length, outChannels, 1, kernel, stride, padding, 1, 1, seed);
    }

    private static int check(int c, int h, int w) {
        if (c < 1 || h < 1 || w < 1) throw new IllegalArgumentException("conv: input shape must be positive: " + c + "x" + h + "x" + w);
        return c * h * w;
    }

    private static int outSize(int n, int k, int s, int p, int d) {
        int o = Conv.outSize(n, k, s, p, d);
        if (o < 1) throw new IllegalArgumentException("conv: a " + k + "-wide kernel does not fit an input of " + n + " (padding " + p + ")");
        return o;
    }

    @Override
    public String name() {
        return "conv2d(" + inChannels + "x" + inH + "x" + inW + "->" + outChannels + "x" + outH + "x" + outW + ", k" + kH + "x" + kW
                + (stride > 1 ? " s" + stride : "") + (padding > 0 ? " p" + padding : "") + (dilation > 1 ? " d" + dilation : "")
                + (groups > 1 ? " g" + groups : "") + ")";
    }

    @Override
    public boolean binaryOutput() {
        return false;
    }

    /** The weights (live), PyTorch's layout [C_out][C_in/groups][kH][kW]. */
    public float[] weights() {
        return w;
    }

    /** The bias (live). */
    public float[] bias() {
        return b;
    }

    private Conv kernel() {
        return new Conv(inChannels, inH, inW, outChannels, kH, kW, stride, stride, padding, padding, dilation, dilation, groups, w, b);
    }

    @Override
    public void beforeForward(int part, int parts) {
        if (part == 0) conv = kernel();
    }

    @Override
    public void afterPass() {
        conv = null;
    }

    @Override
    public void allocate(int steps, int batch) {
        super.allocate(steps, batch);
        if (shareW == null || shareW.length < (long) batch * w.length) {
            shareW = new float[Math.multiplyExact(batch, w.length)];
            shareB = new float[batch * outChannels];
        }
    }

    @Override
    public long stateBytes() {
        return shareW == null ? 0 : 4L * (shareW.length + shareB.length);
    }

    @Override
    public void forward(Seq x, Seq y, int b0, int b1, Scratch s) {
        Conv k = conv;
        if (k == null) k = kernel();   // a call outside SgNet's passes: the weights may have changed
        float[] row = s.val, scratch = s.block(1, Math.max(out, in))[0];
        for (int bi = b0; bi < b1; bi++)
            for (int t = 0; t < steps; t++) {
                int r = bi * steps + t;
                if (t > 0 && sameInput(x, r)) {
                    System.arraycopy(y.dense, (r - 1) * out, y.dense, r * out, out);
                    continue;
                }
                if (x.binary) {
                    java.util.Arrays.fill(row, 0, in, 0f);
                    int nz = Blas.bitIndices(x.bits, r * x.words, x.words, s.idx);
                    for (int q = 0; q < nz; q++) row[s.idx[q]] = 1f;
                    k.forward(row, 0, y.dense, r * out, scratch);
                } else k.forward(x.dense, r * in, y.dense, r * out, scratch);
            }
    }

    /** True when row r of x equals row r − 1 (same sample, previous step). */
    private boolean sameInput(Seq x, int r) {
        if (x.binary) {
            for (int q = 0, a = r * x.words, p = a - x.words; q < x.words; q++) if (x.bits[a + q] != x.bits[p + q]) return false;
        } else {
            for (int q = 0, a = r * in, p = a - in; q < in; q++) if (x.dense[a + q] != x.dense[p + q]) return false;
        }
        return true;
    }

    @Override
    public void beforeBackward() {
        synchronized (this) {
            wBackStale = true;
        }
    }

    private float[] wBack() {
        synchronized (this) {
            if (wBack == null) wBack = new float[w.length];
            if (wBackStale) {
                for (int co = 0; co < outChannels; co++)
                    for (int c = 0; c < cig; c++)
                        for (int t = 0; t < taps; t++) wBack[(co * taps + t) * cig + c] = w[(co * cig + c) * taps + t];
                wBackStale = false;
            }
            return wBack;
        }
    }

    @Override
    public void backward(Seq x, Seq y, float[] gy, float[] gx, int b0, int b1, Scratch s) {
        final float[] wb = gx == null ? null : wBack();
        final int P = outH * outW, plane = inH * inW;
        float[][] buf = s.block(3, Math.max(out, in));
        final float[] g = buf[0], sum = buf[1], gxc = buf[2], xrow = s.val;
        for (int bi = b0; bi < b1; bi++) {
            final float[] sw = shareW, sb = shareB;
            final int wo = bi * w.length, bo = bi * outChannels;
            java.util.Arrays.fill(sw, wo, wo + w.length, 0f);
            java.util.Arrays.fill(sb, bo, bo + outChannels, 0f);
            int runStart = -1;
            for (int t = 0; t < steps; t++) {
                final int r = bi * steps + t;
                for (int co = 0; co < outChannels; co++) {   // ∂L/∂y_t to channel-last
                    final int src = r * out + co * P;
                    for (int p = 0; p < P; p++) g[p * outChannels + co] = gy[src + p];
                }
                if (gx != null) inputGradient(g, wb, gxc, gx, r * in, plane, P);
                if (runStart >= 0 && sameInput(x, r)) {
                    for (int i = 0; i < out; i++) sum[i] += g[i];
                } else {
                    if (runStart >= 0) shareRow(x, bi * steps + runStart, sum, sw, wo, sb, bo, xrow, s.idx);
                    System.arraycopy(g, 0, sum, 0, out);
                    runStart = t;
                }
            }
            if (runStart >= 0) shareRow(x, bi * steps + runStart, sum, sw, wo, sb, bo, xrow, s.idx);
        }
    }

    /** gx[off ..] (C, H, W) = the scatter of the non-zero entries of g (channel-last) back through the weights. */
    private void inputGradient(float[] g, float[] wb, float[] gxc, float[] gx, int off, int plane, int P) {
        java.util.Arrays.fill(gxc, 0, in, 0f);
        for (int oy = 0; oy < outH; oy++)
            for (int ox = 0; ox < outW; ox++) {
                final int gp = (oy * outW + ox) * outChannels;
                for (int co = 0; co < outChannels; co++) {
                    final float v = g[gp + co];
                    if (v == 0f) continue;
                    final int c0 = (co / cog) * cig;
                    for (int ky = 0; ky < kH; ky++) {
                        final int iy = oy * stride - padding + ky * dilation;
                        if (iy < 0 || iy >= inH) continue;
                        for (int kx = 0; kx < kW; kx++) {
                            final int ix = ox * stride - padding + kx * dilation;
                            if (ix < 0 || ix >= inW) continue;
                            final int d = (iy * inW + ix) * inChannels + c0, ws = (co * taps + ky * kW + kx) * cig;
                            for (int c = 0; c < cig; c++) gxc[d + c] += v * wb[ws + c];
                        }
                    }
                }
            }
        for (int c = 0; c < inChannels; c++)
            for (int p = 0; p < plane; p++) gx[off + c * plane + p] = gxc[p * inChannels + c];
    }

    /** This sample's shares += (input row r) ⊗ sum (channel-last ∂L/∂y summed over the steps with that input). */
    private void shareRow(Seq x, int r, float[] sum, float[] sw, int wo, float[] sb, int bo, float[] xrow, int[] idx) {
        for (int p = 0, P = outH * outW; p < P; p++)
            for (int co = 0; co < outChannels; co++) sb[bo + co] += sum[p * outChannels + co];
        int nz;
        if (x.binary) {
            nz = Blas.bitIndices(x.bits, r * x.words, x.words, idx);
            for (int q = 0; q < nz; q++) xrow[q] = 1f;
        } else nz = Blas.nonZeros(x.dense, r * in, in, idx, xrow);
        final int plane = inH * inW;
        for (int q = 0; q < nz; q++) {
            final int i = idx[q], c = i / plane, pix = i - c * plane, iy = pix / inW, ix = pix - iy * inW;
            final float v = xrow[q];
            final int co0 = (c / cig) * cog;
            for (int ky = 0; ky < kH; ky++) {
                final int ny = iy + padding - ky * dilation;
                if (ny < 0 || ny % stride != 0 || ny / stride >= outH) continue;
                for (int kx = 0; kx < kW; kx++) {
                    final int nx = ix + padding - kx * dilation;
                    if (nx < 0 || nx % stride != 0 || nx / stride >= outW) continue;
                    final int src = ((ny / stride) * outW + nx / stride) * outChannels + co0, dst = wo + ((c * kH + ky) * kW + kx) * cog;
                    for (int j = 0; j < cog; j++) sw[dst + j] += v * sum[src + j];
                }
            }
        }
    }

    /** Weight-gradient tasks: blocks of input channels, then the bias. */
    private int weightTasks() {
        return Math.min(inChannels, 16);
    }

    @Override
    public int paramTasks() {
        return weightTasks() + 1;
    }

    @Override
    public void paramGrads(Seq x, float[] gy, int task, Scratch s) {
        final int tasks = weightTasks();
        if (task == tasks) {
            java.util.Arrays.fill(gb, 0f);
            for (int bi = 0; bi < batch; bi++)
                for (int co = 0; co < outChannels; co++) gb[co] += shareB[bi * outChannels + co];
            return;
        }
        final int c0 = task * inChannels / tasks, c1 = (task + 1) * inChannels / tasks, per = taps * cog;
        final int lo = c0 * per, hi = c1 * per;
        float[] acc = new float[hi - lo];
        for (int bi = 0; bi < batch; bi++) {
            final int o = bi * w.length;
            for (int i = lo; i < hi; i++) acc[i - lo] += shareW[o + i];
        }
        for (int c = c0; c < c1; c++) {   // [c][ky][kx][j] → PyTorch's [co][c % cig][ky][kx]
            final int co0 = (c / cig) * cog, cl = c % cig;
            for (int t = 0; t < taps; t++)
                for (int j = 0; j < cog; j++) gw[((co0 + j) * cig + cl) * taps + t] = acc[(c - c0) * per + t * cog + j];
        }
    }

    @Override
    public float[][] params() {
        return new float[][] {w, b};
    }

    @Override
    public float[][] grads() {
        return new float[][] {gw, gb};
    }

    @Override
    public String[] paramNames() {
        return new String[] {"weight", "bias"};
    }
}
