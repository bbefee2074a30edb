package org.snn4j.papers.sg;

import org.snn4j.cell.Reset;

import org.snn4j.train.optim.Adam;
import org.snn4j.train.sg.Lif;
import org.snn4j.train.sg.Loss;
import org.snn4j.train.sg.SgMlp;
import org.snn4j.train.sg.SgNet;
import org.snn4j.train.sg.Surrogate;

import java.util.LinkedHashMap;
import java.util.Map;
import org.snn4j.data.Dataset;
import org.snn4j.data.Datasets;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.Workload;
import org.snn4j.experiment.WorkloadBase;
import org.snn4j.util.InputException;
import org.snn4j.util.Provenance;
import org.snn4j.util.Rng;

/**
 * {@code snn4j bench sg-mlp}: the workload of ../shared/peers/torch_sg_mlp.py. A 784-H-10 spiking
 * MLP (LIF β = 0.95, θ = 1, subtractive reset, fast-sigmoid slope 25), rate-coded input (random
 * uniform pixels, or Fashion-MNIST training images with {@code --data fashion-mnist}), a fresh
 * Bernoulli draw per step inside the timed region, cross-entropy on summed output spikes (or per
 * step with {@code --loss ce_rate}), Adam 5e-4, full BPTT over T steps. {@code warmup} batches, then
 * {@code iters} timed training batches; then the same batches for inference (forward and arg-max of
 * the counts), timed the same way.
 */
public final class SgMlpWorkload extends WorkloadBase {
    /** For the service loader. */
    public SgMlpWorkload() {
        super("sg-mlp", "surrogate-gradient BPTT of a 784-H-10 spiking MLP (the workload of ../shared/peers/torch_sg_mlp.py)");
    }

    @Override
    public Params defaults() {
        return declareIterations(declareThreads(params()
                .declare("hidden", 256L, "hidden units H", 1, 1e6)
                .declare("steps", 25L, "time steps T", 1, 1e5)
                .declare("batch", 128L, "mini-batch size B", 1, 1e6), 2L), 3L, 20L)
                .declare("lr", 5e-4, "Adam learning rate", 0, 10)
                .declareChoice("loss", "ce_count", "ce_count (CE on summed output spikes) or ce_rate (CE per step, as the peer's default)", "ce_count", "ce_rate")
                .declareChoice("data", "random", "random (uniform pixels, random labels) or fashion-mnist (training images)", "random", "fashion-mnist")
                .declare("data_dir", "", "dataset folder (default: data/)")
                .declareChoice("mode", "both", "both, train or infer", "both", "train", "infer")
                .declare("recompute", 0L, "keep layer state for m steps and recompute in the backward pass (0 = keep all T)", 0, 1e6)
                .declare("seed", 0L, "seed")
                .declareChoice("device", "cpu", "cpu, cuda or auto (cuda: the snn4j-cuda module, found at run time; see docs/gpu.md)", "cpu", "cuda", "auto");
    }

    @Override
    public void validate(Params p) {
        long h = p.getInt("hidden");
        SgMlpExperiment.requireMemory("bench sg-mlp: 784-" + h + "-10", 784 * h + h + 10 * h + 10, h + 10, p.getInt("batch"),
                p.getInt("recompute") > 0 ? Math.min(p.getInt("steps"), p.getInt("recompute")) : p.getInt("steps"));
    }

    @Override
    public Map<String, Object> run(Params p) throws Exception {
        Map<String, Object> onDevice = onDevice("sg-mlp", p);
        if (onDevice != null) return onDevice;
        int H = p.getInt("hidden"), T = p.getInt("steps"), B = p.getInt("batch"), threads = p.getInt("threads");
        int warm = p.getInt("warmup"), iters = p.getInt("iters"), nb = warm + iters;
        long seed = p.getLong("seed");
        Loss loss = Loss.parse(p.getString("loss"));
        String mode = p.getString("mode");
        if (!mode.equals("both") && !mode.equals("train") && !mode.equals("infer"))
            throw new InputException("bench sg-mlp: --mode must be both, train or infer, not '" + mode + "'");
        String data = p.getString("data");
        final int dim = 784;
        long nImg = (long) nb * B;
        if (nImg * dim > Integer.MAX_VALUE - 16) throw new InputException("bench sg-mlp: (warmup + iters) × batch too large");
        Dataset x = images("sg-mlp", data, nImg, seed, p.getString("data_dir"));   // Fashion-MNIST stays in bytes
        int[] y = x.labels();
        double rssBefore = rssNowMb();
        Map<String, Object> m = sizeFields(H, T, B, loss.name().toLowerCase(), data, warm, iters);
        m.put("recompute", p.getInt("recompute"));
        try (SgNet net = SgMlp.build(dim, new int[] {H}, 10, 0.95, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25), false,
                threads, seed)) {
            m.put("threads", net.threads());
            m.put("params", net.paramCount());
            net.memoryWindow(p.getInt("recompute"));
            net.prepare(T, B);
            int[] labels = new int[B];
            if (!mode.equals("infer")) {
                Adam adam = new Adam(p.getDouble("lr"));
                adam.initialise(net.paramSet());
                double[] loss01 = {Double.NaN, Double.NaN};   // first and last timed loss
                long[] spikes = new long[2];                     // hidden, output
                double tTotal = iterate(warm, iters, i -> {
                    System.arraycopy(y, i * B, labels, 0, B);
                    double l = net.gradients(SgMlp.rateCoded(x, null, i * B, seed, i), labels, loss);
                    net.update(adam);
                    long nh = SgMlp.spikeCount(net, 1), no = SgMlp.spikeCount(net, 3);
                    return () -> {
                        if (Double.isNaN(loss01[0])) loss01[0] = l;
                        loss01[1] = l;
                        spikes[0] += nh;
                        spikes[1] += no;
                    };
                });
                double first = loss01[0], last = loss01[1];
                long hid = spikes[0], outSp = spikes[1];
                long n = (long) iters * B;
                m.put("train_samples_per_s", round(n / tTotal, 2));
                m.put("train_ms_per_batch", round(1000 * tTotal / iters, 2));
                m.put("train_loss_first", round(first, 4));
                m.put("train_loss_last", round(last, 4));
                m.put("hidden_rate_per_step", round(hid / ((double) n * T * H), 4));
                m.put("output_rate_per_step", round(outSp / ((double) n * T * 10), 4));
                m.put("rss_peak_train_mb", round(Provenance.peakRssMb(), 1));
                m.put("train_mem_growth_mb", round(Provenance.peakRssMb() - rssBefore, 1));
                m.put("run_s", round(tTotal, 4));
            }
            if (!mode.equals("train")) {
                long[] right = {0};
                double tTotal = iterate(warm, iters, i -> {
                    System.arraycopy(y, i * B, labels, 0, B);
                    net.infer(SgMlp.rateCoded(x, null, i * B, seed + 1, i), labels, loss);
                    return () -> {
                        int[] pr = net.predictions();
                        for (int b = 0; b < B; b++) if (pr[b] == labels[b]) right[0]++;
                    };
                });
                long correct = right[0];
                long n = (long) iters * B;
                m.put("infer_samples_per_s", round(n / tTotal, 2));
                m.put("infer_ms_per_batch", round(1000 * tTotal / iters, 2));
                m.put("infer_acc_on_timed_batches", round(correct / (double) n, 4));
                if (!m.containsKey("run_s")) m.put("run_s", round(tTotal, 4));
            }
            m.put("state_mb", round(net.stateBytes() / 1048576.0, 2));
            m.put("rss_before_mb", round(rssBefore, 1));
        }
        return m;
    }

    /**
     * The first fields of an sg-mlp benchmark line, shared with the CUDA workload so that one script
     * pairs the lines of both devices and of the PyTorch peer.
     *
     * @return model, H, T, B (and their long names), loss, data, warmup, iters
     */
    public static Map<String, Object> sizeFields(int H, int T, int B, String loss, String data, int warm, int iters) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", "snn_mlp_784-H-10");
        m.put("H", H);
        m.put("T", T);
        m.put("B", B);
        m.put("hidden", H);
        m.put("steps", T);
        m.put("batch", B);
        m.put("loss", loss);
        m.put("data", data);
        m.put("warmup", warm);
        m.put("iters", iters);
        return m;
    }

    /**
     * The images of a benchmark's (warmup + iters) batches: {@code random} (uniform pixels, random labels, from
     * stream (seed, DATA)) or the first training images of fashion-mnist or mnist (fetched if missing).
     */
    /** The benchmark images: random pixels and labels from the seed, or the first nImg training images of a dataset. */
    /**
     * {@code bench NAME --device cuda|auto}: the workload NAME-cuda of the GPU backend, looked up at run time
     * (papers does not depend on snn4j-cuda), run with these parameters; null for {@code --device cpu},
     * or for auto without the backend (after a one-line notice).
     */
    public static Map<String, Object> onDevice(String workload, Params p) throws Exception {
        String device = p.getString("device");
        if (device.equals("cpu")) return null;
        if (!device.equals("cuda") && !device.equals("auto"))
            throw new InputException("bench " + workload + ": --device must be cpu, cuda or auto, not '" + device + "'");
        for (Workload w : java.util.ServiceLoader.load(Workload.class))
            if (w.name().equals(workload + "-cuda")) {
                Params q = w.defaults();
                for (Map.Entry<String, Object> e : p.asMap().entrySet()) q.applyAssignment(e.getKey() + "=" + e.getValue());
                return w.run(q);
            }
        if (device.equals("cuda"))
            throw new InputException("bench " + workload + ": device=cuda needs the snn4j-cuda module on the class path (docs/gpu.md)");
        System.err.println("bench " + workload + ": device=auto: no CUDA backend on the class path; running on the CPU");
        return null;
    }

    public static Dataset images(String workload, String data, long nImg, long seed, String dataDir) {
        final int dim = 784;
        if (data.equals("random")) {
            float[] px = new float[(int) nImg * dim];
            int[] y = new int[(int) nImg];
            Rng r = Rng.stream(seed, 0xDA7A);
            for (int k = 0; k < px.length; k++) px[k] = (float) r.nextDouble();
            for (int k = 0; k < y.length; k++) y[k] = r.nextInt(10);
            return new Dataset("random", 28, 28, 10, px, y);
        }
        if (data.equals("fashion-mnist") || data.equals("mnist")) {
            Dataset d = Datasets.loadOrFetch(data, Datasets.Split.TRAIN, Datasets.dataDir(dataDir), System.err);
            if (d.dim() != dim) throw new InputException("bench " + workload + ": " + data + " images are not 28x28");
            if (d.size() < nImg) throw new InputException("bench " + workload + ": " + data + " has " + d.size() + " training images, need " + nImg);
            return d.head((int) nImg);
        }
        throw new InputException("bench " + workload + ": --data must be random, fashion-mnist or mnist, not '" + data + "'");
    }
}
