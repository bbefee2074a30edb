package org.snn4j.cuda;

import org.snn4j.train.sg.Surrogate;
import org.snn4j.util.InputException;

/**
 * The CUDA C source of the SG-MLP kernels (compiled at run time by NVRTC), and the host-side
 * definitions they share with {@link HostBackend}. The surrogate is compiled in as an expression
 * with the same float operations, in the same order, as the CPU path's {@code Surrogate.apply}; the
 * kernels are compiled with {@code --fmad=false} so that no multiply-add is contracted (the CPU path
 * rounds every product).
 *
 * <ul>
 *   <li>{@code expand_bits}: packed input spikes (uploaded from the CPU encoder) → floats 0/1;</li>
 *   <li>{@code encode_rate}: rate coding on the device, u = SplitMix64(key + idx·γ) >> 40 (24 bits)
 *       against the pixel's 24-bit threshold (the CPU encoder's quantisation, another stream);</li>
 *   <li>{@code lif_forward} / {@code lif_backward}: one thread per (sample, neuron) runs the whole
 *       T-step recurrence (snnTorch Leaky, subtractive reset, reset detached), forward and
 *       backward through time;</li>
 *   <li>{@code output_step}: one warp per sample: the output LIF layer forward, spike counts,
 *       cross-entropy on the counts (softmax in double, as the CPU), prediction, and the backward
 *       through time;</li>
 *   <li>{@code output_leaky}: one warp per sample: a non-spiking leaky readout (v_t = β v_{t−1} + I_t),
 *       its logits (the mean of v_t over T, or the maximum), cross-entropy (softmax in double, as
 *       the CPU), prediction, and the backward through time (all steps, or the arg-max step);</li>
 *   <li>{@code adam}: PyTorch's Adam on one flat parameter vector, flagging non-finite values;</li>
 *   <li>the convolution blocks ({@link DeviceConv}): {@code im2col}, {@code pool_max} (bias, max-pooling
 *       with the winner kept, the transpose to the CPU's channel-major rows), {@code unpool_max},
 *       {@code col2im} (a gather, no atomics) and {@code sum_steps}.</li>
 * </ul>
 */
final class Kernels {
    private Kernels() {
    }

    /** Kernel names, in the order {@link CudaBackend} looks them up. */
    static final String[] NAMES = {"expand_bits", "encode_rate", "lif_forward", "lif_backward", "output_step", "adam", "output_leaky", "im2col", "pool_max", "unpool_max",
            "col2im", "sum_steps", "repeat_steps"};

    /** SplitMix64's increment γ. */
    static final long GOLDEN = 0x9E3779B97F4A7C15L;

    /** SplitMix64's finaliser (the same as {@code Rng.splitMix}). */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The device encoder's 24-bit draw for element idx of a batch encoded with {@code key}. */
    static int draw(long key, long idx) {
        return (int) (mix64(key + idx * GOLDEN) >>> 40);
    }

    /** The key of a batch: the stream (seed, stream) hashed (independent of B and T). */
    static long batchKey(long seed, long stream) {
        return mix64(mix64(seed ^ 0x5DEECE66DL) ^ mix64(stream + 0x632BE59BD9B4E019L));
    }

    /**
     * The CUDA C body of {@code sgrad(g, x)} = g · σ'(x) for x = v − θ, as the CPU path evaluates
     * it: fast sigmoid {@code g / (d*d)} with d = 1 + k|x|; arctan {@code g * h / (1 + u*u)} with
     * u = c·x, c = (float)(π/2)·α, h = 0.5·α; triangle {@code g * (γ · max(0, 1 − |x|/w))}.
     */
    static String surrogateBody(Surrogate s) {
        String spec = s.spec();
        if (spec == null) throw new InputException("device=cuda: custom surrogate '" + s + "' has no CUDA form (fast_sigmoid, arctan, triangle)");
        String[] f = spec.split(":");
        switch (f[0]) {
            case "fast_sigmoid": {
                float k = Float.parseFloat(f[1]);
                return "float d = 1.0f + " + lit(k) + " * fabsf(x); return g / (d * d);";
            }
            case "arctan": {
                float a = Float.parseFloat(f[1]);
                float c = (float) (Math.PI / 2) * a, h = 0.5f * a;
                return "float u = " + lit(c) + " * x; return g * " + lit(h) + " / (1.0f + u * u);";
            }
            case "triangle": {
                float a = Float.parseFloat(f[1]), b = Float.parseFloat(f[2]);
                return "return g * (" + lit(a) + " * fmaxf(0.0f, 1.0f - fabsf(x) / " + lit(b) + "));";
            }
            default:
                throw new InputException("device=cuda: unsupported surrogate '" + spec + "'");
        }
    }

    /** A float literal that reads back as exactly {@code v}. */
    static String lit(float v) {
        if (!Float.isFinite(v)) throw new IllegalArgumentException("not finite: " + v);
        String s = Float.toString(v);
        if (s.contains("E")) s = s.replace("E", "e");
        return s + "f";
    }

    /** The whole translation unit for surrogate {@code s}. */
    static String source(Surrogate s) {
        return """
                typedef unsigned long long u64;
                __device__ __forceinline__ float sgrad(float g, float x) { %s }
                __device__ __forceinline__ u64 mix64(u64 z) {
                    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
                    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
                    return z ^ (z >> 31);
                }
                extern "C" __global__ void expand_bits(const unsigned* __restrict__ bits, float* __restrict__ x, int rows, int n, int words) {
                    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
                    if (idx >= (long long) rows * n) return;
                    int r = (int) (idx / n), i = (int) (idx %% n);
                    x[idx] = ((bits[(long long) r * words + (i >> 5)] >> (i & 31)) & 1u) ? 1.0f : 0.0f;
                }
                extern "C" __global__ void encode_rate(const int* __restrict__ thr, float* __restrict__ x, int batch, int steps, int n, u64 key) {
                    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
                    long long per = (long long) steps * n;
                    if (idx >= per * batch) return;
                    int b = (int) (idx / per), i = (int) (idx %% n);
                    int u = (int) (mix64(key + (u64) idx * 0x9E3779B97F4A7C15ull) >> 40);
                    x[idx] = u < thr[(long long) b * n + i] ? 1.0f : 0.0f;
                }
                extern "C" __global__ void lif_forward(float* __restrict__ a, const float* __restrict__ bias, float* __restrict__ s,
                                                       int batch, int steps, int n, float beta, float theta, int store) {
                    int idx = blockIdx.x * blockDim.x + threadIdx.x;
                    if (idx >= batch * n) return;
                    int b = idx / n, i = idx %% n;
                    float bi = bias[i], v = 0.0f;
                    long long o = (long long) b * steps * n + i;
                    #pragma unroll 4
                    for (int t = 0; t < steps; t++, o += n) {
                        float j = a[o] + bi;
                        v = t == 0 ? j : beta * v + j - (v > theta ? theta : 0.0f);
                        if (store) a[o] = v;
                        s[o] = v > theta ? 1.0f : 0.0f;
                    }
                }
                extern "C" __global__ void lif_backward(float* __restrict__ g, const float* __restrict__ v, int batch, int steps, int n,
                                                        float beta, float theta) {
                    int idx = blockIdx.x * blockDim.x + threadIdx.x;
                    if (idx >= batch * n) return;
                    int b = idx / n, i = idx %% n;
                    float carry = 0.0f;
                    long long o = ((long long) b * steps + steps - 1) * n + i;
                    #pragma unroll 4
                    for (int t = steps - 1; t >= 0; t--, o -= n) {
                        float gg = sgrad(g[o], v[o] - theta) + carry;
                        g[o] = gg;
                        carry = beta * gg;
                    }
                }
                extern "C" __global__ void output_step(float* __restrict__ a, const float* __restrict__ bias, const int* __restrict__ labels,
                                                       float* __restrict__ loss, int* __restrict__ pred, float* __restrict__ counts,
                                                       int batch, int steps, int K, float beta, float theta, float invB, int train) {
                    int b = blockIdx.x, k = threadIdx.x;
                    if (b >= batch) return;
                    float cnt = 0.0f;
                    long long base = (long long) b * steps * K + k;
                    if (k < K) {
                        float bk = bias[k], v = 0.0f;
                        long long o = base;
                        for (int t = 0; t < steps; t++, o += K) {
                            float j = a[o] + bk;
                            v = t == 0 ? j : beta * v + j - (v > theta ? theta : 0.0f);
                            a[o] = v;
                            if (v > theta) cnt += 1.0f;
                        }
                        counts[(long long) b * K + k] = cnt;
                    }
                    /* every lane gathers the K counts and evaluates the CPU's double-precision softmax in its order */
                    double m = -1.0 / 0.0;
                    float best = 0.0f; int arg = 0;
                    for (int q = 0; q < K; q++) {
                        float l = __shfl_sync(0xffffffffu, cnt, q);
                        m = fmax(m, (double) l);
                        if (q == 0 || l > best) { best = l; arg = q; }
                    }
                    double sum = 0.0;
                    for (int q = 0; q < K; q++) sum += exp((double) __shfl_sync(0xffffffffu, cnt, q) - m);
                    double lse = m + log(sum);
                    int c = labels != 0 ? labels[b] : -1;
                    float lc = __shfl_sync(0xffffffffu, cnt, c < 0 ? 0 : c);
                    if (k == 0) {
                        pred[b] = arg;
                        loss[b] = c < 0 ? 0.0f : (float) (lse - (double) lc);
                    }
                    if (!train || k >= K) return;
                    float gk = ((float) exp((double) cnt - lse) - (k == c ? 1.0f : 0.0f)) * invB;
                    float carry = 0.0f;
                    long long o = base + (long long) (steps - 1) * K;
                    for (int t = steps - 1; t >= 0; t--, o -= K) {
                        float gg = sgrad(gk, a[o] - theta) + carry;
                        a[o] = gg;
                        carry = beta * gg;
                    }
                }
                extern "C" __global__ void output_leaky(float* __restrict__ a, const float* __restrict__ bias, const int* __restrict__ labels,
                                                        float* __restrict__ loss, int* __restrict__ pred, float* __restrict__ logits,
                                                        int batch, int steps, int K, float beta, float invB, int useMax, int train) {
                    int b = blockIdx.x, k = threadIdx.x;
                    if (b >= batch) return;
                    float lg = 0.0f;
                    int am = 0;
                    long long base = (long long) b * steps * K + k;
                    if (k < K) {
                        float bk = bias[k], v = 0.0f;
                        lg = useMax ? -1.0f / 0.0f : 0.0f;
                        long long o = base;
                        for (int t = 0; t < steps; t++, o += K) {
                            float j = a[o] + bk;
                            v = t == 0 ? j : beta * v + j;
                            if (useMax) { if (v > lg) { lg = v; am = t; } } else lg += v;
                        }
                        if (!useMax) lg = lg / (float) steps;
                        logits[(long long) b * K + k] = lg;
                    }
                    /* the CPU's double-precision softmax over the K logits, in its order */
                    double m = -1.0 / 0.0;
                    float best = 0.0f; int arg = 0;
                    for (int q = 0; q < K; q++) {
                        float l = __shfl_sync(0xffffffffu, lg, q);
                        m = fmax(m, (double) l);
                        if (q == 0 || l > best) { best = l; arg = q; }
                    }
                    double sum = 0.0;
                    for (int q = 0; q < K; q++) sum += exp((double) __shfl_sync(0xffffffffu, lg, q) - m);
                    double lse = m + log(sum);
                    int c = labels != 0 ? labels[b] : -1;
                    float lc = __shfl_sync(0xffffffffu, lg, c < 0 ? 0 : c);
                    if (k == 0) {
                        pred[b] = arg;
                        loss[b] = c < 0 ? 0.0f : (float) (lse - (double) lc);
                    }
                    if (!train || k >= K) return;
                    float gk = (float) exp((double) lg - lse) - (k == c ? 1.0f : 0.0f);
                    float gy = useMax ? gk * invB : gk * (invB / (float) steps);
                    float carry = 0.0f;
                    long long o = base + (long long) (steps - 1) * K;
                    for (int t = steps - 1; t >= 0; t--, o -= K) {
                        float gg = (useMax && t != am ? 0.0f : gy) + carry;
                        a[o] = gg;
                        carry = beta * gg;
                    }
                }
                /* convolutions (groups 1): rows of (C, H, W) maps, channel-major as on the CPU; the im2col matrix has one row of
                   C·KH·KW taps (PyTorch's weight order) per (map row r, output position p = oy·OW + ox) */
                extern "C" __global__ void im2col(const float* __restrict__ x, float* __restrict__ col, int rows, int C, int H, int W,
                                                  int KH, int KW, int stride, int pad, int dil, int OH, int OW) {
                    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
                    int Kc = C * KH * KW;
                    long long P = (long long) OH * OW;
                    if (idx >= rows * P * Kc) return;
                    int k = (int) (idx %% Kc);
                    long long rp = idx / Kc;
                    int p = (int) (rp %% P);
                    long long r = rp / P;
                    int kx = k %% KW, ky = (k / KW) %% KH, c = k / (KW * KH);
                    int iy = (p / OW) * stride - pad + ky * dil, ix = (p %% OW) * stride - pad + kx * dil;
                    col[idx] = iy >= 0 && iy < H && ix >= 0 && ix < W ? x[((r * C + c) * H + iy) * W + ix] : 0.0f;
                }
                /* the convolution's output y (rows·P × OC, position-major, from the SGEMM) plus the bias, max-pooled over pool × pool
                   windows (row-major window order, the first maximum wins, as the CPU) into z (rows × OC·PH·PW, channel-major); the
                   winner ky·pool + kx of each output into win. pool 1: the bias and the transpose only. */
                extern "C" __global__ void pool_max(const float* __restrict__ y, const float* __restrict__ bias, float* __restrict__ z,
                                                    int* __restrict__ win, int rows, int OC, int OH, int OW, int pool) {
                    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
                    int PH = OH / pool, PW = OW / pool;
                    if (idx >= (long long) rows * OC * PH * PW) return;
                    int px = (int) (idx %% PW), py = (int) ((idx / PW) %% PH), oc = (int) ((idx / ((long long) PW * PH)) %% OC);
                    long long r = idx / ((long long) PW * PH * OC);
                    long long p0 = r * OH * OW + (long long) (py * pool) * OW + px * pool;
                    float bo = bias[oc];
                    float m = y[p0 * OC + oc] + bo;
                    int arg = 0;
                    for (int ky = 0; ky < pool; ky++)
                        for (int kx = 0; kx < pool; kx++) {
                            float v = y[(p0 + ky * OW + kx) * OC + oc] + bo;
                            if (v > m) { m = v; arg = ky * pool + kx; }
                        }
                    z[idx] = m;
                    win[idx] = arg;
                }
                /* backward of pool_max: gy (rows·P × OC, position-major) ← gz at each window's winner, 0 elsewhere */
                extern "C" __global__ void unpool_max(const float* __restrict__ gz, const int* __restrict__ win, float* __restrict__ gy,
                                                      int rows, int OC, int OH, int OW, int pool) {
                    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
                    if (idx >= (long long) rows * OH * OW * OC) return;
                    int PH = OH / pool, PW = OW / pool;
                    int oc = (int) (idx %% OC);
                    long long rp = idx / OC;
                    int p = (int) (rp %% ((long long) OH * OW));
                    long long r = rp / ((long long) OH * OW);
                    int oy = p / OW, ox = p %% OW, py = oy / pool, px = ox / pool;
                    float g = 0.0f;
                    if (py < PH && px < PW) {
                        long long zi = ((r * OC + oc) * PH + py) * PW + px;
                        if (win[zi] == (oy %% pool) * pool + ox %% pool) g = gz[zi];
                    }
                    gy[idx] = g;
                }
                /* backward of im2col: gx (rows × C·H·W) gathers, for each input value, the im2col gradients of the (position, tap)
                   pairs that read it, taps in ascending order (no atomics: the sum's order is fixed) */
                extern "C" __global__ void col2im(const float* __restrict__ gcol, float* __restrict__ gx, int rows, int C, int H, int W,
                                                  int KH, int KW, int stride, int pad, int dil, int OH, int OW) {
                    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
                    if (idx >= (long long) rows * C * H * W) return;
                    int ix = (int) (idx %% W), iy = (int) ((idx / W) %% H), c = (int) ((idx / ((long long) W * H)) %% C);
                    long long r = idx / ((long long) W * H * C);
                    int Kc = C * KH * KW;
                    float s = 0.0f;
                    for (int ky = 0; ky < KH; ky++) {
                        int ny = iy + pad - ky * dil;
                        if (ny < 0 || ny %% stride != 0 || ny / stride >= OH) continue;
                        for (int kx = 0; kx < KW; kx++) {
                            int nx = ix + pad - kx * dil;
                            if (nx < 0 || nx %% stride != 0 || nx / stride >= OW) continue;
                            s += gcol[((r * OH + ny / stride) * OW + nx / stride) * Kc + (c * KH + ky) * KW + kx];
                        }
                    }
                    gx[idx] = s;
                }
                /* out[b·n + i] = Σ_t in[(b·T + t)·n + i], t ascending (a constant input's gradient over the steps) */
                extern "C" __global__ void sum_steps(const float* __restrict__ in, float* __restrict__ out, int batch, int steps, int n) {
                    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
                    if (idx >= (long long) batch * n) return;
                    long long b = idx / n;
                    int i = (int) (idx %% n);
                    float s = 0.0f;
                    for (int t = 0; t < steps; t++) s += in[(b * steps + t) * n + i];
                    out[idx] = s;
                }
                /* out[(b·T + t)·n + i] = in[b·n + i]: a value computed once per sample, at every step */
                extern "C" __global__ void repeat_steps(const float* __restrict__ in, float* __restrict__ out, int batch, int steps, int n) {
                    long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x;
                    if (idx >= (long long) batch * steps * n) return;
                    int i = (int) (idx %% n);
                    long long b = idx / ((long long) steps * n);
                    out[idx] = in[b * n + i];
                }
                extern "C" __global__ void adam(float* __restrict__ p, const float* __restrict__ g, float* __restrict__ m, float* __restrict__ v,
                                                int n, float lr, float b1, float b2, float eps, float wd, float invC1, float invC2,
                                                int* __restrict__ flag) {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i >= n) return;
                    float gr = g[i];
                    if (!isfinite(gr)) atomicOr(flag, 1);
                    float gi = gr + wd * p[i];
                    float mi = b1 * m[i] + (1.0f - b1) * gi;
                    float vi = b2 * v[i] + (1.0f - b2) * gi * gi;
                    m[i] = mi;
                    v[i] = vi;
                    float np = p[i] - lr * (mi * invC1) / (sqrtf(vi * invC2) + eps);
                    if (!isfinite(np)) atomicOr(flag, 2);
                    p[i] = np;
                }
                """.formatted(surrogateBody(s));
    }
}
