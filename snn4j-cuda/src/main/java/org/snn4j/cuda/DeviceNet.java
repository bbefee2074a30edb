package org.snn4j.cuda;

import org.snn4j.train.sg.Seq;
import org.snn4j.util.DivergenceException;
import org.snn4j.util.InputException;

/**
 * What the device-resident networks ({@link CudaSgMlp}, {@link CudaSgCnn}) share: the parameters,
 * gradients and Adam moments as flat vectors in the CPU network's {@code params()} order, the output
 * layer with its loss ({@code output_step} or {@code output_leaky}), the labels, loss and predictions
 * of a batch, the upload of spike input, Adam, and the divergence check when the loss is read.
 */
public abstract class DeviceNet implements AutoCloseable {
    final Backend be;
    final int nOut, nParams;
    final float beta, theta;
    final CudaSgMlp.Readout readout;
    /** Parameters, gradients and Adam's moments, one flat vector each; the non-finite flag of Adam. */
    final Backend.Buf p, g, m, v, flag;
    int steps, batch;
    /** Per batch: the loss and prediction of each sample, the logits (spike counts or membrane logits), the labels. */
    Backend.Buf loss, pred, logits, labels;
    private Backend.Buf bits, predLog;
    private long adamSteps;
    private final int[] flagHost = new int[1];
    private float[] lossHost = new float[0];
    private int[] packed = new int[0];

    DeviceNet(Backend be, long nParams, int nOut, double beta, double theta, CudaSgMlp.Readout readout) {
        if (nOut < 1) throw new InputException("device=cuda: layer widths must be positive");
        if (nOut > 32) throw new InputException("device=cuda: at most 32 output classes (one warp per sample), not " + nOut);
        if (nParams > Integer.MAX_VALUE - 16) throw new InputException("device=cuda: too many parameters: " + nParams);
        this.be = be;
        this.nParams = (int) nParams;
        this.nOut = nOut;
        this.beta = (float) beta;
        this.theta = (float) theta;
        this.readout = readout;
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
     * Uploads the parameters as one flat vector in the CPU network's {@code params()} order, and Adam's
     * state: its moments in the same order (null: zeros) and its step count.
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

    /** Downloads the parameters and Adam's moments (flat, as {@link #setState}; null: skipped); returns Adam's step count. */
    public long getState(float[] params, float[] adamM, float[] adamV) {
        be.download(p, 0, params, 0, nParams);
        if (adamM != null) be.download(m, 0, adamM, 0, nParams);
        if (adamV != null) be.download(v, 0, adamV, 0, nParams);
        return adamSteps;
    }

    /** The parameter gradients of the last {@link #gradients} call, flat in the {@code params()} order (waits). */
    public float[] gradientsFlat() {
        float[] out = new float[nParams];
        be.download(g, 0, out, 0, nParams);
        return out;
    }

    /** Allocates the per-batch buffers for B samples of T steps (kept when the size is unchanged). */
    public final void prepare(int steps, int batch) {
        if (steps < 1 || batch < 1) throw new InputException("device=cuda: steps and batch must be positive");
        if (steps == this.steps && batch == this.batch) return;
        release();
        this.steps = steps;
        this.batch = batch;
        loss = be.alloc(batch);
        pred = be.alloc(batch);
        logits = be.alloc((long) batch * nOut);
        labels = be.alloc(batch);
        allocate((long) steps * batch);
    }

    /** The engine's own per-batch buffers for {@code rows} = B·T rows. */
    abstract void allocate(long rows);

    /** Frees the engine's own per-batch buffers. */
    abstract void releaseBatch();

    private void release() {
        if (loss == null) return;
        releaseBatch();
        for (Backend.Buf b : new Backend.Buf[] {loss, pred, logits, labels, bits, predLog}) if (b != null) be.free(b);
        loss = null;
        bits = null;
        predLog = null;
    }

    void checkPrepared() {
        if (loss == null) throw new IllegalStateException("prepare(steps, batch) first");
    }

    public int steps() {
        return steps;
    }

    public int batch() {
        return batch;
    }

    /** Uploads the input of the prepared batch (B·T rows of the network's input, as the CPU encoder fills them). */
    public abstract void input(Seq in);

    /** Forward and backward pass on the prepared batch; leaves the gradients on the device (no wait). */
    public abstract void gradients();

    /** Forward pass on the prepared batch: predictions (and the loss, with labels) on the device. */
    public abstract void infer(boolean withLabels);

    /** x (rows × n floats 0/1) ← the spikes of {@code in} (bits, uploaded as 32-bit words and expanded on the device). */
    void uploadSpikes(Seq in, Backend.Buf x, int rows, int n) {
        int w32 = 2 * in.words;
        if (bits == null) bits = be.alloc((long) rows * w32);
        if (packed.length < rows * w32) packed = new int[rows * w32];   // kept: no allocation per batch
        for (int k = 0; k < rows * in.words; k++) {
            long w = in.bits[k];
            packed[2 * k] = (int) w;
            packed[2 * k + 1] = (int) (w >>> 32);
        }
        be.upload(packed, 0, bits, 0, rows * w32);
        be.expandBits(bits, x, rows, n, w32);
    }

    /** The output layer on a (B·T × K currents, bias at biasOff of the parameters): loss, prediction, and when training a ← ∂L/∂I. */
    void output(Backend.Buf a, long biasOff, boolean withLabels, boolean train) {
        if (readout == CudaSgMlp.Readout.LIF_COUNT)
            be.outputStep(a, p, biasOff, withLabels ? labels : null, 0, loss, pred, logits, batch, steps, nOut, beta, theta, 1f / batch, train);
        else
            be.outputLeaky(a, p, biasOff, withLabels ? labels : null, 0, loss, pred, logits, batch, steps, nOut, beta, 1f / batch,
                    readout == CudaSgMlp.Readout.LEAKY_MAX, train);
    }

    /** Sets the labels of the prepared batch (B values in [0, K)). */
    public void labels(int[] lab) {
        checkPrepared();
        for (int k = 0; k < batch; k++)
            if (lab[k] < 0 || lab[k] >= nOut) throw new InputException("device=cuda: label " + lab[k] + " outside [0, " + nOut + ")");
        be.upload(lab, 0, labels, 0, batch);
    }

    /** One Adam step (PyTorch's; β₁ = 0.9, β₂ = 0.999, ε = 1e-8, L2 weight decay) with the gradients of the last {@link #gradients}. */
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
        be.download(loss, 0, lossHost, 0, batch);
        be.download(flag, 0, flagHost, 0, 1);
        double s = 0;
        for (float f : lossHost) s += f;
        double mean = s / batch;
        if (!Double.isFinite(mean)) throw new DivergenceException(-1, null, "device=cuda: loss is " + mean);
        if ((flagHost[0] & 1) != 0) throw new DivergenceException(-1, null, "device=cuda: a gradient became NaN or infinite");
        if ((flagHost[0] & 2) != 0) throw new DivergenceException(-1, null, "device=cuda: a parameter became NaN or infinite (learning rate too large?)");
        return mean;
    }

    /** Predicted class of each sample of the last batch into out[0, B) (waits for the device). */
    public void predictions(int[] out) {
        be.download(pred, 0, out, 0, batch);
    }

    /** Predicted class of each sample of the last batch (waits for the device). */
    public int[] predictions() {
        int[] out = new int[batch];
        predictions(out);
        return out;
    }

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

    /** The logits of the last batch, B×K: output spike counts, or the leaky readout's mean or maximum (waits). */
    public float[] outputCounts() {
        float[] out = new float[batch * nOut];
        be.download(logits, 0, out, 0, out.length);
        return out;
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
        release();
        be.close();
    }
}
