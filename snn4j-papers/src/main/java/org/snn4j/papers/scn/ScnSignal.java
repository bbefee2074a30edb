package org.snn4j.papers.scn;

import org.snn4j.util.Rng;

/**
 * The command signal c(t) of a spike-coding network, one J-vector per step; the represented signal is
 * its leaky integral x_t = (1 − λ dt) x_{t−1} + dt c_t (see {@link ScnInput}). Implementations keep
 * their own state and must be called once per step, in order.
 */
public interface ScnSignal {
    /** Signal dimensions J. */
    int dims();

    /** Writes c for step {@code step} into {@code c} (length J). */
    void next(long step, double[] c);

    /** What a signal writes each step: {@link ScnSignal#next}. */
    @FunctionalInterface
    interface Source {
        /** Writes c for step {@code step} into {@code c} (length J). */
        void next(long step, double[] c);
    }

    /** A signal of {@code dims} dimensions that {@code source} writes. */
    static ScnSignal of(int dims, Source source) {
        return new ScnSignal() {
            @Override
            public int dims() {
                return dims;
            }

            @Override
            public void next(long step, double[] c) {
                source.next(step, c);
            }
        };
    }

    /**
     * White Gaussian noise smoothed by a Gaussian kernel, as in Brendel et al. 2020: every
     * {@code blockSteps} steps a new block of J×blockSteps standard normal samples is convolved
     * ("same" convolution, zero padding) with a normalised Gaussian kernel of sd {@code sigmaSteps}
     * steps (truncated at ±5 sd) and multiplied by {@code amplitude}.
     */
    static ScnSignal smoothedNoise(int dims, double amplitude, double sigmaSteps, int blockSteps, Rng rng) {
        return new SmoothedNoise(dims, amplitude, sigmaSteps, blockSteps, rng);
    }

    /**
     * Sines x_j(t) = A_j sin(2π f_j t + φ_j) (t in s), given as the command that makes the discrete
     * leaky integral follow them exactly: c_t = (x(t) − (1 − λ dt) x(t − dt)) / dt.
     */
    static ScnSignal sines(double[] amplitudes, double[] freqHz, double[] phases, double lambda, double dtMs) {
        int jj = amplitudes.length;
        if (freqHz.length != jj || phases.length != jj) throw new IllegalArgumentException("sines: arrays of different lengths");
        final double dt = dtMs * 1e-3, a = 1 - lambda * dt;
        return of(jj, (step, c) -> {
            double t = (step + 1) * dt;
            for (int q = 0; q < jj; q++) {
                double w = 2 * Math.PI * freqHz[q];
                double x1 = amplitudes[q] * Math.sin(w * t + phases[q]);
                double x0 = step == 0 ? 0 : amplitudes[q] * Math.sin(w * (t - dt) + phases[q]);
                c[q] = (x1 - a * x0) / dt;
            }
        });
    }

    /**
     * Steps: the command holds c = λ·level for {@code holdSteps} steps, cycling through the rows of
     * {@code levels} (K×J), so that x relaxes to each level with time constant 1/λ.
     */
    static ScnSignal steps(double[][] levels, int holdSteps, double lambda) {
        if (levels.length == 0 || holdSteps <= 0) throw new IllegalArgumentException("steps: need levels and holdSteps > 0");
        int jj = levels[0].length;
        return of(jj, (step, c) -> {
            double[] l = levels[(int) ((step / holdSteps) % levels.length)];
            for (int q = 0; q < jj; q++) c[q] = lambda * l[q];
        });
    }

    /** Brendel et al.'s smoothed noise; see {@link #smoothedNoise}. */
    final class SmoothedNoise implements ScnSignal {
        private final int dims, block;
        private final double amplitude;
        private final double[] kernel;
        private final int half;
        private final Rng rng;
        private final double[] white, smooth;
        private long blockStart = Long.MIN_VALUE;

        SmoothedNoise(int dims, double amplitude, double sigmaSteps, int blockSteps, Rng rng) {
            if (dims <= 0 || blockSteps <= 0 || !(sigmaSteps > 0))
                throw new IllegalArgumentException("smoothed noise: dims, block and sigma must be positive");
            this.dims = dims;
            this.block = blockSteps;
            this.amplitude = amplitude;
            this.rng = rng;
            this.half = (int) Math.ceil(5 * sigmaSteps);
            kernel = new double[2 * half + 1];
            double s = 0;
            for (int u = -half; u <= half; u++) s += kernel[u + half] = Math.exp(-u * (double) u / (2 * sigmaSteps * sigmaSteps));
            for (int u = 0; u < kernel.length; u++) kernel[u] /= s;
            white = new double[block];
            smooth = new double[dims * block];
        }

        @Override
        public int dims() {
            return dims;
        }

        @Override
        public void next(long step, double[] c) {
            long start = Math.floorDiv(step, block) * block;
            if (start != blockStart) {
                blockStart = start;
                for (int q = 0; q < dims; q++) {
                    for (int t = 0; t < block; t++) white[t] = rng.nextGaussian();
                    for (int t = 0; t < block; t++) {
                        double acc = 0;
                        int lo = Math.max(0, t - half), hi = Math.min(block - 1, t + half);
                        for (int u = lo; u <= hi; u++) acc += white[u] * kernel[u - t + half];
                        smooth[q * block + t] = amplitude * acc;
                    }
                }
            }
            int t = (int) (step - start);
            for (int q = 0; q < dims; q++) c[q] = smooth[q * block + t];
        }
    }
}
