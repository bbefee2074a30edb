package org.snn4j.cuda;

import java.util.LinkedHashMap;
import java.util.Map;
import org.snn4j.cell.Reset;
import org.snn4j.train.sg.Loss;
import org.snn4j.train.sg.Seq;
import org.snn4j.train.sg.SgMlp;
import org.snn4j.train.sg.SgNet;
import org.snn4j.train.sg.Surrogate;
import org.snn4j.util.Json;
import org.snn4j.util.Rng;

/**
 * Agreement of the device path with the CPU path on one batch: the same weights (the CPU network's,
 * copied to the device) and the same input spikes (encoded on the host by the CPU's rate encoder
 * and uploaded), then per parameter tensor the relative L2 difference of the gradients
 * ‖g_dev − g_cpu‖ / ‖g_cpu‖, the loss, the hidden spikes that differ, and the parameters after
 * one Adam step. The target is 1e-4 (fp32). Prints one JSON line.
 *
 * <p>{@code java ... org.snn4j.cuda.GradientCheck [--backend cuda|host] [--hidden H] [--steps T]
 * [--batch B] [--seed S] [--math fp32|tf32] [--loss ce_count|ce_mean|ce_max]}: ce_count with LIF outputs (the
 * bench's network), ce_mean or ce_max with the leaky readout (the sg-mlp experiment's default). The host backend runs the same engine on the Java
 * reference of the kernels (no GPU needed). With {@code --arch A} (e.g. 12c5-mp2-64c5-mp2-10) the check
 * runs the convolutional engine {@link CudaSgCnn} on direct-coded random images instead ({@link #cnn}).
 */
public final class GradientCheck {
    private GradientCheck() {
    }

    /** Target: largest relative L2 difference of any gradient tensor. */
    public static final double TOLERANCE = 1e-4;

    public static void main(String[] args) {
        Map<String, String> o = new LinkedHashMap<>(Map.of("backend", "cuda", "hidden", "1000", "steps", "25", "batch", "128", "seed", "1",
                "math", "fp32", "loss", "ce_count"));
        for (int k = 0; k + 1 < args.length; k += 2) o.put(args[k].replaceFirst("^--", ""), args[k + 1]);
        int H = Integer.parseInt(o.get("hidden")), T = Integer.parseInt(o.get("steps")), B = Integer.parseInt(o.get("batch"));
        long seed = Long.parseLong(o.get("seed"));
        try {
            Map<String, Object> r = o.containsKey("arch") ? cnn(o.get("backend"), o.get("arch"), Loss.parse(o.get("loss")), 0, T, B, seed) : run(o.get("backend"), H, T, B, seed, CudaSgMlp.MathMode.valueOf(o.get("math").toUpperCase()),
                    Loss.parse(o.get("loss")));
            System.out.println(Json.write(r));
            System.exit(Boolean.TRUE.equals(r.get("pass")) ? 0 : 1);
        } catch (org.snn4j.util.InputException e) {
            System.err.println("gradient check: " + e.getMessage());
            System.exit(2);
        }
    }

    /** Runs the check and returns the fields of the JSON line. */
    public static Map<String, Object> run(String backend, int H, int T, int B, long seed, CudaSgMlp.MathMode math) {
        return run(backend, H, T, B, seed, math, Loss.CE_COUNT);
    }

    /** The check with LIF outputs and ce_count, or a leaky readout with ce_mean or ce_max. */
    public static Map<String, Object> run(String backend, int H, int T, int B, long seed, CudaSgMlp.MathMode math, Loss loss) {
        final int nIn = 784, K = 10;
        CudaSgMlp.Readout readout = switch (loss) {
            case CE_COUNT -> CudaSgMlp.Readout.LIF_COUNT;
            case CE_MEAN -> CudaSgMlp.Readout.LEAKY_MEAN;
            case CE_MAX -> CudaSgMlp.Readout.LEAKY_MAX;
            default -> throw new org.snn4j.util.InputException("gradient check: loss ce_count, ce_mean or ce_max, not " + loss.name().toLowerCase());
        };
        boolean leaky = readout != CudaSgMlp.Readout.LIF_COUNT;
        Surrogate sg = Surrogate.fastSigmoid(25);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("check", "gradients_gpu_vs_cpu");
        r.put("backend", backend);
        r.put("math", math.name().toLowerCase());
        r.put("loss", loss.name().toLowerCase());
        r.put("H", H);
        r.put("T", T);
        r.put("B", B);
        r.put("seed", seed);
        float[] px = new float[B * nIn];
        int[] labels = new int[B];
        Rng rng = Rng.stream(seed, 0xC4EC);
        for (int k = 0; k < px.length; k++) px[k] = (float) rng.nextDouble();
        for (int b = 0; b < B; b++) labels[b] = rng.nextInt(K);
        try (SgNet net = SgMlp.build(nIn, new int[] {H}, K, 0.95, 1.0, Reset.SUBTRACT, sg, leaky, 0, seed);
             CudaSgMlp dev = backend.equals("host") ? new CudaSgMlp(new HostBackend(sg), nIn, H, K, 0.95, 1.0, readout)
                     : CudaSgMlp.open(nIn, H, K, 0.95, 1.0, sg, math, readout)) {
            r.put("device", dev.deviceName());
            dev.copyFrom(net);
            net.prepare(T, B);
            dev.prepare(T, B);
            SgNet.InputFiller fill = SgMlp.rateCoded(px, nIn, null, 0, seed, 7);
            // CPU: gradients of the batch
            double lossCpu = net.gradients(fill, labels, loss);
            float[][] gCpu = copy(net.paramGrads());
            // the same spikes, encoded on the host, uploaded
            Seq in = new Seq(nIn, true);
            in.ensure(T, B);
            fill.fill(in, 0, B, new int[nIn + 1]);
            dev.input(in);
            dev.labels(labels);
            dev.gradients();
            double lossDev = dev.loss();
            float[][] gDev = dev.gradientsHost();
            r.put("loss_cpu", lossCpu);
            r.put("loss_dev", lossDev);
            r.put("loss_rel_diff", Math.abs(lossDev - lossCpu) / Math.max(1e-30, Math.abs(lossCpu)));
            // hidden spikes that differ (rounding of the first layer's sums near the threshold)
            Seq s = net.activations(1);
            float[] sd = dev.hiddenSpikes();
            long diff = 0, total = 0;
            for (int b = 0; b < B; b++)
                for (int t = 0; t < T; t++)
                    for (int i = 0; i < H; i++) {
                        float c = s.get(b, t, i);
                        total += c != 0 ? 1 : 0;
                        if (c != sd[(b * T + t) * H + i]) diff++;
                    }
            r.put("hidden_spikes", total);
            r.put("hidden_spikes_differing", diff);
            double[] rel = new double[4];
            String[] names = {"w1", "b1", "w2", "b2"};
            int[][] ranges = {{0, nIn}, {nIn, nIn + 1}, {nIn + 1, nIn + 1 + H}, {nIn + 1 + H, nIn + 2 + H}};
            double worst = 0;
            for (int q = 0; q < 4; q++) {
                rel[q] = relL2(gCpu, gDev, ranges[q][0], ranges[q][1]);
                r.put("grad_rel_l2_" + names[q], rel[q]);
                r.put("grad_max_abs_diff_" + names[q], maxAbsDiff(gCpu, gDev, ranges[q][0], ranges[q][1]));
                worst = Math.max(worst, rel[q]);
            }
            r.put("grad_rel_l2_worst", worst);
            // one Adam step on both: the device kernel, and PyTorch's first step in the CPU path's float operations
            float[][] pCpu = net.params();
            firstAdamStep(pCpu, gCpu, 5e-4f);
            dev.adam(5e-4, 0);
            dev.loss();   // checks the non-finite flag
            float[][] pDev = dev.paramsHost();
            double pw = 0;
            for (int q = 0; q < 4; q++) pw = Math.max(pw, relL2(pCpu, pDev, ranges[q][0], ranges[q][1]));
            r.put("params_after_adam_rel_l2_worst", pw);
            // inference on the same spikes, new weights: predictions
            double lossInf = net.infer(fill, labels, loss);
            int[] pc = net.predictions().clone();
            dev.input(in);
            dev.infer(true);
            int[] pd = dev.predictions();
            int same = 0;
            for (int b = 0; b < B; b++) same += pc[b] == pd[b] ? 1 : 0;
            r.put("infer_loss_cpu", lossInf);
            r.put("infer_loss_dev", dev.loss());
            r.put("infer_predictions_equal", same + "/" + B);
            r.put("tolerance", TOLERANCE);
            r.put("pass", worst <= TOLERANCE);
        }
        return r;
    }

    /**
     * The convolutional engine against the CPU {@code SgCnn} network on one batch with the same weights
     * and input: spikes of every LIF layer that differ, the loss, the predictions, and the relative L2
     * difference of the gradients per group (each convolution's W and b, the output layer's W and b).
     *
     * @param kind 0: direct coding (random images, constant over T), 1: an input that changes per step,
     *             2: spikes (30 % density)
     */
    public static Map<String, Object> cnn(String backend, String arch, Loss loss, int kind, int T, int B, long seed) {
        boolean leaky = loss != Loss.CE_COUNT, binary = kind == 2;
        Surrogate sg = Surrogate.fastSigmoid(25);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("check", "cnn_gradients_gpu_vs_cpu");
        r.put("backend", backend);
        r.put("arch", arch);
        r.put("loss", loss.name().toLowerCase());
        r.put("input", new String[] {"direct", "per-step", "spikes"}[kind]);
        r.put("T", T);
        r.put("B", B);
        r.put("seed", seed);
        try (SgNet net = new SgNet(784, binary, org.snn4j.train.sg.SgCnn.layers(arch, 1, 28, 28, 0.95, 1.0, Reset.SUBTRACT, sg, binary, leaky, seed), 0);
             CudaSgCnn dev = new CudaSgCnn(backend.equals("host") ? new HostBackend(sg) : CudaBackend.open(sg, false), net,
                     leaky ? (loss == Loss.CE_MAX ? CudaSgMlp.Readout.LEAKY_MAX : CudaSgMlp.Readout.LEAKY_MEAN) : CudaSgMlp.Readout.LIF_COUNT)) {
            r.put("device", dev.deviceName());
            Rng rng = Rng.stream(seed, 0xC22);
            float[] img = new float[B * T * 784];
            for (int k = 0; k < img.length; k++) img[k] = (float) (kind == 0 ? 0 : rng.nextDouble());
            if (kind == 0)
                for (int b = 0; b < B; b++)
                    for (int i = 0; i < 784; i++) {   // one image per sample, at every step
                        float v = (float) (rng.nextDouble() * 2.5);
                        for (int t = 0; t < T; t++) img[(b * T + t) * 784 + i] = v;
                    }
            int[] labels = new int[B];
            for (int b = 0; b < B; b++) labels[b] = rng.nextInt(10);
            SgNet.InputFiller fill = (in, b0, b1, scratch) -> {
                for (int b = b0; b < b1; b++)
                    for (int t = 0; t < T; t++)
                        for (int i = 0; i < 784; i++) {
                            float v = img[(b * T + t) * 784 + i];
                            in.set(b, t, i, binary ? (v < 0.3f ? 1f : 0f) : v);
                        }
            };
            net.prepare(T, B);
            double lossCpu = net.gradients(fill, labels, loss);
            int[] predCpu = net.predictions().clone();
            float[][] gCpu = net.paramGrads();
            float[] flat = new float[dev.paramCount()];
            int o = 0;
            for (float[] a : net.params()) {
                System.arraycopy(a, 0, flat, o, a.length);
                o += a.length;
            }
            dev.setState(flat, new float[o], new float[o], 0);
            dev.prepare(T, B);
            dev.input(net.input());
            dev.labels(labels);
            dev.gradients();
            double lossDev = dev.loss();
            int[] predDev = new int[B];
            dev.predictions(predDev);
            r.put("loss_cpu", lossCpu);
            r.put("loss_dev", lossDev);
            r.put("loss_rel_diff", Math.abs(lossDev - lossCpu) / Math.max(1e-30, Math.abs(lossCpu)));
            int L = dev.convs.length, same = 0;
            for (int b = 0; b < B; b++) same += predCpu[b] == predDev[b] ? 1 : 0;
            r.put("predictions_equal", same + "/" + B);
            long differing = 0;
            for (int l = 0; l < L; l++) {
                float[] sd = dev.spikes(l);
                Seq sc = net.activations(2 * l + 1);
                long diff = 0, total = 0;
                for (int b = 0; b < B; b++)
                    for (int t = 0; t < T; t++)
                        for (int i = 0; i < sc.n; i++) {
                            float c = sc.get(b, t, i);
                            total += c != 0 ? 1 : 0;
                            if (c != sd[(b * T + t) * sc.n + i]) diff++;
                        }
                r.put("lif" + (l + 1) + "_spikes", total);
                r.put("lif" + (l + 1) + "_spikes_differing", diff);
                differing += diff;
            }
            r.put("spikes_differing", differing);
            // groups: each convolution's W and b, the output layer's W (its rows together) and b
            float[] gDev = dev.gradientsFlat();
            int[] end = new int[2 * L + 2];
            for (int k = 0; k < 2 * L; k++) end[k] = k + 1;
            end[2 * L] = gCpu.length - 1;
            end[2 * L + 1] = gCpu.length;
            String[] names = new String[end.length];
            for (int l = 0; l < L; l++) {
                names[2 * l] = "conv" + (l + 1) + "_w";
                names[2 * l + 1] = "conv" + (l + 1) + "_b";
            }
            names[2 * L] = "out_w";
            names[2 * L + 1] = "out_b";
            double worst = 0;
            o = 0;
            for (int grp = 0, k = 0; grp < end.length; grp++) {
                double num = 0, den = 0;
                for (; k < end[grp]; k++) {
                    for (int i = 0; i < gCpu[k].length; i++) {
                        double d = (double) gDev[o + i] - gCpu[k][i];
                        num += d * d;
                        den += (double) gCpu[k][i] * gCpu[k][i];
                    }
                    o += gCpu[k].length;
                }
                double rel = den == 0 ? (num == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(num / den);
                r.put("grad_rel_l2_" + names[grp], rel);
                r.put("grad_l2_cpu_" + names[grp], Math.sqrt(den));
                worst = Math.max(worst, rel);
            }
            r.put("grad_rel_l2_worst", worst);
            r.put("tolerance", TOLERANCE);
            r.put("pass", worst <= TOLERANCE);
        }
        return r;
    }

    /**
     * The first step of Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-8, no weight decay) from zero moments, in
     * place, with the float operations of the CPU path's Adam.
     */
    static void firstAdamStep(float[][] p, float[][] g, float lr) {
        float b1 = 0.9f, b2 = 0.999f, e = 1e-8f;
        float invC1 = 1f / (float) (1 - 0.9), invC2 = 1f / (float) (1 - 0.999);
        for (int k = 0; k < p.length; k++)
            for (int i = 0; i < p[k].length; i++) {
                float gi = g[k][i] + 0f * p[k][i];
                float mi = b1 * 0f + (1 - b1) * gi;
                float vi = b2 * 0f + (1 - b2) * gi * gi;
                p[k][i] -= lr * (mi * invC1) / ((float) Math.sqrt(vi * invC2) + e);
            }
    }

    private static float[][] copy(float[][] a) {
        float[][] c = new float[a.length][];
        for (int k = 0; k < a.length; k++) c[k] = a[k].clone();
        return c;
    }

    /** ‖a − b‖ / ‖a‖ over rows [r0, r1) (0 when both are zero). */
    static double relL2(float[][] a, float[][] b, int r0, int r1) {
        double num = 0, den = 0;
        for (int r = r0; r < r1; r++)
            for (int k = 0; k < a[r].length; k++) {
                double d = (double) b[r][k] - a[r][k];
                num += d * d;
                den += (double) a[r][k] * a[r][k];
            }
        return den == 0 ? (num == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(num / den);
    }

    static double maxAbsDiff(float[][] a, float[][] b, int r0, int r1) {
        double m = 0;
        for (int r = r0; r < r1; r++)
            for (int k = 0; k < a[r].length; k++) m = Math.max(m, Math.abs((double) b[r][k] - a[r][k]));
        return m;
    }
}
