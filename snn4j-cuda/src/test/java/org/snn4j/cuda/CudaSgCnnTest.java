package org.snn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snn4j.cell.Reset;
import org.snn4j.train.sg.Loss;
import org.snn4j.train.sg.Seq;
import org.snn4j.train.sg.SgCnn;
import org.snn4j.train.sg.SgNet;
import org.snn4j.train.sg.Surrogate;
import org.snn4j.util.Rng;

/**
 * The convolutional engine ({@link CudaSgCnn}: im2col + SGEMM, max-pooling with winners, fused LIF,
 * un-pooling, col2im) on the Java mirror of its CUDA kernels, against the CPU {@code SgCnn} network:
 * the same spikes in every layer, the same loss and predictions, and every gradient tensor within
 * float rounding of the CPU's (another summation order).
 */
class CudaSgCnnTest {
    static final Surrogate SG = Surrogate.fastSigmoid(25);

    /** One batch on both paths; kind 0: direct coding (constant input), 1: an input that changes per step, 2: spikes. */
    static void compare(String arch, boolean leaky, int kind, int T, int B, long seed) {
        Loss loss = leaky ? Loss.CE_MEAN : Loss.CE_COUNT;
        boolean binary = kind == 2;
        try (SgNet net = new SgNet(784, binary, SgCnn.layers(arch, 1, 28, 28, 0.95, 1.0, Reset.SUBTRACT, SG, binary, leaky, seed), 1);
             CudaSgCnn dev = new CudaSgCnn(new HostBackend(SG), net, leaky ? CudaSgMlp.Readout.LEAKY_MEAN : CudaSgMlp.Readout.LIF_COUNT)) {
            Rng r = Rng.stream(seed, 0xC22);
            float[] img = new float[B * T * 784];
            for (int k = 0; k < img.length; k++) img[k] = (float) (kind == 0 ? 0 : r.nextDouble());
            if (kind == 0) for (int b = 0; b < B; b++) for (int i = 0; i < 784; i++) {   // one image per sample, every step
                float v = (float) (r.nextDouble() * 2.5);
                for (int t = 0; t < T; t++) img[(b * T + t) * 784 + i] = v;
            }
            int[] labels = new int[B];
            for (int b = 0; b < B; b++) labels[b] = r.nextInt(10);
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
            float[] flatParams = new float[dev.paramCount()];
            int o = 0;
            for (float[] a : net.params()) {
                System.arraycopy(a, 0, flatParams, o, a.length);
                o += a.length;
            }
            assertEquals(dev.paramCount(), o);
            dev.setState(flatParams, new float[o], new float[o], 0);
            dev.prepare(T, B);
            Seq in = net.input();
            dev.input(in);
            dev.labels(labels);
            dev.gradients();
            double lossDev = dev.loss();
            int[] predDev = new int[B];
            dev.predictions(predDev);
            String what = arch + " leaky " + leaky + " kind " + kind;
            long spikes = 0;
            for (int l = 0; l < dev.convs.length; l++) {
                float[] sd = dev.spikes(l);
                Seq sc = net.activations(2 * l + 1);
                long diff = 0;
                for (int b = 0; b < B; b++)
                    for (int t = 0; t < T; t++)
                        for (int i = 0; i < sc.n; i++) {
                            float c = sc.get(b, t, i);
                            spikes += c != 0 ? 1 : 0;
                            if (c != sd[(b * T + t) * sc.n + i]) diff++;
                        }
                assertEquals(0, diff, what + ": spikes of LIF layer " + l + " differ");
            }
            assertTrue(spikes > 0, what + ": no spikes, the test would mean nothing");
            assertEquals(lossCpu, lossDev, 1e-5 * Math.abs(lossCpu), what + ": loss");
            assertTrue(java.util.Arrays.equals(predCpu, 0, B, predDev, 0, B), what + ": predictions");
            float[] gDev = dev.gradientsFlat();
            // per tensor: each convolution's W and b, the output layer's W (its rows together) and b
            int L = dev.convs.length;
            int[] groupEnd = new int[2 * L + 2];
            for (int k = 0; k < 2 * L; k++) groupEnd[k] = k + 1;
            groupEnd[2 * L] = gCpu.length - 1;
            groupEnd[2 * L + 1] = gCpu.length;
            o = 0;
            int k = 0;
            for (int grp = 0; grp < groupEnd.length; grp++) {
                double num = 0, den = 0;
                for (; k < groupEnd[grp]; k++) {
                    for (int i = 0; i < gCpu[k].length; i++) {
                        double d = (double) gDev[o + i] - gCpu[k][i];
                        num += d * d;
                        den += (double) gCpu[k][i] * gCpu[k][i];
                    }
                    o += gCpu[k].length;
                }
                if (den == 0) assertEquals(0.0, num, what + ": gradient group " + grp + " is zero on the CPU only");   // (a silent last layer)
                else assertTrue(Math.sqrt(num / den) < 5e-5, what + ": gradient group " + grp + " differs by " + Math.sqrt(num / den));
                if (grp < 2 * L) assertTrue(den > 0, what + ": the convolutions' gradients must not vanish for the test to mean anything");
            }
        }
    }

    @Test
    void tutorialSixShapeWithDirectCodingMatchesTheCpu() {
        compare("4c5-mp2-8c5-mp2-10", true, 0, 5, 3, 1);
        compare("4c5-mp2-8c5-mp2-10", false, 0, 5, 3, 2);
    }

    @Test
    void inputThatChangesPerStepAndSpikeInput() {
        compare("3c5-mp2-6c3-mp2-10", true, 1, 4, 2, 3);
        compare("3c5-mp2-6c3-mp2-10", true, 2, 4, 2, 4);
    }

    @Test
    void stridePaddingAndNoPooling() {
        compare("4c5s2p1-6c3p1-mp2-10", true, 0, 4, 2, 5);
    }
}
