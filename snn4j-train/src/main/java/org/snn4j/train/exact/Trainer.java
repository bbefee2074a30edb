package org.snn4j.train.exact;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.snn4j.util.AtomicFiles;
import org.snn4j.util.InputException;
import org.snn4j.util.Json;

/**
 * Mini-batch training of a {@link QifNet} by its exact gradient: iteration i uses trials
 * i·B … i·B + B − 1 of a deterministic {@link TrialSource}, clips the gradient's global norm, takes
 * an optimiser step (learning rate decaying exponentially from η to η·{@code lrFinalFraction} over the
 * run) and checks loss, gradient and weights for NaN/Inf (stopping with a {@link NonFiniteException}
 * that names the iteration and the tensor entry). Every {@code checkpointEvery} iterations it writes
 * the parameters, the optimiser state and the history atomically to a checkpoint; a run started with
 * an existing checkpoint resumes from it and ends with the same weights as an uninterrupted run.
 */
public final class Trainer {
    /** Trials by index, deterministic (e.g. seeded with Rng.stream(seed, index)). */
    public interface TrialSource {
        Trial trial(long index);
    }

    /** Training settings. */
    public record Config(int iterations, int batch, double clip, double lrFinalFraction, int checkpointEvery, Path checkpoint,
                         int logEvery) {
    }

    private final QifNet net;
    private final BatchGradient bg;
    private final Optimizer opt;
    private final TrialSource src;
    private final Config cfg;
    private final Consumer<String> progress;
    private final double lr0;
    /** Loss, masked MSE, gradient norm and batch spikes per iteration done so far. */
    public double[] loss = new double[0], mse = new double[0], gradNorm = new double[0], spikes = new double[0];
    private int done;
    private int stopAfter = Integer.MAX_VALUE;
    private boolean resumed;

    public Trainer(QifNet net, BatchGradient bg, Optimizer opt, TrialSource src, Config cfg, Consumer<String> progress) {
        this.net = net;
        this.bg = bg;
        this.opt = opt;
        this.src = src;
        this.cfg = cfg;
        this.progress = progress == null ? s -> { } : progress;
        this.lr0 = opt.lr;
    }

    /** Iterations completed (including those restored from a checkpoint). */
    public int iterationsDone() {
        return done;
    }

    /** True if the last {@link #train} resumed from a checkpoint. */
    public boolean resumed() {
        return resumed;
    }

    /** Stops {@link #train} after this many iterations of this call (to simulate a killed run in tests). */
    public Trainer stopAfter(int iterations) {
        stopAfter = iterations;
        return this;
    }

    /** Trains to {@code cfg.iterations()}, resuming from the checkpoint if it exists. */
    public void train() throws IOException {
        if (cfg.checkpoint() != null && Files.exists(cfg.checkpoint())) {
            load(cfg.checkpoint());
            resumed = true;
            progress.accept("resumed from " + cfg.checkpoint() + " at iteration " + done);
        }
        int it0 = done;
        Trial[] batch = new Trial[cfg.batch()];
        double[] grad = new double[net.size()];
        loss = Arrays.copyOf(loss, cfg.iterations());
        mse = Arrays.copyOf(mse, cfg.iterations());
        gradNorm = Arrays.copyOf(gradNorm, cfg.iterations());
        spikes = Arrays.copyOf(spikes, cfg.iterations());
        long t0 = System.nanoTime();
        for (int it = done; it < cfg.iterations(); it++) {
            if (it - it0 >= stopAfter) return;
            for (int k = 0; k < batch.length; k++) batch[k] = src.trial((long) it * batch.length + k);
            double l = bg.lossAndGradient(batch, grad, null);
            if (!Double.isFinite(l)) throw new NonFiniteException("iteration " + it + ": loss = " + l);
            for (int q = 0; q < grad.length; q++)
                if (!Double.isFinite(grad[q]))
                    throw new NonFiniteException("iteration " + it + ": gradient d" + net.describe(q) + " = " + grad[q]);
            double gn = Optimizer.clipNorm(grad, cfg.clip());
            opt.lr = lr0 * Math.pow(cfg.lrFinalFraction(), (double) it / Math.max(1, cfg.iterations() - 1));
            opt.step(net.w, grad);
            for (int q = 0; q < net.w.length; q++)
                if (!Double.isFinite(net.w[q]))
                    throw new NonFiniteException("iteration " + it + ": parameter " + net.describe(q) + " = " + net.w[q] + " after the update");
            net.sync();
            loss[it] = l;
            mse[it] = bg.lastMse();
            gradNorm[it] = gn;
            spikes[it] = bg.lastSpikes();
            done = it + 1;
            if (cfg.checkpoint() != null && cfg.checkpointEvery() > 0 && (done % cfg.checkpointEvery() == 0 || done == cfg.iterations()))
                save(cfg.checkpoint());
            if (cfg.logEvery() > 0 && (done % cfg.logEvery() == 0 || done == cfg.iterations())) {
                double el = (System.nanoTime() - t0) * 1e-9;
                progress.accept(String.format("iteration %d/%d: loss %.5f, mse %.5f, |g| %.3g, %.1f spikes/trial, %.2f s/iteration",
                        done, cfg.iterations(), l, mse[it], gn, spikes[it] / batch.length, el / (done - it0)));
            }
        }
    }

    /** Writes the training state (parameters, optimiser, history) atomically. */
    public void save(Path file) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "snn4j-exact-qif-checkpoint");
        m.put("iterations_done", (long) done);
        m.put("n", (long) net.n);
        m.put("parameters", (long) net.size());
        m.put("batch", (long) cfg.batch());
        m.put("optimizer", opt.kind());
        m.put("optimizer_t", opt.t);
        m.put("w", net.w);
        double[][] st = opt.state();
        for (int k = 0; k < st.length; k++) m.put("optimizer_state_" + k, st[k]);
        m.put("loss", Arrays.copyOf(loss, done));
        m.put("mse", Arrays.copyOf(mse, done));
        m.put("grad_norm", Arrays.copyOf(gradNorm, done));
        m.put("spikes", Arrays.copyOf(spikes, done));
        AtomicFiles.writeString(file, Json.write(m) + "\n");
    }

    @SuppressWarnings("unchecked")
    private void load(Path file) throws IOException {
        Map<String, Object> m = Json.parseObject(Files.readString(file), file.toString());
        if (!"snn4j-exact-qif-checkpoint".equals(m.get("format"))) throw new InputException(file + ": not an exact-qif training checkpoint");
        if (((Number) m.get("parameters")).intValue() != net.size() || ((Number) m.get("batch")).intValue() != cfg.batch()
                || !opt.kind().equals(m.get("optimizer")))
            throw new InputException(file + ": checkpoint of a different network, batch size or optimizer; delete it or change --out");
        done = ((Number) m.get("iterations_done")).intValue();
        opt.t = ((Number) m.get("optimizer_t")).longValue();
        fill(net.w, (List<Object>) m.get("w"), file);
        double[][] st = opt.state();
        for (int k = 0; k < st.length; k++) fill(st[k], (List<Object>) m.get("optimizer_state_" + k), file);
        loss = list((List<Object>) m.get("loss"));
        mse = list((List<Object>) m.get("mse"));
        gradNorm = list((List<Object>) m.get("grad_norm"));
        spikes = list((List<Object>) m.get("spikes"));
        net.sync();
    }

    private static void fill(double[] a, List<Object> l, Path file) {
        if (l == null || l.size() != a.length) throw new InputException(file + ": checkpoint array of the wrong length");
        for (int k = 0; k < a.length; k++) a[k] = ((Number) l.get(k)).doubleValue();
    }

    private static double[] list(List<Object> l) {
        double[] a = new double[l == null ? 0 : l.size()];
        for (int k = 0; k < a.length; k++) a[k] = ((Number) l.get(k)).doubleValue();
        return a;
    }
}
