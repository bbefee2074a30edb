package org.snn4j.cuda;

import org.snn4j.train.sg.Conv2d;
import org.snn4j.util.InputException;

/**
 * One convolution layer (groups 1, optional max-pooling inside the layer, as the CPU's {@link Conv2d})
 * on a {@link Backend}, for rows of (C, H, W) maps: forward as im2col + one SGEMM over all rows at once
 * + bias and max-pooling with the winners kept; backward as un-pooling by the winners, SGEMMs for ∂W
 * (im2colᵀ·∂y), ∂b (1ᵀ·∂y) and ∂im2col (∂y·W), and a col2im gather for ∂x. The weights are
 * PyTorch's [C_out][C_in][kH][kW], one row of C_in·kH·kW taps per output channel, as on the CPU.
 */
final class DeviceConv {
    final int c, h, w, oc, kh, kw, stride, pad, dil, oh, ow, pool, positions, taps, in, out;

    DeviceConv(Conv2d l) {
        if (l.groups != 1) throw new InputException("device=cuda: convolutions with groups 1 only, not " + l.groups);
        c = l.inChannels;
        h = l.inH;
        w = l.inW;
        oc = l.outChannels;
        kh = l.kH;
        kw = l.kW;
        stride = l.stride;
        pad = l.padding;
        dil = l.dilation;
        oh = l.outH;
        ow = l.outW;
        pool = l.pool;
        positions = oh * ow;
        taps = c * kh * kw;
        in = c * h * w;
        out = oc * l.poolH * l.poolW;
    }

    /** Floats of the im2col matrix for {@code rows} maps (also the ∂im2col scratch of the backward pass). */
    long colSize(long rows) {
        return rows * positions * taps;
    }

    /** Floats of the unpooled output for {@code rows} maps (also the ∂y scratch of the backward pass). */
    long convSize(long rows) {
        return rows * positions * oc;
    }

    /** z (rows × out) ← maxpool(conv(x) + b), winners into win; col and y are scratch (col is kept for {@link #backward}). */
    void forward(Backend be, Backend.Buf x, int rows, Backend.Buf params, long wOff, long bOff, Backend.Buf col, Backend.Buf y,
                 Backend.Buf z, Backend.Buf win) {
        be.im2col(x, col, rows, c, h, w, kh, kw, stride, pad, dil, oh, ow);
        be.gemmRm(false, true, rows * positions, oc, taps, col, 0, params, wOff, 0f, y, 0);     // y = im2col · Wᵀ
        be.poolMax(y, params, bOff, z, win, rows, oc, oh, ow, pool);
    }

    /**
     * From gz = ∂L/∂z (rows × out): ∂W and ∂b into grads at gwOff and gbOff (overwritten), and ∂x into gx
     * (rows × in) when gx is not null. col holds the forward's im2col and is overwritten (∂im2col); gy is
     * scratch of {@link #convSize}; ones holds at least rows·positions ones.
     */
    void backward(Backend be, Backend.Buf gz, Backend.Buf win, int rows, Backend.Buf col, Backend.Buf params, long wOff, Backend.Buf grads,
                  long gwOff, long gbOff, Backend.Buf gy, Backend.Buf ones, Backend.Buf gx) {
        int r = rows * positions;
        be.unpoolMax(gz, win, gy, rows, oc, oh, ow, pool);
        be.gemmRm(true, false, oc, taps, r, gy, 0, col, 0, 0f, grads, gwOff);                    // ∂W = ∂yᵀ · im2col
        be.gemmRm(false, false, 1, oc, r, ones, 0, gy, 0, 0f, grads, gbOff);                     // ∂b = 1ᵀ · ∂y
        if (gx == null) return;
        be.gemmRm(false, false, r, taps, oc, gy, 0, params, wOff, 0f, col, 0);                    // ∂im2col = ∂y · W
        be.col2im(col, gx, rows, c, h, w, kh, kw, stride, pad, dil, oh, ow);
    }
}
