package org.snn4j.papers.balanced;

import java.util.Arrays;
import org.snn4j.model.ScnParams;
import org.snn4j.monitor.CurrentBalanceMonitor;
import org.snn4j.monitor.DecodingErrorMonitor;
import org.snn4j.monitor.SpikeMonitor;
import org.snn4j.papers.scn.ScnSignal;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;
import org.snn4j.stats.SpikeStats;
import org.snn4j.util.IntBuffer;

/**
 * Runs a copy of a balanced network with frozen weights from rest (x = 0, all state 0) on a command
 * c(t), with or without error feedback, and measures how well its readout x̂ = D r follows the target
 * system driven by the same c(t):
 * <pre>
 *   nrmse = sqrt( Σ_t ‖x̂_t − x_t‖² / Σ_t ‖x_t − x̄‖² )
 * </pre>
 * plus the mean rate, the median ISI CV over neurons (with at least 3 spikes), and the E/I balance:
 * for each neuron the positive and negative parts of its synaptic inputs (feed-forward dt F c, fast
 * recurrent −Ω^f_ik o_k and slow dt Ω^s_ik r_k for k ≠ i; the self-reset is not a synaptic input),
 * each low-pass filtered with the membrane leak; {@code eiBalanceCorr} is the mean over neurons of
 * corr(E_i, −I_i).
 */
public final class AutonomousRun {
    /** What one run measured. */
    public static final class Result {
        public double nrmse, meanRateHz, cvIsiMedian, eiBalanceCorr, xRms;
        public long spikes;
        /** x and x̂, every {@code keepEvery} steps, [J][samples]; times in ms. */
        public double[][] x, xhat;
        public double[] timesMs;
        /** Spikes of the first {@code rasterSteps} steps. */
        public double[] rasterTimesMs;
        public int[] rasterNeurons;
    }

    private AutonomousRun() {
    }

    /**
     * @param omegaFast  Ω^f
     * @param omegaSlow  Ω^s
     * @param command    the command c(t) (a fresh signal object, consumed here)
     * @param gainK      feedback gain (used only when {@code feedback})
     * @param keepEvery  keep x, x̂ every this many steps (for plots)
     * @param rasterSteps keep the spikes of the first steps (for plots)
     */
    public static Result run(ScnParams params, double[][] d, double[][] omegaFast, double[][] omegaSlow, double[] thresholds,
                             double tauSlowMs, LinearSystem system, ScnSignal command, boolean feedback, double gainK,
                             double dtMs, long steps, long seed, int keepEvery, long rasterSteps) {
        return run(params, d, omegaFast, omegaSlow, thresholds, tauSlowMs, system, command, feedback, gainK, dtMs, steps, seed, keepEvery,
                rasterSteps, null);
    }

    /**
     * As above, with the error measured on the readout {@code readout} r (J×N) instead of D r (null: D); the
     * network itself, its feed-forward weights and thresholds, is the same.
     */
    public static Result run(ScnParams params, double[][] d, double[][] omegaFast, double[][] omegaSlow, double[] thresholds,
                             double tauSlowMs, LinearSystem system, ScnSignal command, boolean feedback, double gainK,
                             double dtMs, long steps, long seed, int keepEvery, long rasterSteps, double[][] readout) {
        BalancedNetwork net = new BalancedNetwork(params, d, omegaFast, omegaSlow, thresholds, tauSlowMs);
        BalancedInput in = new BalancedInput(net, system, command, gainK, feedback);
        int n = net.n, j = net.j;
        Result res = new Result();
        int samples = (int) ((steps + keepEvery - 1) / keepEvery);
        res.x = new double[j][samples];
        res.xhat = new double[j][samples];
        res.timesMs = new double[samples];
        // slow inputs of this step used the traces before this step's update: the monitor runs after the
        // slow projection's afterStep, so it reads the current traces (one step later; the filtered
        // currents barely differ) to avoid keeping a copy.
        CurrentBalanceMonitor bal = new CurrentBalanceMonitor(n, net.scn.model::decay)
                .feedforward(net.scn.ff.w, j, in::c).current(in::feedbackCurrent)
                .traces(net.slowW.w, net.slow::trace).spikes(net.scn.population, net.scn.rec.w, true, CurrentBalanceMonitor.Sign.BY_SIGN);
        SpikeMonitor mon = new SpikeMonitor(net.scn.population, 50_000_000);
        IntBuffer rs = new IntBuffer(1024), rn = new IntBuffer(1024);
        Simulation sim = new Simulation(net.scn.network, dtMs, seed, 1);
        DecodingErrorMonitor err = new DecodingErrorMonitor(j, readout == null ? net::readout : out -> net.scn.readout(readout, out), in::x);
        sim.add(in).add(net.slow).add(bal).add(mon).add(err).add(new StepHook() {
            @Override
            public void afterStep(Simulation s, long step) {
                double[] xhat = err.estimate(), x = in.x();
                if (step % keepEvery == 0) {
                    int k = (int) (step / keepEvery);
                    res.timesMs[k] = (step + 1) * dtMs;
                    for (int q = 0; q < j; q++) {
                        res.x[q][k] = x[q];
                        res.xhat[q][k] = xhat[q];
                    }
                }
                if (step < rasterSteps) {
                    IntBuffer sp = s.spikes(net.scn.population);
                    for (int k = 0; k < sp.size(); k++) {
                        rs.add((int) step);
                        rn.add(sp.raw()[k]);
                    }
                }
            }
        });
        sim.run(steps);
        res.xRms = err.rms();
        res.nrmse = err.nrmse();
        res.spikes = mon.totalSpikes();
        res.meanRateHz = SpikeStats.meanRateHz(mon.totalSpikes(), n, steps * dtMs);
        res.cvIsiMedian = cvMedian(mon, n);
        res.eiBalanceCorr = bal.correlation();
        res.rasterTimesMs = new double[rs.size()];
        for (int k = 0; k < rs.size(); k++) res.rasterTimesMs[k] = (rs.raw()[k] + 1) * dtMs;
        res.rasterNeurons = Arrays.copyOf(rn.raw(), rn.size());
        return res;
    }

    /** Median over neurons with at least 3 spikes of the ISI CV (NaN if none). */
    static double cvMedian(SpikeMonitor mon, int n) {
        int[][] trains = SpikeStats.trains(mon.steps(), mon.indices(), n);
        double[] cv = new double[n];
        for (int i = 0; i < n; i++) cv[i] = trains[i].length >= 3 ? SpikeStats.cvIsi(trains[i]) : Double.NaN;
        return SpikeStats.nanMedian(cv);
    }
}
