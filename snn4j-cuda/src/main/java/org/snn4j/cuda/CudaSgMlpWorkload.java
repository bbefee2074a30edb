package org.snn4j.cuda;

import java.util.LinkedHashMap;
import java.util.Map;
import org.snn4j.cell.Reset;
import org.snn4j.data.Dataset;
import org.snn4j.data.Datasets;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.Workload;
import org.snn4j.papers.sg.SgMlpWorkload;
import org.snn4j.train.sg.Loss;
import org.snn4j.train.sg.Seq;
import org.snn4j.train.sg.SgMlp;
import org.snn4j.train.sg.SgNet;
import org.snn4j.train.sg.Surrogate;
import org.snn4j.util.InputException;
import org.snn4j.util.Rng;

/**
 * {@code snn4j bench sg-mlp-cuda} (also reached as {@code bench sg-mlp --device cuda}): the sg-mlp
 * workload (784-H-10, LIF β = 0.95, θ = 1, subtractive reset, fast sigmoid 25, rate-coded input,
 * ce_count, Adam 5e-4, full BPTT) trained and run on the GPU by {@link CudaSgMlp}. The images of all
 * (warmup + iters) batches and their labels are uploaded before timing (the same random pixels as
 * the CPU workload for a seed); each batch is rate-coded inside the timed loop, on the device
 * ({@code --encoder device}, the default, like PyTorch's {@code bernoulli} on the GPU) or by the CPU
 * encoder with an upload ({@code --encoder host}: the CPU path's spikes exactly). The timed loop
 * enqueues all batches and waits once at the end (the loss is read after the loop).
 */
public final class CudaSgMlpWorkload implements Workload {
    @Override
    public String name() {
        return "sg-mlp-cuda";
    }

    @Override
    public String description() {
        return "the sg-mlp benchmark trained on an NVIDIA GPU (snn4j-cuda: cuBLAS + fused NVRTC kernels)";
    }

    @Override
    public Params defaults() {
        Params p = new SgMlpWorkload().defaults();
        if (!p.has("device")) p.declare("device", "cuda", "cuda, or auto (the CPU when no GPU is usable)");
        else p.put("device", "cuda");
        p.declare("encoder", "device", "device (rate coding on the GPU) or host (the CPU encoder's spikes, uploaded)");
        p.declare("math", "fp32", "fp32 or tf32 (tensor cores for the matrix products)");
        return p;
    }

    @Override
    public Map<String, Object> run(Params p) throws Exception {
        String device = p.getString("device");
        if (!device.equals("cuda") && !device.equals("auto"))
            throw new InputException("bench sg-mlp-cuda: --device must be cuda or auto, not '" + device + "'");
        int H = p.getInt("hidden"), T = p.getInt("steps"), B = p.getInt("batch");
        int warm = p.getInt("warmup"), iters = p.getInt("iters"), nb = warm + iters;
        long seed = p.getLong("seed");
        Loss loss = Loss.parse(p.getString("loss"));
        if (loss != Loss.CE_COUNT) throw new InputException("bench sg-mlp: device=cuda supports --loss ce_count only, not " + p.getString("loss"));
        if (p.getInt("recompute") != 0) throw new InputException("bench sg-mlp: device=cuda keeps all T steps (--recompute 0)");
        String mode = p.getString("mode"), encoder = p.getString("encoder");
        if (!mode.equals("both") && !mode.equals("train") && !mode.equals("infer"))
            throw new InputException("bench sg-mlp: --mode must be both, train or infer, not '" + mode + "'");
        if (!encoder.equals("device") && !encoder.equals("host"))
            throw new InputException("bench sg-mlp: --encoder must be device or host, not '" + encoder + "'");
        CudaSgMlp.MathMode math;
        try {
            math = CudaSgMlp.MathMode.valueOf(p.getString("math").toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new InputException("bench sg-mlp: --math must be fp32 or tf32, not '" + p.getString("math") + "'");
        }
        final int dim = 784;
        long nImg = (long) nb * B;
        if (nImg * dim > Integer.MAX_VALUE - 16) throw new InputException("bench sg-mlp: (warmup + iters) × batch too large");
        Surrogate sg = Surrogate.fastSigmoid(25);
        CudaSgMlp dev;
        try {
            dev = CudaSgMlp.open(dim, H, 10, 0.95, 1.0, sg, math);
        } catch (CudaUnavailableException e) {
            if (!device.equals("auto")) throw e;
            System.err.println("bench sg-mlp: device=auto: " + e.getMessage() + "; running on the CPU");
            Params q = new SgMlpWorkload().defaults();
            for (Map.Entry<String, Object> en : p.asMap().entrySet())
                if (q.has(en.getKey()) && !en.getKey().equals("device")) q.applyAssignment(en.getKey() + "=" + en.getValue());
            Map<String, Object> r = new SgMlpWorkload().run(q);
            r.put("device", "cpu (auto: no usable GPU)");
            return r;
        }
        // the same images and labels as the CPU workload for this seed (random data) or the dataset's head
        float[] px;
        int[] y;
        String data = p.getString("data");
        Dataset ds = null;
        if (data.equals("random")) {
            px = new float[(int) nImg * dim];
            y = new int[(int) nImg];
            Rng r = Rng.stream(seed, 0xDA7A);
            for (int k = 0; k < px.length; k++) px[k] = (float) r.nextDouble();
            for (int k = 0; k < y.length; k++) y[k] = r.nextInt(10);
        } else if (data.equals("fashion-mnist") || data.equals("mnist")) {
            Dataset d = Datasets.loadOrFetch(data, Datasets.Split.TRAIN, Datasets.dataDir(p.getString("data_dir")), System.err);
            if (d.size() < nImg) throw new InputException("bench sg-mlp: " + data + " has " + d.size() + " training images, need " + nImg);
            ds = d.head((int) nImg);
            px = new float[(int) nImg * dim];
            for (int k = 0; k < nImg; k++) for (int i = 0; i < dim; i++) px[k * dim + i] = ds.pixel(k, i);
            y = ds.labels();
        } else {
            throw new InputException("bench sg-mlp: --data must be random, fashion-mnist or mnist, not '" + data + "'");
        }
        Map<String, Object> m = org.snn4j.papers.sg.SgMlpWorkload.sizeFields(H, T, B, "ce_count", data, warm, iters);
        m.put("device", "cuda");
        m.put("encoder", encoder);
        m.put("math", math.name().toLowerCase());
        try (dev; SgNet cpu = SgMlp.build(dim, new int[] {H}, 10, 0.95, 1.0, Reset.SUBTRACT, sg, false, 1, seed)) {
            m.put("gpu", dev.deviceName());
            m.put("threads", 0);
            m.put("params", (long) dev.paramCount());
            dev.copyFrom(cpu);   // the CPU workload's initial weights for this seed
            dev.prepare(T, B);
            CudaSgMlp.DeviceData dd = dev.upload(px, y);
            Seq in = new Seq(dim, true);
            in.ensure(T, B);
            int[] labels = new int[B];
            if (!mode.equals("infer")) {
                double lr = p.getDouble("lr");
                double first = Double.NaN;
                long t0 = 0;
                for (int i = 0; i < nb; i++) {
                    if (i == warm) {
                        dev.sync();
                        t0 = System.nanoTime();
                    }
                    batch(dev, dd, encoder, in, labels, px, y, i, B, seed, i);
                    dev.gradients();
                    dev.adam(lr, 0);
                    if (i == warm && iters > 1) {   // one sync inside the timed loop, to report the first loss
                        first = dev.loss();
                    }
                }
                dev.sync();
                double tTotal = (System.nanoTime() - t0) * 1e-9;
                double last = dev.loss();
                long n = (long) iters * B;
                putTraining(m, n, tTotal, iters, first, last);
                m.put("hidden_rate_per_step", round(dev.hiddenSpikeCount() / ((double) B * T * H), 4));
                float[] c = dev.outputCounts();
                double sc = 0;
                for (float f : c) sc += f;
                m.put("output_rate_per_step", round(sc / ((double) B * T * 10), 4));
                m.put("run_s", round(tTotal, 4));
            }
            if (!mode.equals("train")) {
                long correct = 0;
                long t0 = 0;
                for (int i = 0; i < nb; i++) {
                    if (i == warm) {
                        dev.sync();
                        t0 = System.nanoTime();
                    }
                    batch(dev, dd, encoder, in, labels, px, y, i, B, seed + 1, i);
                    dev.infer(true);
                    if (i >= warm) dev.logPredictions(i - warm, iters);   // kept on the device, read after the loop
                }
                dev.sync();
                double tTotal = (System.nanoTime() - t0) * 1e-9;
                int[] pr = dev.loggedPredictions(iters);
                for (int k = 0; k < pr.length; k++) if (pr[k] == y[warm * B + k]) correct++;
                long n = (long) iters * B;
                putInference(m, n, tTotal, iters, correct);
            }
            putMemory(m, dev);
            dd.close();
        }
        return m;
    }

    /** Input and labels of batch i: images [i·B, (i + 1)·B). */
    private static void batch(CudaSgMlp dev, CudaSgMlp.DeviceData dd, String encoder, Seq in, int[] labels, float[] px, int[] y, int i,
                              int B, long seed, long stream) {
        if (encoder.equals("device")) {
            dev.encode(dd, i * B, seed, stream);
        } else {
            SgNet.InputFiller f = SgMlp.rateCoded(px, 784, null, i * B, seed, stream);
            int T = in.steps();
            java.util.stream.IntStream.range(0, (B + 15) / 16).parallel().forEach(c -> {
                int b0 = c * 16, b1 = Math.min(B, b0 + 16);
                f.fill(in, b0, b1, new int[785]);
            });
            dev.input(in);
            System.arraycopy(y, i * B, labels, 0, B);
            dev.labels(labels);
        }
    }

    /** The timed training loop's figures, in the same fields for every device workload. */
    static void putTraining(Map<String, Object> m, long samples, double seconds, int iters, double firstLoss, double lastLoss) {
        m.put("train_samples_per_s", round(samples / seconds, 1));
        m.put("train_ms_per_batch", round(1000 * seconds / iters, 3));
        m.put("train_loss_first", round(Double.isNaN(firstLoss) ? lastLoss : firstLoss, 4));
        m.put("train_loss_last", round(lastLoss, 4));
    }

    /** The timed inference loop's figures; run_s is the inference time when no training was timed. */
    static void putInference(Map<String, Object> m, long samples, double seconds, int iters, long correct) {
        m.put("infer_samples_per_s", round(samples / seconds, 1));
        m.put("infer_ms_per_batch", round(1000 * seconds / iters, 3));
        m.put("infer_acc_on_timed_batches", round(correct / (double) samples, 4));
        if (!m.containsKey("run_s")) m.put("run_s", round(seconds, 4));
    }

    /** GPU memory: the engine's peak buffers, and on a real device what the process and the device use. */
    static void putMemory(Map<String, Object> m, DeviceNet dev) {
        m.put("gpu_alloc_mb", round(dev.peakDeviceBytes() / 1048576.0, 1));
        if (dev.backend() instanceof CudaBackend cb) {
            m.put("gpu_process_mb", round(cb.usedSinceOpen() / 1048576.0, 1));
            m.put("gpu_device_used_mb", round(cb.usedOnDevice() / 1048576.0, 1));
        }
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
