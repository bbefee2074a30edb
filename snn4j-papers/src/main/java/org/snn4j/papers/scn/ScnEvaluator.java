package org.snn4j.papers.scn;

import org.snn4j.model.ScnParams;
import org.snn4j.monitor.CurrentBalanceMonitor;
import org.snn4j.monitor.SpikeMonitor;
import org.snn4j.papers.scn.LinearReadout;
import org.snn4j.papers.scn.ScnInput;
import org.snn4j.papers.scn.ScnNetwork;
import org.snn4j.papers.scn.ScnSignal;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;
import org.snn4j.stats.SpikeStats;
import org.snn4j.util.IntBuffer;
import org.snn4j.util.Rng;

/**
 * Measures a spike-coding network with frozen weights, as Brendel et al. 2020 do over learning: a
 * copy of the network (same F, Ω, thresholds) is run on a held-out "fit" signal to fit the optimal
 * linear readout x ≈ W r ({@link LinearReadout}), then on a separate "test" signal where the
 * normalised decoding error Σ var(x − W r)/Σ var(x), the spike statistics and the voltage variance
 * are measured. Both signals are smoothed Gaussian noise ({@link ScnSignal#smoothedNoise}) from fixed
 * streams of the evaluator's seed, so every evaluation point sees the same signals. The training
 * network is not touched.
 *
 * <p>Spike-train variability is measured as Brendel et al. (2020, FanoCV.m) do, under constant
 * inputs: for each of {@code varInputs} random unit directions U the command c = varAmplitude·U is
 * held for {@code varTrials} trials of {@code varSteps} steps (fresh state, fresh noise). Per neuron
 * with more than one spike per trial on average: the Fano factor of its trial spike counts and the ISI
 * CV of its pooled intervals; the pairwise correlation is the mean Pearson correlation of the counts
 * in {@code corrWindowMs} windows within trials (noise correlations: the input is constant).
 * cvIsiMedian, fanoMedian: the median over neurons, averaged over inputs. (cvIsiSignal: the median
 * ISI CV over the test run with the time-varying signal, inflated by the rate modulation it causes.)
 *
 * <p>Excitatory and inhibitory input currents of neuron i: the positive and negative parts of its
 * feed-forward terms dt·F_ki c_k and of its recurrent inputs C_ki o_k (k ≠ i: the self-reset is not
 * a synaptic input), each low-pass filtered with the membrane's leak; {@code eiBalanceCorr} is the
 * mean over neurons of corr(E_i, −I_i) over the test run.
 */
public final class ScnEvaluator {
    /**
     * @param dtMs        time step (ms)
     * @param fitSteps    steps of the fit run
     * @param testSteps   steps of the test run
     * @param amplitude   amplitude A of the smoothed-noise signals
     * @param sigmaSteps  sd of the smoothing kernel (steps)
     * @param blockSteps  length of one signal sequence (steps)
     * @param varInputs   constant inputs of the variability measurement (0: skip it)
     * @param varTrials   trials per constant input
     * @param varSteps    steps per trial
     * @param varAmplitude norm of the constant command c
     * @param corrWindowMs window of the pairwise count correlations (ms)
     * @param rasterSteps steps of the test run whose spikes and signal are kept for plots
     * @param seed        seed of the signals and of the network noise
     */
    public record Config(double dtMs, long fitSteps, long testSteps, double amplitude, double sigmaSteps, int blockSteps,
                         int varInputs, int varTrials, long varSteps, double varAmplitude, double corrWindowMs, int rasterSteps,
                         long seed) {
        /**
         * The evaluation the experiments' parameters describe (fit_steps, test_steps, amplitude,
         * sigma_steps, block_steps, var_inputs, var_trials, var_steps, var_amplitude, corr_window_ms).
         *
         * @param p        the run's parameters
         * @param dtMs     time step (ms)
         * @param rasterMs length of the kept rasters (ms)
         * @param seed     the evaluation's seed
         * @return the configuration
         */
        public static Config of(org.snn4j.experiment.Params p, double dtMs, double rasterMs, long seed) {
            return new Config(dtMs, p.getLong("fit_steps"), p.getLong("test_steps"), p.getDouble("amplitude"), p.getDouble("sigma_steps"),
                    p.getInt("block_steps"), p.getInt("var_inputs"), p.getInt("var_trials"), p.getLong("var_steps"),
                    p.getDouble("var_amplitude"), p.getDouble("corr_window_ms"), (int) Math.min(Integer.MAX_VALUE, Math.round(rasterMs / dtMs)), seed);
        }
    }

    /** What one evaluation measured. */
    public static final class Result {
        public double decodingError, meanRateHz, cvIsiSignal, cvIsiMedian, fanoMedian, pairwiseCorrMean, eiBalanceCorr, voltageVar;
        public long spikes;
        /** The readout used (fitted here, or the fixed one given). */
        public double[][] decoder;
        /** Spikes of the first rasterSteps steps of the test run. */
        public int[] rasterSteps, rasterNeurons;
        /** Signal x and readout W r over the first rasterSteps steps of the test run, [J][steps]. */
        public double[][] x, xhat;
    }

    private final Config cfg;

    public ScnEvaluator(Config cfg) {
        if (cfg.fitSteps() < 1 || cfg.testSteps() < 1) throw new IllegalArgumentException("evaluation needs fit and test steps >= 1");
        this.cfg = cfg;
    }

    public Config config() {
        return cfg;
    }

    /** Evaluates a snapshot of {@code net}; see {@link #evaluate(double[][], double[][], double[], ScnParams, int[], double[][])}. */
    public Result evaluate(ScnNetwork net) {
        return evaluate(net.f(), net.omega(), net.thresholds(), net.params, null, null);
    }

    /**
     * @param f        feed-forward weights J×N
     * @param omega    recurrent weights N×N
     * @param thresh   thresholds
     * @param silenced neurons to silence (may be null)
     * @param decoder  a fixed readout J×N to use instead of fitting one (may be null)
     */
    public Result evaluate(double[][] f, double[][] omega, double[] thresh, ScnParams params, int[] silenced, double[][] decoder) {
        int n = thresh.length, j = f.length;
        Result res = new Result();
        if (decoder == null) {
            ScnNetwork fitNet = copy(f, omega, thresh, params, silenced);
            ScnInput in = new ScnInput(fitNet, signal(j, 1));
            LinearReadout readout = new LinearReadout(n, j);
            Simulation sim = new Simulation(fitNet.network, cfg.dtMs(), Rng.stream(cfg.seed(), 11).nextLong(), 1);
            sim.add(in).add(new StepHook() {
                @Override
                public void afterStep(Simulation s, long step) {
                    readout.add(fitNet.model.r, in.x());
                }
            });
            sim.run(cfg.fitSteps());
            decoder = readout.solve(1e-9);
        }
        res.decoder = decoder;

        ScnNetwork net = copy(f, omega, thresh, params, silenced);
        ScnInput in = new ScnInput(net, signal(j, 2));
        LinearReadout.ErrorMeter meter = new LinearReadout.ErrorMeter(decoder);
        SpikeMonitor mon = new SpikeMonitor(net.population, 20_000_000);
        CurrentBalanceMonitor cur = new CurrentBalanceMonitor(n, net.model::decay)
                .feedforward(net.ff.w, j, in::c).spikes(net.population, net.rec.w, true, CurrentBalanceMonitor.Sign.BY_SIGN)
                .voltage(net.model.v);
        int rs = (int) Math.min(cfg.rasterSteps(), cfg.testSteps());
        res.x = new double[j][rs];
        res.xhat = new double[j][rs];
        IntBuffer rStep = new IntBuffer(1024), rNeuron = new IntBuffer(1024);
        final double[][] dec = decoder;
        Simulation sim = new Simulation(net.network, cfg.dtMs(), Rng.stream(cfg.seed(), 12).nextLong(), 1);
        sim.add(in).add(cur).add(mon).add(new StepHook() {
            @Override
            public void afterStep(Simulation s, long step) {
                meter.add(net.model.r, in.x());
                if (step < rs) {
                    for (int q = 0; q < j; q++) {
                        res.x[q][(int) step] = in.x()[q];
                        double e = 0;
                        for (int k = 0; k < n; k++) e += dec[q][k] * net.model.r[k];
                        res.xhat[q][(int) step] = e;
                    }
                    IntBuffer sp = s.spikes(net.population);
                    for (int k = 0; k < sp.size(); k++) {
                        rStep.add((int) step);
                        rNeuron.add(sp.raw()[k]);
                    }
                }
            }
        });
        sim.run(cfg.testSteps());
        res.decodingError = meter.error();
        res.rasterSteps = java.util.Arrays.copyOf(rStep.raw(), rStep.size());
        res.rasterNeurons = java.util.Arrays.copyOf(rNeuron.raw(), rNeuron.size());
        res.spikes = mon.totalSpikes();
        double durMs = cfg.testSteps() * cfg.dtMs();
        int active = n - (silenced == null ? 0 : silenced.length);
        res.meanRateHz = SpikeStats.meanRateHz(mon.totalSpikes(), Math.max(1, active), durMs);
        res.cvIsiSignal = SpikeStats.nanMedian(SpikeStats.cvIsi(SpikeStats.trains(mon.steps(), mon.indices(), n)));
        variability(f, omega, thresh, params, silenced, res);
        res.eiBalanceCorr = cur.correlation();
        res.voltageVar = cur.voltageVariance();
        return res;
    }

    /** Fano factor, ISI CV and pairwise count correlation under constant inputs (see the class comment). */
    private void variability(double[][] f, double[][] omega, double[] thresh, ScnParams params, int[] silenced, Result res) {
        ScnNetwork[] current = new ScnNetwork[1];
        double[] v = variability(cfg, thresh.length, f.length, params.lambda(), (level, h, s) -> {
            if (s == 0) current[0] = copy(f, omega, thresh, params, silenced);   // one network per input level
            ScnNetwork net = current[0];
            net.model.resetState();
            ScnInput in = new ScnInput(net, ScnSignal.steps(level, Integer.MAX_VALUE, params.lambda()));
            SpikeMonitor mon = new SpikeMonitor(net.population, 50_000_000);
            Simulation sim = new Simulation(net.network, cfg.dtMs(), Rng.stream(cfg.seed(), 22, h, s).nextLong(), 1);
            sim.add(in).add(mon);
            sim.run(cfg.varSteps());
            return SpikeStats.trains(mon.steps(), mon.indices(), thresh.length);
        });
        res.cvIsiMedian = v[0];
        res.fanoMedian = v[1];
        res.pairwiseCorrMean = v[2];
    }

    /** One trial of the variability protocol: the spike trains of the measured neurons under a constant input. */
    @FunctionalInterface
    interface VariabilityTrial {
        int[][] run(double[][] level, int input, int trial);
    }

    /**
     * The variability protocol shared by the spike-coding evaluators: {@code varInputs} random constant
     * input directions of amplitude {@code varAmplitude}, {@code varTrials} trials each; per input, the
     * median over neurons of the Fano factor of trial counts and of the ISI CV (pooled over trials),
     * and the mean pairwise count correlation per trial. Returns {cv, fano, corr}, each averaged over
     * inputs (NaN when not measurable).
     */
    static double[] variability(Config cfg, int n, int j, double lambda, VariabilityTrial trial) {
        double[] none = {Double.NaN, Double.NaN, Double.NaN};
        if (cfg.varInputs() <= 0 || cfg.varTrials() < 2) return none;
        int cw = (int) Math.max(1, Math.round(cfg.corrWindowMs() / cfg.dtMs()));
        int nc = (int) (cfg.varSteps() / cw);
        double cvSum = 0, fanoSum = 0, corrSum = 0;
        int cvUsed = 0, fanoUsed = 0, corrUsed = 0;
        Rng dirs = Rng.stream(cfg.seed(), 21);
        for (int h = 0; h < cfg.varInputs(); h++) {
            double[] u = new double[j];
            double norm = 0;
            for (int q = 0; q < j; q++) {
                u[q] = dirs.nextGaussian();
                norm += u[q] * u[q];
            }
            double[][] level = new double[1][j];
            for (int q = 0; q < j; q++) level[0][q] = cfg.varAmplitude() * u[q] / Math.sqrt(norm) / lambda;
            double[][] counts = new double[n][cfg.varTrials()];
            IntBuffer[] isis = new IntBuffer[n];
            for (int i = 0; i < n; i++) isis[i] = new IntBuffer(16);
            for (int s = 0; s < cfg.varTrials(); s++) {
                int[][] trains = trial.run(level, h, s);
                for (int i = 0; i < n; i++) {
                    counts[i][s] = trains[i].length;
                    for (int k = 1; k < trains[i].length; k++) isis[i].add(trains[i][k] - trains[i][k - 1]);
                }
                if (nc >= 2) {
                    double c = SpikeStats.pairwiseCorrelation(trains, 0, cw, nc, 5000, Rng.stream(cfg.seed(), 23, h, s));
                    if (!Double.isNaN(c)) {
                        corrSum += c;
                        corrUsed++;
                    }
                }
            }
            double[] fano = new double[n], cv = new double[n];
            for (int i = 0; i < n; i++) {
                double m = SpikeStats.mean(counts[i]);
                fano[i] = cv[i] = Double.NaN;
                if (m > 1) {
                    fano[i] = SpikeStats.variance(counts[i]) * cfg.varTrials() / (cfg.varTrials() - 1) / m;
                    int ni = isis[i].size();
                    if (ni >= 2) {
                        double[] d = new double[ni];
                        for (int k = 0; k < ni; k++) d[k] = isis[i].raw()[k];
                        cv[i] = Math.sqrt(SpikeStats.variance(d) * ni / (ni - 1)) / SpikeStats.mean(d);
                    }
                }
            }
            double fm = SpikeStats.nanMedian(fano), cm = SpikeStats.nanMedian(cv);
            if (!Double.isNaN(fm)) {
                fanoSum += fm;
                fanoUsed++;
            }
            if (!Double.isNaN(cm)) {
                cvSum += cm;
                cvUsed++;
            }
        }
        return new double[] {cvUsed == 0 ? Double.NaN : cvSum / cvUsed, fanoUsed == 0 ? Double.NaN : fanoSum / fanoUsed,
                corrUsed == 0 ? Double.NaN : corrSum / corrUsed};
    }

    private ScnSignal signal(int j, long stream) {
        return ScnSignal.smoothedNoise(j, cfg.amplitude(), cfg.sigmaSteps(), cfg.blockSteps(), Rng.stream(cfg.seed(), stream));
    }

    private static ScnNetwork copy(double[][] f, double[][] omega, double[] thresh, ScnParams params, int[] silenced) {
        ScnNetwork c = new ScnNetwork(params, f, omega, thresh);
        if (silenced != null) for (int i : silenced) c.model.silence(i);
        return c;
    }
}
