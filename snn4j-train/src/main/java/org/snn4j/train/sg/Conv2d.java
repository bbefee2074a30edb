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
 * <p>Backward, per sample, in im2col form (rows of C_in/groups·kH·kW values per output position, so the
 * inner loops run over whole weight rows): each step's ∂L/∂y is transposed to channel-last once, then
 * (a) ∂L/∂x: the weight rows of the output channels with a non-zero gradient at a position (after a
 * max-pool, one in four) are summed into that position's row and added back into the input map;
 * (b) this sample's share of ∂L/∂W += ∂L/∂y ⊗ im2col(x), steps with the same input summed first (a
 * constant input costs one product per sample). The shares are summed over the samples in a fixed
 * order by {@link #paramGrads}, so the gradient does not depend on the number of threads.
 */
public final class Conv2d extends Layer {
    public final int inChannels, inH, inW, outChannels, kH, kW, stride, padding, dilation, groups, outH, outW;
    /** The max-pooling window (1: none) and the pooled map's size; the layer's output is (C_out, poolH, poolW). */
    public final int pool, poolH, poolW;
    /** Values of the convolution's (unpooled) map. */
    private final int convOut;
    /** Per output of each step: which input of its window won the max-pooling (ky·pool + kx). */
    private byte[] winner;
    private final int cig, cog, taps;
    final float[] w, gw, b, gb;
    /** Per-sample shares of ∂L/∂W ([sample][C_out] rows of C_in/groups·kH·kW, PyTorch's order) and of ∂L/∂b. */
    private float[][][] shareW;
    private float[] shareB;
    /** The forward kernel for the current weights, valid between {@link #beforeForward} and {@link #afterPass}. */
    private volatile Conv conv;
    /** The geometry alone (its tap tables serve im2col and col2im in the backward pass). */
    private final Conv geometry;

    /**
     * @param inChannels C_in; @param inH H; @param inW W; @param outChannels C_out; @param kernel k (square)
     * @param stride     s; @param padding p (both sides); @param seed initialisation stream
     */
    public Conv2d(int inChannels, int inH, int inW, int outChannels, int kernel, int stride, int padding, long seed) {
        this(inChannels, inH, inW, outChannels, kernel, kernel, stride, padding, 1, 1, 1, seed);
    }

    /** The general form without pooling. */
    public Conv2d(int inChannels, int inH, int inW, int outChannels, int kH, int kW, int stride, int padding, int dilation, int groups,
                  long seed) {
        this(inChannels, inH, inW, outChannels, kH, kW, stride, padding, dilation, groups, 1, seed);
    }

    /**
     * The general form: kernel kH × kW, dilation, groups, and a max-pooling of pool × pool windows (stride
     * pool; 1 = none) applied to the convolution's output inside the layer: the unpooled map is never
     * stored (only which input won each window, a byte per output), which keeps a batch's memory at the
     * pooled size (snnTorch tutorial 6's Conv2d → MaxPool2d).
     */
    public Conv2d(int inChannels, int inH, int inW, int outChannels, int kH, int kW, int stride, int padding, int dilation, int groups,
                  int pool, long seed) {
        super(check(inChannels, inH, inW), outChannels * pooled(outSize(inH, kH, stride, padding, dilation), pool)
                * pooled(outSize(inW, kW, stride, padding, dilation), pool));
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
        this.pool = pool;
        this.poolH = pooled(outH, pool);
        this.poolW = pooled(outW, pool);
        this.convOut = outChannels * outH * outW;
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
        geometry = new Conv(inChannels, inH, inW, outChannels, kH, kW, stride, stride, padding, padding, dilation, dilation, groups,
                new float[nw], null);
    }

    /** A 1-D convolution over (C, L) rows: {@code nn.Conv1d}. */
    public static Conv2d conv1d(int inChannels, int length, int outChannels, int kernel, int stride, int padding, long seed) {
        return new Conv2d(inChannels, 1, length, outChannels, 1, kernel, stride, padding, 1, 1, seed);
    }

    private static int pooled(int n, int pool) {
        if (pool < 1 || pool > n) throw new IllegalArgumentException("conv: a pooling window of " + pool + " does not fit a map of " + n);
        return n / pool;
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
                + (groups > 1 ? " g" + groups : "") + (pool > 1 ? ", maxpool " + pool + " -> " + outChannels + "x" + poolH + "x" + poolW : "") + ")";
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
        if (pool > 1 && (winner == null || winner.length < (long) steps * batch * out)) winner = new byte[Math.multiplyExact(steps * batch, out)];
        if (shareW == null || shareW.length < batch) {
            shareW = new float[batch][outChannels][cig * taps];
            shareB = new float[batch * outChannels];
        }
    }

    @Override
    public long stateBytes() {
        return (shareW == null ? 0 : 4L * ((long) shareW.length * w.length + shareB.length)) + (winner == null ? 0 : winner.length);
    }

    @Override
    public void forward(Seq x, Seq y, int b0, int b1, Scratch s) {
        Conv k = conv;
        if (k == null) k = kernel();   // a call outside SgNet's passes: the weights may have changed
        final Buffers tb = buffers();
        final float[] row = s.val, map = tb.map;
        for (int bi = b0; bi < b1; bi++)
            for (int t = 0; t < steps; t++) {
                int r = bi * steps + t;
                if (t > 0 && sameInput(x, r)) {
                    System.arraycopy(y.dense, (r - 1) * out, y.dense, r * out, out);
                    if (pool > 1) System.arraycopy(winner, (r - 1) * out, winner, r * out, out);
                    continue;
                }
                final float[] src;
                final int so;
                if (x.binary) {
                    java.util.Arrays.fill(row, 0, in, 0f);
                    int nz = Blas.bitIndices(x.bits, r * x.words, x.words, s.idx);
                    for (int q = 0; q < nz; q++) row[s.idx[q]] = 1f;
                    src = row;
                    so = 0;
                } else {
                    src = x.dense;
                    so = r * in;
                }
                if (pool == 1) k.forward(src, so, y.dense, r * out, tb.ws);
                else {
                    k.forward(src, so, map, 0, tb.ws);
                    maxPool(map, y.dense, r * out);
                }
            }
    }

    /** y[yo ..] = the max of each pool × pool window of the map (C_out, outH, outW); the winner is the first maximum. */
    private void maxPool(float[] map, float[] y, int yo) {
        if (pool == 2) {   // row-major window order (0,0), (0,1), (1,0), (1,1); strict > keeps the first maximum
            for (int c = 0; c < outChannels; c++)
                for (int py = 0; py < poolH; py++) {
                    final int a = (c * outH + 2 * py) * outW, b = a + outW, o = yo + (c * poolH + py) * poolW;
                    for (int px = 0; px < poolW; px++) {
                        float m = map[a + 2 * px];
                        int arg = 0;
                        if (map[a + 2 * px + 1] > m) {
                            m = map[a + 2 * px + 1];
                            arg = 1;
                        }
                        if (map[b + 2 * px] > m) {
                            m = map[b + 2 * px];
                            arg = 2;
                        }
                        if (map[b + 2 * px + 1] > m) {
                            m = map[b + 2 * px + 1];
                            arg = 3;
                        }
                        y[o + px] = m;
                        winner[o + px] = (byte) arg;
                    }
                }
            return;
        }
        for (int c = 0; c < outChannels; c++)
            for (int py = 0; py < poolH; py++)
                for (int px = 0; px < poolW; px++) {
                    final int base = (c * outH + py * pool) * outW + px * pool;
                    float m = map[base];
                    int arg = 0;
                    for (int ky = 0; ky < pool; ky++)
                        for (int kx = 0; kx < pool; kx++) {
                            final float v = map[base + ky * outW + kx];
                            if (v > m) {
                                m = v;
                                arg = ky * pool + kx;
                            }
                        }
                    final int o = (c * poolH + py) * poolW + px;
                    y[yo + o] = m;
                    winner[yo + o] = (byte) arg;
                }
    }

    /** The unpooled ∂L/∂(conv map) of row r: each output's gradient at its window's winner, zeros elsewhere. */
    private void unpool(float[] gy, int r, float[] gmap) {
        java.util.Arrays.fill(gmap, 0, convOut, 0f);
        final int o0 = r * out;
        for (int c = 0; c < outChannels; c++)
            for (int py = 0; py < poolH; py++)
                for (int px = 0; px < poolW; px++) {
                    final int o = (c * poolH + py) * poolW + px, a = winner[o0 + o];
                    gmap[(c * outH + py * pool + a / pool) * outW + px * pool + a % pool] = gy[o0 + o];
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
    public void backward(Seq x, Seq y, float[] gy, float[] gx, int b0, int b1, Scratch s) {
        final int P = outH * outW, K = inChannels * taps;
        // per thread: ∂L/∂y_t channel-last, its sum over steps with the same input, and the im2col rows
        final Buffers tb = buffers();
        final float[] g = tb.g, sum = tb.sum, cols = tb.cols, xrow = s.val;
        final float[][] wr = groups == 1 ? weightRows() : null;
        for (int bi = b0; bi < b1; bi++) {
            final int wo = bi, bo = bi * outChannels;
            for (float[] row : shareW[bi]) java.util.Arrays.fill(row, 0f);
            java.util.Arrays.fill(shareB, bo, bo + outChannels, 0f);
            int runStart = -1;
            for (int t = 0; t < steps; t++) {
                final int r = bi * steps + t;
                final float[] gs;   // ∂L/∂(conv map) of step t: gy itself, or gy unpooled
                final int go;
                if (pool == 1) {
                    gs = gy;
                    go = r * out;
                } else {
                    unpool(gy, r, tb.map);
                    gs = tb.map;
                    go = 0;
                }
                if (gx != null) {   // ∂L/∂y_t to channel-last [p][co], then ∂L/∂x_t (a first layer needs neither)
                    for (int co = 0; co < outChannels; co++) {
                        final int src = go + co * P;
                        for (int p = 0; p < P; p++) g[p * outChannels + co] = gs[src + p];
                    }
                    inputGradient(g, cols, gx, r * in, K, wr, tb);
                }
                if (runStart >= 0 && sameInput(x, r)) {   // ∂L/∂y summed (C, H, W) over the steps with this input
                    for (int i = 0; i < convOut; i++) sum[i] += gs[go + i];
                } else {
                    if (runStart >= 0) shareRow(x, bi * steps + runStart, sum, cols, wo, bo, xrow, s.idx, K, tb);
                    System.arraycopy(gs, go, sum, 0, convOut);
                    runStart = t;
                }
            }
            if (runStart >= 0) shareRow(x, bi * steps + runStart, sum, cols, wo, bo, xrow, s.idx, K, tb);
        }
    }

    /**
     * gx[off ..] (C, H, W) = ∂L/∂x_t: for each output position, the rows of W (all of one output channel's
     * weights, contiguous) scaled by that position's non-zero ∂L/∂y entries make the position's im2col row
     * [c][ky][kx]; col2im then adds the rows into the input map.
     */
    private void inputGradient(float[] g, float[] cols, float[] gx, int off, int K, float[][] wr, Buffers tb) {
        final int kk = cig * taps;
        java.util.Arrays.fill(gx, off, off + in, 0f);
        if (wr != null) {   // groups = 1: per position, four weight rows per pass over its im2col row; then col2im
            final boolean[] used = tb.used;
            for (int p = 0, P = outH * outW; p < P; p++) {
                final int gp = p * outChannels;
                int n = 0;
                for (int co = 0; co < outChannels; co++) {
                    final float v = g[gp + co];
                    if (v == 0f) continue;
                    tb.idx[n] = co;
                    tb.val[n++] = v;
                }
                used[p] = n > 0;
                if (n == 0) continue;
                final float[] acc = tb.colRows[p];
                java.util.Arrays.fill(acc, 0f);
                Blas.addScaledRows(wr, tb.idx, tb.val, 0, n, acc, 0, K);
            }
            if (geometry.col2imAdd(tb.colRows, used, gx, off)) return;
            throw new IllegalStateException("conv: no tap tables");   // geometry too large for them: groups = 1 needs them
        }
        for (int oy = 0; oy < outH; oy++)
            for (int ox = 0; ox < outW; ox++) {
                final int p = oy * outW + ox, gp = p * outChannels, row = p * K;
                java.util.Arrays.fill(cols, row, row + K, 0f);
                boolean any = false;
                for (int co = 0; co < outChannels; co++) {
                    final float v = g[gp + co];
                    if (v == 0f) continue;
                    any = true;
                    final int dst = row + (co / cog) * kk, src = co * kk;
                    for (int j = 0; j < kk; j++) cols[dst + j] += v * w[src + j];
                }
                if (!any) continue;
                for (int c = 0; c < inChannels; c++)
                    for (int ky = 0; ky < kH; ky++) {
                        final int iy = oy * stride - padding + ky * dilation;
                        if (iy < 0 || iy >= inH) continue;
                        final int gxRow = off + (c * inH + iy) * inW, cr = row + (c * kH + ky) * kW;
                        for (int kx = 0; kx < kW; kx++) {
                            final int ix = ox * stride - padding + kx * dilation;
                            if (ix >= 0 && ix < inW) gx[gxRow + ix] += cols[cr + kx];
                        }
                    }
            }
    }

    /**
     * This sample's shares += sum ⊗ (input row r): with the input's im2col rows X_p ([c][ky][kx], the
     * input values each output position p sees), ∂L/∂W[co] += Σ_p sum[p][co] · X_p over the non-zero
     * entries of sum; sum is ∂L/∂y (channel-last) summed over the steps that had this input.
     */
    private void shareRow(Seq x, int r, float[] sum, float[] cols, int wo, int bo, float[] xrow, int[] idx, int K, Buffers tb) {
        final int P = outH * outW, kk = cig * taps;
        for (int co = 0; co < outChannels; co++) {
            float sb = 0;
            for (int p = 0; p < P; p++) sb += sum[co * P + p];
            shareB[bo + co] += sb;
        }
        final float[] xd;   // the input row as floats
        final int xo;
        if (x.binary) {
            xd = tb.xdense;
            java.util.Arrays.fill(xd, 0f);
            int nz = Blas.bitIndices(x.bits, r * x.words, x.words, idx);
            for (int q = 0; q < nz; q++) xd[idx[q]] = 1f;
            xo = 0;
        } else {
            xd = x.dense;
            xo = r * in;
        }
        if (groups == 1 && geometry.im2col(xd, xo, tb.colRows)) {   // per output channel: four im2col rows per pass
            final float[][] rows = tb.colRows, share = shareW[wo];
            for (int co = 0; co < outChannels; co++) {
                int n = 0;
                for (int p = 0; p < P; p++) {
                    final float v = sum[co * P + p];
                    if (v == 0f) continue;
                    tb.idx[n] = p;
                    tb.val[n++] = v;
                }
                if (n > 0) Blas.addScaledRows(rows, tb.idx, tb.val, 0, n, share[co], 0, K);
            }
            return;
        }
        java.util.Arrays.fill(cols, 0, P * K, 0f);   // grouped: im2col by hand
        final int plane = inH * inW;
        for (int i = 0; i < in; i++) {
            final float v = xd[xo + i];
            if (v == 0f) continue;
            final int c = i / plane, pix = i - c * plane, iy = pix / inW, ix = pix - iy * inW;
            for (int ky = 0; ky < kH; ky++) {
                final int ny = iy + padding - ky * dilation;
                if (ny < 0 || ny % stride != 0 || ny / stride >= outH) continue;
                for (int kx = 0; kx < kW; kx++) {
                    final int nx = ix + padding - kx * dilation;
                    if (nx < 0 || nx % stride != 0 || nx / stride >= outW) continue;
                    cols[((ny / stride) * outW + nx / stride) * K + (c * kH + ky) * kW + kx] = v;
                }
            }
        }
        for (int p = 0; p < P; p++) {
            final int row = p * K;
            for (int co = 0; co < outChannels; co++) {
                final float v = sum[co * P + p];
                if (v == 0f) continue;
                final int src = row + (co / cog) * kk;
                final float[] dst = shareW[wo][co];
                for (int j = 0; j < kk; j++) dst[j] += v * cols[src + j];
            }
        }
    }

    /** A thread's buffers (sized for this layer; made on first use). */
    private static final class Buffers {
        final float[] g, sum, cols, acc, val, xdense, map;
        final boolean[] used;
        final int[] idx;
        final float[][] colRows;
        final Conv.Workspace ws = new Conv.Workspace();

        Buffers(int in, int out, int P, int K, int channels) {
            map = new float[out];
            xdense = new float[in];
            used = new boolean[P];
            g = new float[out];
            sum = new float[out];
            cols = new float[P * K];
            acc = new float[K];
            int n = Math.max(P, channels);
            idx = new int[n];
            val = new float[n];
            colRows = new float[P][K];
        }
    }

    private final ThreadLocal<Buffers> buffers = new ThreadLocal<>();

    private Buffers buffers() {
        Buffers b = buffers.get();
        if (b == null) {
            b = new Buffers(in, convOut, outH * outW, inChannels * taps, outChannels);
            buffers.set(b);
        }
        return b;
    }

    /** W as rows of C_in·kH·kW per output channel (groups = 1), made once per batch for the backward pass. */
    private float[][] weightRows() {
        synchronized (this) {
            if (wRows == null) wRows = new float[outChannels][cig * taps];
            if (wRowsStale) {
                for (int co = 0; co < outChannels; co++) System.arraycopy(w, co * cig * taps, wRows[co], 0, cig * taps);
                wRowsStale = false;
            }
            return wRows;
        }
    }

    private float[][] wRows;
    private boolean wRowsStale = true;

    @Override
    public void beforeBackward() {
        synchronized (this) {
            wRowsStale = true;
        }
    }

    /** Weight-gradient tasks: blocks of output channels, then the bias. */
    private int weightTasks() {
        return Math.min(outChannels, 16);
    }

    @Override
    public int paramTasks() {
        return weightTasks() + 1;
    }

    /** Sums the per-sample shares in sample order (the same result whatever thread ran which sample). */
    @Override
    public void paramGrads(Seq x, float[] gy, int task, Scratch s) {
        final int tasks = weightTasks();
        if (task == tasks) {
            java.util.Arrays.fill(gb, 0f);
            for (int bi = 0; bi < batch; bi++)
                for (int co = 0; co < outChannels; co++) gb[co] += shareB[bi * outChannels + co];
            return;
        }
        final int per = cig * taps, co0 = task * outChannels / tasks, co1 = (task + 1) * outChannels / tasks;
        java.util.Arrays.fill(gw, co0 * per, co1 * per, 0f);
        for (int bi = 0; bi < batch; bi++)
            for (int co = co0; co < co1; co++) {
                final float[] src = shareW[bi][co];
                final int o = co * per;
                for (int j = 0; j < per; j++) gw[o + j] += src[j];
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
