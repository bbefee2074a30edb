package org.snn4j.cuda;

import static org.bytedeco.cuda.global.cublas.CUBLAS_DEFAULT_MATH;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_N;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_T;
import static org.bytedeco.cuda.global.cublas.CUBLAS_TF32_TENSOR_OP_MATH;
import static org.bytedeco.cuda.global.cublas.cublasCreate_v2;
import static org.bytedeco.cuda.global.cublas.cublasDestroy_v2;
import static org.bytedeco.cuda.global.cublas.cublasSasum_v2;
import static org.bytedeco.cuda.global.cublas.cublasSetMathMode;
import static org.bytedeco.cuda.global.cublas.cublasSetStream_v2;
import static org.bytedeco.cuda.global.cublas.cublasSgemm_v2;
import static org.bytedeco.cuda.global.cudart.cuCtxSetCurrent;
import static org.bytedeco.cuda.global.cudart.cuDevicePrimaryCtxRetain;
import static org.bytedeco.cuda.global.cudart.cuInit;
import static org.bytedeco.cuda.global.cudart.cuLaunchKernel;
import static org.bytedeco.cuda.global.cudart.cuModuleGetFunction;
import static org.bytedeco.cuda.global.cudart.cuModuleLoadData;
import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceCount;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceProperties;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaMemGetInfo;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToDevice;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaMemsetAsync;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;
import static org.bytedeco.cuda.global.cudart.cudaStreamCreate;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;
import static org.bytedeco.cuda.global.nvrtc.nvrtcCompileProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcCreateProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcDestroyProgram;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetCUBIN;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetCUBINSize;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetErrorString;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetPTX;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetPTXSize;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetProgramLog;
import static org.bytedeco.cuda.global.nvrtc.nvrtcGetProgramLogSize;

import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.snn4j.train.sg.Surrogate;

/**
 * {@link Backend} on an NVIDIA GPU through JavaCPP's CUDA presets: cudart for memory and the
 * stream, cuBLAS for the SGEMMs, NVRTC to compile {@link Kernels#source} for the device's
 * architecture at start-up, and the driver API ({@code cuModuleLoadData}, {@code cuLaunchKernel})
 * to launch the kernels. One stream; kernel arguments are packed into one reusable block of 8-byte
 * slots (the driver copies them at launch).
 */
final class CudaBackend implements Backend {
    private final CUstream_st stream = new CUstream_st();
    private final cublasContext blas = new cublasContext();
    private final CUfunc_st[] fn = new CUfunc_st[Kernels.NAMES.length];
    private final String name;
    private final long baseUsed;
    private long live, peak;
    /** Kernel argument slots (8 bytes each) and the array of pointers to them. */
    private final LongPointer[] slots = new LongPointer[16];
    private final PointerPointer<LongPointer> params = new PointerPointer<>(16);
    private final FloatPointer one = new FloatPointer(1f), zero = new FloatPointer(0f), scalar = new FloatPointer(1);
    private final FloatPointer asumOut = new FloatPointer(1);
    private static final int EXPAND = 0, ENCODE = 1, LIF_F = 2, LIF_B = 3, OUTPUT = 4, ADAM = 5, LEAKY = 6, IM2COL = 7, POOL = 8, UNPOOL = 9, COL2IM = 10, SUMT = 11, REPT = 12;
    private static final int THREADS = 256;

    static final class DBuf extends Buf {
        final Pointer ptr;
        final long addr;

        DBuf(Pointer ptr, long words) {
            super(words);
            this.ptr = ptr;
            this.addr = ptr.address();
        }

        FloatPointer at(long off) {
            return new FloatPointer(ptr).position(off);
        }
    }

    private static void ck(int e, String what) {
        if (e != 0) throw new IllegalStateException("CUDA " + what + " failed: " + e + " (" + errorString(e) + ")");
    }

    private static String errorString(int e) {
        try {
            BytePointer s = cudaGetErrorString(e);
            return s == null ? "?" : s.getString();
        } catch (Throwable t) {
            return "?";
        }
    }

    /**
     * Opens device 0: checks that the CUDA runtime loads and a device exists, creates the stream and
     * the cuBLAS handle, compiles and loads the kernels. Any failure before the device is usable is a
     * {@link CudaUnavailableException} with one line saying why.
     */
    static CudaBackend open(Surrogate s, boolean tf32) {
        String src = Kernels.source(s);   // an unsupported surrogate is an input error, not a missing GPU
        probe();
        try {
            return new CudaBackend(src, tf32);
        } catch (IllegalStateException e) {
            throw new CudaUnavailableException("device=cuda: " + firstLine(e.getMessage()), e);
        }
    }

    /** Checks that the CUDA runtime loads and reports a device: else {@link CudaUnavailableException}, one line. */
    static void probe() {
        int[] n = new int[1];
        int rc;
        try {
            rc = cudaGetDeviceCount(n);
        } catch (Throwable t) {   // UnsatisfiedLinkError, NoClassDefFoundError, ExceptionInInitializerError
            Throwable c = t;
            while (c.getCause() != null) c = c.getCause();
            throw new CudaUnavailableException("device=cuda: the CUDA runtime cannot be loaded (no NVIDIA driver/CUDA 13 libraries on "
                    + "LD_LIBRARY_PATH?): " + firstLine(c.toString()), t);
        }
        if (rc != 0 || n[0] < 1)
            throw new CudaUnavailableException("device=cuda: no usable NVIDIA GPU (cudaGetDeviceCount: "
                    + (rc != 0 ? "error " + rc + " " + errorString(rc) : "0 devices") + ")", null);
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int k = s.indexOf('\n');
        return k < 0 ? s : s.substring(0, k);
    }

    private CudaBackend(String src, boolean tf32) {
        ck(cudaSetDevice(0), "cudaSetDevice");
        ck(cudaFree(null), "context creation");
        cudaDeviceProp prop = new cudaDeviceProp();
        ck(cudaGetDeviceProperties(prop, 0), "cudaGetDeviceProperties");
        int major = prop.major(), minor = prop.minor();
        name = prop.name().getString().trim() + ", " + prop.multiProcessorCount() + " SMs, sm_" + major + minor + ", "
                + (prop.totalGlobalMem() >> 20) + " MiB";
        ck(cuInit(0), "cuInit");
        CUctx_st ctx = new CUctx_st();
        ck(cuDevicePrimaryCtxRetain(ctx, 0), "cuDevicePrimaryCtxRetain");
        ck(cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
        ck(cudaStreamCreate(stream), "cudaStreamCreate");
        ck(cublasCreate_v2(blas), "cublasCreate");
        ck(cublasSetStream_v2(blas, stream), "cublasSetStream");
        ck(cublasSetMathMode(blas, tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
        BytePointer image = compile(src, major, minor);
        CUmod_st mod = new CUmod_st();
        ck(cuModuleLoadData(mod, image), "cuModuleLoadData");
        for (int k = 0; k < fn.length; k++) {
            fn[k] = new CUfunc_st();
            ck(cuModuleGetFunction(fn[k], mod, Kernels.NAMES[k]), "cuModuleGetFunction " + Kernels.NAMES[k]);
        }
        for (int k = 0; k < slots.length; k++) {
            slots[k] = new LongPointer(1);
            params.put(k, slots[k]);
        }
        SizeTPointer free = new SizeTPointer(1), total = new SizeTPointer(1);
        ck(cudaMemGetInfo(free, total), "cudaMemGetInfo");
        baseUsed = total.get() - free.get();
    }

    /** NVRTC: machine code for sm_XY when NVRTC knows the architecture, else PTX for compute_XY (the driver compiles it). */
    private static BytePointer compile(String src, int major, int minor) {
        String arch = major + "" + minor;
        String err = null;
        for (boolean cubin : new boolean[] {true, false}) {
            _nvrtcProgram prog = new _nvrtcProgram();
            ck(nvrtcCreateProgram(prog, new BytePointer(src), new BytePointer("snn4j_sg.cu"), 0, (PointerPointer) null,
                    (PointerPointer) null), "nvrtcCreateProgram");
            String[] opts = {"--gpu-architecture=" + (cubin ? "sm_" : "compute_") + arch, "--fmad=false", "--std=c++17"};
            int rc = nvrtcCompileProgram(prog, opts.length, new PointerPointer<BytePointer>(opts));
            if (rc != 0) {
                SizeTPointer ls = new SizeTPointer(1);
                nvrtcGetProgramLogSize(prog, ls);
                BytePointer log = new BytePointer(ls.get());
                nvrtcGetProgramLog(prog, log);
                err = "NVRTC (" + opts[0] + "): " + nvrtcGetErrorString(rc).getString() + ": " + log.getString().trim().replace('\n', ' ');
                nvrtcDestroyProgram(prog);
                continue;
            }
            SizeTPointer size = new SizeTPointer(1);
            BytePointer out;
            if (cubin) {
                ck(nvrtcGetCUBINSize(prog, size), "nvrtcGetCUBINSize");
                out = new BytePointer(size.get());
                ck(nvrtcGetCUBIN(prog, out), "nvrtcGetCUBIN");
            } else {
                ck(nvrtcGetPTXSize(prog, size), "nvrtcGetPTXSize");
                out = new BytePointer(size.get());
                ck(nvrtcGetPTX(prog, out), "nvrtcGetPTX");
            }
            nvrtcDestroyProgram(prog);
            return out;
        }
        throw new IllegalStateException(err);
    }

    @Override
    public String deviceName() {
        return name;
    }

    @Override
    public Buf alloc(long words) {
        Pointer ptr = new Pointer();
        ck(cudaMalloc(ptr, Math.max(4, 4 * words)), "cudaMalloc(" + (4 * words >> 20) + " MiB)");
        ck(cudaMemsetAsync(ptr, 0, 4 * words, stream), "cudaMemset");
        live += 4 * words;
        peak = Math.max(peak, live);
        return new DBuf(ptr, words);
    }

    @Override
    public void free(Buf b) {
        sync();
        ck(cudaFree(((DBuf) b).ptr), "cudaFree");
        live -= 4 * b.words;
    }

    private static DBuf d(Buf b) {
        return (DBuf) b;
    }

    /** The host staging buffer of uploads and downloads, grown when needed and kept (no allocation per batch). */
    private FloatPointer stageF = new FloatPointer(1);
    private IntPointer stageI = new IntPointer(stageF);
    private long stageWords = 1;

    private void stage(long n) {
        if (n <= stageWords) return;
        stageF.close();
        stageF = new FloatPointer(n);
        stageI = new IntPointer(stageF);
        stageWords = n;
    }

    @Override
    public void upload(float[] src, int srcOff, Buf dst, long dstOff, int n) {
        if (n == 0) return;
        stage(n);
        stageF.put(src, srcOff, n);
        ck(cudaMemcpyAsync(d(dst).at(dstOff), stageF, 4L * n, cudaMemcpyHostToDevice, stream), "upload");
        sync();   // the staging buffer is reused after this
    }

    @Override
    public void upload(int[] src, int srcOff, Buf dst, long dstOff, int n) {
        if (n == 0) return;
        stage(n);
        stageI.put(src, srcOff, n);
        ck(cudaMemcpyAsync(d(dst).at(dstOff), stageI, 4L * n, cudaMemcpyHostToDevice, stream), "upload");
        sync();
    }

    @Override
    public void download(Buf src, long srcOff, float[] dst, int dstOff, int n) {
        if (n == 0) return;
        stage(n);
        ck(cudaMemcpyAsync(stageF, d(src).at(srcOff), 4L * n, cudaMemcpyDeviceToHost, stream), "download");
        sync();
        stageF.get(dst, dstOff, n);
    }

    @Override
    public void download(Buf src, long srcOff, int[] dst, int dstOff, int n) {
        if (n == 0) return;
        stage(n);
        ck(cudaMemcpyAsync(stageI, d(src).at(srcOff), 4L * n, cudaMemcpyDeviceToHost, stream), "download");
        sync();
        stageI.get(dst, dstOff, n);
    }

    @Override
    public void copy(Buf src, long srcOff, Buf dst, long dstOff, long n) {
        if (n == 0) return;
        ck(cudaMemcpyAsync(d(dst).at(dstOff), d(src).at(srcOff), 4L * n, cudaMemcpyDeviceToDevice, stream), "copy");
    }

    @Override
    public void sgemm(boolean ta, boolean tb, int m, int n, int k, Buf a, long aOff, int lda, Buf b, long bOff, int ldb, float beta,
                      Buf c, long cOff, int ldc) {
        FloatPointer bp = beta == 0f ? zero : beta == 1f ? one : scalar.put(0, beta);
        ck(cublasSgemm_v2(blas, ta ? CUBLAS_OP_T : CUBLAS_OP_N, tb ? CUBLAS_OP_T : CUBLAS_OP_N, m, n, k, one, d(a).at(aOff), lda,
                d(b).at(bOff), ldb, bp, d(c).at(cOff), ldc), "cublasSgemm");
    }

    @Override
    public double asum(Buf x, long off, long n) {
        // cuBLAS takes an int count: sum in chunks
        double s = 0;
        for (long k = 0; k < n; k += Integer.MAX_VALUE / 2) {
            int len = (int) Math.min(Integer.MAX_VALUE / 2, n - k);
            ck(cublasSasum_v2(blas, len, d(x).at(off + k), 1, asumOut), "cublasSasum");
            s += asumOut.get(0);
        }
        return s;
    }

    private void ptr(int k, Buf b, long off) {
        slots[k].put(0, b == null ? 0L : d(b).addr + 4 * off);
    }

    private void i32(int k, int v) {
        slots[k].put(0, v & 0xFFFFFFFFL);
    }

    private void f32(int k, float v) {
        i32(k, Float.floatToRawIntBits(v));
    }

    private void i64(int k, long v) {
        slots[k].put(0, v);
    }

    private void launch(int kernel, long threads, int block) {
        long grid = (threads + block - 1) / block;
        if (grid > Integer.MAX_VALUE) throw new IllegalArgumentException("grid too large: " + grid);
        ck(cuLaunchKernel(fn[kernel], (int) Math.max(1, grid), 1, 1, block, 1, 1, 0, stream, params, (PointerPointer) null),
                "launch " + Kernels.NAMES[kernel]);
    }

    @Override
    public void expandBits(Buf bits, Buf x, int rows, int n, int words) {
        ptr(0, bits, 0);
        ptr(1, x, 0);
        i32(2, rows);
        i32(3, n);
        i32(4, words);
        launch(EXPAND, (long) rows * n, THREADS);
    }

    @Override
    public void encodeRate(Buf thr, long thrOff, Buf x, int batch, int steps, int n, long key) {
        ptr(0, thr, thrOff);
        ptr(1, x, 0);
        i32(2, batch);
        i32(3, steps);
        i32(4, n);
        i64(5, key);
        launch(ENCODE, (long) batch * steps * n, THREADS);
    }

    @Override
    public void lifForward(Buf a, Buf bias, long biasOff, Buf s, int batch, int steps, int n, float beta, float theta, boolean store) {
        ptr(0, a, 0);
        ptr(1, bias, biasOff);
        ptr(2, s, 0);
        i32(3, batch);
        i32(4, steps);
        i32(5, n);
        f32(6, beta);
        f32(7, theta);
        i32(8, store ? 1 : 0);
        launch(LIF_F, (long) batch * n, 128);
    }

    @Override
    public void lifBackward(Buf g, Buf v, int batch, int steps, int n, float beta, float theta) {
        ptr(0, g, 0);
        ptr(1, v, 0);
        i32(2, batch);
        i32(3, steps);
        i32(4, n);
        f32(5, beta);
        f32(6, theta);
        launch(LIF_B, (long) batch * n, 128);
    }

    @Override
    public void outputStep(Buf a, Buf bias, long biasOff, Buf labels, long labelsOff, Buf loss, Buf pred, Buf counts, int batch, int steps,
                           int k, float beta, float theta, float invBatch, boolean train) {
        ptr(0, a, 0);
        ptr(1, bias, biasOff);
        ptr(2, labels, labelsOff);
        ptr(3, loss, 0);
        ptr(4, pred, 0);
        ptr(5, counts, 0);
        i32(6, batch);
        i32(7, steps);
        i32(8, k);
        f32(9, beta);
        f32(10, theta);
        f32(11, invBatch);
        i32(12, train ? 1 : 0);
        launch(OUTPUT, 32L * batch, 32);
    }

    @Override
    public void outputLeaky(Buf a, Buf bias, long biasOff, Buf labels, long labelsOff, Buf loss, Buf pred, Buf logits, int batch,
                            int steps, int k, float beta, float invBatch, boolean useMax, boolean train) {
        ptr(0, a, 0);
        ptr(1, bias, biasOff);
        ptr(2, labels, labelsOff);
        ptr(3, loss, 0);
        ptr(4, pred, 0);
        ptr(5, logits, 0);
        i32(6, batch);
        i32(7, steps);
        i32(8, k);
        f32(9, beta);
        f32(10, invBatch);
        i32(11, useMax ? 1 : 0);
        i32(12, train ? 1 : 0);
        launch(LEAKY, 32L * batch, 32);
    }

    private void geometry(int first, int rows, int c, int h, int w, int kh, int kw, int stride, int pad, int dil, int oh, int ow) {
        int[] v = {rows, c, h, w, kh, kw, stride, pad, dil, oh, ow};
        for (int k = 0; k < v.length; k++) i32(first + k, v[k]);
    }

    @Override
    public void im2col(Buf x, Buf col, int rows, int c, int h, int w, int kh, int kw, int stride, int pad, int dil, int oh, int ow) {
        ptr(0, x, 0);
        ptr(1, col, 0);
        geometry(2, rows, c, h, w, kh, kw, stride, pad, dil, oh, ow);
        launch(IM2COL, (long) rows * oh * ow * c * kh * kw, THREADS);
    }

    @Override
    public void poolMax(Buf y, Buf bias, long biasOff, Buf z, Buf win, int rows, int oc, int oh, int ow, int pool) {
        ptr(0, y, 0);
        ptr(1, bias, biasOff);
        ptr(2, z, 0);
        ptr(3, win, 0);
        i32(4, rows);
        i32(5, oc);
        i32(6, oh);
        i32(7, ow);
        i32(8, pool);
        launch(POOL, (long) rows * oc * (oh / pool) * (ow / pool), THREADS);
    }

    @Override
    public void unpoolMax(Buf gz, Buf win, Buf gy, int rows, int oc, int oh, int ow, int pool) {
        ptr(0, gz, 0);
        ptr(1, win, 0);
        ptr(2, gy, 0);
        i32(3, rows);
        i32(4, oc);
        i32(5, oh);
        i32(6, ow);
        i32(7, pool);
        launch(UNPOOL, (long) rows * oh * ow * oc, THREADS);
    }

    @Override
    public void col2im(Buf gcol, Buf gx, int rows, int c, int h, int w, int kh, int kw, int stride, int pad, int dil, int oh, int ow) {
        ptr(0, gcol, 0);
        ptr(1, gx, 0);
        geometry(2, rows, c, h, w, kh, kw, stride, pad, dil, oh, ow);
        launch(COL2IM, (long) rows * c * h * w, THREADS);
    }

    @Override
    public void sumSteps(Buf in, Buf out, int batch, int steps, int n) {
        ptr(0, in, 0);
        ptr(1, out, 0);
        i32(2, batch);
        i32(3, steps);
        i32(4, n);
        launch(SUMT, (long) batch * n, THREADS);
    }

    @Override
    public void repeatSteps(Buf in, Buf out, int batch, int steps, int n) {
        ptr(0, in, 0);
        ptr(1, out, 0);
        i32(2, batch);
        i32(3, steps);
        i32(4, n);
        launch(REPT, (long) batch * steps * n, THREADS);
    }

    @Override
    public void adam(Buf p, Buf g, Buf m, Buf v, int n, float lr, float b1, float b2, float eps, float wd, float invC1, float invC2, Buf flag) {
        ptr(0, p, 0);
        ptr(1, g, 0);
        ptr(2, m, 0);
        ptr(3, v, 0);
        i32(4, n);
        f32(5, lr);
        f32(6, b1);
        f32(7, b2);
        f32(8, eps);
        f32(9, wd);
        f32(10, invC1);
        f32(11, invC2);
        ptr(12, flag, 0);
        launch(ADAM, n, THREADS);
    }

    @Override
    public void sync() {
        ck(cudaStreamSynchronize(stream), "stream synchronize (a kernel failed?)");
    }

    @Override
    public long allocatedBytes() {
        return live;
    }

    @Override
    public long peakAllocatedBytes() {
        return peak;
    }

    /** Device memory in use by the whole process beyond what was in use when this backend opened (context, cuBLAS workspace, buffers). */
    long usedSinceOpen() {
        SizeTPointer free = new SizeTPointer(1), total = new SizeTPointer(1);
        ck(cudaMemGetInfo(free, total), "cudaMemGetInfo");
        return total.get() - free.get() - baseUsed;
    }

    /** Device memory in use on the whole GPU (all processes). */
    long usedOnDevice() {
        SizeTPointer free = new SizeTPointer(1), total = new SizeTPointer(1);
        ck(cudaMemGetInfo(free, total), "cudaMemGetInfo");
        return total.get() - free.get();
    }

    @Override
    public void close() {
        try {
            sync();
        } finally {
            cublasDestroy_v2(blas);
        }
    }
}
