package org.snn4j.papers.scn;

import org.snn4j.monitor.SpikeMonitor;
import org.snn4j.papers.scn.LinearReadout;
import org.snn4j.papers.scn.ScnInput;
import org.snn4j.papers.scn.ScnSignal;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;
import org.snn4j.stats.PairedMoments;
import org.snn4j.stats.SpikeStats;
import org.snn4j.util.IntBuffer;
import org.snn4j.util.Rng;

/**
 * Measures a frozen copy of a {@link DaleNetwork} with the protocol of {@link ScnEvaluator}: optimal
 * linear readouts of the signal from the E rates and from the I rates fitted on a held-out run,
 * decoding errors, rates and voltage variance on a test run, the E/I balance of the E neurons and the
 * spike-train variability of the E neurons under constant inputs.
 *
 * <p>Balance: for each E neuron, its excitatory current is the positive part of its feed-forward
 * terms dt·F_E,ki c_k plus its E→E input (without the autapse), its inhibitory current the negative
 * part of the feed-forward terms plus its I→E input, both low-pass filtered with the leak;
 * {@code eiBalanceCorr} is the mean over E neurons of corr(E_i, −I_i).
 */
public final class DaleEvaluator {
    /** Measures of one evaluation (E population unless named). */
    public static final class Result {
        public double decodingError, decodingErrorI, meanRateHz, meanRateHzI, cvIsiMedian, fanoMedian, pairwiseCorrMean,
                eiBalanceCorr, voltageVar;
        public int[] rasterSteps, rasterNeurons;
    }

    private final ScnEvaluator.Config cfg;

    public DaleEvaluator(ScnEvaluator.Config cfg) {
        this.cfg = cfg;
    }

    private ScnSignal signal(int j, long stream) {
        return ScnSignal.smoothedNoise(j, cfg.amplitude(), cfg.sigmaSteps(), cfg.blockSteps(), Rng.stream(cfg.seed(), stream));
    }

    public Result evaluate(DaleNetwork proto) {
        int ne = proto.ne, ni = proto.ni, j = proto.j;
        Result res = new Result();
        DaleNetwork fit = proto.copy();
        ScnInput fin = new ScnInput(fit.ffE, fit.e, signal(j, 1));
        LinearReadout lrE = new LinearReadout(ne, j), lrI = new LinearReadout(ni, j);
        Simulation fs = new Simulation(fit.network, cfg.dtMs(), Rng.stream(cfg.seed(), 11).nextLong(), 1);
        fs.add(fin).add(new StepHook() {
            @Override
            public void afterStep(Simulation s, long step) {
                lrE.add(fit.e.r, fin.x());
                lrI.add(fit.i.r, fin.x());
            }
        });
        fs.run(cfg.fitSteps());
        LinearReadout.ErrorMeter mE = new LinearReadout.ErrorMeter(lrE.solve(1e-9)), mI = new LinearReadout.ErrorMeter(lrI.solve(1e-9));

        DaleNetwork net = proto.copy();
        ScnInput in = new ScnInput(net.ffE, net.e, signal(j, 2));
        SpikeMonitor monE = new SpikeMonitor(net.popE, 20_000_000), monI = new SpikeMonitor(net.popI, 20_000_000);
        int rs = (int) Math.min(cfg.rasterSteps(), cfg.testSteps());
        IntBuffer rStep = new IntBuffer(1024), rNeuron = new IntBuffer(1024);
        double a = 1 - net.params.lambda() * cfg.dtMs() * 1e-3;
        double[] ec = new double[ne], ic = new double[ne], pe = new double[ne], pi = new double[ne];
        double[] sv = new double[ne], svv = new double[ne];
        PairedMoments balance = new PairedMoments(ne);
        long[] count = {0};
        Simulation ts = new Simulation(net.network, cfg.dtMs(), Rng.stream(cfg.seed(), 12).nextLong(), 1);
        ts.add(in).add(monE).add(monI).add(new StepHook() {
            @Override
            public void afterStep(Simulation s, long step) {
                mE.add(net.e.r, in.x());
                mI.add(net.i.r, in.x());
                double dtS = s.dt() * 1e-3;
                double[] f = net.ffE.w, c = in.c(), v = net.e.v;
                for (int k = 0; k < ne; k++) {
                    double xe = pe[k], xi = pi[k];
                    for (int q = 0; q < j; q++) {
                        double t = f[q * ne + k] * c[q] * dtS;
                        if (t > 0) xe += t;
                        else xi += t;
                    }
                    ec[k] = a * ec[k] + xe;
                    ic[k] = a * ic[k] + xi;
                    pe[k] = 0;
                    pi[k] = 0;
                    balance.add(k, ec[k], -ic[k]);
                    sv[k] += v[k];
                    svv[k] += v[k] * v[k];
                }
                balance.endSample();
                count[0]++;
                IntBuffer spE = s.spikes(net.popE), spI = s.spikes(net.popI);
                for (int m = 0; m < spE.size(); m++) {
                    int src = spE.raw()[m], base = src * ne;
                    for (int k = 0; k < ne; k++) if (k != src) pe[k] += net.ee.w[base + k];
                }
                for (int m = 0; m < spI.size(); m++) {
                    int base = spI.raw()[m] * ne;
                    for (int k = 0; k < ne; k++) pi[k] += net.ie.w[base + k];
                }
                if (step < rs) {
                    for (int m = 0; m < spE.size(); m++) {
                        rStep.add((int) step);
                        rNeuron.add(spE.raw()[m]);
                    }
                    for (int m = 0; m < spI.size(); m++) {
                        rStep.add((int) step);
                        rNeuron.add(ne + spI.raw()[m]);
                    }
                }
            }
        });
        ts.run(cfg.testSteps());
        res.decodingError = mE.error();
        res.decodingErrorI = mI.error();
        double durMs = cfg.testSteps() * cfg.dtMs();
        res.meanRateHz = SpikeStats.meanRateHz(monE.totalSpikes(), ne, durMs);
        res.meanRateHzI = SpikeStats.meanRateHz(monI.totalSpikes(), ni, durMs);
        double vv = 0;
        long n = count[0];
        for (int k = 0; k < ne; k++) {
            double m = sv[k] / n;
            vv += svv[k] / n - m * m;
        }
        res.eiBalanceCorr = balance.meanCorrelation();
        res.voltageVar = vv / ne;
        res.rasterSteps = java.util.Arrays.copyOf(rStep.raw(), rStep.size());
        res.rasterNeurons = java.util.Arrays.copyOf(rNeuron.raw(), rNeuron.size());
        variability(proto, res);
        return res;
    }

    /** ISI CV, Fano factor and pairwise count correlation of the E neurons under constant inputs (as {@link ScnEvaluator}). */
    private void variability(DaleNetwork proto, Result res) {
        int ne = proto.ne;
        double lam = proto.params.lambda();
        double[] v = ScnEvaluator.variability(cfg, ne, proto.j, lam, (level, h, s) -> {
            DaleNetwork net = proto.copy();
            ScnInput in = new ScnInput(net.ffE, net.e, ScnSignal.steps(level, Integer.MAX_VALUE, lam));
            SpikeMonitor mon = new SpikeMonitor(net.popE, 50_000_000);
            Simulation sim = new Simulation(net.network, cfg.dtMs(), Rng.stream(cfg.seed(), 22, h, s).nextLong(), 1);
            sim.add(in).add(mon);
            sim.run(cfg.varSteps());
            return SpikeStats.trains(mon.steps(), mon.indices(), ne);
        });
        res.cvIsiMedian = v[0];
        res.fanoMedian = v[1];
        res.pairwiseCorrMean = v[2];
    }
}
