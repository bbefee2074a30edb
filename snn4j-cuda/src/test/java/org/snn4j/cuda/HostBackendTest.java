package org.snn4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snn4j.train.sg.Surrogate;

/**
 * The engine's orchestration (layouts, GEMM shapes and transposes, kernels, Adam) on the Java
 * reference of the CUDA kernels, against the CPU path: the same check the GPU runs in
 * bench/gpu-check.sh, at a size a CI machine computes in a moment.
 */
class HostBackendTest {
    @Test
    void gradientsMatchTheCpuPath() {
        Map<String, Object> r = GradientCheck.run("host", 40, 8, 6, 3, CudaSgMlp.MathMode.FP32);
        assertEquals(0L, ((Number) r.get("hidden_spikes_differing")).longValue(), r.toString());
        assertTrue((Long) r.get("hidden_spikes") > 0, "the hidden layer must spike for the test to mean anything: " + r);
        assertTrue((Double) r.get("grad_rel_l2_worst") < 5e-5, r.toString());   // only the summation order differs
        assertTrue((Double) r.get("params_after_adam_rel_l2_worst") < 1e-5, r.toString());
        assertTrue((Double) r.get("loss_rel_diff") < 1e-6, r.toString());
        assertEquals("6/6", r.get("infer_predictions_equal"));
        assertEquals(Boolean.TRUE, r.get("pass"));
    }

    @Test
    void arctanSurrogateAgreesToo() {
        HostBackend h = new HostBackend(Surrogate.arctan(2));
        Surrogate s = Surrogate.arctan(2);
        for (float x : new float[] {-1.5f, -0.1f, 0f, 0.3f, 2f})
            assertEquals(3f * s.grad(x), h.sgrad(3f, x), 1e-6f * Math.abs(3f * s.grad(x)));
    }

    @Test
    void deviceEncoderHasTheRequestedRate() {
        HostBackend h = new HostBackend(Surrogate.fastSigmoid(25));
        int n = 8, T = 2000, B = 1;
        Backend.Buf thr = h.alloc(n), x = h.alloc((long) T * n);
        int[] t = new int[n];
        float[] p = {0f, 0.05f, 0.2f, 0.5f, 0.7f, 0.9f, 0.99f, 1f};
        for (int i = 0; i < n; i++) t[i] = CudaSgMlp.threshold(p[i]);
        h.upload(t, 0, thr, 0, n);
        h.encodeRate(thr, 0, x, B, T, n, Kernels.batchKey(5, 9));
        float[] out = new float[T * n];
        h.download(x, 0, out, 0, out.length);
        for (int i = 0; i < n; i++) {
            double c = 0;
            for (int s = 0; s < T; s++) c += out[s * n + i];
            double rate = c / T, sd = Math.sqrt(p[i] * (1 - p[i]) / T);
            assertEquals(p[i], rate, 5 * sd + 1e-9, "pixel " + i);
        }
    }

    @Test
    void columnMajorGemmMatchesItsDefinition() {
        HostBackend h = new HostBackend(Surrogate.fastSigmoid(25));
        // C(2×3) = Aᵀ(2×4) · B(4×3), A stored 4×2 column-major (lda 4), B 4×3 (ldb 4)
        float[] a = {1, 2, 3, 4, 5, 6, 7, 8}, b = new float[12];
        for (int k = 0; k < 12; k++) b[k] = k - 3;
        Backend.Buf A = h.alloc(8), Bb = h.alloc(12), C = h.alloc(6);
        h.upload(a, 0, A, 0, 8);
        h.upload(b, 0, Bb, 0, 12);
        h.sgemm(true, false, 2, 3, 4, A, 0, 4, Bb, 0, 4, 0f, C, 0, 2);
        float[] c = new float[6];
        h.download(C, 0, c, 0, 6);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++) {
                float s = 0;
                for (int k = 0; k < 4; k++) s += a[k + i * 4] * b[k + j * 4];
                assertEquals(s, c[i + j * 2], 0f);
            }
    }
}
