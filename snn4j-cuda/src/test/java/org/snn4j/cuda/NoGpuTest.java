package org.snn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.snn4j.train.sg.Surrogate;

/**
 * Without a GPU or CUDA libraries (CI), opening the device fails with one clear line; the CLI turns
 * it into exit code 2. Skipped where a GPU is usable.
 */
class NoGpuTest {
    @Test
    void openFailsWithOneLine() {
        CudaUnavailableException e = null;
        try (CudaSgMlp m = CudaSgMlp.open(784, 16, 10, 0.95, 1, Surrogate.fastSigmoid(25), CudaSgMlp.MathMode.FP32)) {
            Assumptions.assumeTrue(false, "a GPU is usable here: " + m.deviceName());
        } catch (CudaUnavailableException x) {
            e = x;
        }
        assertTrue(e.getMessage().startsWith("device=cuda: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
