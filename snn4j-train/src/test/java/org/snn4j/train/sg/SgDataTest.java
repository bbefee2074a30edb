package org.snn4j.train.sg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snn4j.data.Dataset;
import org.snn4j.util.Rng;

/** Byte-backed datasets and the augmented rate coding give the spikes they should. */
class SgDataTest {
    static Dataset bytes(int n, int rows, int cols, long seed) {
        Rng r = new Rng(seed);
        byte[] px = new byte[n * rows * cols];
        for (int k = 0; k < px.length; k++) px[k] = (byte) r.nextInt(256);
        int[] lb = new int[n];
        for (int k = 0; k < n; k++) lb[k] = r.nextInt(10);
        return new Dataset("b", rows, cols, 10, px, lb);
    }

    static long[] encode(SgNet.InputFiller f, int n, int steps, int batch) {
        Seq in = new Seq(n, true);
        in.ensure(steps, batch);
        f.fill(in, 0, batch, new int[n + 1]);
        return java.util.Arrays.copyOf(in.bits, steps * batch * in.words);
    }

    @Test
    void byteDatasetEncodesLikeItsFloatCopy() {
        Dataset b = bytes(6, 7, 9, 1);
        assertTrue(b.isBytes());
        Dataset f = new Dataset("f", 7, 9, 10, b.pixels(), b.labels());
        assertTrue(!f.isBytes());
        for (int k = 0; k < 6; k++) for (int p = 0; p < 63; p++) assertEquals(f.pixel(k, p), b.pixel(k, p));
        int[] order = {5, 0, 3, 3};
        assertArrayEquals(encode(SgMlp.rateCoded(f.pixels(), 63, order, 0, 11, 2), 63, 5, 4),
                encode(SgMlp.rateCoded(b, order, 0, 11, 2), 63, 5, 4));
        // subsets stay in bytes and keep the pixels
        Dataset s = b.subset(new int[] {4, 1});
        assertTrue(s.isBytes());
        assertEquals(b.pixel(4, 17), s.pixel(0, 17));
    }

    @Test
    void shiftedCodingMovesThePixels() {
        // one image: a single full-intensity pixel at (row 3, col 4) of 8 x 8; it spikes at every step
        byte[] px = new byte[64];
        px[3 * 8 + 4] = (byte) 255;
        Dataset d = new Dataset("dot", 8, 8, 10, px, new int[] {0});
        int steps = 4;
        Seq in = new Seq(64, true);
        in.ensure(steps, 1);
        int[] thr = new int[65];
        RateEncoder.encodeShifted(d, 0, 2, -1, steps, new Rng(3), in.bits, 0, in.words, thr);
        for (int t = 0; t < steps; t++) assertEquals(1L << (2 * 8 + 6), in.bits[t], "moved right by 2 and up by 1");
        RateEncoder.encodeShifted(d, 0, 5, 0, steps, new Rng(3), in.bits, 0, in.words, thr);
        for (int t = 0; t < steps; t++) assertEquals(0L, in.bits[t], "shifted out of the image");
        // (0, 0) is the plain coding with the same random stream
        Dataset b = bytes(1, 28, 28, 4);
        Seq a = new Seq(784, true), c = new Seq(784, true);
        a.ensure(steps, 1);
        c.ensure(steps, 1);
        RateEncoder.encodeShifted(b, 0, 0, 0, steps, new Rng(5), a.bits, 0, a.words, new int[785]);
        RateEncoder.encode(b, 0, steps, new Rng(5), c.bits, 0, c.words, new int[785]);
        assertArrayEquals(c.bits, a.bits);
    }

    @Test
    void augmentedCodingIsDeterministicAndShiftsWithinRange() {
        Dataset b = bytes(3, 28, 28, 6);
        SgTrainer.Encoding e = SgMlp.rateCodedShifted(2);
        long[] one = encode(e.filler(b, null, 0, 9, 7), 784, 3, 3);
        assertArrayEquals(one, encode(e.filler(b, null, 0, 9, 7), 784, 3, 3));
        // a full-intensity image: every spike lies within 2 pixels of the image after the shift
        byte[] px = new byte[784];
        java.util.Arrays.fill(px, (byte) 255);
        Dataset full = new Dataset("full", 28, 28, 10, px, new int[] {0});
        int inside = 0;
        long[] bits = encode(e.filler(full, null, 0, 9, 7), 784, 1, 1);
        for (long w : bits) inside += Long.bitCount(w);
        assertTrue(inside >= 26 * 26 && inside <= 784, "spiking pixels " + inside);
    }
}
