package org.snn4j.papers.balanced;

import org.snn4j.papers.scn.LearningSchedule;
import org.snn4j.papers.scn.RecurrentVoltageRule;
import org.snn4j.model.ScnParams;
import org.snn4j.papers.scn.ScnSignal;
import org.snn4j.sim.Simulation;
import org.snn4j.monitor.DecodingErrorMonitor;
import org.snn4j.util.Rng;

/**
 * The learning protocol of Bourdoukan &amp; Denève (2015) on a {@link BalancedNetwork}:
 * <ol>
 *   <li>learning: the network is driven by a command c(t) and by the error feedback K F e
 *       ({@link BalancedInput}); the slow weights learn with {@link SlowErrorRule} (from Ω^s = 0) and the
 *       fast weights with the voltage rule of spike-coding networks ({@link RecurrentVoltageRule},
 *       shared with the spike-coding learning, not copied), from the initial fast weights given;</li>
 *   <li>at {@code checkpoints} evenly spaced points, the weights are copied and measured: distance of
 *       Ω^s and Ω^f to the analytic weights at the best scale, and the error of an autonomous run
 *       (feedback off) on a fixed test command;</li>
 *   <li>at the end: autonomous runs of the learned, the analytic and the untrained (initial) network, all
 *       from rest on the same fresh command c(t) (a stream never used in learning).</li>
 * </ol>
 * The commands are smoothed Gaussian noise ({@link ScnSignal#smoothedNoise}) whose amplitude is
 * calibrated so that the target system's state has the RMS {@code xRms} ({@link #calibrate}).
 */
public final class BalancedProtocol {
    /**
     * @param params        SCN neuron parameters (λ, μ, noise, spike rule)
     * @param decoder       D (J×N)
     * @param system        the target system A
     * @param tauSlowMs     slow synapse time constant (ms)
     * @param dtMs          time step (ms)
     * @param gainK         error feedback gain K (1/s)
     * @param etaSlow       slow learning rate η
     * @param epsFast       fast learning rate ε (0: fast weights fixed)
     * @param betaFast      voltage scale β of the fast rule
     * @param decaySteps    learning rates decay as 1/(1 + t/decaySteps) (0: constant); the slow rate from its start
     * @param slowStartSteps the slow rule starts at this step (the fast rule from step 0): the fast weights
     *                      first establish the balance that makes the error feedback a local signal
     * @param fastInitNoise initial fast weights: Ω^f* plus Gaussian noise of this size relative to the RMS
     *                      off-diagonal entry of Ω^f* (off-diagonal only; 0: analytic)
     * @param learnSteps    steps of learning
     * @param testSteps     steps of each autonomous run
     * @param checkpoints   measuring points during learning (besides the start)
     * @param commandAmplitude amplitude of the smoothed-noise command (from {@link #calibrate})
     * @param sigmaMs       sd of the smoothing kernel (ms)
     * @param blockMs       length of one command sequence (ms)
     * @param seed          seed of the commands, the initial weights and the network noise
     * @param fastInit      where the fast weights start ({@link FastInit})
     * @param resetFromThreshold the fast rule's self-weight learns from the threshold, not from the
     *                      voltage at the spike (see {@link RecurrentVoltageRule}; removes the diagonal bias)
     * @param testCommands  the final autonomous runs are repeated on this many fresh commands and their
     *                      errors averaged (≥ 1)
     * @param freshError    while learning, the error uses the readout with the previous step's spikes
     *                      (see {@link BalancedInput}; measured worse: the feedback then acts as a second reset)
     * @param alignedSlow   the slow rule pairs the error with the presynaptic trace of the same time
     *                      ({@link SlowErrorRule#aligned}; removes its spike-timing bias)
     * @param feedbackBeforeSlow the error feedback is on from the start (true), or only from the slow rule's
     *                      start (false: a first phase in which the fast weights learn the balance on the
     *                      command alone, as in a spike-coding network without a teacher)
     * @param fastExcludesFeedback the fast rule reads the voltage minus the feedback's share of it
     *                      ({@link BalancedInput#feedbackVoltage()}): the balance error without the teacher's drive
     * @param feedbackRampSteps the feedback gain rises linearly from 0 to K over this many steps from the
     *                      moment the feedback starts (0: K at once)
     * @param resetRateScale the fast rule's self-weight learns at this multiple of its rate (with
     *                      {@code resetFromThreshold}; {@link RecurrentVoltageRule#resetRate}; 1: the same)
     * @param fastStopSteps the fast rule stops at this step (−1: it learns throughout): the fast weights learn
     *                      the balance first and are then left alone while the slow weights learn the dynamics
     * @param fastLateralGain the fast rule's lateral targets use β times this gain ({@link RecurrentVoltageRule#lateralGain};
     *                      1: the published rule)
     * @param fastDecaySteps the fast rate alone decays as 1/(1 + t/fastDecaySteps) (negative: as {@code decaySteps}; 0:
     *                      constant): a fast rule that starts fast, to learn the balance from nothing, and ends slow, so
     *                      that its noise does not set the final shape of the fast weights
     */
    public record Config(ScnParams params, double[][] decoder, LinearSystem system, double tauSlowMs, double dtMs, double gainK,
                         double etaSlow, double epsFast, double betaFast, double decaySteps, long slowStartSteps, double fastInitNoise, long learnSteps,
                         long testSteps, int checkpoints, double commandAmplitude, double sigmaMs, double blockMs, long seed,
                         FastInit fastInit, boolean resetFromThreshold, int testCommands, boolean freshError, boolean alignedSlow,
                         boolean feedbackBeforeSlow, boolean fastExcludesFeedback, long feedbackRampSteps,
                         double resetRateScale, long fastStopSteps, double fastLateralGain, double fastDecaySteps) {
        public Config {
            if (testCommands < 1) throw new IllegalArgumentException("test commands must be >= 1: " + testCommands);
        }

        /** The decay of the fast rate (steps): its own, or the common one. */
        public double fastRateDecaySteps() {
            return fastDecaySteps >= 0 ? fastDecaySteps : decaySteps;
        }

        /** The configuration with the published fast rule (lateral gain 1) and one decay for both rates. */
        public Config(ScnParams params, double[][] decoder, LinearSystem system, double tauSlowMs, double dtMs, double gainK,
                      double etaSlow, double epsFast, double betaFast, double decaySteps, long slowStartSteps, double fastInitNoise, long learnSteps,
                      long testSteps, int checkpoints, double commandAmplitude, double sigmaMs, double blockMs, long seed,
                      FastInit fastInit, boolean resetFromThreshold, int testCommands, boolean freshError, boolean alignedSlow,
                      boolean feedbackBeforeSlow, boolean fastExcludesFeedback, long feedbackRampSteps,
                      double resetRateScale, long fastStopSteps) {
            this(params, decoder, system, tauSlowMs, dtMs, gainK, etaSlow, epsFast, betaFast, decaySteps, slowStartSteps, fastInitNoise,
                    learnSteps, testSteps, checkpoints, commandAmplitude, sigmaMs, blockMs, seed, fastInit, resetFromThreshold, testCommands,
                    freshError, alignedSlow, feedbackBeforeSlow, fastExcludesFeedback, feedbackRampSteps, resetRateScale, fastStopSteps, 1, -1);
        }

        /** The configuration of the paper's protocol before issue 17 (perturbed start, voltage reset, one test command). */
        public Config(ScnParams params, double[][] decoder, LinearSystem system, double tauSlowMs, double dtMs, double gainK,
                      double etaSlow, double epsFast, double betaFast, double decaySteps, long slowStartSteps, double fastInitNoise, long learnSteps,
                      long testSteps, int checkpoints, double commandAmplitude, double sigmaMs, double blockMs, long seed) {
            this(params, decoder, system, tauSlowMs, dtMs, gainK, etaSlow, epsFast, betaFast, decaySteps, slowStartSteps, fastInitNoise,
                    learnSteps, testSteps, checkpoints, commandAmplitude, sigmaMs, blockMs, seed, FastInit.OPTIMAL_PERTURBED, false, 1, false, false, true, false, 0, 1, -1);
        }
    }

    /** The file format of {@link #save}. */
    public static final String FORMAT = "snn4j-balanced-network";

    /**
     * Saves the learned network with its provenance atomically, in snn4j's model file format
     * ({@link org.snn4j.io.ModelFile}: safetensors, format {@value #FORMAT}, version 1), so that the learned weights can
     * be compared with the optimum offline: tensors (F64) {@code decoder} [J, N], {@code omega_fast} [N, N] and
     * {@code omega_slow} [N, N] (the learned weights, Ω[i][k] from neuron k to neuron i), {@code omega_fast_initial}
     * [N, N] and {@code A} [J, J] (the target system, 1/s); metadata: λ (1/s), μ, τ_slow and dt (ms).
     */
    public static void save(java.nio.file.Path file, Config cfg, Result r, org.snn4j.io.ModelProvenance provenance) throws java.io.IOException {
        double[][] d = cfg.decoder(), a = cfg.system().matrix();
        int j = d.length, n = d[0].length;
        org.snn4j.io.SafeTensors.Builder t = org.snn4j.io.SafeTensors.builder()
                .f64("decoder", flat(d), j, n)
                .f64("omega_fast", flat(r.omegaFast), n, n)
                .f64("omega_slow", flat(r.omegaSlow), n, n)
                .f64("omega_fast_initial", flat(r.omegaFast0), n, n)
                .f64("A", flat(a), j, j);
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("neurons", (long) n);
        body.put("dims", (long) j);
        body.put("lambda_per_s", cfg.params().lambda());
        body.put("mu", cfg.params().mu());
        body.put("tau_slow_ms", cfg.tauSlowMs());
        body.put("dt_ms", cfg.dtMs());
        org.snn4j.io.ModelFile.write(file, FORMAT, 1, provenance.toMap(), body, t);
    }

    private static double[] flat(double[][] m) {
        int c = m[0].length;
        double[] f = new double[m.length * c];
        for (int i = 0; i < m.length; i++) System.arraycopy(m[i], 0, f, i * c, c);
        return f;
    }

    /** Where the fast weights start. */
    public enum FastInit {
        /** Ω^f* = DᵀD + μI plus symmetric Gaussian noise off the diagonal ({@code fastInitNoise} relative to its RMS off-diagonal entry). */
        OPTIMAL_PERTURBED,
        /** Ω^f = 0: no lateral connections and no reset; the fast rule has to learn the balance from nothing. */
        ZERO,
        /** Ω^f: independent Gaussian entries (symmetric, the diagonal included) with the RMS of Ω^f*'s off-diagonal entries: no structure. */
        RANDOM;

        /** The parameter value: optimal-perturbed, zero or random. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        /** Parses optimal-perturbed, zero or random. */
        public static FastInit parse(String s) {
            for (FastInit f : values()) if (f.key().equals(s)) return f;
            throw new org.snn4j.util.InputException("fast_init must be optimal-perturbed, zero or random, got '" + s + "'");
        }
    }

    /** Curves over learning and the final comparison. */
    public static final class Result {
        /** Simulated learning time of each measuring point (s). */
        public double[] timeS;
        public double[] slowDistance, fastDistance, autonomousNrmse, trackingNrmse, rateHz, cvIsi;
        /** Over learning: slow and fast weights' relative distance to the analytic ones without rescaling, ‖Ω − Ω*‖/‖Ω*‖; E/I balance (feedback on). */
        public double[] slowDistanceUnscaled, fastDistanceUnscaled;
        /** The autonomous runs on the first final test command (plots, rates, CV, balance). */
        public AutonomousRun.Result trained, analytic, untrained;
        /** The autonomous errors on each of the final test commands. */
        public double[] trainedNrmse, analyticNrmse, untrainedNrmse;
        /** The systems the learned and the analytic network follow in their final autonomous runs ({@link SystemFit}, 100 ms windows). */
        public double[][] fitTrained, fitAnalytic;
        /** Mean rate and median ISI CV over the last learning segment (feedback on). */
        public double rateLearning, cvLearning, trackingNrmseFinal;
        public double[][] omegaSlow, omegaFast, omegaFast0;
        public double runS;
    }

    private BalancedProtocol() {
    }

    /**
     * Where the learned network's error sits: the final test again (the same commands and noise streams)
     * with one set of weights replaced. The slow weights act on the rates through Ω^s r; only the part of r
     * in the decoder's row space (P r, P = Dᵀ(DDᵀ)⁻¹D) is the state x̂ = D r, the rest is which neurons
     * happen to fire. Ω^s P keeps the learned response to the state and drops the response to the rest.
     *
     * @return mean autonomous errors over the test commands, {@code autonomous_nrmse_with_…}: learned fast
     *         and analytic slow weights; analytic fast and learned slow; learned fast and the analytic slow
     *         weights at the learned slow weights' best scale; learned fast and Ω^s P ({@code slow_row_space});
     *         and {@code slow_weight_share_outside_row_space} = ‖Ω^s − Ω^s P‖/‖Ω^s‖
     */
    public static java.util.Map<String, Double> weightSwaps(Config cfg, Result r) {
        double[][] d = cfg.decoder();
        double[][] slowStar = cfg.system().analyticSlowWeights(d, cfg.params().lambda()), fastStar = BalancedNetwork.analyticFast(d, cfg.params());
        double[][] slowRow = BalancedNetwork.multiply(r.omegaSlow, BalancedNetwork.decoderProjector(d));
        double scale = bestScale(r.omegaSlow, slowStar);
        double[][] slowScaled = new double[slowStar.length][];
        for (int i = 0; i < slowStar.length; i++) {
            slowScaled[i] = slowStar[i].clone();
            for (int k = 0; k < slowScaled[i].length; k++) slowScaled[i][k] *= scale;
        }
        String[] names = {"learned_fast_analytic_slow", "analytic_fast_learned_slow", "learned_fast_scaled_analytic_slow", "slow_row_space"};
        double[][][][] pairs = {{r.omegaFast, slowStar}, {fastStar, r.omegaSlow}, {r.omegaFast, slowScaled}, {r.omegaFast, slowRow}};
        java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (int v = 0; v < names.length; v++) {
            double sum = 0;
            for (int c = 0; c < cfg.testCommands(); c++) sum += autonomous(cfg, pairs[v][0], pairs[v][1], testStream(c), 0).nrmse;
            out.put("autonomous_nrmse_with_" + names[v], sum / cfg.testCommands());
        }
        out.put("slow_weight_share_outside_row_space", relativeDistance(slowRow, r.omegaSlow));
        // the learned network read out with the decoder its fast weights imply (M, BalancedNetwork.fastReadout) instead of D
        double[][] m = BalancedNetwork.fastReadout(d, r.omegaFast, cfg.params().mu());
        double sum = 0;
        for (int c = 0; c < cfg.testCommands(); c++) sum += autonomous(cfg, r.omegaFast, r.omegaSlow, testStream(c), 0, m).nrmse;
        out.put("autonomous_nrmse_with_fast_readout", sum / cfg.testCommands());
        out.put("fast_readout_distance", relativeDistance(m, d));
        return out;
    }

    /** A smoothed-noise command of the given amplitude from stream {@code id} of the seed. */
    public static ScnSignal command(int j, double amplitude, double sigmaMs, double blockMs, double dtMs, long seed, long id) {
        int block = (int) Math.max(1, Math.round(blockMs / dtMs));
        return ScnSignal.smoothedNoise(j, amplitude, Math.max(1e-3, sigmaMs / dtMs), block, Rng.stream(seed, 0xBA1AL, id));
    }

    /**
     * The command amplitude that makes the RMS of the target state x (Euler, from rest) equal to
     * {@code xRms}, measured on {@code probeSteps} steps of a calibration stream (the system is linear,
     * so the RMS scales with the amplitude). Fails with a clear message when the system is unstable.
     */
    public static double calibrate(LinearSystem system, double xRms, double sigmaMs, double blockMs, double dtMs, long probeSteps, long seed) {
        int j = system.dims();
        ScnSignal s = command(j, 1, sigmaMs, blockMs, dtMs, seed, 999);
        double[] x = new double[j], c = new double[j], tmp = new double[j];
        double ss = 0, dtS = dtMs * 1e-3;
        for (long t = 0; t < probeSteps; t++) {
            s.next(t, c);
            system.step(x, c, dtS, tmp);
            for (double v : x) ss += v * v;
        }
        double rms = Math.sqrt(ss / probeSteps);
        if (!(rms > 0) || !Double.isFinite(rms) || rms > 1e12)
            throw new org.snn4j.util.InputException("the target system is unstable or silent under the command (RMS of x = " + rms
                    + "); A = " + system);
        return xRms / rms;
    }

    /**
     * The initial fast weights ({@link FastInit}): Ω^f* with relative Gaussian noise off the diagonal
     * (symmetric), zero, or symmetric Gaussian entries with the RMS off-diagonal entry of Ω^f*.
     */
    public static double[][] initialFast(Config cfg) {
        double[][] o = BalancedNetwork.analyticFast(cfg.decoder(), cfg.params());
        int n = o.length;
        if (cfg.fastInit() == FastInit.ZERO) return new double[n][n];
        double ss = 0;
        for (int i = 0; i < n; i++) for (int k = 0; k < n; k++) if (i != k) ss += o[i][k] * o[i][k];
        double rms = Math.sqrt(ss / Math.max(1, n * (n - 1)));
        Rng rng = Rng.stream(cfg.seed(), 0xFA57L);
        if (cfg.fastInit() == FastInit.RANDOM) {
            for (int i = 0; i < n; i++)
                for (int k = i; k < n; k++) o[i][k] = o[k][i] = rms * rng.nextGaussian();
            return o;
        }
        if (cfg.fastInitNoise() == 0) return o;
        double s = cfg.fastInitNoise() * rms;
        for (int i = 0; i < n; i++)
            for (int k = i + 1; k < n; k++) {
                double e = s * rng.nextGaussian();
                o[i][k] += e;
                o[k][i] += e;
            }
        return o;
    }

    /** Runs the protocol. */
    public static Result run(Config cfg, org.snn4j.progress.ProgressListener progress) {
        long t0 = System.nanoTime();
        ScnParams p = cfg.params();
        double[][] d = cfg.decoder();
        int n = d[0].length, j = d.length;
        double[] thr = BalancedNetwork.analyticThresholds(d, p);
        double[][] fast0 = initialFast(cfg);
        double[][] slow0 = new double[n][n];
        BalancedNetwork net = new BalancedNetwork(p, d, fast0, slow0, thr, cfg.tauSlowMs());
        BalancedInput in = new BalancedInput(net, cfg.system(), command(j, cfg.commandAmplitude(), cfg.sigmaMs(), cfg.blockMs(), cfg.dtMs(), cfg.seed(), 1),
                cfg.gainK(), true, cfg.freshError());
        LearningSchedule sched = new LearningSchedule(0, cfg.fastStopSteps(), cfg.fastRateDecaySteps());
        SlowErrorRule slowRule = SlowErrorRule.of(net, in, cfg.etaSlow(), new LearningSchedule(cfg.slowStartSteps(), -1, cfg.decaySteps()));
        if (cfg.alignedSlow()) slowRule.aligned(net.scn.population);
        IsiMeter isi = new IsiMeter(net.scn.population);
        Simulation sim = new Simulation(net.scn.network, cfg.dtMs(), Rng.stream(cfg.seed(), 0x51AL).nextLong(), 1);
        long on = !cfg.feedbackBeforeSlow() && cfg.slowStartSteps() > 0 ? cfg.slowStartSteps() : 0, ramp = cfg.feedbackRampSteps();
        if (on > 0 || ramp > 0) sim.add(feedbackSchedule(in, cfg.gainK(), on, ramp));
        sim.add(in).add(slowRule);
        if (cfg.epsFast() > 0)
            sim.add(new RecurrentVoltageRule(net.scn, cfg.epsFast(), cfg.betaFast(), p.mu(), sched, null, cfg.resetFromThreshold())
                    .resetRate(cfg.resetRateScale()).lateralGain(cfg.fastLateralGain()).excluding(cfg.fastExcludesFeedback() ? in.feedbackVoltage() : null));
        DecodingErrorMonitor track = new DecodingErrorMonitor(j, net::readout, in::x);   // per segment
        sim.add(net.slow).add(isi).add(track);

        int cp = Math.max(1, cfg.checkpoints());
        Result res = new Result();
        res.omegaFast0 = fast0;
        res.timeS = new double[cp + 1];
        res.slowDistance = new double[cp + 1];
        res.fastDistance = new double[cp + 1];
        res.slowDistanceUnscaled = new double[cp + 1];
        res.fastDistanceUnscaled = new double[cp + 1];
        double[][] slowStar = cfg.system().analyticSlowWeights(d, p.lambda()), fastStar = BalancedNetwork.analyticFast(d, p);
        res.autonomousNrmse = new double[cp + 1];
        res.trackingNrmse = new double[cp + 1];
        res.rateHz = new double[cp + 1];
        res.cvIsi = new double[cp + 1];
        long done = 0;
        for (int k = 0; k <= cp; k++) {
            long target = cfg.learnSteps() * k / cp;
            if (target > done) {
                isi.reset();
                track.reset();
                sim.run(target - done);
                done = target;
            }
            res.timeS[k] = done * cfg.dtMs() * 1e-3;
            double sd = net.slowDistance(cfg.system());
            res.slowDistance[k] = Double.isNaN(sd) ? 1.0 : sd;   // Ω^s = 0: distance 1 (at the best scale 0)
            double fd = net.fastDistance();
            res.fastDistance[k] = Double.isNaN(fd) ? 1.0 : fd;   // Ω^f = 0: distance 1, as the slow weights
            res.slowDistanceUnscaled[k] = relativeDistance(net.omegaSlow(), slowStar);
            res.fastDistanceUnscaled[k] = relativeDistance(net.omegaFast(), fastStar);
            if (track.samples() > 0) {
                res.trackingNrmse[k] = track.nrmse();
                res.rateHz[k] = isi.meanRateHz();
                res.cvIsi[k] = isi.cvIsiMedian(3);
            } else {
                res.trackingNrmse[k] = res.rateHz[k] = res.cvIsi[k] = Double.NaN;
            }
            if (k < cp) {   // the last point is measured below on the fresh command
                AutonomousRun.Result a = autonomous(cfg, net.omegaFast(), net.omegaSlow(), 2, 0);
                res.autonomousNrmse[k] = a.nrmse;
            }
            if (progress != null)
                progress.message(String.format("learning %.1f s: slow distance %.3f (unscaled %.3f), fast distance %.3f (unscaled %.3f), tracking nrmse %.3f, rate %.1f Hz%s",
                        res.timeS[k], res.slowDistance[k], res.slowDistanceUnscaled[k], res.fastDistance[k], res.fastDistanceUnscaled[k], res.trackingNrmse[k], res.rateHz[k],
                        k < cp ? String.format(", autonomous nrmse %.3f", res.autonomousNrmse[k]) : ""));
        }
        res.rateLearning = res.rateHz[cp];
        res.cvLearning = res.cvIsi[cp];
        res.trackingNrmseFinal = res.trackingNrmse[cp];
        res.omegaSlow = net.omegaSlow();
        res.omegaFast = net.omegaFast();

        long raster = Math.min(cfg.testSteps(), Math.round(2000 / cfg.dtMs()));
        BalancedNetwork an = BalancedNetwork.analytic(p, d, cfg.system(), cfg.tauSlowMs());
        int tc = cfg.testCommands();
        res.trainedNrmse = new double[tc];
        res.analyticNrmse = new double[tc];
        res.untrainedNrmse = new double[tc];
        SystemFit fitT = null, fitA = null;
        for (int c = 0; c < tc; c++) {
            long stream = testStream(c);
            AutonomousRun.Result tr = autonomous(cfg, res.omegaFast, res.omegaSlow, stream, c == 0 ? raster : 0);
            AutonomousRun.Result aa = autonomous(cfg, an.omegaFast(), an.omegaSlow(), stream, c == 0 ? raster : 0);
            AutonomousRun.Result un = autonomous(cfg, fast0, slow0, stream, c == 0 ? raster : 0);
            res.trainedNrmse[c] = tr.nrmse;
            res.analyticNrmse[c] = aa.nrmse;
            res.untrainedNrmse[c] = un.nrmse;
            if (tr.timesMs.length > 1) {
                double sample = (tr.timesMs[1] - tr.timesMs[0]) * 1e-3;
                if (fitT == null) {
                    int w = (int) Math.max(1, Math.round(0.1 / sample));
                    fitT = new SystemFit(cfg.system(), w);
                    fitA = new SystemFit(cfg.system(), w);
                }
                fitT.add(tr.x, tr.xhat, sample);
                fitA.add(aa.x, aa.xhat, sample);
            }
            if (c == 0) {
                res.trained = tr;
                res.analytic = aa;
                res.untrained = un;
            }
        }
        res.autonomousNrmse[cp] = mean(res.trainedNrmse);
        if (fitT != null) {
            res.fitTrained = fitT.fit()[0];
            res.fitAnalytic = fitA.fit()[0];
        }
        res.runS = (System.nanoTime() - t0) * 1e-9;
        return res;
    }

    /**
     * The teacher's schedule (a step hook, to add before {@code in}): the feedback is off before step
     * {@code on} (when {@code on} &gt; 0), and its gain rises linearly from 0 at step {@code on} to K at
     * step {@code on + ramp} (when {@code ramp} &gt; 0).
     */
    static org.snn4j.sim.StepHook feedbackSchedule(BalancedInput in, double gainK, long on, long ramp) {
        if (on > 0) in.setFeedback(false);
        return new org.snn4j.sim.StepHook() {
            @Override
            public void beforeStep(Simulation s, long step) {
                if (step == on && on > 0) in.setFeedback(true);
                if (ramp > 0 && step >= on && step <= on + ramp) in.setGain(gainK * (step - on) / ramp);
            }
        };
    }

    /** The command stream of final test command c: 3 for the first (as before issue 17), then 1000, 1001, … */
    static long testStream(int c) {
        return c == 0 ? 3 : 999 + c;
    }

    static double mean(double[] a) {
        double s = 0;
        for (double v : a) s += v;
        return s / a.length;
    }

    /** ‖a − b‖_F / ‖b‖_F (NaN when b = 0). */
    public static double relativeDistance(double[][] a, double[][] b) {
        double dd = 0, bb = 0;
        for (int i = 0; i < a.length; i++)
            for (int k = 0; k < a[i].length; k++) {
                double e = a[i][k] - b[i][k];
                dd += e * e;
                bb += b[i][k] * b[i][k];
            }
        return bb == 0 ? Double.NaN : Math.sqrt(dd / bb);
    }

    /** The scale s that brings s·b closest to a (least squares), NaN when b = 0. */
    static double bestScale(double[][] a, double[][] b) {
        double ab = 0, bb = 0;
        for (int i = 0; i < a.length; i++)
            for (int k = 0; k < a[i].length; k++) {
                ab += a[i][k] * b[i][k];
                bb += b[i][k] * b[i][k];
            }
        return bb == 0 ? Double.NaN : ab / bb;
    }

    /** An autonomous run (feedback off) from rest on command stream {@code stream}. */
    static AutonomousRun.Result autonomous(Config cfg, double[][] fast, double[][] slow, long stream, long rasterSteps) {
        return autonomous(cfg, fast, slow, stream, rasterSteps, null);
    }

    /** The same, with the error measured on {@code readout} r (null: the decoder's D r). */
    static AutonomousRun.Result autonomous(Config cfg, double[][] fast, double[][] slow, long stream, long rasterSteps, double[][] readout) {
        int j = cfg.decoder().length;
        int keep = (int) Math.max(1, Math.round(5 / cfg.dtMs()));   // one sample per 5 ms
        return AutonomousRun.run(cfg.params(), cfg.decoder(), fast, slow, BalancedNetwork.analyticThresholds(cfg.decoder(), cfg.params()),
                cfg.tauSlowMs(), cfg.system(), command(j, cfg.commandAmplitude(), cfg.sigmaMs(), cfg.blockMs(), cfg.dtMs(), cfg.seed(), stream),
                false, 0, cfg.dtMs(), cfg.testSteps(), Rng.stream(cfg.seed(), 0xA070L, stream).nextLong(), keep, rasterSteps, readout);
    }
}
