package org.snn4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class RngTest {
    @Test
    void streamsAreReproducibleAndDistinct() {
        assertEquals(Rng.stream(1, 2, 3).nextLong(), Rng.stream(1, 2, 3).nextLong());
        assertNotEquals(Rng.stream(1, 2, 3).nextLong(), Rng.stream(1, 3, 2).nextLong());
        assertNotEquals(Rng.stream(1, 2).nextLong(), Rng.stream(2, 2).nextLong());
    }

    @Test
    void momentsOfUniformAndGaussian() {
        Rng r = new Rng(42);
        int n = 200_000;
        double s = 0, s2 = 0, g = 0, g2 = 0;
        for (int k = 0; k < n; k++) {
            double u = r.nextDouble();
            s += u;
            s2 += u * u;
            double x = r.nextGaussian();
            g += x;
            g2 += x * x;
        }
        // standard errors: uniform mean 0.00065, gaussian mean 0.0022, gaussian var 0.0032; 5 sigma
        assertEquals(0.5, s / n, 0.0035);
        assertEquals(1.0 / 12, s2 / n - (s / n) * (s / n), 0.002);
        assertEquals(0.0, g / n, 0.011);
        assertEquals(1.0, g2 / n, 0.016);
        int[] hist = new int[7];
        for (int k = 0; k < 70_000; k++) hist[r.nextInt(7)]++;
        for (int h : hist) assertEquals(10_000, h, 500);
    }
}
