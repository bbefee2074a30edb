package org.snn4j.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The scatter convolution and pooling against the textbook gather formula, over strides, padding, dilation and groups. */
class ConvTest {
    /** out[co][oy][ox] = b[co] + Σ_{c in group, ky, kx} w[co][c][ky][kx] · in[g·cig + c][oy·s − p + ky·d][ox·s − p + kx·d]. */
    static float[] gather(int cin, int h, int w, int cout, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int groups,
                          float[] wt, float[] bias, float[] in) {
        int oh = Conv.outSize(h, kh, sh, ph, dh), ow = Conv.outSize(w, kw, sw, pw, dw), cig = cin / groups, cog = cout / groups;
        float[] out = new float[cout * oh * ow];
        for (int co = 0; co < cout; co++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++) {
                    double s = bias == null ? 0 : bias[co];
                    for (int c = 0; c < cig; c++)
                        for (int ky = 0; ky < kh; ky++)
                            for (int kx = 0; kx < kw; kx++) {
                                int iy = oy * sh - ph + ky * dh, ix = ox * sw - pw + kx * dw;
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                s += wt[((co * cig + c) * kh + ky) * kw + kx] * in[((co / cog * cig + c) * h + iy) * w + ix];
                            }
                    out[(co * oh + oy) * ow + ox] = (float) s;
                }
        return out;
    }

    @Test
    void scatterEqualsGather() {
        SplittableRandom r = new SplittableRandom(3);
        int[][] cases = {   // cin h w cout kh kw sh sw ph pw dh dw groups
                {2, 34, 34, 16, 5, 5, 2, 2, 1, 1, 1, 1, 1},   // the Sinabs CNN's first layer
                {16, 16, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1},
                {4, 9, 11, 6, 3, 2, 2, 3, 0, 1, 2, 1, 2},      // rectangular, dilated, grouped
                {3, 1, 20, 3, 1, 4, 1, 2, 0, 2, 1, 1, 3},      // a 1-D (depthwise) convolution
        };
        for (int[] k : cases) {
            int n = k[0] * k[1] * k[2];
            float[] wt = new float[k[3] * (k[0] / k[12]) * k[4] * k[5]], b = new float[k[3]], in = new float[n];
            for (int i = 0; i < wt.length; i++) wt[i] = (float) r.nextGaussian();
            for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
            for (int i = 0; i < n; i++) in[i] = r.nextDouble() < 0.2 ? (r.nextBoolean() ? 1f : (float) r.nextGaussian()) : 0f;
            Conv conv = new Conv(k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7], k[8], k[9], k[10], k[11], k[12], wt, b);
            float[] want = gather(k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7], k[8], k[9], k[10], k[11], k[12], wt, b, in);
            float[] got = new float[conv.outSize() + 3];
            conv.forward(in, 0, got, 3, new Conv.Workspace());
            assertEquals(want.length, conv.outSize());
            for (int i = 0; i < want.length; i++)
                assertEquals(want[i], got[3 + i], 1e-5f * (1 + Math.abs(want[i])), "case " + java.util.Arrays.toString(k) + " output " + i);
        }
    }

    @Test
    void largeInputsScatterWithoutTapTables() {
        // 1 × 2049 × 2048 with a 1 × 2 kernel: more taps than the tables hold, the direct loop runs
        int h = 2049, w = 2048;
        float[] in = new float[h * w];
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < 500; i++) in[r.nextInt(in.length)] = 1f;
        Conv conv = new Conv(1, h, w, 2, 1, 2, 1, 1, 0, 0, 1, 1, 1, new float[]{1, 2, 3, 4}, null);
        float[] got = new float[conv.outSize()];
        conv.forward(in, 0, got, 0, new Conv.Workspace());
        int ow = w - 1;
        for (int y = 0; y < h; y += 97)
            for (int x = 0; x < ow; x++) {
                assertEquals(in[y * w + x] + 2 * in[y * w + x + 1], got[y * ow + x], "channel 0 at " + y + "," + x);
                assertEquals(3 * in[y * w + x] + 4 * in[y * w + x + 1], got[h * ow + y * ow + x], "channel 1 at " + y + "," + x);
            }
    }

    @Test
    void poolingSumsAndAveragesWindowsCountingPadding() {
        float[] in = new float[2 * 4 * 5];
        for (int i = 0; i < in.length; i++) in[i] = i;
        float[] sum = new float[2 * 2 * 3], avg = new float[sum.length];
        Conv.pool(false, 2, 4, 5, 2, 2, 2, 2, 0, 1, in, 0, sum, 0);
        Conv.pool(true, 2, 4, 5, 2, 2, 2, 2, 0, 1, in, 0, avg, 0);
        // channel 0, output (0, 0): window rows 0-1, columns -1..0 → in[0] + in[5]
        assertEquals(0 + 5, sum[0]);
        assertEquals((0 + 5) / 4f, avg[0]);
        // channel 1, output (1, 2): rows 2-3, columns 3-4 → 20 + (13, 14, 18, 19)
        assertEquals(4 * 20 + 13 + 14 + 18 + 19, sum[6 + 5]);
    }

    @Test
    void refusesInconsistentGeometry() {
        assertThrows(IllegalArgumentException.class, () -> new Conv(3, 8, 8, 4, 3, 3, 1, 1, 0, 0, 1, 1, 2, new float[4 * 3 * 9], null));
        assertThrows(IllegalArgumentException.class, () -> new Conv(1, 2, 2, 1, 3, 3, 1, 1, 0, 0, 1, 1, 1, new float[9], null));
        assertThrows(IllegalArgumentException.class, () -> new Conv(1, 4, 4, 1, 3, 3, 1, 1, 0, 0, 1, 1, 1, new float[8], null));
    }
}
