package org.snn4j.cuda;

import java.util.Arrays;
import java.util.List;
import org.snn4j.train.sg.Conv2d;
import org.snn4j.train.sg.Layer;
import org.snn4j.train.sg.LeakyReadout;
import org.snn4j.train.sg.Lif;
import org.snn4j.train.sg.Linear;
import org.snn4j.train.sg.Seq;
import org.snn4j.train.sg.SgNet;
import org.snn4j.util.DivergenceException;
import org.snn4j.util.InputException;

/**
 * Device-resident surrogate-gradient training of the convolutional networks of {@code sg-cnn}:
 * [Conv2d (with its max-pooling) → LIF] × L → Linear → LIF outputs (ce_count) or a leaky readout
 * (ce_mean, ce_max); snnTorch tutorial 6's 12C5-MP2-64C5-MP2-10 is L = 2. Everything stays on the
 * device; each convolution is {@link DeviceConv} (im2col + one SGEMM over all B·T maps, pooling with
 * the winners kept), each LIF layer the MLP's fused {@code lif_forward}/{@code lif_backward} over all
 * T steps, the output layer the MLP's {@code output_step}/{@code output_leaky}, then Adam over one flat
 * parameter vector in the CPU network's {@code params()} order.
 *
 * <p>A batch whose input is the same at every step (direct coding, the image as a constant current)
 * runs the first convolution once per image, as the CPU does: B maps instead of B·T, the pooled map
 * repeated over T for the LIF layer, and its gradient summed over T before the convolution's backward.
 */
public final class CudaSgCnn implements DeviceNet {
    final Backend be;
    final DeviceConv[] convs;
    final int nIn, nLast, nOut, nParams;
    final float beta, theta;
    final CudaSgMlp.Readout readout;
    private final long[] wOff, bOff;
    private final long linW, linB;
    private final Backend.Buf p, g, m, v, flag, zero;
    private int steps, batch;
    private boolean constant;
    private long adamSteps;
    private Backend.Buf x, a2, ones, loss, pred, logits, labels, bits, gz0, v0;
    private Backend.Buf[] col, y, z, win, s, gs;
    private float[] first = new float[0], lossHost = new float[0];
    private int[] packed = new int[0];
    private final int[] flagHost = new int[1];

    /** Refuses (one line) what this engine cannot run; returns the convolution layers' count. */
    static int check(SgNet net) {
        List<Layer> ls = net.layers();
        int L = (ls.size() - 2) / 2;
        boolean ok = ls.size() >= 4 && ls.size() % 2 == 0 && ls.get(ls.size() - 2) instanceof Linear
                && (ls.get(ls.size() - 1) instanceof Lif || ls.get(ls.size() - 1) instanceof LeakyReadout);
        for (int l = 0; ok && l < L; l++) ok = ls.get(2 * l) instanceof Conv2d && ls.get(2 * l + 1) instanceof Lif;
        if (!ok)
            throw new InputException("device=cuda trains [convolution (with max-pooling) -> LIF] x L -> dense output layer; this network is "
                    + String.join(", ", ls.stream().map(Layer::name).toList()));
        for (int l = 0; l < L; l++) if (((Conv2d) ls.get(2 * l)).groups != 1) throw new InputException("device=cuda: convolutions with groups 1 only");
        return L;
    }

    /** The engine for the CPU network {@code net} (checked by the caller), on backend {@code be}. */
    CudaSgCnn(Backend be, SgNet net, CudaSgMlp.Readout readout) {
        int L = check(net);
        List<Layer> ls = net.layers();
        this.be = be;
        this.readout = readout;
        Lif first = (Lif) ls.get(1);
        beta = first.decay();
        theta = first.threshold();
        convs = new DeviceConv[L];
        wOff = new long[L];
        bOff = new long[L];
        long o = 0;
        int widest = 0;
        for (int l = 0; l < L; l++) {
            convs[l] = new DeviceConv((Conv2d) ls.get(2 * l));
            wOff[l] = o;
            o += (long) convs[l].oc * convs[l].taps;
            bOff[l] = o;
            o += convs[l].oc;
            widest = Math.max(widest, convs[l].out);
        }
        Linear lin = (Linear) ls.get(2 * L);
        nIn = convs[0].in;
        nLast = lin.in;
        nOut = lin.out;
        if (nOut > 32) throw new InputException("device=cuda: at most 32 output classes (one warp per sample), not " + nOut);
        linW = o;
        o += (long) nLast * nOut;
        linB = o;
        o += nOut;
        if (o > Integer.MAX_VALUE - 16) throw new InputException("device=cuda: too many parameters");
        nParams = (int) o;
        p = be.alloc(nParams);
        g = be.alloc(nParams);
        m = be.alloc(nParams);
        v = be.alloc(nParams);
        flag = be.alloc(1);
        zero = be.alloc(widest);
    }

    @Override
    public int paramCount() {
        return nParams;
    }

    @Override
    public String deviceName() {
        return be.deviceName();
    }

    @Override
    public void setState(float[] params, float[] adamM, float[] adamV, long adamStepCount) {
        if (params.length != nParams || adamM.length != nParams || adamV.length != nParams)
            throw new IllegalArgumentException("device=cuda: state of " + params.length + " values for " + nParams + " parameters");
        be.upload(params, 0, p, 0, nParams);
        be.upload(adamM, 0, m, 0, nParams);
        be.upload(adamV, 0, v, 0, nParams);
        be.upload(new int[1], 0, flag, 0, 1);
        adamSteps = adamStepCount;
    }

    @Override
    public long getState(float[] params, float[] adamM, float[] adamV) {
        be.download(p, 0, params, 0, nParams);
        be.download(m, 0, adamM, 0, nParams);
        be.download(v, 0, adamV, 0, nParams);
        return adamSteps;
    }

    /** The parameter gradients of the last {@link #gradients} call, flat in the CPU network's {@code params()} order (waits). */
    public float[] gradientsFlat() {
        float[] out = new float[nParams];
        be.download(g, 0, out, 0, nParams);
        return out;
    }

    @Override
    public void prepare(int steps, int batch) {
        if (steps < 1 || batch < 1) throw new InputException("device=cuda: steps and batch must be positive");
        if (steps == this.steps && batch == this.batch) return;
        releaseBatch();
        this.steps = steps;
        this.batch = batch;
        long rows = (long) steps * batch;
        int L = convs.length;
        col = new Backend.Buf[L];
        y = new Backend.Buf[L];
        z = new Backend.Buf[L];
        win = new Backend.Buf[L];
        s = new Backend.Buf[L];
        gs = new Backend.Buf[L];
        long onesLen = rows;
        for (int l = 0; l < L; l++) {
            DeviceConv c = convs[l];
            col[l] = be.alloc(c.colSize(rows));
            y[l] = be.alloc(c.convSize(rows));
            z[l] = be.alloc(rows * c.out);
            win[l] = be.alloc(rows * c.out);
            s[l] = be.alloc(rows * c.out);
            gs[l] = be.alloc(rows * c.out);
            onesLen = Math.max(onesLen, rows * c.positions);
        }
        if (onesLen > Integer.MAX_VALUE - 16) throw new InputException("device=cuda: batch × steps × map too large");
        v0 = be.alloc(rows * convs[0].out);
        gz0 = be.alloc((long) batch * convs[0].out);
        x = be.alloc(rows * nIn);
        a2 = be.alloc(rows * nOut);
        ones = be.alloc(onesLen);
        float[] one = new float[(int) onesLen];
        Arrays.fill(one, 1f);
        be.upload(one, 0, ones, 0, (int) onesLen);
        loss = be.alloc(batch);
        pred = be.alloc(batch);
        logits = be.alloc((long) batch * nOut);
        labels = be.alloc(batch);
    }

    private void releaseBatch() {
        if (col == null) return;
        for (Backend.Buf[] bs : new Backend.Buf[][] {col, y, z, win, s, gs}) for (Backend.Buf b : bs) be.free(b);
        for (Backend.Buf b : new Backend.Buf[] {v0, gz0, x, a2, ones, loss, pred, logits, labels, bits, predLog}) if (b != null) be.free(b);
        col = null;
        bits = null;
        predLog = null;
    }

    private void checkPrepared() {
        if (col == null) throw new IllegalStateException("prepare(steps, batch) first");
    }

    /**
     * Uploads the batch: dense values (direct coding; when every step of every sample equals its first,
     * only the first steps, and the first convolution then runs once per image) or spikes (bits).
     */
    @Override
    public void input(Seq in) {
        checkPrepared();
        if (in.n != nIn) throw new InputException("device=cuda: the input must have " + nIn + " units, not " + in.n);
        int T = steps, B = batch, rows = T * B;
        if (in.binary) {
            constant = false;
            int w32 = 2 * in.words;
            if (bits == null) bits = be.alloc((long) rows * w32);
            if (packed.length < rows * w32) packed = new int[rows * w32];
            for (int k = 0; k < rows * in.words; k++) {
                long wd = in.bits[k];
                packed[2 * k] = (int) wd;
                packed[2 * k + 1] = (int) (wd >>> 32);
            }
            be.upload(packed, 0, bits, 0, rows * w32);
            be.expandBits(bits, x, rows, nIn, w32);
            return;
        }
        constant = true;
        for (int b = 0; b < B && constant; b++)
            for (int t = 1; t < T && constant; t++)
                constant = Arrays.equals(in.dense, (b * T + t) * nIn, (b * T + t + 1) * nIn, in.dense, b * T * nIn, (b * T + 1) * nIn);
        if (!constant) {
            be.upload(in.dense, 0, x, 0, rows * nIn);
            return;
        }
        if (first.length < B * nIn) first = new float[B * nIn];
        for (int b = 0; b < B; b++) System.arraycopy(in.dense, b * T * nIn, first, b * nIn, nIn);
        be.upload(first, 0, x, 0, B * nIn);
    }

    /** Images (n_in floats each) and labels held on the device, for {@link #batchFrom}. */
    public final class DeviceImages implements AutoCloseable {
        final Backend.Buf px, lab;
        final int size;

        DeviceImages(float[] pixels, int[] labelsAll) {
            size = labelsAll.length;
            if ((long) size * nIn != pixels.length) throw new IllegalArgumentException("pixels and labels differ in size");
            px = be.alloc(pixels.length);
            lab = be.alloc(size);
            be.upload(pixels, 0, px, 0, pixels.length);
            be.upload(labelsAll, 0, lab, 0, size);
        }

        @Override
        public void close() {
            be.free(px);
            be.free(lab);
        }
    }

    /** Uploads images (image k at k·n_in) and their labels. */
    public DeviceImages upload(float[] pixels, int[] labelsAll) {
        return new DeviceImages(pixels, labelsAll);
    }

    /** The prepared batch is images [first, first + B) of {@code d}, each a constant input at every step (direct coding), on the device. */
    public void batchFrom(DeviceImages d, int first) {
        checkPrepared();
        if (first < 0 || first + batch > d.size) throw new IllegalArgumentException("batch outside the device images");
        constant = true;
        be.copy(d.px, (long) first * nIn, x, 0, (long) batch * nIn);
        be.copy(d.lab, first, labels, 0, batch);
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

    /** The predictions logged by {@link #logPredictions}, slot after slot (waits). */
    public int[] loggedPredictions(int slots) {
        int[] out = new int[slots * batch];
        be.download(predLog, 0, out, 0, out.length);
        return out;
    }

    /** Waits for the device. */
    public void sync() {
        be.sync();
    }

    /** Number of spikes of LIF layer l in the last forward pass (waits). */
    public long spikeCount(int l) {
        return Math.round(be.asum(s[l], 0, (long) steps * batch * convs[l].out));
    }

    @Override
    public void labels(int[] lab) {
        checkPrepared();
        for (int k = 0; k < batch; k++)
            if (lab[k] < 0 || lab[k] >= nOut) throw new InputException("device=cuda: label " + lab[k] + " outside [0, " + nOut + ")");
        be.upload(lab, 0, labels, 0, batch);
    }

    /** The membrane buffer of LIF layer l (its input currents before the forward pass, v_t after). */
    private Backend.Buf membrane(int l) {
        return l == 0 && constant ? v0 : z[l];
    }

    private void forward(boolean train) {
        int B = batch, T = steps;
        Backend.Buf in = x;
        int rowsIn = constant ? B : B * T;
        for (int l = 0; l < convs.length; l++) {
            DeviceConv c = convs[l];
            c.forward(be, in, rowsIn, p, wOff[l], bOff[l], col[l], y[l], z[l], win[l]);
            if (l == 0 && constant) be.repeatSteps(z[0], v0, B, T, c.out);
            be.lifForward(membrane(l), zero, 0, s[l], B, T, c.out, beta, theta, train);
            in = s[l];
            rowsIn = B * T;
        }
        be.gemmRm(false, false, B * T, nOut, nLast, s[convs.length - 1], 0, p, linW, 0f, a2, 0);   // output currents
    }

    private void output(boolean withLabels, boolean train) {
        if (readout == CudaSgMlp.Readout.LIF_COUNT)
            be.outputStep(a2, p, linB, withLabels ? labels : null, 0, loss, pred, logits, batch, steps, nOut, beta, theta, 1f / batch, train);
        else
            be.outputLeaky(a2, p, linB, withLabels ? labels : null, 0, loss, pred, logits, batch, steps, nOut, beta, 1f / batch,
                    readout == CudaSgMlp.Readout.LEAKY_MAX, train);
    }

    @Override
    public void gradients() {
        checkPrepared();
        int B = batch, T = steps, rows = B * T, L = convs.length;
        forward(true);
        output(true, true);                                                                        // a2 ← ∂L/∂I_out
        be.gemmRm(false, true, rows, nLast, nOut, a2, 0, p, linW, 0f, gs[L - 1], 0);               // ∂L/∂S_last
        be.gemmRm(true, false, nLast, nOut, rows, s[L - 1], 0, a2, 0, 0f, g, linW);                 // ∂W_out
        be.gemmRm(false, false, 1, nOut, rows, ones, 0, a2, 0, 0f, g, linB);                        // ∂b_out
        for (int l = L - 1; l >= 0; l--) {
            DeviceConv c = convs[l];
            be.lifBackward(gs[l], membrane(l), B, T, c.out, beta, theta);                           // ∂L/∂(pooled map)
            Backend.Buf gz = gs[l];
            int r = rows;
            if (l == 0 && constant) {
                be.sumSteps(gs[0], gz0, B, T, c.out);
                gz = gz0;
                r = B;
            }
            c.backward(be, gz, win[l], r, col[l], p, wOff[l], g, wOff[l], bOff[l], y[l], ones, l > 0 ? gs[l - 1] : null);
        }
    }

    @Override
    public void infer(boolean withLabels) {
        checkPrepared();
        forward(false);
        output(withLabels, false);
    }

    @Override
    public void adam(double lr, double weightDecay) {
        adamSteps++;
        double b1 = 0.9, b2 = 0.999;
        float c1 = (float) (1 - Math.pow(b1, adamSteps)), c2 = (float) (1 - Math.pow(b2, adamSteps));
        be.adam(p, g, m, v, nParams, (float) lr, (float) b1, (float) b2, (float) 1e-8, (float) weightDecay, 1f / c1, 1f / c2, flag);
    }

    @Override
    public double loss() {
        if (lossHost.length != batch) lossHost = new float[batch];
        be.download(loss, 0, lossHost, 0, batch);
        be.download(flag, 0, flagHost, 0, 1);
        double sum = 0;
        for (float f : lossHost) sum += f;
        double mean = sum / batch;
        if (!Double.isFinite(mean)) throw new DivergenceException(-1, null, "device=cuda: loss is " + mean);
        if ((flagHost[0] & 1) != 0) throw new DivergenceException(-1, null, "device=cuda: a gradient became NaN or infinite");
        if ((flagHost[0] & 2) != 0) throw new DivergenceException(-1, null, "device=cuda: a parameter became NaN or infinite (learning rate too large?)");
        return mean;
    }

    @Override
    public void predictions(int[] out) {
        be.download(pred, 0, out, 0, batch);
    }

    /** Spikes of LIF layer l of the last forward pass, B·T rows of the layer's pooled map (waits). */
    public float[] spikes(int l) {
        float[] out = new float[steps * batch * convs[l].out];
        be.download(s[l], 0, out, 0, out.length);
        return out;
    }

    /** Bytes of device memory held by this engine's buffers (now, and at most). */
    public long deviceBytes() {
        return be.allocatedBytes();
    }

    public long peakDeviceBytes() {
        return be.peakAllocatedBytes();
    }

    Backend backend() {
        return be;
    }

    @Override
    public void close() {
        releaseBatch();
        be.close();
    }
}
