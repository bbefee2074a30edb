package org.snn4j.train.exact;

import org.snn4j.math.Parallel;
import org.snn4j.util.DivergenceException;

/**
 * Mini-batches of trials through {@link ExactGradient} on several threads. Each thread owns a
 * workspace; each trial's gradient goes to its own buffer and the buffers are summed in trial order,
 * so the result is bit-for-bit the same whatever the thread count.
 */
public final class BatchGradient implements AutoCloseable {
    private final QifNet net;
    private final int threads;
    private final ExactGradient[] ws;
    private final Parallel team;
    private double[][] perTrial = new double[0][];
    private double[][] perTau = new double[0][];
    private double[] losses = new double[0], mses = new double[0];
    private long[] spikes = new long[0];
    private double lastMse;
    private long lastSpikes;

    /** @param threads worker threads (0: the library's team size, {@link Parallel#defaultThreads()}) */
    public BatchGradient(QifNet net, int maxSteps, int checkpointEvery, double activityCost, int threads) {
        this.net = net;
        this.threads = threads > 0 ? threads : Parallel.defaultThreads();
        ws = new ExactGradient[this.threads];
        for (int t = 0; t < this.threads; t++) ws[t] = new ExactGradient(net, maxSteps, checkpointEvery, activityCost);
        team = new Parallel(this.threads);
    }

    public int threads() {
        return threads;
    }

    /** Doubles held by all workspaces and per-trial buffers. */
    public long doublesHeld() {
        long d = 0;
        for (ExactGradient e : ws) d += e.doublesHeld();
        for (double[] p : perTrial) d += p.length;
        return d;
    }

    /** Mean masked MSE of the last batch. */
    public double lastMse() {
        return lastMse;
    }

    /** Total spikes of the last batch. */
    public long lastSpikes() {
        return lastSpikes;
    }

    private void ensure(int b) {
        if (perTrial.length < b) {
            perTrial = new double[b][net.size()];
            perTau = new double[b][2];
            losses = new double[b];
            mses = new double[b];
            spikes = new long[b];
        }
    }

    /**
     * Mean loss over the batch; writes the mean gradient into {@code grad} (and ∂/∂τ into
     * {@code gradTau} if not null).
     */
    public double lossAndGradient(Trial[] batch, double[] grad, double[] gradTau) {
        int b = batch.length;
        ensure(b);
        net.sync(); // the kernels read the row copies of W and O: refresh them from the flat parameters
        forEach(b, (w, k) -> {
            java.util.Arrays.fill(perTrial[k], 0);
            perTau[k][0] = perTau[k][1] = 0;
            losses[k] = w.run(batch[k], perTrial[k], perTau[k]);
            mses[k] = w.lastMse();
            spikes[k] = w.lastSpikes();
        });
        // the mean gradient, in column blocks on the team: each entry sums the trials in trial order
        int blocks = Math.min(threads, Math.max(1, grad.length / MIN_REDUCE_COLUMNS));
        team.forEach(blocks, part -> reduce(grad, b, (int) ((long) part * grad.length / blocks), (int) ((long) (part + 1) * grad.length / blocks)));
        double loss = 0, mse = 0, t0 = 0, t1 = 0;
        long sp = 0;
        for (int k = 0; k < b; k++) {
            loss += losses[k];
            mse += mses[k];
            sp += spikes[k];
            t0 += perTau[k][0];
            t1 += perTau[k][1];
        }
        if (gradTau != null) {
            gradTau[0] = t0 / b;
            gradTau[1] = t1 / b;
        }
        lastMse = mse / b;
        lastSpikes = sp;
        return loss / b;
    }

    /** Entries per block of the parallel gradient reduction (at least). */
    private static final int MIN_REDUCE_COLUMNS = 4096;

    /** grad[q] = (Σ_k perTrial[k][q]) / b for q in [q0, q1), the trials summed in order. */
    private void reduce(double[] grad, int b, int q0, int q1) {
        java.util.Arrays.fill(grad, q0, q1, 0);
        for (int k = 0; k < b; k++) {
            double[] g = perTrial[k];
            for (int q = q0; q < q1; q++) grad[q] += g[q];
        }
        for (int q = q0; q < q1; q++) grad[q] /= b;
    }

    /** Forward passes only: the readout of each trial ([k · nOut + o]) and its spike count. */
    public double[][] outputs(Trial[] trials, long[] spikeCounts) {
        double[][] out = new double[trials.length][];
        net.sync();
        forEach(trials.length, (w, k) -> {
            w.run(trials[k], null, null);
            out[k] = java.util.Arrays.copyOf(w.outputs, trials[k].steps() * net.nOut);
            if (spikeCounts != null) spikeCounts[k] = w.lastSpikes();
        });
        return out;
    }

    /** The workspace of thread 0 (for recording a single trial's spikes on the calling thread). */
    public ExactGradient workspace() {
        return ws[0];
    }

    private interface Task {
        void run(ExactGradient w, int trial);
    }

    /** Trials handed out one at a time (their costs differ with their spike counts); member m uses workspace m. */
    private void forEach(int count, Task task) {
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        team.forEachMember(Math.min(count, threads), (member, part) -> {
            for (int k = next.getAndIncrement(); k < count; k = next.getAndIncrement()) runOne(task, ws[member], k);
        });
    }

    private static void runOne(Task task, ExactGradient w, int k) {
        try {
            task.run(w, k);
        } catch (DivergenceException e) {
            throw e.withPrefix("trial " + k + " of the batch: ");
        }
    }

    @Override
    public void close() {
        team.close();
    }
}
