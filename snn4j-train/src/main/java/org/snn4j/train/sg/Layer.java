package org.snn4j.train.sg;

/**
 * One layer of a batched spiking network, processing whole sequences: its input and output are
 * {@link Seq}s of B samples × T steps (batch-major), and its backward pass runs back through time
 * over the stored forward state.
 *
 * <p>The work is split so that a mini-batch runs in parallel and deterministically:
 * {@link #forward} and {@link #backward} handle a range of samples [b0, b1) (samples are
 * independent), and the parameter gradients, which sum over all samples and steps, are split into
 * {@link #paramTasks} disjoint column blocks, each summing over (sample, step) in the same order
 * whatever thread runs it.
 */
public abstract class Layer {
    /** Input and output widths. */
    public final int in, out;
    protected int steps, batch;
    /**
     * Windowed runs ({@link SgNet#memoryWindow}, {@link SgNet#truncate}): the global step of local
     * step 0, and the truncated-BPTT window k (0 = full BPTT): the gradient does not flow from a
     * global step t with t % k == 0 back into step t − 1.
     */
    protected int t0, truncate;
    /**
     * Recurrent state at the window boundaries (B × {@link #stateSize()} floats, batch-major), all
     * null in a plain full-sequence run: {@code stateIn} is the state before local step 0 (null =
     * zeros), {@code stateOut} receives the state after the last local step, and {@code gradState}
     * holds ∂L/∂(state after the last step) on entry to {@link #backward} (null = zeros) and
     * ∂L/∂(state before step 0) on exit.
     */
    protected float[] stateIn, stateOut, gradState;
    /** True during a training pass ({@link SgNet#gradients}), false during inference; and the training step's index. */
    protected boolean training;
    protected long trainStep;

    protected Layer(int in, int out) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("layer widths must be positive: " + in + " -> " + out);
        this.in = in;
        this.out = out;
    }

    /** Short name for messages, e.g. "linear(784->256)". */
    public abstract String name();

    /** True when the output is binary (spikes, bit sets), false when it is dense floats. */
    public abstract boolean binaryOutput();

    /** Allocates the per-batch state for B samples of T steps. */
    public void allocate(int steps, int batch) {
        this.steps = steps;
        this.batch = batch;
    }

    /** Runs samples [b0, b1) of the input x (all T steps) into the output y. */
    public abstract void forward(Seq x, Seq y, int b0, int b1, Scratch s);

    /**
     * Back-propagates through time for samples [b0, b1): given gy = ∂L/∂y (dense, batch-major,
     * may be overwritten), writes gx = ∂L/∂x (dense; null when the input needs no gradient).
     */
    public abstract void backward(Seq x, Seq y, float[] gy, float[] gx, int b0, int b1, Scratch s);

    /** Called once per batch before the backward passes (e.g. to transpose weights). */
    public void beforeBackward() {
    }

    /**
     * Called by {@link SgNet} once per batch before the forward passes, while the weights are fixed,
     * on every thread of the team ({@code part} of {@code parts}; all parts finish before any forward
     * pass starts): the layer may derive data from its weights (e.g. lookup tables, each part
     * building its share) and use it until {@link #afterPass}. A forward call without this (tests,
     * other drivers) must still be correct.
     */
    public void beforeForward(int part, int parts) {
    }

    /** {@link #beforeForward(int, int)} on one thread. */
    public final void beforeForward() {
        beforeForward(0, 1);
    }

    /** Called by {@link SgNet} at the end of the batch's passes (before the weights may change). */
    public void afterPass() {
    }

    /** Number of independent parameter-gradient work items. */
    public int paramTasks() {
        return 0;
    }

    /** Computes (overwrites) the part {@code task} of the parameter gradients from x and gy over the whole batch. */
    public void paramGrads(Seq x, float[] gy, int task, Scratch s) {
    }

    /** Trainable tensors (live arrays) and their gradients, in the same order. */
    public float[][] params() {
        return new float[0][];
    }

    public float[][] grads() {
        return new float[0][];
    }

    public String[] paramNames() {
        return new String[0];
    }

    /** Floats of recurrent state per sample carried from one step to the next (0: stateless). */
    public int stateSize() {
        return 0;
    }

    /**
     * True when {@link #backward} may run in place (gx the same array as gy); SgNet then shares
     * the gradient buffer with the layer below, and {@link #paramGrads} sees ∂L/∂x in it.
     */
    public boolean inPlaceBackward() {
        return false;
    }

    /** Called by {@link SgNet} before each pass: training or inference, and the index of the training step. */
    void mode(boolean training, long trainStep) {
        this.training = training;
        this.trainStep = trainStep;
    }

    /** Sets the window's boundary arrays (see {@link #stateIn}); all null for a full-sequence run. */
    void window(int t0, int truncate, float[] stateIn, float[] stateOut, float[] gradState) {
        this.t0 = t0;
        this.truncate = truncate;
        this.stateIn = stateIn;
        this.stateOut = stateOut;
        this.gradState = gradState;
    }

    /** True when the gradient must not flow from local step t back into step t − 1 (truncated BPTT). */
    protected final boolean cut(int t) {
        return truncate > 0 && (t0 + t) % truncate == 0;
    }

    /** Bytes of per-batch state held by the layer (beyond its parameters). */
    public long stateBytes() {
        return 0;
    }

    /** Per-thread scratch buffers, sized for the widest layer. */
    public static final class Scratch {
        public final int[] idx, counts = new int[64];
        public final float[] val, carry, row;
        private float[][] block;
        private int[] lists;

        public Scratch(int width) {
            idx = new int[width];
            val = new float[width];
            carry = new float[width];
            row = new float[width];
        }

        /** {@code rows} scratch rows of at least {@code width} floats (kept between calls). */
        public float[][] block(int rows, int width) {
            if (block == null || block.length != rows || block[0].length < width) block = new float[rows][Math.max(width, row.length)];
            return block;
        }

        /** An int scratch of at least {@code len} (kept between calls). */
        public int[] lists(int len) {
            if (lists == null || lists.length < len) lists = new int[len];
            return lists;
        }
    }
}
