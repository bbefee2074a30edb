package org.snn4j.papers.sg;

import java.util.LinkedHashMap;
import java.util.Map;
import org.snn4j.cell.Reset;
import org.snn4j.data.Dataset;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.WorkloadBase;
import org.snn4j.train.optim.Adam;
import org.snn4j.train.sg.Loss;
import org.snn4j.train.sg.SgCnn;
import org.snn4j.train.sg.SgNet;
import org.snn4j.train.sg.Surrogate;
import org.snn4j.util.InputException;
import org.snn4j.util.Provenance;

/**
 * {@code snn4j bench sg-cnn}: the workload of ../shared/peers/torch_sg_cnn.py. snnTorch tutorial 6's
 * convolutional network (12C5-MP2-64C5-MP2-10 by default; {@code --arch}), LIF β = 0.95, θ = 1,
 * subtractive reset, fast-sigmoid slope 25, the image as a constant current at each of T steps,
 * cross-entropy on the output spike counts, Adam 1e-3; {@code warmup} batches, then {@code iters} timed
 * training batches, then the same batches for inference (forward and arg-max of the counts).
 */
public final class SgCnnWorkload extends WorkloadBase {
    /** For the service loader. */
    public SgCnnWorkload() {
        super("sg-cnn", "surrogate-gradient BPTT of snnTorch tutorial 6's convolutional SNN (the workload of ../shared/peers/torch_sg_cnn.py)");
    }

    @Override
    public Params defaults() {
        return declareIterations(declareThreads(params()
                .declare("arch", "12c5-mp2-64c5-mp2-10", "architecture (see sg-cnn)")
                .declare("steps", 25L, "time steps T", 1, 1e5)
                .declare("batch", 128L, "mini-batch size B", 1, 1e6), 2L), 2L, 10L)
                .declare("lr", 1e-3, "Adam learning rate", 0, 10)
                .declareChoice("data", "random", "random (uniform pixels, random labels), fashion-mnist or mnist (training images)", "random", "fashion-mnist", "mnist")
                .declare("data_dir", "", "dataset folder (default: data/)")
                .declareChoice("mode", "both", "both, train or infer", "both", "train", "infer")
                .declare("seed", 0L, "seed")
                .declareChoice("device", "cpu", "cpu, cuda or auto (cuda: the snn4j-cuda module, found at run time; see docs/gpu.md)", "cpu", "cuda", "auto");
    }

    @Override
    public void validate(Params p) {
        SgCnn.Size size = SgCnn.size(p.getString("arch"), 1, 28, 28);
        SgMlpExperiment.requireMemory("bench sg-cnn: " + p.getString("arch"), size.params(), size.neurons(), p.getInt("batch"), p.getInt("steps"));
    }

    @Override
    public Map<String, Object> run(Params p) throws Exception {
        Map<String, Object> onDevice = SgMlpWorkload.onDevice("sg-cnn", p);
        if (onDevice != null) return onDevice;
        int T = p.getInt("steps"), B = p.getInt("batch"), threads = p.getInt("threads");
        int warm = p.getInt("warmup"), iters = p.getInt("iters"), nb = warm + iters;
        long seed = p.getLong("seed");
        String mode = p.getString("mode"), data = p.getString("data");
        if (!mode.equals("both") && !mode.equals("train") && !mode.equals("infer"))
            throw new InputException("bench sg-cnn: --mode must be both, train or infer, not '" + mode + "'");
        final int dim = 784;
        long nImg = (long) nb * B;
        if (nImg * dim > Integer.MAX_VALUE - 16) throw new InputException("bench sg-cnn: (warmup + iters) × batch too large");
        Dataset x = SgMlpWorkload.images("sg-cnn", data, nImg, seed, p.getString("data_dir"));
        int[] y = x.labels();
        double rssBefore = rssNowMb();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", "csnn_" + p.getString("arch"));
        m.put("T", T);
        m.put("B", B);
        m.put("steps", T);
        m.put("batch", B);
        m.put("data", data);
        m.put("warmup", warm);
        m.put("iters", iters);
        Loss loss = Loss.CE_COUNT;
        try (SgNet net = new SgNet(dim, false, SgCnn.layers(p.getString("arch"), 1, 28, 28, 0.95, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25),
                false, seed), threads)) {
            m.put("threads", net.threads());
            m.put("params", net.paramCount());
            net.prepare(T, B);
            int[] labels = new int[B];
            if (!mode.equals("infer")) {
                Adam adam = new Adam(p.getDouble("lr"));
                adam.initialise(net.paramSet());
                double[] loss01 = {Double.NaN, Double.NaN};
                long[] spikes = new long[net.layers().size()];
                double t = iterate(warm, iters, i -> {
                    System.arraycopy(y, i * B, labels, 0, B);
                    double l = net.gradients(SgCnn.direct(x, null, i * B, seed, i), labels, loss);
                    net.update(adam);
                    long[] sp = new long[spikes.length];
                    for (int k = 0; k < sp.length; k++) sp[k] = net.spikeCount(k);
                    return () -> {
                        if (Double.isNaN(loss01[0])) loss01[0] = l;
                        loss01[1] = l;
                        for (int k = 0; k < sp.length; k++) spikes[k] += sp[k];
                    };
                });
                long n = (long) iters * B;
                m.put("train_samples_per_s", round(n / t, 2));
                m.put("train_ms_per_batch", round(1000 * t / iters, 2));
                m.put("train_loss_first", round(loss01[0], 4));
                m.put("train_loss_last", round(loss01[1], 4));
                StringBuilder rates = new StringBuilder();
                for (int k = 0; k < spikes.length; k++)
                    if (net.layers().get(k).binaryOutput())
                        rates.append(rates.length() == 0 ? "" : ",").append(round(spikes[k] / ((double) n * T * net.layers().get(k).out), 4));
                m.put("spike_rates_per_step", rates.toString());
                m.put("rss_peak_train_mb", round(Provenance.peakRssMb(), 1));
                m.put("run_s", round(t, 4));
            }
            if (!mode.equals("train")) {
                long[] right = {0};
                double t = iterate(warm, iters, i -> {
                    System.arraycopy(y, i * B, labels, 0, B);
                    net.infer(SgCnn.direct(x, null, i * B, seed, i), labels, loss);
                    return () -> {
                        int[] pr = net.predictions();
                        for (int b = 0; b < B; b++) if (pr[b] == labels[b]) right[0]++;
                    };
                });
                long n = (long) iters * B;
                m.put("infer_samples_per_s", round(n / t, 2));
                m.put("infer_ms_per_batch", round(1000 * t / iters, 2));
                m.put("infer_acc_on_timed_batches", round(right[0] / (double) n, 4));
                if (!m.containsKey("run_s")) m.put("run_s", round(t, 4));
            }
            m.put("state_mb", round(net.stateBytes() / 1048576.0, 2));
            m.put("rss_before_mb", round(rssBefore, 1));
        }
        return m;
    }
}
