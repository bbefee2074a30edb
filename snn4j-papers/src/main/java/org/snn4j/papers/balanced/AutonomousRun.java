package org.snn4j.papers.balanced;

import java.util.Arrays;
import org.snn4j.model.ScnParams;
import org.snn4j.monitor.SpikeMonitor;
import org.snn4j.papers.scn.ScnSignal;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;
import org.snn4j.stats.PairedMoments;
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
        BalancedNetwork net = new BalancedNetwork(params, d, omegaFast, omegaSlow, thresholds, tauSlowMs);
        BalancedInput in = new BalancedInput(net, system, command, gainK, feedback);
        int n = net.n, j = net.j;
        Result res = new Result();
        int samples = (int) ((steps + keepEvery - 1) / keepEvery);
        res.x = new double[j][samples];
        res.xhat = new double[j][samples];
        res.timesMs = new double[samples];
        double[] xhat = new double[j], sx = new double[j], sxx = new double[j];
        double[] se = {0};
        Balance bal = new Balance(net, in);
        SpikeMonitor mon = new SpikeMonitor(net.scn.population, 50_000_000);
        IntBuffer rs = new IntBuffer(1024), rn = new IntBuffer(1024);
        Simulation sim = new Simulation(net.scn.network, dtMs, seed, 1);
        sim.add(in).add(net.slow).add(bal).add(mon).add(new StepHook() {
            @Override
            public void afterStep(Simulation s, long step) {
                net.readout(xhat);
                double[] x = in.x();
                for (int q = 0; q < j; q++) {
                    double e = xhat[q] - x[q];
                    se[0] += e * e;
                    sx[q] += x[q];
                    sxx[q] += x[q] * x[q];
                }
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
        double var = 0, ms = 0;
        for (int q = 0; q < j; q++) {
            double m = sx[q] / steps;
            var += sxx[q] / steps - m * m;
            ms += sxx[q] / steps;
        }
        res.xRms = Math.sqrt(ms);
        res.nrmse = Math.sqrt(se[0] / steps / var);
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

    /** Filtered excitatory and inhibitory input currents per neuron and their correlation (see the class comment). */
    static final class Balance implements StepHook {
        final BalancedNetwork net;
        final BalancedInput in;
        final double[] e, i, pendE, pendI;
        final PairedMoments moments;

        Balance(BalancedNetwork net, BalancedInput in) {
            this.net = net;
            this.in = in;
            int n = net.n;
            e = new double[n];
            i = new double[n];
            moments = new PairedMoments(n);
            pendE = new double[n];
            pendI = new double[n];
        }

        @Override
        public void afterStep(Simulation sim, long step) {
            int n = net.n, j = net.j;
            double a = net.scn.model.decay(), dtS = sim.dt() * 1e-3;
            double[] f = net.scn.ff.w, c = in.c(), ifb = in.feedbackCurrent(), ws = net.slowW.w;
            // slow inputs of this step used the traces before this step's update: this hook runs after the
            // slow projection's afterStep, so recompute from the current traces (one step later; the
            // filtered currents barely differ) to avoid keeping a copy.
            double[] tr = net.slow.trace();
            for (int k = 0; k < n; k++) {
                double pe = pendE[k], pi = pendI[k];
                for (int q = 0; q < j; q++) {
                    double t = f[q * n + k] * c[q] * dtS;
                    if (t > 0) pe += t;
                    else pi += t;
                }
                double fb = ifb[k] * dtS;
                if (fb > 0) pe += fb;
                else pi += fb;
                e[k] = a * e[k] + pe;
                i[k] = a * i[k] + pi;
                pendE[k] = 0;
                pendI[k] = 0;
            }
            for (int src = 0; src < n; src++) {
                double r = tr[src];
                if (r == 0) continue;
                int base = src * n;
                for (int k = 0; k < n; k++) {
                    if (k == src) continue;
                    double t = ws[base + k] * r * dtS;
                    if (t > 0) pendE[k] += t;
                    else pendI[k] += t;
                }
            }
            IntBuffer sp = sim.spikes(net.scn.population);
            double[] w = net.scn.rec.w;
            for (int s = 0; s < sp.size(); s++) {
                int src = sp.raw()[s];
                int base = src * n;
                for (int k = 0; k < n; k++) {
                    if (k == src) continue;
                    double t = w[base + k];
                    if (t > 0) pendE[k] += t;
                    else pendI[k] += t;
                }
            }
            for (int k = 0; k < n; k++) moments.add(k, e[k], -i[k]);
            moments.endSample();
        }

        double correlation() {
            return moments.meanCorrelation();
        }
    }
}
