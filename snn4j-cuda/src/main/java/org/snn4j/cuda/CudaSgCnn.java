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
public final class CudaSgCnn extends DeviceNet {
    final DeviceConv[] convs;
    final int nIn, nLast;
    /** Offsets of each convolution's W and b, and of the output layer's W and b, in the flat vectors. */
    private final long[] wOff, bOff;
    private final long linW, linB;
    private final Backend.Buf zero;
    private boolean constant;
    private Backend.Buf x, a2, ones, gz0, v0;
    private Backend.Buf[] col, y, z, win, s, gs;
    private float[] first = new float[0];

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

    private static SgNet checked(SgNet net) {
        check(net);
        return net;
    }

    /** The engine for the CPU network {@code net} (checked by the caller), on backend {@code be}. */
    CudaSgCnn(Backend be, SgNet net, CudaSgMlp.Readout readout) {
        super(be, checked(net).paramCount(), net.layers().get(net.layers().size() - 1).out, ((Lif) net.layers().get(1)).decay(),
                ((Lif) net.layers().get(1)).threshold(), readout);
        int L = check(net);
        List<Layer> ls = net.layers();
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
        linW = o;
        o += (long) nLast * nOut;
        linB = o;
        o += nOut;
        if (o != nParams) throw new IllegalStateException("device=cuda: " + o + " parameters laid out for " + nParams);
        zero = be.alloc(widest);
    }

    @Override
    void allocate(long rows) {
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
    }

    @Override
    void releaseBatch() {
        for (Backend.Buf[] bs : new Backend.Buf[][] {col, y, z, win, s, gs}) for (Backend.Buf b : bs) be.free(b);
        for (Backend.Buf b : new Backend.Buf[] {v0, gz0, x, a2, ones}) be.free(b);
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
            uploadSpikes(in, x, rows, nIn);
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

    /** Number of spikes of LIF layer l in the last forward pass (waits). */
    public long spikeCount(int l) {
        return Math.round(be.asum(s[l], 0, (long) steps * batch * convs[l].out));
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

    @Override
    public void gradients() {
        checkPrepared();
        int B = batch, T = steps, rows = B * T, L = convs.length;
        forward(true);
        output(a2, linB, true, true);                                                                     // a2 ← ∂L/∂I_out
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
        output(a2, linB, withLabels, false);
    }

    /** Spikes of LIF layer l of the last forward pass, B·T rows of the layer's pooled map (waits). */
    public float[] spikes(int l) {
        float[] out = new float[steps * batch * convs[l].out];
        be.download(s[l], 0, out, 0, out.length);
        return out;
    }
}
