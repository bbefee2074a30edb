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

    /**
     * The CUDA source compiles (nvcc, the NVRTC options: sm_90, no fused multiply-add) for every
     * surrogate, where the CUDA toolkit is installed (the build machine has it; CI has not, and skips).
     */
    @Test
    void sourceCompilesWithNvcc() throws Exception {
        java.nio.file.Path nvcc = java.nio.file.Path.of(System.getenv().getOrDefault("CUDA_HOME", "/usr/local/cuda"), "bin", "nvcc");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(nvcc), "no nvcc at " + nvcc);
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("snn4j-nvcc");
        for (Surrogate s : new Surrogate[] {Surrogate.fastSigmoid(25), Surrogate.arctan(2), Surrogate.triangle(0.3, 1)}) {
            java.nio.file.Path cu = dir.resolve("k.cu");
            java.nio.file.Files.writeString(cu, Kernels.source(s));
            Process p = new ProcessBuilder(nvcc.toString(), "-cubin", "-arch=sm_90", "--fmad=false", "-std=c++17", "-Werror", "all-warnings",
                    "-o", dir.resolve("k.cubin").toString(), cu.toString()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), s + ": " + log);
        }
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
