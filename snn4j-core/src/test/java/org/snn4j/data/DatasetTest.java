package org.snn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DatasetTest {
    /** A 3×4 byte image with distinct pixels: value 10·row + col + 1 (all non-zero). */
    private static Dataset oneImage() {
        byte[] b = new byte[12];
        for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) b[r * 4 + c] = (byte) (10 * r + c + 1);
        return new Dataset("t", 3, 4, 2, b, new int[] {1});
    }

    @Test
    void zeroShiftIsTheImage() {
        Dataset d = oneImage();
        float[] a = new float[12], s = new float[12];
        d.image(0, a);
        d.imageShifted(0, 0, 0, s);
        assertArrayEquals(a, s);
    }

    @Test
    void shiftMovesPixelsAndFillsZeros() {
        Dataset d = oneImage();
        float[] s = new float[12];
        d.imageShifted(0, 1, -1, s);    // one to the right, one up
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 4; c++) {
                int sr = r + 1, sc = c - 1;
                float want = sr >= 3 || sc < 0 ? 0f : d.pixel(0, sr * 4 + sc);
                assertEquals(want, s[r * 4 + c], 0, "pixel " + r + "," + c);
            }
        // mass is conserved for the pixels that stay inside: the dropped row and column are gone
        float kept = 0, total = 0;
        for (float v : s) kept += v;
        for (int r = 1; r < 3; r++) for (int c = 0; c < 3; c++) total += d.pixel(0, r * 4 + c);
        assertEquals(total, kept, 1e-6);
    }
}
