package org.snn4j.cuda;

import java.util.List;
import java.util.Map;
import org.snn4j.cell.Reset;
import org.snn4j.train.optim.Adam;
import org.snn4j.train.optim.Optimizer;
import org.snn4j.train.optim.Param;
import org.snn4j.train.sg.Conv2d;
import org.snn4j.train.sg.LeakyReadout;
import org.snn4j.train.sg.Layer;
import org.snn4j.train.sg.Lif;
import org.snn4j.train.sg.Linear;
import org.snn4j.train.sg.Loss;
import org.snn4j.train.sg.Seq;
import org.snn4j.train.sg.SgDevice;
import org.snn4j.train.sg.SgNet;
import org.snn4j.train.sg.SpikingLayer;
import org.snn4j.train.sg.Surrogate;
import org.snn4j.util.InputException;

/**
 * {@code device=cuda} for {@link org.snn4j.train.sg.SgTrainer}: the batches of an sg-mlp network
 * (n_in → Linear → LIF (H) → Linear → LIF outputs with ce_count, or a leaky readout with ce_mean or
 * ce_max) computed by {@link CudaSgMlp}, or of an sg-cnn network ([Conv2d → LIF] × L → Linear → the
 * same outputs) by {@link CudaSgCnn}, with the parameters and Adam's moments on the GPU. The trainer
 * encodes each batch on the CPU (the CPU run's spikes), this class uploads it, runs the step and reads
 * back the loss and the predictions.
 *
 * <p>What the device engine cannot train is refused by {@link #check} in one line: other layer stacks
 * (more hidden layers, convolutions, other neurons), learnable decays, the zero reset, truncated BPTT
 * and recomputation windows, other losses, optimisers other than Adam with L2 weight decay, per-tensor
 * learning-rate scales, custom surrogates.
 */
public final class CudaSgDevice implements SgDevice {
    final DeviceNet dev;
    private final float[] flat, m, v;
    private int[] labelBuf = new int[0];

    private CudaSgDevice(DeviceNet dev) {
        this.dev = dev;
        flat = new float[dev.paramCount()];
        m = new float[dev.paramCount()];
        v = new float[dev.paramCount()];
    }

    /** The output layer and loss the device runs for this network and loss (after {@link #check}). */
    static CudaSgMlp.Readout readout(SgNet net, Loss loss) {
        if (net.layers().get(net.layers().size() - 1) instanceof LeakyReadout) return loss == Loss.CE_MAX ? CudaSgMlp.Readout.LEAKY_MAX : CudaSgMlp.Readout.LEAKY_MEAN;
        return CudaSgMlp.Readout.LIF_COUNT;
    }

    /** Refuses (one line, {@link InputException}) what the device engine cannot train. */
    static void check(SgNet net, Loss loss, Optimizer opt) {
        List<Layer> ls = net.layers();
        if (ls.get(0) instanceof Conv2d) {
            CudaSgCnn.check(net);
            checkCommon(net, loss, opt, (Lif) ls.get(1));
            return;
        }
        if (ls.size() != 4 || !(ls.get(0) instanceof Linear) || !(ls.get(1) instanceof Lif hid) || !(ls.get(2) instanceof Linear)
                || !(ls.get(3) instanceof Lif || ls.get(3) instanceof LeakyReadout))
            throw new InputException("device=cuda trains one hidden LIF layer (n_in-H-K with neuron=lif); this network is "
                    + String.join(", ", ls.stream().map(Layer::name).toList()));
        if (hid.learnsDecay() || ls.get(3) instanceof Lif o && o.learnsDecay()) throw new InputException("device=cuda: learn_beta=none only");
        if (hid.reset() != Reset.SUBTRACT) throw new InputException("device=cuda: reset=subtract only, not " + hid.reset().name().toLowerCase());
        checkCommon(net, loss, opt, hid);
    }

    /** The checks of both engines: the LIF layers, the output layer and its loss, the optimiser. */
    private static void checkCommon(SgNet net, Loss loss, Optimizer opt, Lif hid) {
        List<Layer> ls = net.layers();
        for (Layer l : ls)
            if (l instanceof Lif f && (f.learnsDecay() || f.reset() != Reset.SUBTRACT || f.decay() != hid.decay() || f.threshold() != hid.threshold()
                    || !java.util.Objects.equals(f.surrogate().spec(), hid.surrogate().spec())))
                throw new InputException("device=cuda: every LIF layer must have the same fixed beta, threshold and surrogate and reset=subtract");
        if (net.truncation() > 0 || net.memoryWindow() > 0) throw new InputException("device=cuda: full BPTT only (tbptt=0, recompute=0)");
        Kernels.surrogateBody(hid.surrogate());   // a custom surrogate has no CUDA form
        Layer last = ls.get(ls.size() - 1);
        if (last instanceof Lif out) {
            if (loss != Loss.CE_COUNT) throw new InputException("device=cuda: with LIF outputs (readout=lif) the loss must be ce_count, not " + lower(loss));
            if (out.reset() != Reset.SUBTRACT || out.decay() != hid.decay() || out.threshold() != hid.threshold() || !java.util.Objects.equals(out.surrogate().spec(), hid.surrogate().spec()))
                throw new InputException("device=cuda: the output LIF layer must have the hidden layer's beta, threshold, reset and surrogate");
        } else {
            if (loss != Loss.CE_MEAN && loss != Loss.CE_MAX)
                throw new InputException("device=cuda: with readout=leaky the loss must be ce_mean or ce_max, not " + lower(loss));
            if (((LeakyReadout) last).decay() != hid.decay()) throw new InputException("device=cuda: the readout must have the hidden layer's beta");
        }
        if (last.out > 32) throw new InputException("device=cuda: at most 32 output classes, not " + last.out);
        if (!(opt instanceof Adam a) || a.decoupled()) throw new InputException("device=cuda: the optimiser must be Adam (not " + opt.kind() + ")");
        for (Param p : opt.params().params())
            if (p.lrScale() != 1 || !p.isFloat()) throw new InputException("device=cuda: parameter " + p.name() + " has its own learning-rate scale or is not float");
    }

    private static String lower(Loss l) {
        return l.name().toLowerCase();
    }

    /** Opens the engine for this network on the GPU, or on {@link HostBackend} when {@code host} (tests, dry runs). */
    static CudaSgDevice open(SgNet net, Loss loss, Optimizer opt, boolean host) {
        check(net, loss, opt);
        List<Layer> ls = net.layers();
        Lif hid = (Lif) ls.get(1);
        Surrogate sg = hid.surrogate();
        CudaSgMlp.Readout r = readout(net, loss);
        DeviceNet e;
        if (ls.get(0) instanceof Conv2d) {
            Backend be = host ? new HostBackend(sg) : CudaBackend.open(sg, false);
            try {
                e = new CudaSgCnn(be, net, r);
            } catch (RuntimeException ex) {
                be.close();
                throw ex;
            }
        } else {
            int nIn = ls.get(0).in, H = hid.out, K = ls.get(3).out;
            e = host ? new CudaSgMlp(new HostBackend(sg), nIn, H, K, hid.decay(), hid.threshold(), r)
                    : CudaSgMlp.open(nIn, H, K, hid.decay(), hid.threshold(), sg, CudaSgMlp.MathMode.FP32, r);
        }
        CudaSgDevice d = new CudaSgDevice(e);
        try {
            d.upload(net, opt);
        } catch (RuntimeException ex) {
            d.close();
            throw ex;
        }
        return d;
    }

    @Override
    public String description() {
        return "cuda (" + dev.deviceName() + ")";
    }

    /** The engine (tests, memory reports): a {@link CudaSgMlp} or a {@link CudaSgCnn}. */
    public Object engine() {
        return dev;
    }

    @Override
    public void upload(SgNet net, Optimizer opt) {
        concat(net.params(), flat);
        concat(state(opt, "m"), m);
        concat(state(opt, "v"), v);
        dev.setState(flat, m, v, opt.steps());
    }

    @Override
    public void download(SgNet net, Optimizer opt) {
        long steps = dev.getState(flat, m, v);
        split(flat, net.params());
        split(m, state(opt, "m"));
        split(v, state(opt, "v"));
        opt.steps(steps);
    }

    /** The optimiser's state slot {@code slot} of each parameter, in the parameter order. */
    private static float[][] state(Optimizer opt, String slot) {
        List<Param> ps = opt.params().params();
        Map<String, Object> st = opt.state();
        float[][] out = new float[ps.size()][];
        for (int k = 0; k < out.length; k++) out[k] = (float[]) st.get(ps.get(k).name() + "." + slot);
        return out;
    }

    private static void concat(float[][] parts, float[] dst) {
        int o = 0;
        for (float[] a : parts) {
            System.arraycopy(a, 0, dst, o, a.length);
            o += a.length;
        }
        if (o != dst.length) throw new IllegalStateException("device=cuda: " + o + " values for " + dst.length + " parameters");
    }

    private static void split(float[] src, float[][] parts) {
        int o = 0;
        for (float[] a : parts) {
            System.arraycopy(src, o, a, 0, a.length);
            o += a.length;
        }
    }

    private void batch(Seq input, int[] labels) {
        int B = input.batch();
        dev.prepare(input.steps(), B);
        dev.input(input);
        if (labels != null) {
            if (labelBuf.length != B) labelBuf = new int[B];
            System.arraycopy(labels, 0, labelBuf, 0, B);
            dev.labels(labelBuf);
        }
    }

    @Override
    public double train(Seq input, int[] labels, double lr, int[] pred) {
        batch(input, labels);
        dev.gradients();
        dev.adam(lr, weightDecay);
        double l = dev.loss();
        dev.predictions(pred);
        return l;
    }

    private double weightDecay;

    /** L2 weight decay of the optimiser (set by the provider from the trainer's Adam). */
    CudaSgDevice weightDecay(double wd) {
        weightDecay = wd;
        return this;
    }

    @Override
    public void infer(Seq input, int[] labels, int[] pred) {
        batch(input, labels);
        dev.infer(labels != null);
        dev.predictions(pred);
    }

    @Override
    public void close() {
        dev.close();
    }

    /** The {@link SgDevice.Provider} of {@code device=cuda}; the system property {@code snn4j.cuda.backend=host} runs the Java reference of the kernels instead of a GPU (tests, dry runs). */
    public static final class Provider implements SgDevice.Provider {
        static boolean host() {
            return "host".equals(System.getProperty("snn4j.cuda.backend"));
        }

        @Override
        public String name() {
            return "cuda";
        }

        @Override
        public void check(SgNet net, Loss loss, Optimizer opt) {
            CudaSgDevice.check(net, loss, opt);
        }

        @Override
        public void probe() {
            if (!host()) CudaBackend.probe();
        }

        @Override
        public SgDevice open(SgNet net, Loss loss, Optimizer opt) {
            return CudaSgDevice.open(net, loss, opt, host()).weightDecay(((Adam) opt).weightDecay());
        }
    }
}
