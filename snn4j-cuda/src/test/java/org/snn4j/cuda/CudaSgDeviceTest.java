package org.snn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snn4j.cell.Reset;
import org.snn4j.data.Dataset;
import org.snn4j.data.Datasets;
import org.snn4j.data.Idx;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.RunContext;
import org.snn4j.papers.sg.SgMlpExperiment;
import org.snn4j.train.optim.Adam;
import org.snn4j.train.sg.Layer;
import org.snn4j.train.sg.Lif;
import org.snn4j.train.sg.Linear;
import org.snn4j.train.sg.Loss;
import org.snn4j.train.sg.SgDevice;
import org.snn4j.train.sg.SgMlp;
import org.snn4j.train.sg.SgNet;
import org.snn4j.train.sg.SgTrainer;
import org.snn4j.train.sg.Surrogate;
import org.snn4j.util.InputException;
import org.snn4j.util.Rng;

/**
 * {@code device=cuda} in the trainer and the sg-mlp experiment, run on {@link HostBackend} (the Java
 * mirror of the CUDA kernels, same index arithmetic) so that a machine without a GPU checks the
 * wiring: the device trainer follows the CPU trainer, resumes exactly, refuses what it cannot train.
 */
class CudaSgDeviceTest {
    static final Surrogate SG = Surrogate.fastSigmoid(25);

    /** n noisy copies of 10 random binary prototypes (pixels in [0, 1]), label k % 10. */
    static Dataset data(String name, int n, long seed) {
        Rng r = Rng.stream(seed, 0xDA7A);
        Rng p = Rng.stream(99, 0x9907);
        float[][] proto = new float[10][784];
        for (float[] q : proto) for (int i = 0; i < 784; i++) q[i] = p.nextDouble() < 0.2 ? 1 : 0;
        float[] px = new float[n * 784];
        int[] lb = new int[n];
        for (int k = 0; k < n; k++) {
            lb[k] = k % 10;
            for (int i = 0; i < 784; i++) px[k * 784 + i] = (float) Math.min(1, Math.max(0, proto[k % 10][i] + 0.3 * r.nextGaussian()));
        }
        return new Dataset(name, 28, 28, 10, px, lb);
    }

    static SgTrainer trainer(SgNet net, Loss loss, int batches) {
        SgTrainer t = new SgTrainer(net, loss, 8, 16, 2e-3, 1e-4, true, 5);
        t.plan(batches);
        return t;
    }

    static SgNet net(boolean leaky) {
        return SgMlp.build(784, new int[] {24}, 10, 0.95, 1.0, Reset.SUBTRACT, SG, leaky, 1, 5);
    }

    static SgDevice host(SgNet net, Loss loss, SgTrainer t) {
        return CudaSgDevice.open(net, loss, t.optimizer(), true).weightDecay(1e-4);
    }

    static double relL2(float[][] a, float[][] b) {
        double num = 0, den = 0;
        for (int r = 0; r < a.length; r++)
            for (int k = 0; k < a[r].length; k++) {
                double d = (double) a[r][k] - b[r][k];
                num += d * d;
                den += (double) a[r][k] * a[r][k];
            }
        return Math.sqrt(num / den);
    }

    @Test
    void leakyReadoutGradientsMatchTheCpuPath() {
        for (Loss loss : new Loss[] {Loss.CE_MEAN, Loss.CE_MAX}) {
            Map<String, Object> r = GradientCheck.run("host", 40, 8, 6, 3, CudaSgMlp.MathMode.FP32, loss);
            assertEquals(0L, ((Number) r.get("hidden_spikes_differing")).longValue(), r.toString());
            assertTrue((Long) r.get("hidden_spikes") > 0, r.toString());
            assertTrue((Double) r.get("grad_rel_l2_worst") < 5e-5, r.toString());
            assertTrue((Double) r.get("params_after_adam_rel_l2_worst") < 1e-5, r.toString());
            assertTrue((Double) r.get("loss_rel_diff") < 1e-6, r.toString());
            assertEquals("6/6", r.get("infer_predictions_equal"), r.toString());
        }
    }

    /** Two epochs (cosine schedule, L2 decay, a smaller last batch) on the device trainer and the CPU trainer. */
    @Test
    void deviceTrainerFollowsTheCpuTrainer() {
        Dataset train = data("train", 88, 1), test = data("test", 40, 2);
        for (boolean leaky : new boolean[] {true, false}) {
            Loss loss = leaky ? Loss.CE_MEAN : Loss.CE_COUNT;
            try (SgNet a = net(leaky); SgNet b = net(leaky)) {
                SgTrainer ta = trainer(a, loss, 12), tb = trainer(b, loss, 12);
                try (SgDevice d = host(b, loss, tb)) {
                    tb.device(d);
                    for (int e = 1; e <= 2; e++) {
                        double[] ra = ta.trainEpoch(train, e, null), rb = tb.trainEpoch(train, e, null);
                        // the same spikes and the same float operations in another summation order: epoch 1 agrees closely;
                        // once a spike near the threshold flips (more likely with integer spike-count logits) the runs drift apart slowly
                        double tol = e == 1 ? 1e-5 : 1e-2;
                        assertEquals(ra[0], rb[0], tol * Math.abs(ra[0]), "loss, epoch " + e + ", leaky " + leaky);
                        assertEquals(ra[1], rb[1], e == 1 ? 0.0 : 3.0 / train.size(), "train accuracy, epoch " + e);
                        assertEquals(ta.evaluate(test, e)[0], tb.evaluate(test, e)[0], e == 1 ? 0.0 : 3.0 / test.size(), "test accuracy, epoch " + e);
                    }
                    tb.device(null);
                }
                assertEquals(ta.optimizer().steps(), tb.optimizer().steps());
                double rel = relL2(a.params(), b.params());
                System.out.println("device vs CPU trainer, leaky " + leaky + ": weights rel. L2 " + rel);
                assertTrue(rel < 1e-2 && rel > 0, "weights after 2 epochs differ by " + rel + " (leaky " + leaky + ")");
                // Adam's moments came back from the device (rounding differences grow over the steps; zeros would give 1)
                for (String slot : leaky ? new String[] {".m", ".v"} : new String[0]) {   // (deviceRunResumesExactly checks them bit for bit)
                    float[][] ma = ta.optimizer().state().entrySet().stream().filter(x -> x.getKey().endsWith(slot)).map(x -> (float[]) x.getValue())
                            .toArray(float[][]::new);
                    float[][] mb = tb.optimizer().state().entrySet().stream().filter(x -> x.getKey().endsWith(slot)).map(x -> (float[]) x.getValue())
                            .toArray(float[][]::new);
                    assertTrue(relL2(ma, mb) < 1e-2, slot + ": " + relL2(ma, mb));
                }
            }
        }
    }

    /** The convolutional engine in the trainer: one epoch of a small sg-cnn network, direct coding, device against CPU. */
    @Test
    void convolutionalTrainerFollowsTheCpuTrainer() {
        Dataset train = data("train", 24, 6), test = data("test", 12, 7);
        java.util.function.Supplier<SgNet> make = () -> new SgNet(784, false, org.snn4j.train.sg.SgCnn.layers("3c5-mp2-6c5-mp2-10", 1, 28, 28, 0.95,
                1.0, Reset.SUBTRACT, SG, false, true, 8), 1);
        try (SgNet a = make.get(); SgNet b = make.get()) {
            SgTrainer ta = new SgTrainer(a, Loss.CE_MEAN, 5, 8, 2e-3, 0, false, 9).encoding(org.snn4j.train.sg.SgModel.encoder("direct"));
            SgTrainer tb = new SgTrainer(b, Loss.CE_MEAN, 5, 8, 2e-3, 0, false, 9).encoding(org.snn4j.train.sg.SgModel.encoder("direct"));
            try (SgDevice d = CudaSgDevice.open(b, Loss.CE_MEAN, tb.optimizer(), true)) {
                tb.device(d);
                double[] ra = ta.trainEpoch(train, 1, null), rb = tb.trainEpoch(train, 1, null);
                assertEquals(ra[0], rb[0], 1e-5 * Math.abs(ra[0]), "loss");
                assertEquals(ra[1], rb[1], 0.0, "train accuracy");
                assertEquals(ta.evaluate(test, 1)[0], tb.evaluate(test, 1)[0], 0.0, "test accuracy");
                tb.device(null);
            }
            double rel = relL2(a.params(), b.params());
            assertTrue(rel < 1e-4 && rel > 0, "weights after one epoch differ by " + rel);
        }
    }

    /** A device run stopped after epoch 1 and resumed from its checkpoint ends as an uninterrupted device run, bit for bit. */
    @Test
    void deviceRunResumesExactly(@TempDir Path tmp) {
        Dataset train = data("train", 64, 3);
        Path ck = tmp.resolve("ck.safetensors");
        float[][] whole;
        try (SgNet n = net(true)) {
            SgTrainer t = trainer(n, Loss.CE_MEAN, 8);
            try (SgDevice d = host(n, Loss.CE_MEAN, t)) {
                t.device(d);
                t.trainEpoch(train, 1, null);
                t.trainEpoch(train, 2, null);
                t.device(null);
            }
            whole = n.params();
        }
        try (SgNet n = net(true)) {
            SgTrainer t = trainer(n, Loss.CE_MEAN, 8).checkpoint(ck, 0);
            try (SgDevice d = host(n, Loss.CE_MEAN, t)) {
                t.device(d);
                t.trainEpoch(train, 1, null);
            }
        }
        try (SgNet n = SgMlp.build(784, new int[] {24}, 10, 0.95, 1.0, Reset.SUBTRACT, SG, true, 1, 77)) {   // other initial weights
            SgTrainer t = trainer(n, Loss.CE_MEAN, 8).checkpoint(ck, 0);
            try (SgDevice d = host(n, Loss.CE_MEAN, t)) {
                t.device(d);
                assertTrue(t.resume());
                assertEquals(1, t.epochsDone());
                t.trainEpoch(train, 2, null);
                t.device(null);
            }
            float[][] p = n.params();
            for (int k = 0; k < p.length; k++) assertTrue(java.util.Arrays.equals(whole[k], p[k]), "tensor " + k);
        }
    }

    @Test
    void refusesWhatTheDeviceCannotTrainInOneLine() {
        Adam adam = new Adam(1e-3);
        List<SgNet> nets = List.of(
                SgMlp.build(784, new int[] {16, 16}, 10, 0.95, 1, Reset.SUBTRACT, SG, true, 1, 1),
                SgMlp.build(784, new int[] {16}, 10, 0.95, 1, Reset.ZERO, SG, true, 1, 1),
                new SgNet(784, true, List.<Layer>of(new Linear(784, 16, 1), new Lif(16, 0.95, 1, Reset.SUBTRACT, SG).learnBeta(false),
                        new Linear(16, 10, 2), new Lif(10, 0.95, 1, Reset.SUBTRACT, SG)), 1),
                SgMlp.build(784, new int[] {16}, 10, 0.95, 1, Reset.SUBTRACT, SG, true, 1, 1).truncate(5),
                SgMlp.build(784, new int[] {16}, 10, 0.95, 1, Reset.SUBTRACT, Surrogate.custom("mine", x -> 1f), true, 1, 1));
        for (SgNet n : nets) {
            adam.initialise(n.paramSet());
            InputException e = assertThrows(InputException.class, () -> new CudaSgDevice.Provider().check(n, Loss.CE_MEAN, adam), n.layers().toString());
            assertTrue(e.getMessage().startsWith("device=cuda") && !e.getMessage().contains("\n"), e.getMessage());
            n.close();
        }
        try (SgNet lif = net(false); SgNet leaky = net(true)) {
            adam.initialise(lif.paramSet());
            assertThrows(InputException.class, () -> CudaSgDevice.check(lif, Loss.CE_RATE, adam));
            assertThrows(InputException.class, () -> CudaSgDevice.check(lif, Loss.MSE_COUNT, adam));
            CudaSgDevice.check(lif, Loss.CE_COUNT, adam);
            Adam w = Adam.adamW(1e-3, 0.01);
            w.initialise(leaky.paramSet());
            assertThrows(InputException.class, () -> CudaSgDevice.check(leaky, Loss.CE_MEAN, w));
            adam.initialise(leaky.paramSet());
            CudaSgDevice.check(leaky, Loss.CE_MAX, adam);
        }
    }

    static void writeMnist(Path dir) throws Exception {
        for (Datasets.Split s : Datasets.Split.values()) {
            Dataset d = data(s.name(), s == Datasets.Split.TRAIN ? 160 : 60, s.ordinal() + 10);
            byte[] im = new byte[d.size() * 784], lb = new byte[d.size()];
            for (int k = 0; k < d.size(); k++) {
                lb[k] = (byte) d.label(k);
                for (int i = 0; i < 784; i++) im[k * 784 + i] = (byte) Math.round(255 * d.pixel(k, i));
            }
            Files.createDirectories(Datasets.imageFile(dir, "mnist", s).getParent());
            Idx.writeUbyte(Datasets.imageFile(dir, "mnist", s), new int[] {d.size(), 28, 28}, im, true);
            Idx.writeUbyte(Datasets.labelFile(dir, "mnist", s), new int[] {d.size()}, lb, true);
        }
    }

    static Map<String, Object> runSgMlp(Path out, Path data, String device) throws Exception {
        SgMlpExperiment e = new SgMlpExperiment();
        Params p = e.defaults(true);
        for (String a : new String[] {"dataset=mnist", "data_dir=" + data, "epochs=2", "hidden=24", "steps=8", "batch=32", "train_limit=0",
                "test_limit=0", "simulate=0", "threads=1", "device=" + device})
            p.applyAssignment(a);
        e.validate(p);
        RunContext ctx = new RunContext(e, p, 4, true, out);
        e.run(ctx);
        ctx.finish();
        return ctx.metrics();
    }

    /** {@code run sg-mlp --set device=cuda} end to end on the host mirror: the same run as on the CPU, the same model file. */
    @Test
    void experimentRunsOnTheDevice(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        writeMnist(data);
        Map<String, Object> cpu = runSgMlp(tmp.resolve("cpu"), data, "cpu");
        Map<String, Object> dev;
        System.setProperty("snn4j.cuda.backend", "host");
        try {
            dev = runSgMlp(tmp.resolve("dev"), data, "cuda");
        } finally {
            System.clearProperty("snn4j.cuda.backend");
        }
        assertEquals("cpu", cpu.get("device"));
        assertTrue(String.valueOf(dev.get("device")).startsWith("cuda (host"), String.valueOf(dev.get("device")));
        assertEquals((Double) cpu.get("test_accuracy"), (Double) dev.get("test_accuracy"), 0.0);
        assertEquals((Double) cpu.get("train_loss"), (Double) dev.get("train_loss"), 1e-5);
        assertTrue(Files.isRegularFile(tmp.resolve("dev").resolve("model.safetensors")));
    }

    /** Without a GPU (this machine, CI) device=cuda is one line before anything is written, and auto runs on the CPU. */
    @Test
    void noGpuIsOneLineAndAutoFallsBack(@TempDir Path tmp) throws Exception {
        boolean gpu;
        try {
            CudaBackend.probe();
            gpu = true;
        } catch (CudaUnavailableException e) {
            gpu = false;
        }
        org.junit.jupiter.api.Assumptions.assumeFalse(gpu, "a GPU is present");
        SgMlpExperiment e = new SgMlpExperiment();
        Params p = e.defaults(true);
        p.applyAssignment("device=cuda");
        InputException x = assertThrows(SgDevice.Unavailable.class, () -> e.validate(p));
        assertTrue(x.getMessage().startsWith("sg-mlp: device=cuda: ") && !x.getMessage().contains("\n"), x.getMessage());
        Path data = tmp.resolve("data");
        writeMnist(data);
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream notes = new java.io.ByteArrayOutputStream();
        Map<String, Object> m;
        System.setErr(new java.io.PrintStream(notes, true));
        try {
            m = runSgMlp(tmp.resolve("auto"), data, "auto");
        } finally {
            System.setErr(err);
        }
        assertEquals("cpu", m.get("device"));
        assertTrue(notes.toString().contains("sg-mlp: device=auto: device=cuda: "), notes.toString());
        assertFalse(Files.exists(tmp.resolve("nothing")));
        assertNotNull(m.get("test_accuracy"));
    }
}
