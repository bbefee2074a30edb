package org.snn4j.cuda;

import java.util.Arrays;
import org.snn4j.train.sg.Linear;
import org.snn4j.train.sg.Seq;
import org.snn4j.train.sg.SgNet;
import org.snn4j.train.sg.Surrogate;
import org.snn4j.util.InputException;

/**
 * Device-resident surrogate-gradient training and inference of the spiking MLP n_in-H-K of the
 * sg-mlp benchmark: rate-coded spikes → Linear → LIF (H) → Linear → LIF (K, spiking output) →
 * cross-entropy on the output spike counts ({@code ce_count}), Adam; the same definition, layouts
 * and float operations as the CPU path ({@code SgMlp.build(...)} with one hidden layer, subtractive
 * reset), so that gradients can be compared.
 *
 * <p>Everything stays on the device: weights, activations of all T steps, gradients and Adam's
 * moments. One training step is: the input spikes of all B·T rows (uploaded from the CPU encoder, or
 * drawn on the device); one cuBLAS SGEMM for the first layer's currents of all T steps at once; one
 * kernel for the hidden LIF recurrence over all T steps; one SGEMM for the output currents; one
 * kernel for the output layer, the loss and its backward through time; one SGEMM back to the hidden
 * spikes; one kernel for the hidden layer's backward through time; four SGEMMs for the weight and
 * bias gradients; one Adam kernel. Rows are batch-major as on the CPU: row r = b·T + t.
 *
 * <p>Non-finite gradients or parameters are flagged by the Adam kernel and reported (as the CPU
 * path's {@link org.snn4j.util.DivergenceException}) at the next read of the loss, without a per-step sync.
 */
public final class CudaSgMlp extends DeviceNet {
    /** Precision of the matrix products. */
    public enum MathMode { FP32, TF32 }

    /**
     * The output layer and its loss: spiking LIF outputs with the cross-entropy of their spike counts
     * ({@code readout=lif}, {@code ce_count}), or a non-spiking leaky integrator (β, no threshold) with
     * the cross-entropy of the mean ({@code ce_mean}) or the maximum ({@code ce_max}) of its membrane
     * potential over T ({@code readout=leaky}, the sg-mlp experiment's default).
     */
    public enum Readout { LIF_COUNT, LEAKY_MEAN, LEAKY_MAX }

    final int nIn, hidden;
    /** Offsets in the flat vectors [W1 | b1 | W2 | b2]. */
    private final long oB1, oW2, oB2;
    private Backend.Buf x, a1, s1, g1, a2, ones;

    /**
     * Opens the CUDA device and compiles the kernels for this surrogate; throws
     * {@link CudaUnavailableException} (one line, exit code 2 from the CLI) when there is no usable
     * GPU or CUDA runtime.
     */
    public static CudaSgMlp open(int nIn, int hidden, int nOut, double beta, double theta, Surrogate surrogate, MathMode math) {
        return new CudaSgMlp(CudaBackend.open(surrogate, math == MathMode.TF32), nIn, hidden, nOut, beta, theta, Readout.LIF_COUNT);
    }

    /** {@link #open} with another output layer and loss. */
    public static CudaSgMlp open(int nIn, int hidden, int nOut, double beta, double theta, Surrogate surrogate, MathMode math, Readout readout) {
        return new CudaSgMlp(CudaBackend.open(surrogate, math == MathMode.TF32), nIn, hidden, nOut, beta, theta, readout);
    }

    /** The same engine on the Java reference backend (tests, and the agreement check's dry run without a GPU). */
    public static CudaSgMlp host(int nIn, int hidden, int nOut, double beta, double theta, Surrogate surrogate) {
        return new CudaSgMlp(new HostBackend(surrogate), nIn, hidden, nOut, beta, theta, Readout.LIF_COUNT);
    }

    CudaSgMlp(Backend be, int nIn, int hidden, int nOut, double beta, double theta, Readout readout) {
        super(be, checkWidths(nIn, hidden) * (long) hidden + hidden + (long) hidden * nOut + nOut, nOut, beta, theta, readout);
        this.nIn = nIn;
        this.hidden = hidden;
        oB1 = (long) nIn * hidden;
        oW2 = oB1 + hidden;
        oB2 = oW2 + (long) hidden * nOut;
    }

    private static int checkWidths(int nIn, int hidden) {
        if (nIn < 1 || hidden < 1) throw new InputException("device=cuda: layer widths must be positive");
        return nIn;
    }

    /**
     * Copies the weights of a CPU network built by {@code SgMlp.build(nIn, {H}, K, ...)} (layers
     * Linear, Lif, Linear, Lif) to the device and resets Adam.
     */
    public void copyFrom(SgNet net) {
        var ls = net.layers();
        if (ls.size() != 4 || !(ls.get(0) instanceof Linear l1) || !(ls.get(2) instanceof Linear l2))
            throw new InputException("device=cuda: only the MLP n_in-H-K (Linear, LIF, Linear, LIF) runs on the GPU");
        if (l1.in != nIn || l1.out != hidden || l2.in != hidden || l2.out != nOut)
            throw new InputException("device=cuda: network sizes differ from the engine's");
        setParams(l1.weights(), l1.bias(), l2.weights(), l2.bias());
    }

    /** Uploads the weights (rows per input, as the CPU {@link Linear}) and resets Adam's state. */
    public void setParams(float[][] w1, float[] b1, float[][] w2, float[] b2) {
        float[] flat = new float[nParams];
        pack(w1, b1, w2, b2, flat);
        setState(flat, null, null, 0);
    }

    private void pack(float[][] w1, float[] b1, float[][] w2, float[] b2, float[] flat) {
        for (int i = 0; i < nIn; i++) System.arraycopy(w1[i], 0, flat, i * hidden, hidden);
        System.arraycopy(b1, 0, flat, (int) oB1, hidden);
        for (int i = 0; i < hidden; i++) System.arraycopy(w2[i], 0, flat, (int) oW2 + i * nOut, nOut);
        System.arraycopy(b2, 0, flat, (int) oB2, nOut);
    }

    private void unpack(float[] flat, float[][] w1, float[] b1, float[][] w2, float[] b2) {
        for (int i = 0; i < nIn; i++) System.arraycopy(flat, i * hidden, w1[i], 0, hidden);
        System.arraycopy(flat, (int) oB1, b1, 0, hidden);
        for (int i = 0; i < hidden; i++) System.arraycopy(flat, (int) oW2 + i * nOut, w2[i], 0, nOut);
        System.arraycopy(flat, (int) oB2, b2, 0, nOut);
    }

    /** Downloads the parameters into the CPU network's layers (same shapes as {@link #copyFrom}). */
    public void copyTo(SgNet net) {
        Linear l1 = (Linear) net.layers().get(0), l2 = (Linear) net.layers().get(2);
        float[] flat = new float[nParams];
        be.download(p, 0, flat, 0, nParams);
        unpack(flat, l1.weights(), l1.bias(), l2.weights(), l2.bias());
    }

    /**
     * The parameter gradients of the last {@link #gradients} call, shaped as the CPU network's
     * {@code paramGrads()}: the rows of ∂L/∂W1, ∂L/∂b1, the rows of ∂L/∂W2, ∂L/∂b2.
     */
    public float[][] gradientsHost() {
        float[] flat = new float[nParams];
        be.download(g, 0, flat, 0, nParams);
        return split(flat);
    }

    /** The parameters, shaped as {@link #gradientsHost}. */
    public float[][] paramsHost() {
        float[] flat = new float[nParams];
        be.download(p, 0, flat, 0, nParams);
        return split(flat);
    }

    private float[][] split(float[] flat) {
        float[][] w1 = new float[nIn][hidden], w2 = new float[hidden][nOut];
        float[] b1 = new float[hidden], b2 = new float[nOut];
        unpack(flat, w1, b1, w2, b2);
        float[][] out = new float[nIn + 1 + hidden + 1][];
        System.arraycopy(w1, 0, out, 0, nIn);
        out[nIn] = b1;
        System.arraycopy(w2, 0, out, nIn + 1, hidden);
        out[nIn + 1 + hidden] = b2;
        return out;
    }

    @Override
    void allocate(long rows) {
        if (rows * Math.max(nIn, hidden) > Integer.MAX_VALUE) throw new InputException("device=cuda: batch × steps × width too large");
        x = be.alloc(rows * nIn);
        a1 = be.alloc(rows * hidden);
        s1 = be.alloc(rows * hidden);
        g1 = be.alloc(rows * hidden);
        a2 = be.alloc(rows * nOut);
        ones = be.alloc(rows);
        float[] one = new float[(int) rows];
        Arrays.fill(one, 1f);
        be.upload(one, 0, ones, 0, (int) rows);
    }

    @Override
    void releaseBatch() {
        for (Backend.Buf b : new Backend.Buf[] {x, a1, s1, g1, a2, ones}) be.free(b);
    }

    /**
     * Uploads the input of the prepared batch, encoded on the host (e.g. by the CPU's rate encoder):
     * spikes (bits, expanded to 0/1 on the device) or dense values (direct coding), rows b·T + t.
     */
    @Override
    public void input(Seq in) {
        checkPrepared();
        if (in.n != nIn) throw new InputException("device=cuda: the input must have " + nIn + " units, not " + in.n);
        int rows = steps * batch;
        if (!in.binary) {
            be.upload(in.dense, 0, x, 0, rows * nIn);
            return;
        }
        uploadSpikes(in, x, rows, nIn);
    }

    /**
     * A dataset held on the device for {@link #encode}: the 24-bit rate-coding thresholds of each
     * image (as the CPU encoder quantises them) and the labels.
     */
    public final class DeviceData implements AutoCloseable {
        final Backend.Buf thr, lab;
        final int size;

        DeviceData(int[] thresholds, int[] labelsAll) {
            size = labelsAll.length;
            if ((long) size * nIn != thresholds.length) throw new IllegalArgumentException("thresholds and labels differ in size");
            thr = be.alloc(thresholds.length);
            lab = be.alloc(size);
            be.upload(thresholds, 0, thr, 0, thresholds.length);
            be.upload(labelsAll, 0, lab, 0, size);
        }

        public int size() {
            return size;
        }

        @Override
        public void close() {
            be.free(thr);
            be.free(lab);
        }
    }

    /** Uploads images (pixels in [0, 1], image k at k·n_in) and labels for device-side encoding. */
    public DeviceData upload(float[] pixels, int[] labelsAll) {
        int[] thr = new int[labelsAll.length * nIn];
        for (int k = 0; k < thr.length; k++) thr[k] = threshold(pixels[k]);
        return new DeviceData(thr, labelsAll);
    }

    /** The CPU rate encoder's 24-bit threshold of intensity p (P(spike) = threshold / 2²⁴). */
    static int threshold(float p) {
        return p <= 0 ? 0 : p >= 1 ? 1 << 24 : (int) (p * (1 << 24));
    }

    /**
     * Rate-codes images [first, first + B) of {@code data} on the device with the stream (seed,
     * stream) and takes their labels: the same spike probabilities as the CPU encoder, other random
     * numbers.
     */
    public void encode(DeviceData data, int first, long seed, long stream) {
        checkPrepared();
        if (first < 0 || first + batch > data.size) throw new IllegalArgumentException("batch outside the device dataset");
        be.encodeRate(data.thr, (long) first * nIn, x, batch, steps, nIn, Kernels.batchKey(seed, stream));
        be.copy(data.lab, first, labels, 0, batch);
    }

    private void gemmRm(boolean ta, boolean tb, int m, int n, int k, Backend.Buf a, long ao, Backend.Buf b, long bo, float beta,
                        Backend.Buf c, long co) {
        be.gemmRm(ta, tb, m, n, k, a, ao, b, bo, beta, c, co);
    }

    private void forward(boolean train) {
        int rows = steps * batch;
        gemmRm(false, false, rows, hidden, nIn, x, 0, p, 0, 0f, a1, 0);                  // I1 = X W1
        be.lifForward(a1, p, oB1, s1, batch, steps, hidden, beta, theta, train);       // v1, S1
        gemmRm(false, false, rows, nOut, hidden, s1, 0, p, oW2, 0f, a2, 0);             // I2 = S1 W2
    }

    /**
     * Forward and backward pass on the prepared batch (input and labels set): leaves the parameter
     * gradients on the device. Returns nothing, so that nothing waits for the device; read the
     * loss with {@link #loss()}.
     */
    @Override
    public void gradients() {
        checkPrepared();
        int rows = steps * batch;
        forward(true);
        output(a2, oB2, true, true);                                                   // loss, gI2
        gemmRm(false, true, rows, hidden, nOut, a2, 0, p, oW2, 0f, g1, 0);             // gS1 = gI2 W2ᵀ
        be.lifBackward(g1, a1, batch, steps, hidden, beta, theta);                     // gI1
        gemmRm(true, false, nIn, hidden, rows, x, 0, g1, 0, 0f, g, 0);                  // gW1 = Xᵀ gI1
        gemmRm(false, false, 1, hidden, rows, ones, 0, g1, 0, 0f, g, oB1);              // gb1 = 1ᵀ gI1
        gemmRm(true, false, hidden, nOut, rows, s1, 0, a2, 0, 0f, g, oW2);              // gW2 = S1ᵀ gI2
        gemmRm(false, false, 1, nOut, rows, ones, 0, a2, 0, 0f, g, oB2);                // gb2 = 1ᵀ gI2
    }

    /** Inference on the prepared batch: predictions (and the loss, when labels were set) on the device. */
    @Override
    public void infer(boolean withLabels) {
        checkPrepared();
        forward(false);
        output(a2, oB2, withLabels, false);
    }

    /** Hidden spikes of the last forward pass, B·T·H floats 0/1, row r = b·T + t (waits for the device). */
    public float[] hiddenSpikes() {
        float[] out = new float[steps * batch * hidden];
        be.download(s1, 0, out, 0, out.length);
        return out;
    }

    /** Number of hidden spikes in the last forward pass (waits for the device). */
    public long hiddenSpikeCount() {
        return Math.round(be.asum(s1, 0, (long) steps * batch * hidden));
    }
}
