package org.snn4j.papers.ann;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snn4j.data.Dataset;
import org.snn4j.util.Rng;

class MlpTest {
    /** Ten noisy prototypes of rows×cols pixels in [0, 1]: a small generated stand-in for MNIST. */
    static Dataset prototypes(int n, int rows, int cols, double noise, long seed) {
        Rng r = new Rng(seed);
        int dim = rows * cols;
        double[][] proto = new double[10][dim];
        for (double[] p : proto) for (int k = 0; k < dim; k++) p[k] = r.nextDouble() < 0.3 ? 0.6 + 0.4 * r.nextDouble() : 0;
        float[] im = new float[n * dim];
        int[] lb = new int[n];
        for (int s = 0; s < n; s++) {
            int c = r.nextInt(10);
            lb[s] = c;
            for (int k = 0; k < dim; k++) {
                double v = proto[c][k] + noise * r.nextGaussian();
                im[s * dim + k] = (float) Math.max(0, Math.min(1, v));
            }
        }
        return new Dataset("prototypes", rows, cols, 10, im, lb);
    }

    @Test
    void backpropGradientMatchesFiniteDifferences() {
        checkBackpropAgainstFiniteDifferences(new Mlp(new int[] {12, 7, 6, 4}, 3), 0.3);
    }

    @Test
    void squaredErrorFormsBackpropTheirOwnLoss() {
        // eRBP's artificial counterpart: the activation at the output too and ½‖x_L − onehot‖²
        checkBackpropAgainstFiniteDifferences(new Mlp(new int[] {12, 7, 6, 4}, 3, Mlp.Form.erbp(Mlp.Activation.RELU, 0)), 0.3);
        // hard sigmoid: biases put most units inside (0, 1); saturated ones have zero gradient on both sides
        checkBackpropAgainstFiniteDifferences(new Mlp(new int[] {12, 7, 6, 4}, 3, Mlp.Form.erbp(Mlp.Activation.HARD_SIGMOID, 0)), 0.3);
    }

    private static void checkBackpropAgainstFiniteDifferences(Mlp net, double bias) {
        Rng r = new Rng(5);
        double[] x = new double[12];
        for (int k = 0; k < 12; k++) x[k] = r.nextDouble();
        int y = 2;
        // biases away from 0 so that no ReLU sits exactly at its kink (a dead layer gives z = b = 0)
        for (int l = 1; l <= 3; l++) for (int k = 0; k < net.biases(l).length; k++) net.biases(l)[k] = bias + 0.01 * k;
        double[][] grad = net.gradient(x, y, Mlp.Feedback.BP);
        double h = 1e-6, maxErr = 0;
        for (int l = 1; l <= 3; l++) {
            double[][] params = {net.weights(l), net.biases(l)};
            for (int t = 0; t < 2; t++) {
                double[] p = params[t], gr = grad[2 * (l - 1) + t];
                for (int k = 0; k < p.length; k++) {
                    double old = p[k];
                    p[k] = old + h;
                    double lp = net.loss(x, y);
                    p[k] = old - h;
                    double lm = net.loss(x, y);
                    p[k] = old;
                    double fd = (lp - lm) / (2 * h);
                    // central differences: error O(h²)·f''' plus rounding ~1e-16/h
                    assertEquals(fd, gr[k], 1e-7 + 1e-6 * Math.abs(fd), "layer " + l + (t == 0 ? " weight " : " bias ") + k);
                    maxErr = Math.max(maxErr, Math.abs(fd - gr[k]));
                }
            }
        }
        assertTrue(maxErr < 1e-7, "max error " + maxErr);
        int nonZero = 0;
        for (double v : grad[0]) if (v != 0) nonZero++;
        assertTrue(nonZero > 40, "the check must exercise active units: " + nonZero + " non-zero first-layer gradients");
    }

    @Test
    void randomFeedbackSharesTheOutputGradientButNotTheHiddenOne() {
        Mlp net = new Mlp(new int[] {10, 8, 3}, 11);
        double[] x = new double[10];
        for (int k = 0; k < 10; k++) x[k] = 0.1 * (k + 1);
        double[][] bp = net.gradient(x, 1, Mlp.Feedback.BP), rbp = net.gradient(x, 1, Mlp.Feedback.RBP);
        assertArrayEquals(bp[2], rbp[2], 0);  // output weights: exact in both
        assertArrayEquals(bp[3], rbp[3], 0);
        boolean differ = false;
        for (int k = 0; k < bp[0].length; k++) differ |= bp[0][k] != rbp[0][k];
        assertTrue(differ, "hidden gradient of RBP uses G, not W");
        // RBP hidden delta = (G e) ⊙ relu'(a): check one unit by hand
        double[] p = net.forward(x).clone();
        double[] e = p.clone();
        e[1] -= 1;
        double[] w1 = net.weights(1), b1 = net.biases(1);
        for (int i = 0; i < 8; i++) {
            double a = b1[i];
            for (int k = 0; k < 10; k++) a += x[k] * w1[k * 8 + i];
            double d = 0;
            for (int j = 0; j < 3; j++) d += net.g[0][i * 3 + j] * e[j];
            double expected = a > 0 ? d : 0;
            assertEquals(expected, rbp[1][i], 1e-12, "bias gradient of hidden unit " + i);
        }
    }

    @Test
    void boxcarFormGatesEachLayerByItsPreActivationAndFeedsBackTheUngatedError() {
        double b = 0.4;
        Mlp net = new Mlp(new int[] {10, 8, 3}, 11, Mlp.Form.erbp(Mlp.Activation.HARD_SIGMOID, b));
        double[] x = new double[10];
        for (int k = 0; k < 10; k++) x[k] = 0.15 * (k + 1);
        int y = 1;
        double[][] rbp = net.gradient(x, y, Mlp.Feedback.RBP);
        double[] w1 = net.weights(1), w2 = net.weights(2);
        double[] h = new double[8], z1 = new double[8];
        int inside = 0, outside = 0;
        for (int i = 0; i < 8; i++) {
            double a = 0;
            for (int k = 0; k < 10; k++) a += x[k] * w1[k * 8 + i];
            z1[i] = a;
            h[i] = Math.min(1, Math.max(0, a));
            if (Math.abs(a) < b) inside++;
            else outside++;
        }
        double[] e = new double[3], z2 = new double[3];
        for (int j = 0; j < 3; j++) {
            double a = 0;
            for (int i = 0; i < 8; i++) a += h[i] * w2[i * 3 + j];
            z2[j] = a;
            e[j] = Math.min(1, Math.max(0, a)) - (j == y ? 1 : 0);
            assertEquals(Math.abs(a) < b ? e[j] : 0, rbp[3][j], 1e-12, "output bias gradient " + j);
        }
        for (int i = 0; i < 8; i++) {
            double d = 0;
            for (int j = 0; j < 3; j++) d += net.g[0][i * 3 + j] * e[j];   // e itself, not the output's gated delta
            assertEquals(Math.abs(z1[i]) < b ? d : 0, rbp[1][i], 1e-12, "hidden bias gradient " + i);
        }
        assertTrue(inside > 0 && outside > 0, "the check must see units inside and outside the boxcar: " + inside + " / " + outside);
        assertEquals(0.5 * (e[0] * e[0] + e[1] * e[1] + e[2] * e[2]), net.loss(x, y), 1e-12);
    }

    @Test
    void bothRulesLearnAGeneratedTaskDeterministically() {
        Dataset train = prototypes(2000, 8, 8, 0.25, 1), test = prototypes(500, 8, 8, 0.25, 1).subset(new int[0]);
        // the test set: same prototypes (same seed) but new noise -> take a later slice of one stream
        Dataset all = prototypes(2500, 8, 8, 0.25, 1);
        int[] tr = new int[2000], te = new int[500];
        for (int k = 0; k < 2000; k++) tr[k] = k;
        for (int k = 0; k < 500; k++) te[k] = 2000 + k;
        train = all.subset(tr);
        test = all.subset(te);
        for (Mlp.Feedback fb : Mlp.Feedback.values()) {
            Mlp a = new Mlp(new int[] {64, 30, 10}, 7), b = new Mlp(new int[] {64, 30, 10}, 7);
            double accA = new MlpTrainer(20, 0.1, 9).train(a, train, test, fb, 3, null)[2];
            double accB = new MlpTrainer(20, 0.1, 9).train(b, train, test, fb, 3, null)[2];
            assertEquals(accA, accB, 0, "deterministic");
            assertArrayEquals(a.weights(1), b.weights(1), 0);
            assertTrue(accA > 0.9, fb + " accuracy " + accA + " (chance 0.1)");
        }
    }

    @Test
    void adamWithDecayLearnsDeterministicallyAndDecayScalesTheSgdStep() {
        Dataset all = prototypes(2500, 8, 8, 0.25, 1);
        int[] tr = new int[2000], te = new int[500];
        for (int k = 0; k < 2000; k++) tr[k] = k;
        for (int k = 0; k < 500; k++) te[k] = 2000 + k;
        Dataset train = all.subset(tr), test = all.subset(te);
        Mlp a = new Mlp(new int[] {64, 30, 10}, 7), b = new Mlp(new int[] {64, 30, 10}, 7);
        double accA = new MlpTrainer(32, 2e-3, 9).withAdam().withLrDecay(0.7).train(a, train, test, Mlp.Feedback.RBP, 3, null)[2];
        double accB = new MlpTrainer(32, 2e-3, 9).withAdam().withLrDecay(0.7).train(b, train, test, Mlp.Feedback.RBP, 3, null)[2];
        assertArrayEquals(a.weights(1), b.weights(1), 0);
        assertEquals(accA, accB, 0, "deterministic");
        assertTrue(accA > 0.9, "Adam RBP accuracy " + accA + " (chance 0.1)");
        // SGD, epoch 2 with decay d at lr equals epoch 2 without decay at lr*d (from the same weights after epoch 1)
        Mlp c = new Mlp(new int[] {64, 30, 10}, 7), d = new Mlp(new int[] {64, 30, 10}, 7);
        new MlpTrainer(20, 0.1, 9).epoch(c, train, Mlp.Feedback.BP, 1);
        new MlpTrainer(20, 0.1, 9).epoch(d, train, Mlp.Feedback.BP, 1);
        new MlpTrainer(20, 0.1, 9).withLrDecay(0.5).epoch(c, train, Mlp.Feedback.BP, 2);
        new MlpTrainer(20, 0.05, 9).epoch(d, train, Mlp.Feedback.BP, 2);
        assertArrayEquals(d.weights(1), c.weights(1), 1e-15);
    }
}
