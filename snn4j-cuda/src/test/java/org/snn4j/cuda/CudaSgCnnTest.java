package org.snn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snn4j.train.sg.Loss;

/**
 * The convolutional engine ({@link CudaSgCnn}: im2col + SGEMM, max-pooling with winners, fused LIF,
 * un-pooling, col2im) on the Java mirror of its CUDA kernels, against the CPU {@code SgCnn} network
 * ({@link GradientCheck#cnn}, the check bench/gpu-check.sh runs on the GPU): the same spikes in every
 * layer, the same loss and predictions, and every gradient within float rounding of the CPU's (another
 * summation order).
 */
class CudaSgCnnTest {
    static void compare(String arch, Loss loss, int kind, int T, int B, long seed) {
        Map<String, Object> r = GradientCheck.cnn("host", arch, loss, kind, T, B, seed);
        String what = r.toString();
        assertEquals(0L, ((Number) r.get("spikes_differing")).longValue(), what);
        assertTrue((Long) r.get("lif1_spikes") > 0, "a silent first layer: " + what);
        assertTrue((Double) r.get("loss_rel_diff") < 1e-5, what);
        assertEquals(B + "/" + B, r.get("predictions_equal"), what);
        for (Map.Entry<String, Object> e : r.entrySet()) {
            if (e.getKey().startsWith("grad_rel_l2_")) assertTrue((Double) e.getValue() < 5e-5, e.getKey() + ": " + what);
            if (e.getKey().startsWith("grad_l2_cpu_conv")) assertTrue((Double) e.getValue() > 0, "vanishing " + e.getKey() + ": " + what);
        }
    }

    @Test
    void tutorialSixShapeWithDirectCodingMatchesTheCpu() {
        compare("4c5-mp2-8c5-mp2-10", Loss.CE_MEAN, 0, 5, 3, 1);
        compare("4c5-mp2-8c5-mp2-10", Loss.CE_COUNT, 0, 5, 3, 2);
    }

    @Test
    void inputThatChangesPerStepAndSpikeInput() {
        compare("3c5-mp2-6c3-mp2-10", Loss.CE_MEAN, 1, 4, 2, 3);
        compare("3c5-mp2-6c3-mp2-10", Loss.CE_MAX, 2, 4, 2, 4);
    }

    @Test
    void stridePaddingAndNoPooling() {
        compare("4c5s2p1-6c3p1-mp2-10", Loss.CE_MEAN, 0, 4, 2, 5);
    }
}
