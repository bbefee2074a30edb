package org.snn4j.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snn4j.util.Rng;

class SpikeStatsTest {
    @Test
    void regularTrainHasZeroCvAndPoissonTrainHasCvOne() {
        int[] regular = new int[100];
        for (int k = 0; k < 100; k++) regular[k] = 10 * k;
        assertEquals(0.0, SpikeStats.cvIsi(regular), 1e-12);
        Rng r = new Rng(3);
        int[] poisson = new int[20000];
        double t = 0;
        for (int k = 0; k < poisson.length; k++) {
            t += -Math.log(r.nextDoubleOpenZero()) * 1000;   // mean ISI 1000 steps: grid effect negligible
            poisson[k] = (int) t;
        }
        // sd of the CV estimate ~ 1/sqrt(n) = 0.007; 4 sd
        assertEquals(1.0, SpikeStats.cvIsi(poisson), 0.03);
    }

    @Test
    void fanoAndCorrelationOfIndependentPoissonTrains() {
        Rng r = new Rng(5);
        int n = 40, steps = 200_000;
        int[][] trains = new int[n][];
        for (int i = 0; i < n; i++) {
            org.snn4j.util.IntBuffer b = new org.snn4j.util.IntBuffer();
            for (int s = 0; s < steps; s++) if (r.nextDouble() < 0.01) b.add(s);
            trains[i] = b.toArray();
        }
        double fano = SpikeStats.nanMean(SpikeStats.fano(trains, 0, 1000, 200));
        assertEquals(1.0, fano, 0.05);
        double corr = SpikeStats.pairwiseCorrelation(trains, 0, 1000, 200, 10_000, new Rng(1));
        // independent trains: each pair's r ~ N(0, 1/200); the mean of 780 pairs is ~0 within 0.01
        assertEquals(0.0, corr, 0.01);
    }

    @Test
    void correlatedTrainsAreDetected() {
        Rng r = new Rng(9);
        int steps = 100_000;
        org.snn4j.util.IntBuffer a = new org.snn4j.util.IntBuffer(), b = new org.snn4j.util.IntBuffer();
        for (int s = 0; s < steps; s++) {
            if (r.nextDouble() < 0.01) {   // shared events
                a.add(s);
                b.add(s);
            }
        }
        double c = SpikeStats.pairwiseCorrelation(new int[][] {a.toArray(), b.toArray()}, 0, 100, 1000, 10, new Rng(1));
        assertEquals(1.0, c, 1e-12);
    }

    @Test
    void eiBalance() {
        double[] e = new double[1000], i = new double[1000], u = new double[1000];
        Rng r = new Rng(2);
        for (int k = 0; k < e.length; k++) {
            e[k] = 5 + Math.sin(k * 0.05) + 0.1 * r.nextGaussian();
            i[k] = -(5 + Math.sin(k * 0.05)) + 0.1 * r.nextGaussian();
            u[k] = -5 + r.nextGaussian();
        }
        assertTrue(SpikeStats.eiBalance(e, i) > 0.95);
        assertEquals(0.0, SpikeStats.eiBalance(e, u), 0.15);
    }

    @Test
    void meanRate() {
        assertEquals(5.0, SpikeStats.meanRateHz(20000, 4000, 1000), 1e-12);
        assertEquals(2.0, SpikeStats.nanMedian(new double[] {Double.NaN, 1, 2, 3}), 0);
    }
}
