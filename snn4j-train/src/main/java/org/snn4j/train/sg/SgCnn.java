package org.snn4j.train.sg;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snn4j.cell.Reset;
import org.snn4j.data.Dataset;
import org.snn4j.math.Conv;
import org.snn4j.util.InputException;

/**
 * Convolutional spiking networks from an architecture string, as papers write them: tokens joined by
 * {@code -}, read left to right on a C × H × W input:
 * <ul>
 *   <li>{@code 12c5} a Conv2d of 12 channels, kernel 5 (optionally {@code 12c5s2p1}: stride 2, padding 1);</li>
 *   <li>{@code mp2}, {@code ap2} max or average pooling 2 × 2 of the convolution's output;</li>
 *   <li>{@code 128} a Linear layer of 128 units (the last number is the output layer);</li>
 *   <li>{@code d0.5} dropout (p = 0.5) of the layer before it, during training.</li>
 * </ul>
 * Each convolution (with its pooling) and each Linear layer is followed by LIF neurons, as in snnTorch
 * tutorial 6: {@code 12c5-mp2-64c5-mp2-10} is Conv2d(1,12,5) → MaxPool2 → LIF → Conv2d(12,64,5) →
 * MaxPool2 → LIF → Linear(1024,10) → LIF.
 */
public final class SgCnn {
    private static final Pattern CONV = Pattern.compile("(\\d+)c(\\d+)(?:s(\\d+))?(?:p(\\d+))?");
    private static final Pattern POOL = Pattern.compile("([ma])p(\\d+)");

    private SgCnn() {
    }

    /**
     * The layers of an architecture.
     *
     * @param arch     e.g. {@code 12c5-mp2-64c5-mp2-10}
     * @param c        input channels; @param h input height; @param w input width
     * @param beta     LIF decay per step; @param theta threshold; @param reset reset; @param sg surrogate
     * @param binaryIn whether the input is spikes
     * @param seed     initialisation seed
     */
    public static List<Layer> layers(String arch, int c, int h, int w, double beta, double theta, Reset reset, Surrogate sg,
                                     boolean binaryIn, long seed) {
        return layers(arch, c, h, w, beta, theta, reset, sg, binaryIn, false, seed);
    }

    /** As above; with {@code leakyReadout} the output layer is a non-spiking {@link LeakyReadout} (decay β) instead of LIF. */
    public static List<Layer> layers(String arch, int c, int h, int w, double beta, double theta, Reset reset, Surrogate sg,
                                     boolean binaryIn, boolean leakyReadout, long seed) {
        size(arch, c, h, w);   // every shape and size checked before the first weight is allocated
        List<Layer> ls = new ArrayList<>();
        walk(arch, c, h, w, new Builder(ls, beta, theta, reset, sg, seed));
        if (leakyReadout) ls.set(ls.size() - 1, new LeakyReadout(ls.get(ls.size() - 1).out, beta));
        return ls;
    }

    /** The largest layer snn4j builds: parameters of one layer, and neurons of one layer per sample. */
    public static final long MAX_LAYER_PARAMS = 1L << 27, MAX_LAYER_NEURONS = 1L << 24;

    /**
     * The size of an architecture, computed without allocating: a malformed or oversized one is an
     * {@link InputException} (what {@code validate} of an experiment calls before anything is written).
     *
     * @param params  trainable parameters (weights and biases)
     * @param neurons spiking neurons (and readout units) per sample, summed over layers
     */
    public record Size(long params, long neurons) {
    }

    /** The size of {@code arch} on c×h×w input (see {@link Size}). */
    public static Size size(String arch, int c, int h, int w) {
        long[] total = new long[2];
        walk(arch, c, h, w, new Visitor() {
            @Override
            public void conv(int inC, int inH, int inW, int out, int ker, int stride, int pad, int pool, boolean max, int outW, int outNeurons) {
                total[0] += (long) out * inC * ker * ker + out;
                total[1] += outNeurons;
            }

            @Override
            public void dropout(int width, double p) {
            }

            @Override
            public void dense(int in, int n) {
                total[0] += (long) in * n + n;
                total[1] += n;
            }
        });
        return new Size(total[0], total[1]);
    }

    /** What the one parse of an architecture string reports, layer by layer, with the shapes already checked. */
    private interface Visitor {
        void conv(int inC, int inH, int inW, int out, int ker, int stride, int pad, int pool, boolean max, int outW, int outNeurons);

        void dropout(int width, double p);

        void dense(int in, int n);
    }

    /** Builds the layers the parse reports. */
    private static final class Builder implements Visitor {
        private final List<Layer> ls;
        private final double beta, theta;
        private final Reset reset;
        private final Surrogate sg;
        private final long seed;
        private int k;

        Builder(List<Layer> ls, double beta, double theta, Reset reset, Surrogate sg, long seed) {
            this.ls = ls;
            this.beta = beta;
            this.theta = theta;
            this.reset = reset;
            this.sg = sg;
            this.seed = seed;
        }

        @Override
        public void conv(int inC, int inH, int inW, int out, int ker, int stride, int pad, int pool, boolean max, int outW, int outNeurons) {
            // max-pooling inside the convolution (the unpooled map is never stored); average pooling as a layer
            Conv2d conv = new Conv2d(inC, inH, inW, out, ker, ker, stride, pad, 1, 1, max ? pool : 1, seed + 2L * k++);
            ls.add(conv);
            if (pool > 1 && !max) ls.add(new Pool2d(Pool2d.Mode.AVG, out, conv.poolH, conv.poolW, pool, pool, false));
            ls.add(new Lif(outNeurons, beta, theta, reset, sg));
        }

        @Override
        public void dropout(int width, double p) {
            ls.add(new Dropout(width, p, seed + 2L * k++ + 1));
        }

        @Override
        public void dense(int in, int n) {
            ls.add(new Linear(in, n, seed + 2L * k++));
            ls.add(new Lif(n, beta, theta, reset, sg));
        }
    }

    private static void walk(String arch, int c, int h, int w, Visitor v) {
        String[] tok = arch.trim().toLowerCase().split("-", -1);
        boolean flat = false, any = false;
        long width = (long) c * h * w;
        try {
            for (int i = 0; i < tok.length; i++) {
                Matcher m = CONV.matcher(tok[i]);
                if (m.matches()) {
                    if (flat) throw new InputException("architecture '" + quote(arch) + "': a convolution after a dense layer");
                    int out = Integer.parseInt(m.group(1)), ker = Integer.parseInt(m.group(2));
                    int s = m.group(3) == null ? 1 : Integer.parseInt(m.group(3)), p = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
                    if (out < 1 || ker < 1 || s < 1) throw new InputException("architecture '" + quote(arch) + "': '" + tok[i] + "' needs channels, kernel and stride >= 1");
                    Matcher pm = i + 1 < tok.length ? POOL.matcher(tok[i + 1]) : null;
                    boolean pooled = pm != null && pm.matches();
                    int pk = pooled ? Integer.parseInt(pm.group(2)) : 1;
                    int oh = Conv.outSize(h, ker, s, p, 1), ow = Conv.outSize(w, ker, s, p, 1);
                    if (oh < 1 || ow < 1) throw new InputException("architecture '" + quote(arch) + "': a " + ker + "-wide kernel does not fit a " + h + "x" + w + " map");
                    if (pk < 1 || pk > oh || pk > ow) throw new InputException("architecture '" + quote(arch) + "': a pooling window of " + pk + " does not fit a " + oh + "x" + ow + " map");
                    checkLayer(arch, tok[i], (long) out * c * ker * ker, (long) out * oh * ow);
                    int ph = oh / pk, pw = ow / pk;
                    v.conv(c, h, w, out, ker, s, p, pk, pooled && pm.group(1).equals("m"), pw, out * ph * pw);
                    c = out;
                    h = ph;
                    w = pw;
                    if (pooled) i++;
                    width = (long) c * h * w;
                    any = true;
                } else if (tok[i].matches("d0?\\.\\d+")) {   // dropout of the previous layer's output
                    if (!any) throw new InputException("architecture '" + quote(arch) + "': dropout needs a layer before it");
                    v.dropout((int) width, Double.parseDouble(tok[i].substring(1)));
                } else if (tok[i].matches("\\d+")) {
                    int n = Integer.parseInt(tok[i]);
                    if (n < 1) throw new InputException("architecture '" + quote(arch) + "': a dense layer needs at least 1 neuron");
                    checkLayer(arch, tok[i], width * n, n);
                    v.dense((int) width, n);
                    width = n;
                    flat = true;
                    any = true;
                } else {
                    throw new InputException("architecture '" + quote(arch) + "': cannot read '" + quote(tok[i]) + "' (e.g. 12c5, 12c5s2p1, mp2, ap2, d0.5, 128)");
                }
            }
        } catch (NumberFormatException e) {
            throw new InputException("architecture '" + quote(arch) + "': a size is not a number");
        }
        if (!flat) throw new InputException("architecture '" + quote(arch) + "' must end with a dense output layer (e.g. -10)");
    }

    private static void checkLayer(String arch, String token, long params, long neurons) {
        if (params > MAX_LAYER_PARAMS || neurons > MAX_LAYER_NEURONS)
            throw new InputException("architecture '" + quote(arch) + "': layer '" + token + "' would have " + params + " weights and "
                    + neurons + " neurons per sample; snn4j builds at most " + MAX_LAYER_PARAMS + " and " + MAX_LAYER_NEURONS);
    }

    private static String quote(String s) {
        return InputException.quote(s);
    }

    /**
     * Direct coding (snnTorch tutorial 6): the image's pixel intensities are the input current at every
     * one of the T steps. Sample b is image {@code order[first + b]} (or {@code first + b}); the seed and
     * stream are unused (the coding is deterministic).
     */
    public static SgNet.InputFiller direct(Dataset data, int[] order, int first, long seed, long stream) {
        return (in, b0, b1, scratch) -> {
            int T = in.steps(), dim = in.n;
            if (dim != data.dim()) throw new IllegalArgumentException("direct coding: " + data.dim() + " pixels into an input of " + dim);
            for (int b = b0; b < b1; b++) {
                int img = order == null ? first + b : order[first + b];
                int o = b * T * dim;
                for (int p = 0; p < dim; p++) in.dense[o + p] = data.pixel(img, p);
                for (int t = 1; t < T; t++) System.arraycopy(in.dense, o, in.dense, o + t * dim, dim);
            }
        };
    }

    /**
     * Direct coding of randomly translated images (training-time augmentation): sample b is shifted by
     * (dx, dy), each uniform in [−maxShift, maxShift], drawn from the stream (seed, stream, b), so the
     * result does not depend on the thread split; the shifted image is the current at every step.
     */
    public static SgTrainer.Encoding directShifted(int maxShift) {
        if (maxShift < 0) throw new IllegalArgumentException("shift must be ≥ 0: " + maxShift);
        return (data, order, first, seed, stream) -> (in, b0, b1, scratch) -> {
            int T = in.steps(), dim = in.n, span = 2 * maxShift + 1;
            if (dim != data.dim()) throw new IllegalArgumentException("direct coding: " + data.dim() + " pixels into an input of " + dim);
            float[] img = new float[dim];
            for (int b = b0; b < b1; b++) {
                int k = order == null ? first + b : order[first + b];
                org.snn4j.util.Rng rng = org.snn4j.util.Rng.stream(seed, stream, b);
                int dx = rng.nextInt(span) - maxShift, dy = rng.nextInt(span) - maxShift;
                data.imageShifted(k, dx, dy, img);
                int o = b * T * dim;
                for (int t = 0; t < T; t++) System.arraycopy(img, 0, in.dense, o + t * dim, dim);
            }
        };
    }
}
