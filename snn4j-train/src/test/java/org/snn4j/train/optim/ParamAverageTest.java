package org.snn4j.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ParamAverageTest {

    /** The average of a value held at c from a start a0 is c + (a0 − c)(1 − α)^n: the closed form of the recursion. */
    @Test
    void movingAverageFollowsItsClosedForm() {
        double[] w = {2.0, -1.0};
        float[] f = {4f};
        ParamSet ps = ParamSet.builder().add("w", w, new double[2]).add("f", f, new float[1]).build();
        ParamAverage avg = new ParamAverage(ps);
        w[0] = 5;
        w[1] = 3;
        f[0] = 0;
        double alpha = 0.1;
        int n = 25;
        for (int k = 0; k < n; k++) avg.update(alpha);
        double decay = Math.pow(1 - alpha, n);
        assertEquals(5 + (2 - 5) * decay, avg.average(0)[0], 1e-12);
        assertEquals(3 + (-1 - 3) * decay, avg.average(0)[1], 1e-12);
        assertEquals(0 + (4 - 0) * decay, avg.average(1)[0], 1e-12);
    }

    /** Swapping twice gives back the live values bit for bit; in between the parameters hold the averages. */
    @Test
    void swapTwiceRestoresTheValues() {
        double[] w = new double[7];
        float[] f = new float[5];
        java.util.Random r = new java.util.Random(3);
        ParamSet ps = ParamSet.builder().add("w", w, new double[7]).view("f", f, new float[5], 1, 3, 1).build();
        for (int i = 0; i < w.length; i++) w[i] = r.nextGaussian();
        for (int i = 0; i < f.length; i++) f[i] = (float) r.nextGaussian();
        ParamAverage avg = new ParamAverage(ps);
        for (int i = 0; i < w.length; i++) w[i] += r.nextGaussian();
        for (int i = 0; i < f.length; i++) f[i] += (float) r.nextGaussian();
        avg.update(0.3);
        double[] w0 = w.clone(), a0 = avg.average(0).clone();
        float[] f0 = f.clone();
        avg.swap();
        assertTrue(avg.swapped());
        assertArrayEquals(a0, w, 0);
        assertEquals(f0[0], f[0], 0, "outside the view: untouched");
        assertThrows(IllegalStateException.class, () -> avg.update(0.1));
        avg.swap();
        assertArrayEquals(w0, w, 0);
        assertArrayEquals(f0, f, 0);
        assertArrayEquals(a0, avg.average(0), 0);
    }

    @Test
    void refusesAnAveragingWeightOutsideZeroOne() {
        ParamAverage avg = new ParamAverage(ParamSet.builder().add("w", new double[1], new double[1]).build());
        assertThrows(IllegalArgumentException.class, () -> avg.update(0));
        assertThrows(IllegalArgumentException.class, () -> avg.update(1.5));
        assertThrows(IllegalArgumentException.class, () -> avg.update(Double.NaN));
    }
}
