package org.snn4j.train.sg;

import java.util.ArrayList;
import java.util.List;
import org.snn4j.cell.Reset;
import org.snn4j.data.Dataset;
import org.snn4j.util.Rng;

/**
 * The spiking MLP of the surrogate-gradient benchmark and experiment: rate-coded input of n_in
 * pixels → [Linear → LIF] per hidden layer → Linear → LIF (spiking output, spike-count losses) or
 * → leaky-integrator readout (membrane losses). Every LIF layer shares β, θ, the reset and the
 * surrogate (snnTorch defaults of the tutorials: β = 0.95, θ = 1, subtractive reset, fast sigmoid
 * with slope 25).
 */
public final class SgMlp {
    private SgMlp() {
    }

    /** Builds the network with weights drawn from {@code seed}. */
    public static SgNet build(int nIn, int[] hidden, int nOut, double beta, double theta, Reset reset, Surrogate surrogate,
                              boolean leakyReadout, int threads, long seed) {
        List<Layer> ls = new ArrayList<>();
        int prev = nIn;
        for (int l = 0; l < hidden.length; l++) {
            ls.add(new Linear(prev, hidden[l], Rng.splitMix(seed + 2L * l)));
            ls.add(new Lif(hidden[l], beta, theta, reset, surrogate));
            prev = hidden[l];
        }
        ls.add(new Linear(prev, nOut, Rng.splitMix(seed + 2L * hidden.length)));
        ls.add(leakyReadout ? new LeakyReadout(nOut, beta) : new Lif(nOut, beta, theta, reset, surrogate));
        return new SgNet(nIn, true, ls, threads);
    }

    /**
     * An input filler that rate-codes images: sample b of the batch is image {@code order[first + b]}
     * of {@code pixels} (image k at k·dim), encoded with the random stream (seed, stream, b), so the
     * spikes do not depend on the thread split.
     */
    public static SgNet.InputFiller rateCoded(float[] pixels, int dim, int[] order, int first, long seed, long stream) {
        return (in, b0, b1, thr) -> {
            int T = in.steps(), words = in.words;
            for (int b = b0; b < b1; b++) {
                int img = order == null ? first + b : order[first + b];
                RateEncoder.encode(pixels, img * dim, dim, T, Rng.stream(seed, stream, b), in.bits, b * T * words, words, thr);
            }
        };
    }

    /**
     * An input filler that rate-codes the images of a dataset (byte datasets are converted on the
     * fly): sample b of the batch is image {@code order[first + b]} (or {@code first + b} when order
     * is null), encoded with the random stream (seed, stream, b). Same spikes as
     * {@link #rateCoded(float[], int, int[], int, long, long)} on the dataset's float pixels.
     */
    public static SgNet.InputFiller rateCoded(Dataset data, int[] order, int first, long seed, long stream) {
        return (in, b0, b1, thr) -> {
            int T = in.steps(), words = in.words;
            for (int b = b0; b < b1; b++) {
                int img = order == null ? first + b : order[first + b];
                RateEncoder.encode(data, img, T, Rng.stream(seed, stream, b), in.bits, b * T * words, words, thr);
            }
        };
    }

    /**
     * Rate coding of randomly translated images (training-time data augmentation): sample b is
     * shifted by (dx, dy), each uniform in [−maxShift, maxShift], drawn from the sample's stream
     * (seed, stream, b) before its spikes, so the result does not depend on the thread split.
     */
    public static SgTrainer.Encoding rateCodedShifted(int maxShift) {
        if (maxShift < 0) throw new IllegalArgumentException("shift must be ≥ 0: " + maxShift);
        return (data, order, first, seed, stream) -> (in, b0, b1, thr) -> {
            int T = in.steps(), words = in.words, span = 2 * maxShift + 1;
            for (int b = b0; b < b1; b++) {
                int img = order == null ? first + b : order[first + b];
                Rng rng = Rng.stream(seed, stream, b);
                int dx = rng.nextInt(span) - maxShift, dy = rng.nextInt(span) - maxShift;
                RateEncoder.encodeShifted(data, img, dx, dy, T, rng, in.bits, b * T * words, words, thr);
            }
        };
    }

    /** Number of spikes in the output of layer k over samples [0, batch) and all steps (see {@link SgNet#spikeCount}). */
    public static long spikeCount(SgNet net, int layer) {
        return net.spikeCount(layer);
    }
}
