package org.snn4j.train.sg;

import java.util.ArrayList;
import java.util.List;
import org.snn4j.math.Parallel;
import org.snn4j.train.optim.Divergence;
import org.snn4j.train.optim.Optimizer;
import org.snn4j.train.optim.ParamSet;
import org.snn4j.util.DivergenceException;

/**
 * A feed-forward stack of batched layers trained with surrogate-gradient back-propagation through
 * time (BPTT), run on a team of threads.
 *
 * <p>One training step on a mini-batch of B samples, T steps:
 * <ol>
 *   <li>per-sample region (samples split between threads): fill the input (e.g. rate coding), the
 *       forward pass of every layer over all T steps, the loss of each sample and ∂L/∂y of the last
 *       layer, and the backward pass through time of every layer (∂L/∂x from ∂L/∂y);</li>
 *   <li>parameter-gradient region: every layer's ∂L/∂W and ∂L/∂b, split into column blocks, each
 *       summing over all (sample, step) rows in a fixed order;</li>
 *   <li>a NaN/Inf check of the loss and gradients, then the optimiser.</li>
 * </ol>
 * Every number is computed by the same operations whatever the number of threads, so a training
 * run is bit-identical for a seed on 1 or 2 threads. Memory: the layers keep their outputs and
 * state for every step (binary spikes as bits), and one gradient buffer per boundary where the
 * layer cannot work in place.
 */
public final class SgNet implements AutoCloseable {
    /** Fills samples [b0, b1) of the input sequence (called inside the parallel region). */
    @FunctionalInterface
    public interface InputFiller {
        void fill(Seq input, int b0, int b1, int[] scratch);
    }

    final List<Layer> layers;
    final int nIn, nOut;
    final Seq input;
    final Seq[] acts;
    /** grads[l] = ∂L/∂(output of layer l); aliased for in-place layers. */
    final float[][] grads;
    final Parallel pool;
    final Layer.Scratch[] scratch;
    final int[][] intScratch;
    final float[][] lossScratch;
    int steps, batch;
    double[] sampleLoss = new double[0];
    int[] pred = new int[0];
    private long trainSteps;
    /** The trainable tensors by name (built once: the layers' arrays do not change). */
    private ParamSet paramSet;
    /** Truncated-BPTT window k (0 = full) and recomputation window m (0 = keep all T steps). */
    private int truncate, window;
    /** The windowed engine, when {@link #memoryWindow} is set. */
    private Windowed windowed;

    /**
     * @param binaryInput whether the input is spikes (bits) or dense values
     * @param threads     team size (0 = one per processor)
     */
    public SgNet(int nIn, boolean binaryInput, List<Layer> layers, int threads) {
        if (layers.isEmpty()) throw new IllegalArgumentException("a network needs at least one layer");
        this.layers = List.copyOf(layers);
        this.nIn = nIn;
        int width = nIn;
        int prev = nIn;
        for (Layer l : layers) {
            if (l.in != prev)
                throw new IllegalArgumentException("layer " + l.name() + " expects " + l.in + " inputs but gets " + prev);
            prev = l.out;
            width = Math.max(width, l.out);
        }
        nOut = prev;
        input = new Seq(nIn, binaryInput);
        acts = new Seq[layers.size()];
        for (int k = 0; k < acts.length; k++) acts[k] = new Seq(layers.get(k).out, layers.get(k).binaryOutput());
        grads = new float[layers.size()][];
        pool = new Parallel(threads);
        scratch = new Layer.Scratch[pool.threads()];
        intScratch = new int[pool.threads()][];
        lossScratch = new float[pool.threads()][];
        for (int k = 0; k < scratch.length; k++) {
            scratch[k] = new Layer.Scratch(width + 1);
            intScratch[k] = new int[width + 1];
            lossScratch[k] = new float[2 * nOut];
        }
    }

    public List<Layer> layers() {
        return layers;
    }

    public int threads() {
        return pool.threads();
    }

    public Seq input() {
        return input;
    }

    /** Output sequence of the last layer, all T steps (after a forward pass). */
    public Seq output() {
        return windowed != null ? windowed.fullOut : acts[acts.length - 1];
    }

    /**
     * Number of spikes in the output of layer k over all T steps and the B samples of the last
     * forward pass (also with a {@link #memoryWindow}, where {@link #activations} holds only the
     * last window); 0 when the layer's output is real-valued.
     */
    public long spikeCount(int k) {
        if (windowed != null) return windowed.spikeCount(k);
        Seq s = acts[k];
        if (!s.binary) return 0;
        long n = 0;
        for (int i = 0, len = batch * steps * s.words; i < len; i++) n += Long.bitCount(s.bits[i]);
        return n;
    }

    /** Output of layer k (with a {@link #memoryWindow}: of the last window computed only). */
    public Seq activations(int k) {
        return acts[k];
    }

    /**
     * Truncated BPTT: the gradient does not flow back across global steps that are multiples of k
     * (0 = full BPTT). The forward pass and the loss are unchanged.
     */
    public SgNet truncate(int k) {
        if (k < 0) throw new IllegalArgumentException("truncation window must be >= 0: " + k);
        truncate = k;
        for (Layer l : layers) l.window(0, k, null, null, null);
        return this;
    }

    /**
     * Trades recomputation for memory: the layers keep their state for only m steps; the forward
     * pass stores each layer's state every m steps and the backward pass recomputes each window
     * from its checkpoint (m = 0: keep all T steps). Gradients equal the full run's up to float
     * rounding of the accumulation across windows.
     */
    public SgNet memoryWindow(int m) {
        if (m < 0) throw new IllegalArgumentException("memory window must be >= 0: " + m);
        window = m;
        windowed = null;
        if (m == 0) truncate(truncate);
        return this;
    }

    public int truncation() {
        return truncate;
    }

    public int memoryWindow() {
        return window;
    }

    /** Allocates (or reuses) buffers for B samples of T steps. */
    public void prepare(int steps, int batch) {
        if (steps < 1 || batch < 1) throw new IllegalArgumentException("steps and batch must be positive");
        this.steps = steps;
        this.batch = batch;
        if (window > 0 && window < steps) {
            if (windowed == null) windowed = new Windowed(this);
            windowed.prepare(steps, batch, window, truncate);
        } else {
            if (windowed != null) windowed.release();
            windowed = null;
            allocateSteps(steps, batch);
            for (Layer l : layers) l.window(0, truncate, null, null, null);
        }
        if (sampleLoss.length < batch) {
            sampleLoss = new double[batch];
            pred = new int[batch];
        }
    }

    /** Sizes the per-step buffers for {@code steps} steps of B samples. */
    void allocateSteps(int steps, int batch) {
        input.ensure(steps, batch);
        for (int k = 0; k < layers.size(); k++) {
            layers.get(k).allocate(steps, batch);
            acts[k].ensure(steps, batch);
        }
        int len = steps * batch;
        for (int k = layers.size() - 1; k >= 0; k--) {
            Layer l = layers.get(k);
            boolean aliased = k + 1 < layers.size() && inPlace(layers.get(k + 1));
            if (aliased) {
                grads[k] = grads[k + 1];
            } else if (grads[k] == null || grads[k].length < (long) len * l.out) {
                grads[k] = new float[len * l.out];
            }
        }
    }

    private static boolean inPlace(Layer l) {
        return l.inPlaceBackward();
    }

    /** All trainable tensors, layer by layer. */
    public float[][] params() {
        List<float[]> p = new ArrayList<>();
        for (Layer l : layers) for (float[] a : l.params()) p.add(a);
        return p.toArray(new float[0][]);
    }

    public float[][] paramGrads() {
        List<float[]> p = new ArrayList<>();
        for (Layer l : layers) for (float[] a : l.grads()) p.add(a);
        return p.toArray(new float[0][]);
    }

    /** Number of trainable scalars. */
    public long paramCount() {
        long n = 0;
        for (float[] a : params()) n += a.length;
        return n;
    }

    /** Bytes of per-batch state: activations, layer state and gradient buffers. */
    public long stateBytes() {
        long b = input.bytes();
        for (Seq s : acts) b += s.bytes();
        for (Layer l : layers) b += l.stateBytes();
        java.util.IdentityHashMap<float[], Boolean> seen = new java.util.IdentityHashMap<>();
        for (float[] g : grads) if (g != null && seen.put(g, true) == null) b += 4L * g.length;
        if (windowed != null) b += windowed.bytes();
        return b;
    }

    int from(int k, int n) {
        return (int) ((long) k * n / pool.threads());
    }

    /**
     * Encodes the prepared batch into {@link #input()} (the filler run on the team, as in {@link #gradients}) without
     * running the network: the input of a batch that another engine (a GPU, {@link SgDevice}) computes.
     *
     * @param fill the input filler
     * @return {@link #input()}
     */
    public Seq fill(InputFiller fill) {
        int B = batch;
        pool.forEach(pool.threads(), k -> {
            int b0 = from(k, B), b1 = from(k + 1, B);
            if (b0 < b1) fill.fill(input, b0, b1, intScratch[k]);
        });
        return input;
    }

    /**
     * Forward pass only (inference) on the prepared batch; returns the mean loss when labels are
     * given (else NaN). Predictions are in {@link #predictions()}.
     */
    public double infer(InputFiller fill, int[] labels, Loss loss) {
        for (Layer l : layers) l.mode(false, trainSteps);
        if (windowed != null) return windowed.infer(fill, labels, loss);
        int B = batch;
        int parts = pool.threads();
        pool.forEach(parts, k -> {
            for (Layer l : layers) l.beforeForward(k, parts);
        });
        try {
            pool.forEach(pool.threads(), k -> {
                int b0 = from(k, B), b1 = from(k + 1, B);
                if (b0 == b1) return;
                fill.fill(input, b0, b1, intScratch[k]);
                forwardRange(b0, b1, scratch[k]);
                for (int b = b0; b < b1; b++)
                    sampleLoss[b] = loss.sample(output(), b, labels == null ? 0 : labels[b], null, B, pred, lossScratch[k]);
            });
        } finally {
            for (Layer l : layers) l.afterPass();
        }
        return labels == null ? Double.NaN : meanLoss();
    }

    /**
     * Forward and backward pass on the prepared batch: returns the mean loss and leaves the
     * parameter gradients in the layers. Throws {@link DivergenceException} when the loss or a
     * gradient is NaN or infinite.
     */
    public double gradients(InputFiller fill, int[] labels, Loss loss) {
        for (Layer l : layers) l.mode(true, trainSteps);
        if (windowed != null) return finish(windowed.gradients(fill, labels, loss));
        int B = batch;
        for (Layer l : layers) l.beforeBackward();   // weights do not change during the step
        int parts = pool.threads();
        pool.forEach(parts, k -> {
            for (Layer l : layers) l.beforeForward(k, parts);
        });
        try {
            return finish(gradientPasses(fill, labels, loss));
        } finally {
            for (Layer l : layers) l.afterPass();
        }
    }

    private double gradientPasses(InputFiller fill, int[] labels, Loss loss) {
        int B = batch;
        float[] gOut = grads[layers.size() - 1];
        pool.forEach(pool.threads(), k -> {
            int b0 = from(k, B), b1 = from(k + 1, B);
            if (b0 == b1) return;
            Layer.Scratch s = scratch[k];
            fill.fill(input, b0, b1, intScratch[k]);
            forwardRange(b0, b1, s);
            for (int b = b0; b < b1; b++) sampleLoss[b] = loss.sample(output(), b, labels[b], gOut, B, pred, lossScratch[k]);
            for (int l = layers.size() - 1; l >= 0; l--) {
                Seq x = l == 0 ? input : acts[l - 1];
                layers.get(l).backward(x, acts[l], grads[l], l == 0 ? null : grads[l - 1], b0, b1, s);
            }
        });
        // parameter gradients: (layer, task) items split between threads
        int total = 0;
        for (Layer l : layers) total += l.paramTasks();
        int[] taskLayer = new int[total], taskIndex = new int[total];
        int q = 0;
        for (int l = 0; l < layers.size(); l++)
            for (int t = 0; t < layers.get(l).paramTasks(); t++) {
                taskLayer[q] = l;
                taskIndex[q++] = t;
            }
        final int nTasks = total;
        // dynamic hand-out (tasks differ in cost); each task's output is its own, so the result does
        // not depend on which thread runs it
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        pool.forEach(pool.threads(), k -> {
            for (int i = next.getAndIncrement(); i < nTasks; i = next.getAndIncrement()) {
                int l = taskLayer[i];
                layers.get(l).paramGrads(l == 0 ? input : acts[l - 1], grads[l], taskIndex[i], scratch[k]);
            }
        });
        return meanLoss();
    }

    /** Counts the step and checks the loss and the gradients for NaN/Inf. */
    private double finish(double mean) {
        trainSteps++;
        Divergence.checkLoss("training step", trainSteps, mean);
        Divergence.checkGrads(paramSet(), "training step", trainSteps, pool);
        return mean;
    }

    /** Checks the parameters after an update; throws {@link DivergenceException} naming the first bad one. */
    public void checkParams() {
        Divergence.checkValues(paramSet(), "training step", trainSteps, pool);
    }

    /** Runs the optimiser's update on the team (each tensor split into one chunk per thread). */
    public void update(Optimizer opt) {
        opt.begin();
        int parts = pool.threads();
        pool.forEach(parts, k -> opt.update(k, parts));
        checkParams();
    }

    /**
     * The trainable tensors with their gradients, named "layer{k}.{name}" (k = the layer's index,
     * name = its {@link Layer#paramNames} entry with spaces as underscores), for an optimiser.
     */
    public ParamSet paramSet() {
        if (paramSet != null) return paramSet;
        ParamSet.Builder b = ParamSet.builder();
        for (int k = 0; k < layers.size(); k++) {
            Layer l = layers.get(k);
            float[][] p = l.params(), g = l.grads();
            String[] names = l.paramNames();
            for (int t = 0; t < p.length; t++) b.add("layer" + k + "." + names[t].replace(' ', '_'), p[t], g[t]);
        }
        return paramSet = b.build();
    }

    void forwardRange(int b0, int b1, Layer.Scratch s) {
        for (int l = 0; l < layers.size(); l++) layers.get(l).forward(l == 0 ? input : acts[l - 1], acts[l], b0, b1, s);
    }

    double meanLoss() {
        double sum = 0;
        for (int b = 0; b < batch; b++) sum += sampleLoss[b];
        return sum / batch;
    }

    /** Predicted class of each sample of the last batch (live array, first {@code batch} entries). */
    public int[] predictions() {
        return pred;
    }

    /** Loss of each sample of the last batch (live array). */
    public double[] sampleLosses() {
        return sampleLoss;
    }

    public int steps() {
        return steps;
    }

    public int batch() {
        return batch;
    }

    @Override
    public void close() {
        pool.close();
    }
}
