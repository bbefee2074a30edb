package org.snn4j.cuda;

import java.util.LinkedHashMap;
import java.util.Map;
import org.snn4j.cell.Reset;
import org.snn4j.data.Dataset;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.Workload;
import org.snn4j.papers.sg.SgCnnWorkload;
import org.snn4j.papers.sg.SgMlpWorkload;
import org.snn4j.train.optim.Adam;
import org.snn4j.train.sg.Loss;
import org.snn4j.train.sg.SgCnn;
import org.snn4j.train.sg.SgNet;
import org.snn4j.train.sg.Surrogate;
import org.snn4j.util.InputException;

/**
 * {@code snn4j bench sg-cnn-cuda} (also {@code bench sg-cnn --device cuda}): the sg-cnn workload
 * (snnTorch tutorial 6's 12C5-MP2-64C5-MP2-10, direct coding, T = 25, ce_count, Adam 1e-3) trained and
 * run on the GPU by {@link CudaSgCnn}, the workload of {@code ../shared/peers/torch_sg_cnn.py --device
 * cuda}. The images of all (warmup + iters) batches and their labels are uploaded before timing (the
 * same images as the CPU workload for a seed); the timed loop enqueues all batches and waits once at
 * the end (the first loss is read inside it).
 */
public final class CudaSgCnnWorkload implements Workload {
    @Override
    public String name() {
        return "sg-cnn-cuda";
    }

    @Override
    public String description() {
        return "the sg-cnn benchmark trained on an NVIDIA GPU (snn4j-cuda: im2col + cuBLAS + fused NVRTC kernels)";
    }

    @Override
    public Params defaults() {
        Params p = new SgCnnWorkload().defaults();
        p.put("device", "cuda");
        return p;
    }

    @Override
    public Map<String, Object> run(Params p) throws Exception {
        int T = p.getInt("steps"), B = p.getInt("batch");
        int warm = p.getInt("warmup"), iters = p.getInt("iters"), nb = warm + iters;
        long seed = p.getLong("seed");
        String mode = p.getString("mode"), data = p.getString("data"), arch = p.getString("arch");
        if (!mode.equals("both") && !mode.equals("train") && !mode.equals("infer"))
            throw new InputException("bench sg-cnn: --mode must be both, train or infer, not '" + mode + "'");
        final int dim = 784;
        long nImg = (long) nb * B;
        if (nImg * dim > Integer.MAX_VALUE - 16) throw new InputException("bench sg-cnn: (warmup + iters) × batch too large");
        Surrogate sg = Surrogate.fastSigmoid(25);
        try (SgNet cpu = new SgNet(dim, false, SgCnn.layers(arch, 1, 28, 28, 0.95, 1.0, Reset.SUBTRACT, sg, false, seed), 1)) {
            Adam adam = new Adam(p.getDouble("lr"));
            adam.initialise(cpu.paramSet());
            CudaSgDevice.check(cpu, Loss.CE_COUNT, adam);
            Dataset x = SgMlpWorkload.images("sg-cnn", data, nImg, seed, p.getString("data_dir"));
            float[] px = new float[(int) nImg * dim];
            for (int k = 0; k < nImg; k++) for (int i = 0; i < dim; i++) px[k * dim + i] = x.pixel(k, i);
            int[] y = x.labels();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", "csnn_" + arch);
            m.put("T", T);
            m.put("B", B);
            m.put("data", data);
            m.put("warmup", warm);
            m.put("iters", iters);
            m.put("device", "cuda");
            Backend be;
            try {
                be = CudaBackend.open(sg, false);
            } catch (CudaUnavailableException e) {
                if (!p.getString("device").equals("auto")) throw e;
                System.err.println("bench sg-cnn: device=auto: " + e.getMessage() + "; running on the CPU");
                Params q = new SgCnnWorkload().defaults();
                for (Map.Entry<String, Object> en : p.asMap().entrySet())
                    if (q.has(en.getKey()) && !en.getKey().equals("device")) q.applyAssignment(en.getKey() + "=" + en.getValue());
                Map<String, Object> r = new SgCnnWorkload().run(q);
                r.put("device", "cpu (auto: no usable GPU)");
                return r;
            }
            try (CudaSgCnn dev = new CudaSgCnn(be, cpu, CudaSgMlp.Readout.LIF_COUNT)) {
                m.put("gpu", dev.deviceName());
                m.put("params", (long) dev.paramCount());
                float[] flat = new float[dev.paramCount()];
                int o = 0;
                for (float[] a : cpu.params()) {
                    System.arraycopy(a, 0, flat, o, a.length);
                    o += a.length;
                }
                dev.setState(flat, new float[o], new float[o], 0);   // the CPU workload's initial weights for this seed
                dev.prepare(T, B);
                CudaSgCnn.DeviceImages d = dev.upload(px, y);
                if (!mode.equals("infer")) {
                    double lr = p.getDouble("lr"), first = Double.NaN;
                    long t0 = 0;
                    for (int i = 0; i < nb; i++) {
                        if (i == warm) {
                            dev.sync();
                            t0 = System.nanoTime();
                        }
                        dev.batchFrom(d, i * B);
                        dev.gradients();
                        dev.adam(lr, 0);
                        if (i == warm && iters > 1) first = dev.loss();
                    }
                    dev.sync();
                    double t = (System.nanoTime() - t0) * 1e-9;
                    double last = dev.loss();
                    long n = (long) iters * B;
                    CudaSgMlpWorkload.putTraining(m, n, t, iters, first, last);
                    StringBuilder rates = new StringBuilder();
                    for (int l = 0; l < dev.convs.length; l++)
                        rates.append(l == 0 ? "" : ",").append(CudaSgMlpWorkload.round(dev.spikeCount(l) / ((double) B * T * dev.convs[l].out), 4));
                    m.put("spike_rates_per_step", rates.toString());
                    m.put("run_s", CudaSgMlpWorkload.round(t, 4));
                }
                if (!mode.equals("train")) {
                    long t0 = 0;
                    for (int i = 0; i < nb; i++) {
                        if (i == warm) {
                            dev.sync();
                            t0 = System.nanoTime();
                        }
                        dev.batchFrom(d, i * B);
                        dev.infer(true);
                        if (i >= warm) dev.logPredictions(i - warm, iters);
                    }
                    dev.sync();
                    double t = (System.nanoTime() - t0) * 1e-9;
                    int[] pr = dev.loggedPredictions(iters);
                    long right = 0;
                    for (int k = 0; k < pr.length; k++) if (pr[k] == y[warm * B + k]) right++;
                    long n = (long) iters * B;
                    CudaSgMlpWorkload.putInference(m, n, t, iters, right);
                }
                CudaSgMlpWorkload.putMemory(m, dev);
                d.close();
            }
            return m;
        }
    }

}
