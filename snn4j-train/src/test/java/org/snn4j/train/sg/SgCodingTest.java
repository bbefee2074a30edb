package org.snn4j.train.sg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snn4j.cell.Reset;
import org.snn4j.data.Dataset;

/** Latency and delta encoders; the first-spike decoder (loss CE_FIRST). */
class SgCodingTest {
    @Test
    void latencyLinearAndLog() {
        LatencyEncoder lin = new LatencyEncoder(false, 0.01, 5);
        assertEquals(0, lin.spikeTime(1f, 11));
        assertEquals(5, lin.spikeTime(0.5f, 11));
        assertEquals(9, lin.spikeTime(0.1f, 11));
        assertEquals(-1, lin.spikeTime(0.01f, 11));
        assertEquals(-1, lin.spikeTime(0f, 11));
        LatencyEncoder log = new LatencyEncoder(true, 0.01, 5);
        assertEquals(0, log.spikeTime(1f, 25));                       // 5 ln(1/0.99) = 0.05
        assertEquals(3, log.spikeTime(0.02f, 25));                    // 5 ln 2 = 3.47
        assertEquals(Math.round(5 * Math.log(0.0105 / 0.0005)), log.spikeTime(0.0105f, 25));   // 15.2
        assertEquals(-1, log.spikeTime(0.0101f, 20));                 // 5 ln 101 = 23.1: after the last step
    }

    @Test
    void latencyEmitsOneSpikePerInputAtItsTime() {
        LatencyEncoder lin = new LatencyEncoder(false, 0.01, 5);
        float[] x = {1f, 0.5f, 0f, 0.75f, 0.3f};
        int T = 9;
        long[] bits = new long[T];
        lin.encode(x, 0, x.length, T, bits, 0, 1);
        for (int i = 0; i < x.length; i++) {
            int count = 0, at = -1;
            for (int t = 0; t < T; t++) if ((bits[t] >>> i & 1) != 0) {
                count++;
                at = t;
            }
            int want = lin.spikeTime(x[i], T);
            assertEquals(want < 0 ? 0 : 1, count);
            assertEquals(want, at);
        }
        Dataset d = new Dataset("d", 1, 5, 2, x, new int[] {0});
        Seq in = new Seq(5, true);
        in.ensure(T, 1);
        lin.filler(d, null, 0).fill(in, 0, 1, new int[8]);
        assertArrayEquals(bits, java.util.Arrays.copyOf(in.bits, T));
    }

    @Test
    void deltaOnAndOffChannels() {
        DeltaEncoder enc = new DeltaEncoder(0.1);
        int n = 2, T = 5;
        float[] x = {0.05f, 0.5f, 0.2f, 0.5f, 0.1f, 0.55f, 0.15f, 0.2f, 0.15f, 0.2f};   // frames of 2 channels
        long[] bits = new long[T];
        enc.encode(x, 0, n, T, bits, 0, 1);
        // channel 0: 0.05, 0.2, 0.1, 0.15, 0.15 -> on at 1 (+0.15), off at 2 (−0.1)
        // channel 1: 0.5, 0.5, 0.55, 0.2, 0.2  -> on at 0 (+0.5), off at 3 (−0.35)
        long[] want = {0b0010, 0b0001, 0b0100, 0b1000, 0};
        assertArrayEquals(want, bits);
        Dataset d = new Dataset("d", 1, 2, 2, new float[] {0.3f, 0.05f}, new int[] {1});
        Seq in = new Seq(4, true);
        in.ensure(4, 1);
        enc.filler(d, null, 0).fill(in, 0, 1, new int[8]);
        assertArrayEquals(new long[] {0b0001, 0, 0b0100, 0}, java.util.Arrays.copyOf(in.bits, 4));
    }

    @Test
    void firstSpikeDecoderOnBinarySpikes() {
        int T = 6, K = 3;
        Seq y = new Seq(K, true);
        y.ensure(T, 1);
        y.set(0, 2, 0, 1);
        y.set(0, 4, 0, 1);
        y.set(0, 1, 1, 1);
        int[] pred = new int[1];
        float[] sc = new float[2 * K];
        float[] gy = new float[T * K];
        double l = Loss.CE_FIRST.sample(y, 0, 0, gy, 1, pred, sc);
        assertEquals(1, pred[0]);                     // output 1 spiked first
        double z = Math.exp(-2) + Math.exp(-1) + Math.exp(-6);
        assertEquals(Math.log(z) + 2, l, 1e-6);
        // gradient: (p_k − δ)(T − s) up to the first spike, 0 after
        double p0 = Math.exp(-2) / z;
        assertEquals((p0 - 1) * (T - 1), gy[1 * K + 0], 1e-5);
        assertEquals(0, gy[3 * K + 0]);
        assertEquals(Math.exp(-1) / z * T, gy[0 * K + 1], 1e-5);
        assertEquals(0, gy[2 * K + 1]);
        assertTrue(gy[5 * K + 2] > 0);               // the silent output is pushed to spike (later) at every step
    }

    @Test
    void firstSpikeLossGradientMatchesFiniteDifferences() {
        for (int T : new int[] {3, 9}) {
            int B = 3, nIn = 7;
            try (SgNet net = SgGradientTest.mlp(nIn, 9, 4, false, Reset.SUBTRACT, false, 2, 5 + T)) {
                net.prepare(T, B);
                SgGradientTest.check(net, SgGradientTest.denseInput(SgGradientTest.uniform(B * T * nIn, T + 1)), new int[] {0, 3, 1},
                        Loss.CE_FIRST, 40, T);
            }
        }
    }
}
