package org.snn4j.papers.cuba;

import java.util.Arrays;
import org.snn4j.experiment.ExperimentBase;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.RunContext;
import org.snn4j.monitor.RateMonitor;
import org.snn4j.monitor.SpikeMonitor;
import org.snn4j.monitor.StateMonitor;
import org.snn4j.plot.Plots;
import org.snn4j.sim.Simulation;
import org.snn4j.stats.SpikeStats;
import org.snn4j.util.Rng;

/**
 * {@code snn4j run cuba}: the CUBA network, its raster, rate, irregularity and balance, and the
 * spread of its mean rate across network seeds (to compare with Brian2's 5.4 Hz on the same model).
 */
public final class CubaExperiment extends ExperimentBase {
    /** Brian2 2.5.1 (cython and cpp_standalone, seed 42, ../shared/peers/RESULTS.md), N = 4000, 1 s. */
    public static final double BRIAN2_RATE_HZ = 5.38;

    /** For the service loader. */
    public CubaExperiment() {
        super("cuba",
                "CUBA network (Vogels & Abbott 2005, Brian2 examples/CUBA.py): 4000 LIF neurons, p = 0.02; raster, rate, ISI CV, seed spread of the rate");
    }

    @Override
    public Params defaults(boolean quick) {
        return params()
                .declare("neurons", 4000L, "number of neurons (80 % excitatory)", 2, 1e8)
                .declare("p", 0.02, "connection probability", 0, 1)
                .declare("duration_s", 1.0, "simulated time of the recorded run (s)", 1e-4, 1e5)
                .declare("dt_ms", 0.1, "time step (ms)", 1e-6, 10)
                .declare("seeds", quick ? 4L : 20L, "network seeds for the spread of the mean rate", 1, 1000)
                .declare("threads", 0L, "threads of the simulation loop (0 = automatic)", 0, 256)
                .declare("max_recorded_spikes", 5_000_000L, "cap of the spike monitor (bounded memory)", 0, 1e9)
                .declare("traced_neurons", 4L, "neurons whose V, g_e and g_i are recorded", 0, 100)
                .declare("trace_every", 10L, "decimation of the state traces (steps)", 1, 1e6);
    }

    /** Steps, and the memory of the network and its monitors, before the run folder is made. */
    @Override
    public void validate(Params p) {
        double steps = Math.rint(p.getDouble("duration_s") * 1000 / p.getDouble("dt_ms"));
        if (steps < 1) throw new org.snn4j.util.InputException("cuba: duration_s shorter than one step");
        if (steps > Integer.MAX_VALUE) throw new org.snn4j.util.InputException("cuba: duration_s is more than 2^31 steps of dt_ms");
        double traces = 3.0 * 8 * Math.min(p.getInt("traced_neurons"), p.getInt("neurons")) * (steps / p.getInt("trace_every") + 1);
        CubaNetwork.requireMemory(p.getInt("neurons"), p.getDouble("p"), traces + 12.0 * p.getLong("max_recorded_spikes"));
    }

    @Override
    public void run(RunContext run) throws Exception {
        Params p = run.params();
        int n = p.getInt("neurons");
        double pc = p.getDouble("p"), dt = p.getDouble("dt_ms"), durS = p.getDouble("duration_s");
        int threads = p.getInt("threads");
        long steps = Math.round(durS * 1000 / dt);

        run.progress("building " + n + " neurons, p = " + pc);
        long t0 = System.nanoTime();
        CubaNetwork cuba = new CubaNetwork(n, pc, run.seed());
        double setupS = (System.nanoTime() - t0) * 1e-9;
        Simulation sim = new Simulation(cuba.network, dt, run.seed(), threads);
        SpikeMonitor spikes = new SpikeMonitor(cuba.neurons, p.getInt("max_recorded_spikes"));
        RateMonitor rate = new RateMonitor(cuba.neurons, (int) Math.max(1, Math.round(1.0 / dt)), 10_000_000);
        int nTrace = Math.min(p.getInt("traced_neurons"), n);
        int[] traced = new int[nTrace];
        for (int k = 0; k < nTrace; k++) traced[k] = (int) ((long) k * n / Math.max(1, nTrace));
        int every = p.getInt("trace_every");
        int maxSamples = (int) Math.min(Integer.MAX_VALUE, steps / every + 1);
        StateMonitor vMon = new StateMonitor(cuba.neurons, "v", traced, every, maxSamples);
        StateMonitor geMon = new StateMonitor(cuba.neurons, "ge", traced, every, maxSamples);
        StateMonitor giMon = new StateMonitor(cuba.neurons, "gi", traced, every, maxSamples);
        sim.add(spikes).add(rate).add(vMon).add(geMon).add(giMon);
        run.progress("simulating " + durS + " s (" + steps + " steps) on " + sim.threads() + " thread(s)");
        t0 = System.nanoTime();
        sim.run(steps);
        double runS = (System.nanoTime() - t0) * 1e-9;

        double durMs = steps * dt;
        double meanRate = SpikeStats.meanRateHz(spikes.totalSpikes(), n, durMs);
        int[][] trains = SpikeStats.trains(spikes.steps(), spikes.indices(), n);
        double[] cv = SpikeStats.cvIsi(trains);
        int window = (int) Math.max(1, Math.round(100 / dt));   // 100 ms count windows
        int nWin = (int) (steps / window);
        double[] fano = nWin >= 2 ? SpikeStats.fano(trains, 0, window, nWin) : new double[0];
        int corrWindow = (int) Math.max(1, Math.round(10 / dt));
        double corr = SpikeStats.pairwiseCorrelation(trains, 0, corrWindow, (int) (steps / corrWindow), 2000,
                Rng.stream(run.seed(), 99));
        double[] balance = new double[nTrace];
        for (int k = 0; k < nTrace; k++) balance[k] = SpikeStats.eiBalance(geMon.trace(k), giMon.trace(k));

        run.metric("neurons", n);
        run.metric("synapses", cuba.network.synapseCount());
        run.metric("duration_s", durMs / 1000);
        run.metric("spikes", spikes.totalSpikes());
        run.metric("mean_rate_hz", meanRate);
        run.metric("cv_isi_mean", SpikeStats.nanMean(cv));
        run.metric("cv_isi_median", SpikeStats.nanMedian(cv));
        run.metric("fano_median", fano.length == 0 ? Double.NaN : SpikeStats.nanMedian(fano));
        run.metric("pairwise_corr_mean", corr);
        run.metric("ei_balance_corr_mean", SpikeStats.nanMean(balance));
        run.metric("run_s", runS);
        run.metric("setup_s", setupS);
        run.metric("threads", sim.threads());
        run.metric("bytes_per_synapse", (double) cuba.network.synapseBytes() / Math.max(1, cuba.network.synapseCount()));

        // Seed spread of the mean rate: independent networks (connectivity and initial V).
        int seeds = p.getInt("seeds");
        double[] rates = new double[seeds];
        rates[0] = meanRate;
        for (int s = 1; s < seeds; s++) {
            CubaNetwork other = new CubaNetwork(n, pc, run.seed() + s);
            Simulation os = new Simulation(other.network, dt, run.seed() + s, threads);
            SpikeMonitor count = new SpikeMonitor(other.neurons, 0);
            os.add(count);
            os.run(steps);
            rates[s] = SpikeStats.meanRateHz(count.totalSpikes(), n, durMs);
            run.progress(String.format("seed %d: %.3f Hz", run.seed() + s, rates[s]));
        }
        double rm = SpikeStats.mean(rates);
        double rsd = seeds > 1 ? Math.sqrt(SpikeStats.variance(rates) * seeds / (seeds - 1)) : Double.NaN;
        run.metric("seeds", seeds);
        run.metric("mean_rate_hz_seed_mean", rm);
        run.metric("mean_rate_hz_seed_sd", rsd);
        run.metric("mean_rate_hz_seed_min", Arrays.stream(rates).min().orElse(Double.NaN));
        run.metric("mean_rate_hz_seed_max", Arrays.stream(rates).max().orElse(Double.NaN));
        boolean reference = n == 4000 && Math.abs(pc - 0.02) < 1e-12 && Math.abs(dt - 0.1) < 1e-12 && Math.abs(durMs - 1000) < 1e-9;
        if (reference) {
            run.metric("brian2_rate_hz", BRIAN2_RATE_HZ);
            run.metric("rate_minus_brian2_in_sd", seeds > 1 ? (rm - BRIAN2_RATE_HZ) / rsd : Double.NaN);
        }

        Plots.raster(run.plotPath("raster.png"), String.format("CUBA, %d neurons: spikes (mean %.2f Hz)", n, meanRate),
                spikes.timesMs(), spikes.indices(), n);
        run.plotted("raster.png", "Spike raster");
        Plots.rate(run.plotPath("rate.png"), "CUBA population rate (1 ms bins)", rate.timesMs(), rate.ratesHz());
        run.plotted("rate.png", "Population rate");
        if (nTrace > 0) {
            double[][] vs = new double[nTrace][];
            String[] labels = new String[nTrace];
            for (int k = 0; k < nTrace; k++) {
                vs[k] = vMon.trace(k);
                labels[k] = "neuron " + traced[k];
            }
            Plots.traces(run.plotPath("voltage.png"), "CUBA membrane potential", vMon.timesMs(), vs, labels, "V (mV)");
            run.plotted("voltage.png", "Membrane potential of " + nTrace + " neurons");
        }
        run.note(String.format("%d neurons (%d excitatory), %d synapses, %.3f s simulated with dt = %.3g ms in %.3f s "
                        + "of loop time on %d thread(s). Mean rate %.3f Hz; over %d network seeds %.3f ± %.3f Hz "
                        + "(Brian2 2.5.1 on this model: %.2f Hz).",
                n, cuba.nExc, cuba.network.synapseCount(), durMs / 1000, dt, runS, sim.threads(), meanRate, seeds, rm,
                rsd, BRIAN2_RATE_HZ));
    }
}
