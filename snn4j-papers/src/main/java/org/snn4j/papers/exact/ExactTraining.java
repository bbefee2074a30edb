package org.snn4j.papers.exact;

import org.snn4j.experiment.Params;
import org.snn4j.experiment.RunContext;
import org.snn4j.train.exact.BatchGradient;
import org.snn4j.train.exact.QifNet;
import org.snn4j.train.exact.Trainer;
import org.snn4j.train.exact.Trial;
import org.snn4j.train.optim.Optimizer;

/**
 * What the exact-gradient experiments share: the trainer built from their common parameters
 * (optimizer, lr, momentum, iterations, batch, clip, lr_final_fraction, save_every; the checkpoint
 * train-checkpoint.safetensors in the run folder, resumed when the settings match), the timed
 * training, the held-out trials and the loss at the start and at the end of training.
 */
final class ExactTraining {
    /** The training checkpoint in the run folder. */
    static final String CHECKPOINT = "train-checkpoint.safetensors";
    /** Settings that may change on resume besides data_dir and threads. */
    static final java.util.List<String> FREE = java.util.List.of("save_every");

    /** The resume rule, checked before the run writes anything ({@link org.snn4j.io.Checkpoint#precheck}). */
    static void checkResume(org.snn4j.experiment.Params p, long seed, java.nio.file.Path out) {
        org.snn4j.io.Checkpoint.precheck(out.resolve(CHECKPOINT), org.snn4j.io.Checkpoint.settings(p.asMap(), seed, FREE), FREE);
    }

    final Trainer trainer;
    /** Seconds of {@link Trainer#train()} (only the resumed part after a resume). */
    final double trainS;
    /** Iterations done, and the window w of the mean losses (the first and the last w iterations). */
    final int done, window;
    /** Mean loss of the first and of the last {@link #window} iterations. */
    final double firstLoss, lastLoss;

    /**
     * Builds the trainer and trains.
     *
     * @param progressEvery   iterations between progress lines
     * @param lrScaleW        learning-rate multiplier of W
     * @param lrScaleU        learning-rate multiplier of U (those of I_0 and O are the parameters lr_scale_i0, lr_scale_o)
     * @param beforeTraining  run after the trainer is built and before it trains (e.g. a progress line), or null
     */
    ExactTraining(RunContext run, QifNet net, BatchGradient bg, Trainer.TrialSource task, int progressEvery, double lrScaleW,
                  double lrScaleU, Runnable beforeTraining) throws Exception {
        Params p = run.params();
        Optimizer opt = Optimizer.create(p.getString("optimizer"), p.getDouble("lr"), p.getDouble("momentum"));
        trainer = new Trainer(net, bg, opt, task, new Trainer.Config(p.getInt("iterations"), p.getInt("batch"), p.getDouble("clip"),
                p.getDouble("lr_final_fraction"), p.getInt("save_every"), run.out().resolve(CHECKPOINT), progressEvery),
                run.progressListener())
                .lrScales(lrScaleW, lrScaleU, p.getDouble("lr_scale_i0"), p.getDouble("lr_scale_o"))
                .settings(org.snn4j.io.Checkpoint.settings(p.asMap(), run.seed(), FREE));
        if (beforeTraining != null) beforeTraining.run();
        long t0 = System.nanoTime();
        trainer.train();
        trainS = (System.nanoTime() - t0) * 1e-9;
        done = trainer.iterationsDone();
        window = Math.max(1, Math.min(10, done / 4));
        firstLoss = mean(trainer.loss, 0, window);
        lastLoss = mean(trainer.loss, done - window, done);
    }

    /** @return trials 0 … n − 1 of {@code source} */
    static Trial[] trials(Trainer.TrialSource source, int n) {
        Trial[] t = new Trial[n];
        for (int k = 0; k < n; k++) t[k] = source.trial(k);
        return t;
    }

    /** @return the mean of a[from … to − 1], NaN if empty */
    static double mean(double[] a, int from, int to) {
        double s = 0;
        for (int k = from; k < to; k++) s += a[k];
        return to > from ? s / (to - from) : Double.NaN;
    }
}
