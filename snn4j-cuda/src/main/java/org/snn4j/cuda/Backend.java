package org.snn4j.cuda;

/**
 * The operations {@link CudaSgMlp} runs on a device: buffers of 4-byte words, copies, one
 * column-major SGEMM (cuBLAS semantics) and the fused kernels of {@link Kernels}. Two
 * implementations: {@link CudaBackend} (the GPU) and {@link HostBackend} (the same index arithmetic
 * in plain Java, so that the engine's layouts, GEMM shapes and kernels are checked against the CPU
 * path without a GPU).
 *
 * <p>Every operation is enqueued in order on one stream; only the downloads and {@link #sync} wait.
 */
interface Backend extends AutoCloseable {
    /** A device buffer of {@code words} 4-byte words (floats or ints), zeroed. */
    Buf alloc(long words);

    void free(Buf b);

    void upload(float[] src, int srcOff, Buf dst, long dstOff, int n);

    void upload(int[] src, int srcOff, Buf dst, long dstOff, int n);

    void download(Buf src, long srcOff, float[] dst, int dstOff, int n);

    void download(Buf src, long srcOff, int[] dst, int dstOff, int n);

    /** dst[dstOff ..] ← src[srcOff ..], n words, on the device. */
    void copy(Buf src, long srcOff, Buf dst, long dstOff, long n);

    /**
     * Column-major C(m×n) ← op(A)(m×k) · op(B)(k×n) + beta·C, as {@code cublasSgemm} with alpha = 1
     * (offsets in floats).
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, Buf a, long aOff, int lda, Buf b, long bOff, int ldb, float beta,
               Buf c, long cOff, int ldc);

    /** Sum of |x| over n floats (waits for the device). */
    double asum(Buf x, long off, long n);

    /** x[r·n + i] ← bit i of row r of the packed input (32-bit words, {@code words} per row), as 0 or 1. */
    void expandBits(Buf bits, Buf x, int rows, int n, int words);

    /**
     * Rate coding on the device: x[(b·T + t)·n + i] ← 1 when the 24-bit draw u(key, (b·T + t)·n + i)
     * is below thr[thrOff + b·n + i] (see {@link Kernels#draw}).
     */
    void encodeRate(Buf thr, long thrOff, Buf x, int batch, int steps, int n, long key);

    /**
     * LIF forward over all T steps for B×n neurons (see {@link Kernels}): a holds the input currents
     * (bias not yet added) and receives v_t when {@code store}; s receives the spikes (0/1).
     */
    void lifForward(Buf a, Buf bias, long biasOff, Buf s, int batch, int steps, int n, float beta, float theta, boolean store);

    /** LIF backward through time: g holds ∂L/∂z_t on entry and ∂L/∂I_t on exit; v the stored v_t. */
    void lifBackward(Buf g, Buf v, int batch, int steps, int n, float beta, float theta);

    /**
     * The output LIF layer of K ≤ 32 units with the spike-count cross-entropy, one sample per warp:
     * forward (a: input currents → v_t), spike counts, loss and prediction per sample, and when
     * {@code train} the backward through time (a ← ∂L/∂I_t). labels may be null when not training
     * (loss then 0).
     */
    void outputStep(Buf a, Buf bias, long biasOff, Buf labels, long labelsOff, Buf loss, Buf pred, Buf counts, int batch, int steps,
                    int k, float beta, float theta, float invBatch, boolean train);

    /**
     * The non-spiking leaky readout of K ≤ 32 units with the cross-entropy of its logits (the mean of
     * v_t over T, or with {@code useMax} the maximum), one sample per warp: forward (a: input currents →
     * v_t), logits, loss and prediction per sample, and when {@code train} the backward through time
     * (a ← ∂L/∂I_t). labels may be null when not training (loss then 0).
     */
    void outputLeaky(Buf a, Buf bias, long biasOff, Buf labels, long labelsOff, Buf loss, Buf pred, Buf logits, int batch, int steps,
                     int k, float beta, float invBatch, boolean useMax, boolean train);

    /** im2col of rows (C, H, W) maps: col[(r·OH·OW + p)·C·KH·KW + (c·KH + ky)·KW + kx] (groups 1, zero padding). */
    void im2col(Buf x, Buf col, int rows, int c, int h, int w, int kh, int kw, int stride, int pad, int dil, int oh, int ow);

    /**
     * y (rows·OH·OW × OC, position-major) plus the bias, max-pooled (pool × pool, the first maximum in
     * row-major window order wins) into z (rows × OC·PH·PW, channel-major), the winners into win.
     */
    void poolMax(Buf y, Buf bias, long biasOff, Buf z, Buf win, int rows, int oc, int oh, int ow, int pool);

    /** Backward of {@link #poolMax}: gy (position-major) ← gz at the winners, 0 elsewhere. */
    void unpoolMax(Buf gz, Buf win, Buf gy, int rows, int oc, int oh, int ow, int pool);

    /** Backward of {@link #im2col}: gx gathers the gradients of every (position, tap) that read it, taps in ascending order. */
    void col2im(Buf gcol, Buf gx, int rows, int c, int h, int w, int kh, int kw, int stride, int pad, int dil, int oh, int ow);

    /** out[b·n + i] = Σ_t in[(b·T + t)·n + i], t ascending. */
    void sumSteps(Buf in, Buf out, int batch, int steps, int n);

    /** out[(b·T + t)·n + i] = in[b·n + i]. */
    void repeatSteps(Buf in, Buf out, int batch, int steps, int n);

    /** Row-major C(M×N) ← op(A)·op(B) + beta·C through the column-major {@link #sgemm} (C' = op(B)'·op(A)'). */
    default void gemmRm(boolean ta, boolean tb, int m, int n, int k, Buf a, long ao, Buf b, long bo, float beta, Buf c, long co) {
        int lda = ta ? m : k, ldb = tb ? k : n;
        sgemm(tb, ta, n, m, k, b, bo, ldb, a, ao, lda, beta, c, co, n);
    }

    /** Adam over n parameters (PyTorch's update; flag[0] |= 1 on a non-finite gradient, 2 on a non-finite parameter). */
    void adam(Buf p, Buf g, Buf m, Buf v, int n, float lr, float b1, float b2, float eps, float wd, float invC1, float invC2, Buf flag);

    /** Waits until all enqueued work is done. */
    void sync();

    /** Bytes held by live buffers of this backend. */
    long allocatedBytes();

    /** Most bytes held at once. */
    long peakAllocatedBytes();

    /** The device, in words (e.g. "NVIDIA H200, 132 SMs, sm_90"). */
    String deviceName();

    @Override
    void close();

    /** A buffer of 4-byte words on the backend's device. */
    abstract class Buf {
        final long words;

        Buf(long words) {
            this.words = words;
        }
    }
}
