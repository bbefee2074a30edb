package org.snn4j.cuda;

import java.util.Arrays;
import org.snn4j.util.DivergenceException;
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
 * path's {@link DivergenceException}) at the next read of the loss, without a per-step sync.
 */
public final class CudaSgMlp implements DeviceNet {
    /** Precision of the matrix products. */
    public enum MathMode { FP32, TF32 }

    /**
     * The output layer and its loss: spiking LIF outputs with the cross-entropy of their spike counts
     * ({@code readout=lif}, {@code ce_count}), or a non-spiking leaky integrator (β, no threshold) with
     * the cross-entropy of the mean ({@code ce_mean}) or the maximum ({@code ce_max}) of its membrane
     * potential over T ({@code readout=leaky}, the sg-mlp experiment's default).
     */
    public enum Readout { LIF_COUNT, LEAKY_MEAN, LEAKY_MAX }

    final Backend be;
    final int nIn, hidden, nOut;
    final float beta, theta;
    final Readout readout;
    private final int nW1, nB1, nW2, nB2, nParams;
    private final long oB1, oW2, oB2;
    /** Parameters, gradients and Adam moments: one flat vector each [W1 | b1 | W2 | b2]. */
    private final Backend.Buf p, g, m, v, flag;
    private int steps, batch;
    private Backend.Buf x, a1, s1, g1, a2, ones, loss, pred, counts, labels, bits;
    private long adamSteps;
    private final int[] flagHost = new int[1];

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
        if (nIn < 1 || hidden < 1 || nOut < 1) throw new InputException("device=cuda: layer widths must be positive");
        if (nOut > 32) throw new InputException("device=cuda: at most 32 output classes (one warp per sample), not " + nOut);
        this.be = be;
        this.nIn = nIn;
        this.hidden = hidden;
        this.nOut = nOut;
        this.beta = (float) beta;
        this.theta = (float) theta;
        this.readout = readout;
        nW1 = nIn * hidden;
        nB1 = hidden;
        nW2 = hidden * nOut;
        nB2 = nOut;
        nParams = nW1 + nB1 + nW2 + nB2;
        oB1 = nW1;
        oW2 = oB1 + nB1;
        oB2 = oW2 + nW2;
        p = be.alloc(nParams);
        g = be.alloc(nParams);
        m = be.alloc(nParams);
        v = be.alloc(nParams);
        flag = be.alloc(1);
    }

    /** The device, in words. */
    public String deviceName() {
        return be.deviceName();
    }

    /** Number of trainable scalars. */
    public int paramCount() {
        return nParams;
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

    /**
     * Uploads the parameters as one flat vector in the CPU network's {@code params()} order (the rows
     * of W1, b1, the rows of W2, b2, concatenated), and Adam's state: its moments in the same order (null:
     * zeros) and its step count.
     */
    public void setState(float[] params, float[] adamM, float[] adamV, long adamStepCount) {
        if (params.length != nParams || adamM != null && adamM.length != nParams || adamV != null && adamV.length != nParams)
            throw new IllegalArgumentException("device=cuda: state of " + params.length + " values for " + nParams + " parameters");
        be.upload(params, 0, p, 0, nParams);
        float[] zero = adamM == null || adamV == null ? new float[nParams] : null;
        be.upload(adamM != null ? adamM : zero, 0, m, 0, nParams);
        be.upload(adamV != null ? adamV : zero, 0, v, 0, nParams);
        be.upload(new int[1], 0, flag, 0, 1);
        adamSteps = adamStepCount;
    }

    /** Downloads the parameters and Adam's moments (flat, as {@link #setState}); returns Adam's step count. */
    public long getState(float[] params, float[] adamM, float[] adamV) {
        be.download(p, 0, params, 0, nParams);
        if (adamM != null) be.download(m, 0, adamM, 0, nParams);
        if (adamV != null) be.download(v, 0, adamV, 0, nParams);
        return adamSteps;
    }

    /** Uploads the weights (rows per input, as the CPU {@link Linear}) and resets Adam's state. */
    public void setParams(float[][] w1, float[] b1, float[][] w2, float[] b2) {
        float[] flat = new float[nParams];
        pack(w1, b1, w2, b2, flat);
        be.upload(flat, 0, p, 0, nParams);
        float[] zero = new float[nParams];
        be.upload(zero, 0, m, 0, nParams);
        be.upload(zero, 0, v, 0, nParams);
        be.upload(new int[1], 0, flag, 0, 1);
        adamSteps = 0;
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

    /** Allocates the per-batch buffers for B samples of T steps (kept when the size is unchanged). */
    public void prepare(int steps, int batch) {
        if (steps < 1 || batch < 1) throw new InputException("device=cuda: steps and batch must be positive");
        if (steps == this.steps && batch == this.batch) return;
        releaseBatch();
        this.steps = steps;
        this.batch = batch;
        long rows = (long) steps * batch;
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
        loss = be.alloc(batch);
        pred = be.alloc(batch);
        counts = be.alloc((long) batch * nOut);
        labels = be.alloc(batch);
    }

    private void releaseBatch() {
        for (Backend.Buf b : new Backend.Buf[] {x, a1, s1, g1, a2, ones, loss, pred, counts, labels, bits, predLog})
            if (b != null) be.free(b);
        bits = null;
        predLog = null;
    }

    public int steps() {
        return steps;
    }

    public int batch() {
        return batch;
    }

    /**
     * Uploads the input of the prepared batch, encoded on the host (e.g. by the CPU's rate encoder):
     * spikes (bits, expanded to 0/1 on the device) or dense values (direct coding), rows b·T + t.
     */
    public void input(Seq in) {
        checkPrepared();
        if (in.n != nIn) throw new InputException("device=cuda: the input must have " + nIn + " units, not " + in.n);
        int rows = steps * batch;
        if (!in.binary) {
            be.upload(in.dense, 0, x, 0, rows * nIn);
            return;
        }
        int w32 = 2 * in.words;
        if (bits == null) bits = be.alloc((long) rows * w32);
        if (packed.length < rows * w32) packed = new int[rows * w32];   // kept: no allocation per batch
        int[] packed = this.packed;
        for (int k = 0; k < rows * in.words; k++) {
            long w = in.bits[k];
            packed[2 * k] = (int) w;
            packed[2 * k + 1] = (int) (w >>> 32);
        }
        be.upload(packed, 0, bits, 0, rows * w32);
        be.expandBits(bits, x, rows, nIn, w32);
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

    /** Sets the labels of the prepared batch (B values in [0, K)). */
    public void labels(int[] lab) {
        checkPrepared();
        for (int k = 0; k < batch; k++)
            if (lab[k] < 0 || lab[k] >= nOut) throw new InputException("device=cuda: label " + lab[k] + " outside [0, " + nOut + ")");
        be.upload(lab, 0, labels, 0, batch);
    }

    private void checkPrepared() {
        if (x == null) throw new IllegalStateException("prepare(steps, batch) first");
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
    public void gradients() {
        checkPrepared();
        int rows = steps * batch;
        forward(true);
        output(true, true);                                                            // loss, gI2
        gemmRm(false, true, rows, hidden, nOut, a2, 0, p, oW2, 0f, g1, 0);             // gS1 = gI2 W2ᵀ
        be.lifBackward(g1, a1, batch, steps, hidden, beta, theta);                     // gI1
        gemmRm(true, false, nIn, hidden, rows, x, 0, g1, 0, 0f, g, 0);                  // gW1 = Xᵀ gI1
        gemmRm(false, false, 1, hidden, rows, ones, 0, g1, 0, 0f, g, oB1);              // gb1 = 1ᵀ gI1
        gemmRm(true, false, hidden, nOut, rows, s1, 0, a2, 0, 0f, g, oW2);              // gW2 = S1ᵀ gI2
        gemmRm(false, false, 1, nOut, rows, ones, 0, a2, 0, 0f, g, oB2);                // gb2 = 1ᵀ gI2
    }

    /** Inference on the prepared batch: predictions (and the loss, when labels were set) on the device. */
    public void infer(boolean withLabels) {
        checkPrepared();
        forward(false);
        output(withLabels, false);
    }

    /** The output layer, its loss and prediction, and when training its backward (a2 ← ∂L/∂I2). */
    private void output(boolean withLabels, boolean train) {
        if (readout == Readout.LIF_COUNT)
            be.outputStep(a2, p, oB2, withLabels ? labels : null, 0, loss, pred, counts, batch, steps, nOut, beta, theta, 1f / batch, train);
        else
            be.outputLeaky(a2, p, oB2, withLabels ? labels : null, 0, loss, pred, counts, batch, steps, nOut, beta, 1f / batch,
                    readout == Readout.LEAKY_MAX, train);
    }

    /** One Adam step (PyTorch's; β₁ = 0.9, β₂ = 0.999, ε = 1e-8) with the gradients of the last {@link #gradients}. */
    public void adam(double lr, double weightDecay) {
        adamSteps++;
        double b1 = 0.9, b2 = 0.999;
        float c1 = (float) (1 - Math.pow(b1, adamSteps)), c2 = (float) (1 - Math.pow(b2, adamSteps));
        be.adam(p, g, m, v, nParams, (float) lr, (float) b1, (float) b2, (float) 1e-8, (float) weightDecay, 1f / c1, 1f / c2, flag);
    }

    /**
     * Mean loss of the last batch (waits for the device); throws {@link DivergenceException} when the
     * loss, a gradient or a parameter became NaN or infinite since the last check.
     */
    public double loss() {
        if (lossHost.length != batch) lossHost = new float[batch];
        float[] l = lossHost;
        be.download(loss, 0, l, 0, batch);
        be.download(flag, 0, flagHost, 0, 1);
        double s = 0;
        for (float f : l) s += f;
        double mean = s / batch;
        if (!Double.isFinite(mean)) throw new DivergenceException(-1, null, "device=cuda: loss is " + mean);
        if ((flagHost[0] & 1) != 0) throw new DivergenceException(-1, null, "device=cuda: a gradient became NaN or infinite");
        if ((flagHost[0] & 2) != 0) throw new DivergenceException(-1, null, "device=cuda: a parameter became NaN or infinite (learning rate too large?)");
        return mean;
    }

    private float[] lossHost = new float[0];
    private int[] packed = new int[0];

    /** Predicted class of each sample of the last batch into out[0, B) (waits for the device). */
    public void predictions(int[] out) {
        be.download(pred, 0, out, 0, batch);
    }

    /** Predicted class of each sample of the last batch (waits for the device). */
    public int[] predictions() {
        int[] out = new int[batch];
        be.download(pred, 0, out, 0, batch);
        return out;
    }

    private Backend.Buf predLog;

    /** Copies the predictions of the last batch into slot {@code slot} of {@code slots} on the device (no wait). */
    public void logPredictions(int slot, int slots) {
        if (predLog == null || predLog.words < (long) slots * batch) {
            if (predLog != null) be.free(predLog);
            predLog = be.alloc((long) slots * batch);
        }
        be.copy(pred, 0, predLog, (long) slot * batch, batch);
    }

    /** The predictions logged by {@link #logPredictions}, slot after slot (waits for the device). */
    public int[] loggedPredictions(int slots) {
        int[] out = new int[slots * batch];
        be.download(predLog, 0, out, 0, out.length);
        return out;
    }

    /** Output spike counts of the last batch, B×K (the logits for a leaky readout; waits for the device). */
    public float[] outputCounts() {
        float[] out = new float[batch * nOut];
        be.download(counts, 0, out, 0, out.length);
        return out;
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

    /** Waits for the device. */
    public void sync() {
        be.sync();
    }

    /** Bytes of device memory held by this engine's buffers (now, and at most). */
    public long deviceBytes() {
        return be.allocatedBytes();
    }

    public long peakDeviceBytes() {
        return be.peakAllocatedBytes();
    }

    /** The backend (for memory reports of the CUDA context). */
    Backend backend() {
        return be;
    }

    @Override
    public void close() {
        releaseBatch();
        be.close();
    }
}
