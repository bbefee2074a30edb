package org.snn4j.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DecodingErrorMonitorTest {
    /** x alternates between (1, −1) and (−1, 1): each dimension has mean 0 and variance 1. */
    private static double[] target(long step) {
        return step % 2 == 0 ? new double[] {1, -1} : new double[] {-1, 1};
    }

    @Test
    void constantOffsetGivesTheAnalyticNrmse() {
        long[] step = {0};
        // x̂ = x + (0.5, 0): ‖x̂ − x‖² = 0.25 every step, Σ var = 2, so nrmse = √(0.25 / 2); rms = √2
        DecodingErrorMonitor m = new DecodingErrorMonitor(2, xhat -> {
            double[] x = target(step[0]);
            xhat[0] = x[0] + 0.5;
            xhat[1] = x[1];
        }, () -> target(step[0]));
        assertTrue(Double.isNaN(m.nrmse()));
        for (; step[0] < 10; step[0]++) m.afterStep(null, step[0]);
        assertEquals(10, m.samples());
        assertEquals(Math.sqrt(0.125), m.nrmse(), 1e-15);
        assertEquals(Math.sqrt(2), m.rms(), 1e-15);
        assertEquals(-0.5, m.estimate()[0]);   // the last step (9) decoded x̂ = (−1 + 0.5, 1)
    }

    @Test
    void perfectDecodingIsZeroAndResetStartsASegment() {
        long[] step = {0};
        double[] offset = {1.0};
        DecodingErrorMonitor m = new DecodingErrorMonitor(2, xhat -> {
            double[] x = target(step[0]);
            xhat[0] = x[0] + offset[0];
            xhat[1] = x[1];
        }, () -> target(step[0]));
        for (; step[0] < 4; step[0]++) m.afterStep(null, step[0]);
        assertEquals(Math.sqrt(0.5), m.nrmse(), 1e-15);
        m.reset();
        offset[0] = 0;
        for (; step[0] < 8; step[0]++) m.afterStep(null, step[0]);
        assertEquals(4, m.samples());
        assertEquals(0.0, m.nrmse());
    }

    @Test
    void refusesNoDimensions() {
        assertThrows(IllegalArgumentException.class, () -> new DecodingErrorMonitor(0, x -> { }, () -> new double[0]));
    }
}
