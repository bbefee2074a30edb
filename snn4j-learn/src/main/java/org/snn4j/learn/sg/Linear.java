package org.snn4j.learn.sg;

import java.util.Arrays;
import org.snn4j.math.Blas;
import org.snn4j.util.Rng;

/**
 * A dense linear layer applied at every time step: y_t = x_t W + b, W stored input-major
 * (W[i·out + j] from input i to output j), like PyTorch's {@code nn.Linear} (initialised the same
 * way: W, b ~ U(±1/√in)).
 *
 * <p>Forward: for binary (spike) input, y_t = b + Σ_{i: x_t,i = 1} W[i, :] — a sum of the weight rows
 * of the inputs that spiked ({@link Blas#addRows}); for dense input the zero entries are skipped.
 * Columns are processed in blocks of {@link Blas#COLUMN_BLOCK} so that W's block stays in L2.
 * Backward: ∂L/∂x_t = (∂L/∂y_t) Wᵀ (through a transposed copy of W made once per batch),
 * ∂L/∂W = Σ_{b,t} x_tᵀ (∂L/∂y_t), ∂L/∂b = Σ_{b,t} ∂L/∂y_t, split into column blocks of
 * {@value #GRAD_BLOCK}.
 */
public final class Linear extends Layer {
    /** Columns of ∂L/∂W per parameter-gradient task. */
    public static final int GRAD_BLOCK = 64;
    final float[] w, b, gw, gb;
    private final float[] wt;

    public Linear(int in, int out, long seed) {
        super(in, out);
        w = new float[in * out];
        b = new float[out];
        gw = new float[in * out];
        gb = new float[out];
        wt = new float[in * out];
        Rng r = Rng.stream(seed, 0x11EA, in, out);
        double lim = 1 / Math.sqrt(in);
        for (int k = 0; k < w.length; k++) w[k] = (float) r.uniform(-lim, lim);
        for (int k = 0; k < out; k++) b[k] = (float) r.uniform(-lim, lim);
    }

    @Override
    public String name() {
        return "linear(" + in + "->" + out + ")";
    }

    @Override
    public boolean binaryOutput() {
        return false;
    }

    public float[] weights() {
        return w;
    }

    public float[] bias() {
        return b;
    }

    @Override
    public void forward(Seq x, Seq y, int b0, int b1, Scratch s) {
        int r0 = b0 * steps, r1 = b1 * steps;
        float[] yd = y.dense;
        for (int r = r0; r < r1; r++) System.arraycopy(b, 0, yd, r * out, out);
        int[] idx = s.idx;
        for (int j0 = 0; j0 < out; j0 += Blas.COLUMN_BLOCK) {
            int j1 = Math.min(out, j0 + Blas.COLUMN_BLOCK);
            for (int r = r0; r < r1; r++) {
                if (x.binary) {
                    int nz = Blas.bitIndices(x.bits, r * x.words, x.words, idx);
                    Blas.addRows(w, out, idx, 0, nz, yd, r * out, j0, j1);
                } else {
                    int nz = Blas.nonZeros(x.dense, r * in, in, idx, s.val);
                    Blas.addScaledRows(w, out, idx, s.val, 0, nz, yd, r * out, j0, j1);
                }
            }
        }
    }

    @Override
    public void beforeBackward() {
        Blas.transpose(w, in, out, wt);
    }

    @Override
    public void backward(Seq x, Seq y, float[] gy, float[] gx, int b0, int b1, Scratch s) {
        if (gx == null) return;
        Blas.gemm(b0 * steps, b1 * steps, in, out, gy, 0, out, wt, 0, in, gx, 0, in, false, s.idx, s.val);
    }

    @Override
    public int paramTasks() {
        return (out + GRAD_BLOCK - 1) / GRAD_BLOCK;
    }

    @Override
    public void paramGrads(Seq x, float[] gy, int task, Scratch s) {
        int j0 = task * GRAD_BLOCK, j1 = Math.min(out, j0 + GRAD_BLOCK), rows = steps * batch;
        for (int i = 0; i < in; i++) Arrays.fill(gw, i * out + j0, i * out + j1, 0f);
        Arrays.fill(gb, j0, j1, 0f);
        int[] idx = s.idx;
        for (int r = 0; r < rows; r++) {
            int go = r * out;
            Blas.add(gy, go, gb, 0, j0, j1);
            if (x.binary) {
                int nz = Blas.bitIndices(x.bits, r * x.words, x.words, idx);
                for (int p = 0; p < nz; p++) Blas.add(gy, go, gw, idx[p] * out, j0, j1);
            } else {
                int nz = Blas.nonZeros(x.dense, r * in, in, idx, s.val);
                for (int p = 0; p < nz; p++) Blas.axpy(s.val[p], gy, go, gw, idx[p] * out, j0, j1);
            }
        }
    }

    @Override
    public float[][] params() {
        return new float[][] {w, b};
    }

    @Override
    public float[][] grads() {
        return new float[][] {gw, gb};
    }

    @Override
    public String[] paramNames() {
        return new String[] {"weight", "bias"};
    }
}
