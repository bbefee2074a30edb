package org.snn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snn4j.train.sg.Surrogate;
import org.snn4j.util.InputException;
import org.snn4j.util.Rng;

/** The generated CUDA source and the host-side definitions it shares with the Java backend. */
class KernelsTest {
    @Test
    void sourceDefinesEveryKernelWithTheSurrogateCompiledIn() {
        String src = Kernels.source(Surrogate.fastSigmoid(25));
        for (String k : Kernels.NAMES) assertTrue(src.contains("extern \"C\" __global__ void " + k + "("), k);
        assertTrue(src.contains("float d = 1.0f + 25.0f * fabsf(x); return g / (d * d);"), src);
        assertTrue(Kernels.source(Surrogate.arctan(2)).contains("return g * 1.0f / (1.0f + u * u);"));
        assertTrue(Kernels.source(Surrogate.triangle(0.3, 1)).contains("fmaxf(0.0f, 1.0f - fabsf(x) / 1.0f)"));
    }

    @Test
    void literalsReadBackExactly() {
        for (float v : new float[] {25f, 0.1f, (float) (Math.PI / 2) * 2f, 1e-8f, 3.4e38f, 1.17549435e-38f}) {
            String s = Kernels.lit(v);
            assertTrue(s.endsWith("f"));
            assertEquals(v, Float.parseFloat(s.substring(0, s.length() - 1)), 0f, s);
        }
    }

    @Test
    void customSurrogateIsAnInputError() {
        assertThrows(InputException.class, () -> Kernels.source(Surrogate.custom("mine", x -> 1f)));
    }

    @Test
    void drawIsSplitMixAndTwentyFourBits() {
        assertEquals(Rng.splitMix(42), Kernels.mix64(42));
        long key = Kernels.batchKey(1, 2);
        for (long i = 0; i < 1000; i++) {
            int u = Kernels.draw(key, i);
            assertTrue(u >= 0 && u < 1 << 24);
            assertEquals((int) (Rng.splitMix(key + i * 0x9E3779B97F4A7C15L) >>> 40), u);
        }
        assertTrue(Kernels.batchKey(1, 2) != Kernels.batchKey(1, 3) && Kernels.batchKey(1, 2) != Kernels.batchKey(2, 2));
    }
}
