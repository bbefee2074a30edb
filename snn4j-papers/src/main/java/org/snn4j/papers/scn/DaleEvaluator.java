package org.snn4j.papers.scn;

import org.snn4j.monitor.CurrentBalanceMonitor;
import org.snn4j.monitor.SpikeMonitor;
import org.snn4j.papers.scn.LinearReadout;
import org.snn4j.papers.scn.ScnInput;
import org.snn4j.papers.scn.ScnSignal;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;
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
        CurrentBalanceMonitor balance = new CurrentBalanceMonitor(ne, () -> a).feedforward(net.ffE.w, j, in::c)
                .spikes(net.popE, net.ee.w, true, CurrentBalanceMonitor.Sign.EXCITATORY)
                .spikes(net.popI, net.ie.w, false, CurrentBalanceMonitor.Sign.INHIBITORY).voltage(net.e.v);
        Simulation ts = new Simulation(net.network, cfg.dtMs(), Rng.stream(cfg.seed(), 12).nextLong(), 1);
        ts.add(in).add(monE).add(monI).add(balance).add(new StepHook() {
            @Override
            public void afterStep(Simulation s, long step) {
                mE.add(net.e.r, in.x());
                mI.add(net.i.r, in.x());
                IntBuffer spE = s.spikes(net.popE), spI = s.spikes(net.popI);
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
        res.eiBalanceCorr = balance.correlation();
        res.voltageVar = balance.voltageVariance();
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
