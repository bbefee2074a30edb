package org.snn4j.train.sg;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The memory-saving engine behind {@link SgNet#memoryWindow}: BPTT over T steps with the layers'
 * per-step state held for only m steps at a time (gradient checkpointing, Chen et al. 2016).
 *
 * <ol>
 *   <li>Forward, window by window (W = ⌈T/m⌉ windows): each layer starts a window from the state
 *       left by the previous one and saves its state at the window's end (B × stateSize floats per
 *       layer and window); the last layer's output is copied into a T-step sequence for the loss.</li>
 *   <li>The loss and ∂L/∂y of the output over all T steps.</li>
 *   <li>Backward, window by window from the last: recompute the window's forward pass from its
 *       saved state, back-propagate through it starting from ∂L/∂(state at its end) carried from
 *       the later window, and add its parameter gradients to the running sums.</li>
 * </ol>
 * The forward pass runs twice (≈ 1.3–1.5× the time of a step); memory holds m steps of layer state
 * plus, per step, only the input bits, the output and its gradient and the checkpoints
 * (stateSize/m floats per unit): it grows linearly in T with a much smaller slope. Deterministic:
 * every sum runs in a fixed order (windows from last to first).
 */
final class Windowed {
    private final SgNet net;
    private final List<Layer> layers;
    /** Input and output sequences over all T steps. */
    final Seq fullIn, fullOut;
    private float[] gOut = new float[0];
    /** ck[l][w]: state of layer l before window w (w ≥ 1; window 0 starts from zeros). */
    private float[][][] ck = new float[0][][];
    /** carry[l]: ∂L/∂(state of layer l at the boundary), per sample. */
    private float[][] carry;
    /** Running sums of the parameter gradients over windows. */
    private float[][] acc;
    private int T, B, m, k, windows;
    /** spikes[q][l]: spikes in the output of layer l over thread q's samples, all windows of the last forward pass. */
    private long[][] spikes = new long[0][];

    Windowed(SgNet net) {
        this.net = net;
        this.layers = net.layers;
        fullIn = new Seq(net.nIn, net.input.binary);
        fullOut = new Seq(net.nOut, net.acts[net.acts.length - 1].binary);
        carry = new float[layers.size()][];
    }

    void prepare(int steps, int batch, int window, int truncate) {
        T = steps;
        B = batch;
        m = window;
        k = truncate;
        windows = (T + m - 1) / m;
        fullIn.ensure(T, B);
        fullOut.ensure(T, B);
        if (gOut.length < T * B * net.nOut) gOut = new float[T * B * net.nOut];
        net.allocateSteps(m, B);
        if (ck.length != layers.size() || ck[0].length < windows) ck = new float[layers.size()][windows][];
        for (int l = 0; l < layers.size(); l++) {
            int s = layers.get(l).stateSize() * B;
            for (int w = 1; w < windows; w++) if (ck[l][w] == null || ck[l][w].length < s) ck[l][w] = new float[s];
            if (carry[l] == null || carry[l].length < s) carry[l] = new float[s];
        }
    }

    /** Drops the windowed state of the layers (back to full-sequence runs). */
    void release() {
        for (Layer l : layers) l.window(0, 0, null, null, null);
    }

    long bytes() {
        long b = fullIn.bytes() + fullOut.bytes() + 4L * gOut.length;
        for (float[][] a : ck) for (float[] c : a) if (c != null) b += 4L * c.length;
        for (float[] c : carry) if (c != null) b += 4L * c.length;
        if (acc != null) for (float[] a : acc) b += 4L * a.length;
        return b;
    }

    private int len(int w) {
        return Math.min(m, T - w * m);
    }

    /** Sets every layer up for window w. */
    private void setWindow(int w, boolean saveState, boolean backward) {
        int n = len(w);
        net.allocateSteps(n, B);
        for (int l = 0; l < layers.size(); l++) {
            Layer L = layers.get(l);
            boolean st = L.stateSize() > 0;
            L.window(w * m, k, st && w > 0 ? ck[l][w] : null, st && saveState && w + 1 < windows ? ck[l][w + 1] : null,
                    st && backward ? carry[l] : null);
        }
    }

    /** Copies rows [t0, t0 + n) of the full input of samples [b0, b1) into the window input. */
    private void copyIn(int t0, int n, int b0, int b1) {
        Seq in = net.input;
        for (int b = b0; b < b1; b++) {
            if (in.binary) System.arraycopy(fullIn.bits, (b * T + t0) * in.words, in.bits, b * n * in.words, n * in.words);
            else System.arraycopy(fullIn.dense, (b * T + t0) * in.n, in.dense, b * n * in.n, n * in.n);
        }
    }

    private void copyOut(int t0, int n, int b0, int b1) {
        Seq out = net.acts[net.acts.length - 1];
        for (int b = b0; b < b1; b++) {
            if (out.binary) System.arraycopy(out.bits, b * n * out.words, fullOut.bits, (b * T + t0) * out.words, n * out.words);
            else System.arraycopy(out.dense, b * n * out.n, fullOut.dense, (b * T + t0) * out.n, n * out.n);
        }
    }

    /** Spikes in the output of layer l over all T steps and the batch (last forward pass); 0 for real-valued outputs. */
    long spikeCount(int l) {
        long n = 0;
        for (long[] c : spikes) n += c[l];
        return n;
    }

    /** Adds the spikes of rows [r0, r1) of every binary layer output to thread q's counts. */
    private void countSpikes(int q, int r0, int r1) {
        long[] c = spikes[q];
        for (int l = 0; l < layers.size(); l++) {
            Seq s = net.acts[l];
            if (!s.binary) continue;
            long[] bits = s.bits;
            long n = 0;
            for (int i = r0 * s.words, e = r1 * s.words; i < e; i++) n += Long.bitCount(bits[i]);
            c[l] += n;
        }
    }

    /** The layers' per-batch hooks ({@link Layer#beforeForward(int, int)} on every thread), as in {@link SgNet#infer}. */
    private void beforeForward() {
        int parts = net.pool.threads();
        net.pool.forEach(parts, q -> {
            for (Layer l : layers) l.beforeForward(q, parts);
        });
    }

    private void afterPass() {
        for (Layer l : layers) l.afterPass();
    }

    /** Forward over all windows, saving the checkpoints; then the per-sample losses (and ∂L/∂y when grad). */
    private void forwardAll(SgNet.InputFiller fill, int[] labels, Loss loss, boolean grad) {
        int threads = net.pool.threads();
        if (spikes.length != threads || spikes[0].length != layers.size()) spikes = new long[threads][layers.size()];
        for (long[] c : spikes) Arrays.fill(c, 0);
        net.pool.forEach(threads, q -> {
            int b0 = net.from(q, B), b1 = net.from(q + 1, B);
            if (b0 < b1) fill.fill(fullIn, b0, b1, net.intScratch[q]);
        });
        for (int w = 0; w < windows; w++) {
            setWindow(w, true, false);
            final int t0 = w * m, n = len(w);
            net.pool.forEach(threads, q -> {
                int b0 = net.from(q, B), b1 = net.from(q + 1, B);
                if (b0 == b1) return;
                copyIn(t0, n, b0, b1);
                net.forwardRange(b0, b1, net.scratch[q]);
                countSpikes(q, b0 * n, b1 * n);
                copyOut(t0, n, b0, b1);
            });
        }
        net.pool.forEach(threads, q -> {
            int b0 = net.from(q, B), b1 = net.from(q + 1, B);
            for (int b = b0; b < b1; b++)
                net.sampleLoss[b] = loss.sample(fullOut, b, labels == null ? 0 : labels[b], grad ? gOut : null, B, net.pred,
                        net.lossScratch[q]);
        });
    }

    double infer(SgNet.InputFiller fill, int[] labels, Loss loss) {
        beforeForward();
        try {
            forwardAll(fill, labels, loss, false);
        } finally {
            afterPass();
        }
        return labels == null ? Double.NaN : net.meanLoss();
    }

    double gradients(SgNet.InputFiller fill, int[] labels, Loss loss) {
        for (Layer l : layers) l.beforeBackward();   // weights do not change during the step
        beforeForward();
        try {
            return gradientPasses(fill, labels, loss);
        } finally {
            afterPass();
        }
    }

    private double gradientPasses(SgNet.InputFiller fill, int[] labels, Loss loss) {
        forwardAll(fill, labels, loss, true);
        int threads = net.pool.threads();
        for (float[] c : carry) if (c != null) Arrays.fill(c, 0f);
        float[][] g = net.paramGrads();
        if (acc == null || acc.length != g.length) {
            acc = new float[g.length][];
            for (int p = 0; p < g.length; p++) acc[p] = new float[g[p].length];
        }
        for (float[] a : acc) Arrays.fill(a, 0f);
        int total = 0;
        for (Layer l : layers) total += l.paramTasks();
        int[] taskLayer = new int[total], taskIndex = new int[total];
        int q0 = 0;
        for (int l = 0; l < layers.size(); l++)
            for (int t = 0; t < layers.get(l).paramTasks(); t++) {
                taskLayer[q0] = l;
                taskIndex[q0++] = t;
            }
        final int nTasks = total, K = net.nOut, last = layers.size() - 1;
        for (int w = windows - 1; w >= 0; w--) {
            setWindow(w, false, true);
            final int t0 = w * m, n = len(w);
            float[] gLast = net.grads[last];
            net.pool.forEach(threads, q -> {
                int b0 = net.from(q, B), b1 = net.from(q + 1, B);
                if (b0 == b1) return;
                Layer.Scratch s = net.scratch[q];
                copyIn(t0, n, b0, b1);
                net.forwardRange(b0, b1, s);
                for (int b = b0; b < b1; b++) System.arraycopy(gOut, (b * T + t0) * K, gLast, b * n * K, n * K);
                for (int l = last; l >= 0; l--) {
                    Seq x = l == 0 ? net.input : net.acts[l - 1];
                    layers.get(l).backward(x, net.acts[l], net.grads[l], l == 0 ? null : net.grads[l - 1], b0, b1, s);
                }
            });
            AtomicInteger next = new AtomicInteger();
            net.pool.forEach(threads, q -> {
                for (int i = next.getAndIncrement(); i < nTasks; i = next.getAndIncrement()) {
                    int l = taskLayer[i];
                    layers.get(l).paramGrads(l == 0 ? net.input : net.acts[l - 1], net.grads[l], taskIndex[i], net.scratch[q]);
                }
            });
            net.pool.forEach(threads, q -> {
                for (int p = q; p < g.length; p += threads) {
                    float[] a = acc[p], gp = g[p];
                    for (int i = 0; i < a.length; i++) a[i] += gp[i];
                }
            });
        }
        for (int p = 0; p < g.length; p++) System.arraycopy(acc[p], 0, g[p], 0, g[p].length);
        return net.meanLoss();
    }
}
