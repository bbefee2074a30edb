package org.snn4j.cuda;

import org.snn4j.train.sg.Surrogate;

/**
 * {@link Backend} in plain Java, one thread: the kernels of {@link Kernels} written out with the
 * same index arithmetic and float operations, and a naive column-major SGEMM. It exists so that the
 * engine's layouts, GEMM shapes and kernel logic are tested against the CPU path on machines
 * without a GPU (CI); it is not meant to be fast.
 */
final class HostBackend implements Backend {
    private final String spec;
    private final float sgA, sgB;
    private long live, peak;

    HostBackend(Surrogate s) {
        Kernels.surrogateBody(s);   // same validation as the CUDA source
        String[] f = s.spec().split(":");
        spec = f[0];
        if (spec.equals("arctan")) {
            float a = Float.parseFloat(f[1]);
            sgA = (float) (Math.PI / 2) * a;
            sgB = 0.5f * a;
        } else {
            sgA = Float.parseFloat(f[1]);
            sgB = f.length > 2 ? Float.parseFloat(f[2]) : 0f;
        }
    }

    /** g · σ'(x), the same float expression as the kernels' {@code sgrad}. */
    float sgrad(float g, float x) {
        switch (spec) {
            case "fast_sigmoid": {
                float d = 1.0f + sgA * Math.abs(x);
                return g / (d * d);
            }
            case "arctan": {
                float u = sgA * x;
                return g * sgB / (1.0f + u * u);
            }
            default:
                return g * (sgA * Math.max(0.0f, 1.0f - Math.abs(x) / sgB));
        }
    }

    static final class HBuf extends Buf {
        final float[] f;

        HBuf(long words) {
            super(words);
            if (words > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("host buffer too large: " + words);
            f = new float[(int) words];
        }
    }

    private static float[] f(Buf b) {
        return ((HBuf) b).f;
    }

    private static int i(float v) {
        return Float.floatToRawIntBits(v);
    }

    private static float fl(int v) {
        return Float.intBitsToFloat(v);
    }

    @Override
    public Buf alloc(long words) {
        HBuf b = new HBuf(words);
        live += 4 * words;
        peak = Math.max(peak, live);
        return b;
    }

    @Override
    public void free(Buf b) {
        live -= 4 * b.words;
    }

    @Override
    public void upload(float[] src, int srcOff, Buf dst, long dstOff, int n) {
        System.arraycopy(src, srcOff, f(dst), (int) dstOff, n);
    }

    @Override
    public void upload(int[] src, int srcOff, Buf dst, long dstOff, int n) {
        float[] d = f(dst);
        for (int k = 0; k < n; k++) d[(int) dstOff + k] = fl(src[srcOff + k]);
    }

    @Override
    public void download(Buf src, long srcOff, float[] dst, int dstOff, int n) {
        System.arraycopy(f(src), (int) srcOff, dst, dstOff, n);
    }

    @Override
    public void download(Buf src, long srcOff, int[] dst, int dstOff, int n) {
        float[] s = f(src);
        for (int k = 0; k < n; k++) dst[dstOff + k] = i(s[(int) srcOff + k]);
    }

    @Override
    public void copy(Buf src, long srcOff, Buf dst, long dstOff, long n) {
        System.arraycopy(f(src), (int) srcOff, f(dst), (int) dstOff, (int) n);
    }

    @Override
    public void sgemm(boolean ta, boolean tb, int m, int n, int k, Buf a, long aOff, int lda, Buf b, long bOff, int ldb, float beta,
                      Buf c, long cOff, int ldc) {
        float[] A = f(a), B = f(b), C = f(c);
        int ao = (int) aOff, bo = (int) bOff, co = (int) cOff;
        for (int col = 0; col < n; col++)
            for (int row = 0; row < m; row++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    float x = ta ? A[ao + p + row * lda] : A[ao + row + p * lda];
                    float y = tb ? B[bo + col + p * ldb] : B[bo + p + col * ldb];
                    s += x * y;
                }
                int o = co + row + col * ldc;
                C[o] = beta == 0f ? s : s + beta * C[o];
            }
    }

    @Override
    public double asum(Buf x, long off, long n) {
        double s = 0;
        float[] a = f(x);
        for (long k = 0; k < n; k++) s += Math.abs(a[(int) (off + k)]);
        return s;
    }

    @Override
    public void expandBits(Buf bits, Buf x, int rows, int n, int words) {
        float[] in = f(bits), out = f(x);
        for (long idx = 0; idx < (long) rows * n; idx++) {
            int r = (int) (idx / n), i = (int) (idx % n);
            out[(int) idx] = ((i(in[(int) ((long) r * words + (i >> 5))]) >>> (i & 31)) & 1) != 0 ? 1f : 0f;
        }
    }

    @Override
    public void encodeRate(Buf thr, long thrOff, Buf x, int batch, int steps, int n, long key) {
        float[] th = f(thr), out = f(x);
        long per = (long) steps * n;
        for (long idx = 0; idx < per * batch; idx++) {
            int b = (int) (idx / per), i = (int) (idx % n);
            int u = Kernels.draw(key, idx);
            out[(int) idx] = u < i(th[(int) (thrOff + (long) b * n + i)]) ? 1f : 0f;
        }
    }

    @Override
    public void lifForward(Buf ab, Buf biasb, long biasOff, Buf sb, int batch, int steps, int n, float beta, float theta, boolean store) {
        float[] a = f(ab), bias = f(biasb), s = f(sb);
        for (int idx = 0; idx < batch * n; idx++) {
            int b = idx / n, i = idx % n;
            float bi = bias[(int) biasOff + i], v = 0f;
            int o = b * steps * n + i;
            for (int t = 0; t < steps; t++, o += n) {
                float j = a[o] + bi;
                v = t == 0 ? j : beta * v + j - (v > theta ? theta : 0f);
                if (store) a[o] = v;
                s[o] = v > theta ? 1f : 0f;
            }
        }
    }

    @Override
    public void lifBackward(Buf gb, Buf vb, int batch, int steps, int n, float beta, float theta) {
        float[] g = f(gb), v = f(vb);
        for (int idx = 0; idx < batch * n; idx++) {
            int b = idx / n, i = idx % n;
            float carry = 0f;
            int o = (b * steps + steps - 1) * n + i;
            for (int t = steps - 1; t >= 0; t--, o -= n) {
                float gg = sgrad(g[o], v[o] - theta) + carry;
                g[o] = gg;
                carry = beta * gg;
            }
        }
    }

    @Override
    public void outputStep(Buf ab, Buf biasb, long biasOff, Buf labelsb, long labelsOff, Buf lossb, Buf predb, Buf countsb, int batch,
                           int steps, int K, float beta, float theta, float invB, boolean train) {
        float[] a = f(ab), bias = f(biasb), loss = f(lossb), pred = f(predb), counts = f(countsb);
        float[] cnt = new float[K];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < K; k++) {
                float bk = bias[(int) biasOff + k], v = 0f, c = 0f;
                int o = b * steps * K + k;
                for (int t = 0; t < steps; t++, o += K) {
                    float j = a[o] + bk;
                    v = t == 0 ? j : beta * v + j - (v > theta ? theta : 0f);
                    a[o] = v;
                    if (v > theta) c += 1f;
                }
                cnt[k] = c;
                counts[b * K + k] = c;
            }
            double m = Double.NEGATIVE_INFINITY;
            float best = 0f;
            int arg = 0;
            for (int q = 0; q < K; q++) {
                m = Math.max(m, cnt[q]);
                if (q == 0 || cnt[q] > best) {
                    best = cnt[q];
                    arg = q;
                }
            }
            double sum = 0;
            for (int q = 0; q < K; q++) sum += Math.exp((double) cnt[q] - m);
            double lse = m + Math.log(sum);
            int c = labelsb != null ? i(f(labelsb)[(int) labelsOff + b]) : -1;
            pred[b] = fl(arg);
            loss[b] = c < 0 ? 0f : (float) (lse - (double) cnt[c]);
            if (!train) continue;
            for (int k = 0; k < K; k++) {
                float gk = ((float) Math.exp((double) cnt[k] - lse) - (k == c ? 1f : 0f)) * invB;
                float carry = 0f;
                int o = b * steps * K + k + (steps - 1) * K;
                for (int t = steps - 1; t >= 0; t--, o -= K) {
                    float gg = sgrad(gk, a[o] - theta) + carry;
                    a[o] = gg;
                    carry = beta * gg;
                }
            }
        }
    }

    @Override
    public void outputLeaky(Buf ab, Buf biasb, long biasOff, Buf labelsb, long labelsOff, Buf lossb, Buf predb, Buf logitsb, int batch,
                            int steps, int K, float beta, float invB, boolean useMax, boolean train) {
        float[] a = f(ab), bias = f(biasb), loss = f(lossb), pred = f(predb), logits = f(logitsb);
        float[] lgs = new float[K];
        int[] ams = new int[K];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < K; k++) {
                float bk = bias[(int) biasOff + k], v = 0f;
                float lg = useMax ? Float.NEGATIVE_INFINITY : 0f;
                int am = 0;
                int o = b * steps * K + k;
                for (int t = 0; t < steps; t++, o += K) {
                    float j = a[o] + bk;
                    v = t == 0 ? j : beta * v + j;
                    if (useMax) {
                        if (v > lg) {
                            lg = v;
                            am = t;
                        }
                    } else lg += v;
                }
                if (!useMax) lg = lg / (float) steps;
                lgs[k] = lg;
                ams[k] = am;
                logits[b * K + k] = lg;
            }
            double m = Double.NEGATIVE_INFINITY;
            float best = 0f;
            int arg = 0;
            for (int q = 0; q < K; q++) {
                m = Math.max(m, lgs[q]);
                if (q == 0 || lgs[q] > best) {
                    best = lgs[q];
                    arg = q;
                }
            }
            double sum = 0;
            for (int q = 0; q < K; q++) sum += Math.exp((double) lgs[q] - m);
            double lse = m + Math.log(sum);
            int c = labelsb != null ? i(f(labelsb)[(int) labelsOff + b]) : -1;
            pred[b] = fl(arg);
            loss[b] = c < 0 ? 0f : (float) (lse - (double) lgs[c]);
            if (!train) continue;
            for (int k = 0; k < K; k++) {
                float gk = (float) Math.exp((double) lgs[k] - lse) - (k == c ? 1f : 0f);
                float gy = useMax ? gk * invB : gk * (invB / (float) steps);
                float carry = 0f;
                int o = b * steps * K + k + (steps - 1) * K;
                for (int t = steps - 1; t >= 0; t--, o -= K) {
                    float gg = (useMax && t != ams[k] ? 0f : gy) + carry;
                    a[o] = gg;
                    carry = beta * gg;
                }
            }
        }
    }

    @Override
    public void im2col(Buf xb, Buf colb, int rows, int C, int H, int W, int KH, int KW, int stride, int pad, int dil, int OH, int OW) {
        float[] x = f(xb), col = f(colb);
        int Kc = C * KH * KW;
        long P = (long) OH * OW;
        for (long idx = 0; idx < rows * P * Kc; idx++) {
            int k = (int) (idx % Kc);
            long rp = idx / Kc;
            int p = (int) (rp % P);
            long r = rp / P;
            int kx = k % KW, ky = (k / KW) % KH, c = k / (KW * KH);
            int iy = (p / OW) * stride - pad + ky * dil, ix = (p % OW) * stride - pad + kx * dil;
            col[(int) idx] = iy >= 0 && iy < H && ix >= 0 && ix < W ? x[(int) (((r * C + c) * H + iy) * W + ix)] : 0f;
        }
    }

    @Override
    public void poolMax(Buf yb, Buf biasb, long biasOff, Buf zb, Buf winb, int rows, int OC, int OH, int OW, int pool) {
        float[] y = f(yb), bias = f(biasb), z = f(zb), win = f(winb);
        int PH = OH / pool, PW = OW / pool;
        for (long idx = 0; idx < (long) rows * OC * PH * PW; idx++) {
            int px = (int) (idx % PW), py = (int) ((idx / PW) % PH), oc = (int) ((idx / ((long) PW * PH)) % OC);
            long r = idx / ((long) PW * PH * OC);
            long p0 = r * OH * OW + (long) (py * pool) * OW + px * pool;
            float bo = bias[(int) biasOff + oc];
            float m = y[(int) (p0 * OC + oc)] + bo;
            int arg = 0;
            for (int ky = 0; ky < pool; ky++)
                for (int kx = 0; kx < pool; kx++) {
                    float v = y[(int) ((p0 + ky * OW + kx) * OC + oc)] + bo;
                    if (v > m) {
                        m = v;
                        arg = ky * pool + kx;
                    }
                }
            z[(int) idx] = m;
            win[(int) idx] = fl(arg);
        }
    }

    @Override
    public void unpoolMax(Buf gzb, Buf winb, Buf gyb, int rows, int OC, int OH, int OW, int pool) {
        float[] gz = f(gzb), win = f(winb), gy = f(gyb);
        int PH = OH / pool, PW = OW / pool;
        for (long idx = 0; idx < (long) rows * OH * OW * OC; idx++) {
            int oc = (int) (idx % OC);
            long rp = idx / OC;
            int p = (int) (rp % ((long) OH * OW));
            long r = rp / ((long) OH * OW);
            int oy = p / OW, ox = p % OW, py = oy / pool, px = ox / pool;
            float g = 0f;
            if (py < PH && px < PW) {
                long zi = ((r * OC + oc) * PH + py) * PW + px;
                if (i(win[(int) zi]) == (oy % pool) * pool + ox % pool) g = gz[(int) zi];
            }
            gy[(int) idx] = g;
        }
    }

    @Override
    public void col2im(Buf gcolb, Buf gxb, int rows, int C, int H, int W, int KH, int KW, int stride, int pad, int dil, int OH, int OW) {
        float[] gcol = f(gcolb), gx = f(gxb);
        int Kc = C * KH * KW;
        for (long idx = 0; idx < (long) rows * C * H * W; idx++) {
            int ix = (int) (idx % W), iy = (int) ((idx / W) % H), c = (int) ((idx / ((long) W * H)) % C);
            long r = idx / ((long) W * H * C);
            float s = 0f;
            for (int ky = 0; ky < KH; ky++) {
                int ny = iy + pad - ky * dil;
                if (ny < 0 || ny % stride != 0 || ny / stride >= OH) continue;
                for (int kx = 0; kx < KW; kx++) {
                    int nx = ix + pad - kx * dil;
                    if (nx < 0 || nx % stride != 0 || nx / stride >= OW) continue;
                    s += gcol[(int) (((r * OH + ny / stride) * OW + nx / stride) * Kc + (c * KH + ky) * KW + kx)];
                }
            }
            gx[(int) idx] = s;
        }
    }

    @Override
    public void sumSteps(Buf inb, Buf outb, int batch, int steps, int n) {
        float[] in = f(inb), out = f(outb);
        for (long idx = 0; idx < (long) batch * n; idx++) {
            long b = idx / n;
            int i = (int) (idx % n);
            float s = 0f;
            for (int t = 0; t < steps; t++) s += in[(int) ((b * steps + t) * n + i)];
            out[(int) idx] = s;
        }
    }

    @Override
    public void repeatSteps(Buf inb, Buf outb, int batch, int steps, int n) {
        float[] in = f(inb), out = f(outb);
        for (long idx = 0; idx < (long) batch * steps * n; idx++) {
            int i = (int) (idx % n);
            long b = idx / ((long) steps * n);
            out[(int) idx] = in[(int) (b * n + i)];
        }
    }

    @Override
    public void adam(Buf pb, Buf gb, Buf mb, Buf vb, int n, float lr, float b1, float b2, float eps, float wd, float invC1, float invC2,
                     Buf flagb) {
        float[] p = f(pb), g = f(gb), m = f(mb), v = f(vb), flag = f(flagb);
        int fl = i(flag[0]);
        for (int i = 0; i < n; i++) {
            float gr = g[i];
            if (!Float.isFinite(gr)) fl |= 1;
            float gi = gr + wd * p[i];
            float mi = b1 * m[i] + (1.0f - b1) * gi;
            float vi = b2 * v[i] + (1.0f - b2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            float np = p[i] - lr * (mi * invC1) / ((float) Math.sqrt(vi * invC2) + eps);
            if (!Float.isFinite(np)) fl |= 2;
            p[i] = np;
        }
        flag[0] = fl(fl);
    }

    @Override
    public void sync() {
    }

    @Override
    public long allocatedBytes() {
        return live;
    }

    @Override
    public long peakAllocatedBytes() {
        return peak;
    }

    @Override
    public String deviceName() {
        return "host (Java reference of the CUDA kernels)";
    }

    @Override
    public void close() {
    }
}
