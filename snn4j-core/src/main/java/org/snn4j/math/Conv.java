package org.snn4j.math;

/**
 * Convolution and pooling over one sample in channel-first (C, H, W) layout, PyTorch's semantics
 * (cross-correlation, symmetric zero padding, dilation, groups; pooling windows that count the
 * padding). Written for spike maps: the convolution scatters each non-zero input element into the
 * outputs it reaches, so work grows with the number of spikes, not the map size; dense input works
 * too (every element is then non-zero). A 1-D convolution is the H = 1 case.
 *
 * <p>A {@link Conv} instance holds the geometry and the weights rearranged once for the scatter
 * ([C_in][kH][kW][C_out/groups], so the innermost loop runs over output channels with unit stride into
 * a channel-last scratch map); {@link #forward} then transposes the result to (C, H, W). Instances are
 * immutable; the scratch map is the caller's, so threads can share one instance.
 */
public final class Conv {
    public final int inChannels, inH, inW, outChannels, outH, outW, kH, kW, strideH, strideW, padH, padW, dilH, dilW, groups;
    private final float[] wT;   // [C_in][kH][kW][C_out / groups]
    private final float[] bias; // [C_out]
    /**
     * The taps of each input pixel p = iy·W + ix, precomputed when small enough (at most {@value #MAX_TAPS}
     * entries): tapStart[p] .. tapStart[p + 1] index tapKernel (ky·kW + kx) and tapOut (oy·W' + ox), so the
     * scatter visits only the outputs an input reaches, without the stride and border tests.
     */
    private final int[] tapStart, tapKernel, tapOut;
    /** Wᵀ as rows per (c, ky, kx) of C_out weights (groups = 1): the gather forward adds whole rows. */
    private final float[][] wRows;
    private static final long MAX_TAPS = 1L << 22;

    /**
     * @param weight [C_out][C_in / groups][kH][kW], row-major
     * @param bias   [C_out], or null for none
     */
    public Conv(int inChannels, int inH, int inW, int outChannels, int kH, int kW, int strideH, int strideW, int padH, int padW,
                int dilH, int dilW, int groups, float[] weight, float[] bias) {
        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new IllegalArgumentException("groups " + groups + " must divide " + inChannels + " input and " + outChannels + " output channels");
        this.inChannels = inChannels;
        this.inH = inH;
        this.inW = inW;
        this.outChannels = outChannels;
        this.kH = kH;
        this.kW = kW;
        this.strideH = strideH;
        this.strideW = strideW;
        this.padH = padH;
        this.padW = padW;
        this.dilH = dilH;
        this.dilW = dilW;
        this.groups = groups;
        this.outH = outSize(inH, kH, strideH, padH, dilH);
        this.outW = outSize(inW, kW, strideW, padW, dilW);
        if (outH < 1 || outW < 1)
            throw new IllegalArgumentException("the kernel (" + kH + "x" + kW + ") does not fit the padded " + inH + "x" + inW + " input");
        int cig = inChannels / groups, cog = outChannels / groups;
        if (weight.length != (long) outChannels * cig * kH * kW)
            throw new IllegalArgumentException("weight has " + weight.length + " values, expected " + (long) outChannels * cig * kH * kW);
        wT = new float[inChannels * kH * kW * cog];
        for (int co = 0; co < outChannels; co++) {
            int g = co / cog;
            for (int c = 0; c < cig; c++)
                for (int y = 0; y < kH; y++)
                    for (int x = 0; x < kW; x++)
                        wT[(((g * cig + c) * kH + y) * kW + x) * cog + co % cog] = weight[((co * cig + c) * kH + y) * kW + x];
        }
        this.bias = bias == null ? new float[outChannels] : bias.clone();
        if (this.bias.length != outChannels) throw new IllegalArgumentException("bias has " + this.bias.length + " values, expected " + outChannels);
        if ((long) inH * inW * kH * kW <= MAX_TAPS) {
            tapStart = new int[inH * inW + 1];
            int[] kern = new int[inH * inW * kH * kW], outp = new int[kern.length];
            int n = 0;
            for (int iy = 0; iy < inH; iy++)
                for (int ix = 0; ix < inW; ix++) {
                    tapStart[iy * inW + ix] = n;
                    for (int ky = 0; ky < kH; ky++) {
                        int ny = iy + padH - ky * dilH;   // = oy · strideH
                        if (ny < 0 || ny % strideH != 0 || ny / strideH >= outH) continue;
                        for (int kx = 0; kx < kW; kx++) {
                            int nx = ix + padW - kx * dilW;
                            if (nx < 0 || nx % strideW != 0 || nx / strideW >= outW) continue;
                            kern[n] = ky * kW + kx;
                            outp[n++] = (ny / strideH) * outW + nx / strideW;
                        }
                    }
                }
            tapStart[inH * inW] = n;
            tapKernel = java.util.Arrays.copyOf(kern, n);
            tapOut = java.util.Arrays.copyOf(outp, n);
        } else {
            tapStart = tapKernel = tapOut = null;
        }
        if (groups == 1 && tapStart != null) {
            wRows = new float[inChannels * kH * kW][outChannels];
            for (int k = 0; k < wRows.length; k++) System.arraycopy(wT, k * outChannels, wRows[k], 0, outChannels);
        } else wRows = null;
    }

    /**
     * A thread's buffers for {@link #forward}: a channel-last output map and the lists of (weight row,
     * input value) per output position. One workspace serves any number of Conv instances (it grows).
     */
    public static final class Workspace {
        float[] acc = new float[0], vals = new float[0], row = new float[0];
        int[] start = new int[0], rows = new int[0], fill = new int[0];

        void ensure(int outSize, int positions, int entries) {
            if (acc.length < outSize) acc = new float[outSize];
            if (row.length < outSize) row = new float[outSize];
            if (start.length < positions + 1) {
                start = new int[positions + 1];
                fill = new int[positions];
            }
            if (rows.length < entries) {
                rows = new int[entries];
                vals = new float[entries];
            }
        }
    }

    /** ⌊(n + 2·pad − dil·(k − 1) − 1) / stride⌋ + 1, PyTorch's output size. */
    public static int outSize(int n, int k, int stride, int pad, int dil) {
        return Math.floorDiv(n + 2 * pad - dil * (k - 1) - 1, stride) + 1;
    }

    public int inSize() {
        return inChannels * inH * inW;
    }

    public int outSize() {
        return outChannels * outH * outW;
    }

    /**
     * out[outOff ..] (C_out, H', W') = bias + conv(in[inOff ..]). Zero inputs are skipped: work grows with
     * the number of non-zero inputs. With groups = 1, each output position gathers the weight rows of the
     * (input, tap) pairs that reach it, four rows per pass over its C_out accumulators
     * ({@link Blas#addScaledRows}); otherwise each input is scattered through its taps.
     */
    public void forward(float[] in, int inOff, float[] out, int outOff, Workspace ws) {
        final int P = outH * outW, plane = inH * inW;
        ws.ensure(outSize(), P, wRows == null ? 0 : tapKernel.length * inChannels);
        final float[] scratch = ws.acc;
        for (int p = 0; p < P; p++) System.arraycopy(bias, 0, scratch, p * outChannels, outChannels);
        if (wRows != null) {
            final int[] start = ws.start, fill = ws.fill, rows = ws.rows;
            final float[] vals = ws.vals;
            final int kk = kH * kW;
            java.util.Arrays.fill(start, 0, P + 1, 0);
            for (int c = 0; c < inChannels; c++) {   // count the entries per output position
                final int in0 = inOff + c * plane;
                for (int q = 0; q < plane; q++) {
                    if (in[in0 + q] == 0f) continue;
                    for (int t = tapStart[q], e = tapStart[q + 1]; t < e; t++) start[tapOut[t] + 1]++;
                }
            }
            for (int p = 0; p < P; p++) start[p + 1] += start[p];
            System.arraycopy(start, 0, fill, 0, P);
            for (int c = 0; c < inChannels; c++) {   // fill them: (weight row, input value)
                final int in0 = inOff + c * plane, r0 = c * kk;
                for (int q = 0; q < plane; q++) {
                    final float v = in[in0 + q];
                    if (v == 0f) continue;
                    for (int t = tapStart[q], e = tapStart[q + 1]; t < e; t++) {
                        final int at = fill[tapOut[t]]++;
                        rows[at] = r0 + tapKernel[t];
                        vals[at] = v;
                    }
                }
            }
            final float[] row = ws.row;
            for (int p = 0; p < P; p++) {
                if (start[p + 1] == start[p]) continue;
                System.arraycopy(bias, 0, row, 0, outChannels);
                Blas.addScaledRows(wRows, rows, vals, start[p], start[p + 1], row, 0, outChannels);
                System.arraycopy(row, 0, scratch, p * outChannels, outChannels);
            }
        } else scatter(in, inOff, scratch);
        for (int co = 0; co < outChannels; co++) {   // contiguous writes, strided reads (both in cache)
            final int o = outOff + co * P;
            for (int p = 0; p < P; p++) out[o + p] = scratch[p * outChannels + co];
        }
    }

    /**
     * im2col of one input map: rows[p][(c·kH + ky)·kW + kx] = the input value that output position p sees
     * through tap (ky, kx) of channel c (0 in the padding). Needs the tap tables (all but huge inputs).
     * Returns false when there are none.
     */
    public boolean im2col(float[] in, int inOff, float[][] rows) {
        if (tapStart == null) return false;
        for (float[] r : rows) java.util.Arrays.fill(r, 0f);
        final int plane = inH * inW, kk = kH * kW;
        for (int c = 0; c < inChannels; c++) {
            final int in0 = inOff + c * plane, k0 = c * kk;
            for (int q = 0; q < plane; q++) {
                final float v = in[in0 + q];
                if (v == 0f) continue;
                for (int t = tapStart[q], e = tapStart[q + 1]; t < e; t++) rows[tapOut[t]][k0 + tapKernel[t]] = v;
            }
        }
        return true;
    }

    /** col2im, the adjoint of {@link #im2col}: out[outOff + input index] += the rows' entries that input feeds. */
    public boolean col2imAdd(float[][] rows, boolean[] rowUsed, float[] out, int outOff) {
        if (tapStart == null) return false;
        final int plane = inH * inW, kk = kH * kW;
        for (int c = 0; c < inChannels; c++) {
            final int o0 = outOff + c * plane, k0 = c * kk;
            for (int q = 0; q < plane; q++) {
                float s = 0;
                for (int t = tapStart[q], e = tapStart[q + 1]; t < e; t++)
                    if (rowUsed[tapOut[t]]) s += rows[tapOut[t]][k0 + tapKernel[t]];
                out[o0 + q] += s;
            }
        }
        return true;
    }

    /** Scatter form: each non-zero input through its taps into the channel-last map (any groups). */
    private void scatter(float[] in, int inOff, float[] scratch) {
        final int cog = outChannels / groups, cig = inChannels / groups, plane = inH * inW;
        if (tapStart != null) {
            final int kk = kH * kW;
            for (int c = 0; c < inChannels; c++) {
                final int coBase = (c / cig) * cog, in0 = inOff + c * plane, w00 = c * kk * cog;
                for (int p = 0; p < plane; p++) {
                    final float v = in[in0 + p];
                    if (v == 0f) continue;
                    for (int q = tapStart[p], end = tapStart[p + 1]; q < end; q++) {
                        final int w0 = w00 + tapKernel[q] * cog, s0 = tapOut[q] * outChannels + coBase;
                        for (int j = 0; j < cog; j++) scratch[s0 + j] += v * wT[w0 + j];
                    }
                }
            }
        } else for (int c = 0; c < inChannels; c++) {
            final int g = c / cig, coBase = g * cog;
            for (int iy = 0; iy < inH; iy++) {
                final int row = inOff + c * plane + iy * inW;
                for (int ix = 0; ix < inW; ix++) {
                    final float v = in[row + ix];
                    if (v == 0f) continue;
                    for (int ky = 0; ky < kH; ky++) {
                        int ny = iy + padH - ky * dilH;   // = oy · strideH
                        if (ny < 0 || ny % strideH != 0) continue;
                        int oy = ny / strideH;
                        if (oy >= outH) continue;
                        for (int kx = 0; kx < kW; kx++) {
                            int nx = ix + padW - kx * dilW;
                            if (nx < 0 || nx % strideW != 0) continue;
                            int ox = nx / strideW;
                            if (ox >= outW) continue;
                            final int w0 = ((c * kH + ky) * kW + kx) * cog, s0 = (oy * outW + ox) * outChannels + coBase;
                            for (int j = 0; j < cog; j++) scratch[s0 + j] += v * wT[w0 + j];
                        }
                    }
                }
            }
        }
    }

    /**
     * Sum or average pooling of a (C, H, W) map into (C, H', W'): windows kH×kW moved by the strides,
     * zero padding counted (the average divides by kH·kW, PyTorch's count_include_pad = True).
     */
    public static void pool(boolean average, int channels, int inH, int inW, int kH, int kW, int strideH, int strideW, int padH,
                            int padW, float[] in, int inOff, float[] out, int outOff) {
        final int outH = outSize(inH, kH, strideH, padH, 1), outW = outSize(inW, kW, strideW, padW, 1);
        final float scale = average ? 1f / (kH * kW) : 1f;
        for (int c = 0; c < channels; c++)
            for (int oy = 0; oy < outH; oy++)
                for (int ox = 0; ox < outW; ox++) {
                    float s = 0;
                    for (int ky = 0; ky < kH; ky++) {
                        int iy = oy * strideH - padH + ky;
                        if (iy < 0 || iy >= inH) continue;
                        for (int kx = 0; kx < kW; kx++) {
                            int ix = ox * strideW - padW + kx;
                            if (ix >= 0 && ix < inW) s += in[inOff + (c * inH + iy) * inW + ix];
                        }
                    }
                    out[outOff + (c * outH + oy) * outW + ox] = average ? s * scale : s;
                }
    }
}
