package org.snn4j.train.sg;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snn4j.cell.Reset;
import org.snn4j.data.Dataset;
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
        String[] tok = arch.trim().toLowerCase().split("-");
        List<Layer> ls = new ArrayList<>();
        int k = 0;
        boolean flat = false;
        int width = c * h * w;
        try {
            for (int i = 0; i < tok.length; i++) {
                Matcher m = CONV.matcher(tok[i]);
                if (m.matches()) {
                    if (flat) throw new InputException("architecture '" + arch + "': a convolution after a dense layer");
                    int out = Integer.parseInt(m.group(1)), ker = Integer.parseInt(m.group(2));
                    int s = m.group(3) == null ? 1 : Integer.parseInt(m.group(3)), p = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
                    Matcher pm = i + 1 < tok.length ? POOL.matcher(tok[i + 1]) : null;
                    boolean pooled = pm != null && pm.matches();
                    int pk = pooled ? Integer.parseInt(pm.group(2)) : 1;
                    boolean max = pooled && pm.group(1).equals("m");
                    // max-pooling inside the convolution (the unpooled map is never stored); average pooling as a layer
                    Conv2d conv = new Conv2d(c, h, w, out, ker, ker, s, p, 1, 1, max ? pk : 1, seed + 2L * k++);
                    ls.add(conv);
                    c = out;
                    h = conv.poolH;
                    w = conv.poolW;
                    if (pooled && !max) {
                        Pool2d pool = new Pool2d(Pool2d.Mode.AVG, c, h, w, pk, pk, false);
                        ls.add(pool);
                        h = pool.outH;
                        w = pool.outW;
                    }
                    if (pooled) i++;
                    width = c * h * w;
                    ls.add(new Lif(width, beta, theta, reset, sg));
                } else if (tok[i].matches("d0?\\.\\d+")) {   // dropout of the previous layer's output
                    if (ls.isEmpty()) throw new InputException("architecture '" + arch + "': dropout needs a layer before it");
                    ls.add(new Dropout(width, Double.parseDouble(tok[i].substring(1)), seed + 2L * k++ + 1));
                } else if (tok[i].matches("\\d+")) {
                    int n = Integer.parseInt(tok[i]);
                    ls.add(new Linear(width, n, seed + 2L * k++));
                    ls.add(new Lif(n, beta, theta, reset, sg));
                    width = n;
                    flat = true;
                } else {
                    throw new InputException("architecture '" + arch + "': cannot read '" + tok[i] + "' (e.g. 12c5, 12c5s2p1, mp2, ap2, d0.5, 128)");
                }
            }
        } catch (NumberFormatException e) {
            throw new InputException("architecture '" + arch + "': a size is not a number");
        } catch (IllegalArgumentException e) {   // a kernel that does not fit, and the like
            throw new InputException("architecture '" + arch + "': " + e.getMessage());
        }
        if (!flat) throw new InputException("architecture '" + arch + "' must end with a dense output layer (e.g. -10)");
        if (leakyReadout) ls.set(ls.size() - 1, new LeakyReadout(width, beta));
        return ls;
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
