package org.snn4j.papers.cuba;

import java.util.LinkedHashMap;
import java.util.Map;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.WorkloadBase;
import org.snn4j.monitor.SpikeMonitor;
import org.snn4j.sim.Simulation;

/**
 * {@code snn4j bench cuba}: the CUBA network of ../shared/peers/brian2_cuba.py, same model, same
 * recording (every spike into a spike monitor); {@code run_s} times the simulation loop alone.
 */
public final class CubaWorkload extends WorkloadBase {
    /** For the service loader. */
    public CubaWorkload() {
        super("cuba", "CUBA network simulation (the workload of ../shared/peers/brian2_cuba.py)");
    }

    @Override
    public Params defaults() {
        return params()
                .declare("neurons", 4000L, "number of neurons", 2, 1e8)
                .declare("duration", 1.0, "simulated time (s)", 1e-4, 1e5)
                .declare("p", 0.02, "connection probability (fixed p)", 0, 1)
                .declare("fixed_indegree", false, "use p = 0.02·4000/N (constant in-degree) instead of fixed p")
                .declare("threads", 0L, "threads of the simulation loop (0 = automatic)", 0, 256)
                .declare("warmup", true, "compile the kernels (JIT) on a throwaway network of at most 4000 neurons before the timed loop")
                .declare("warmup_steps", 20000L, "steps of the warm-up, split over 4 fresh networks", 0, 1e7)
                .declare("seed", 42L, "seed")
                .declare("dt_ms", 0.1, "time step (ms)", 1e-6, 10);
    }

    @Override
    public Map<String, Object> run(Params p) {
        int n = p.getInt("neurons");
        double dur = p.getDouble("duration"), dt = p.getDouble("dt_ms");
        double pc = p.getBoolean("fixed_indegree") ? Math.min(1, 0.02 * 4000 / n) : p.getDouble("p");
        long t0 = System.nanoTime();
        CubaNetwork cuba = new CubaNetwork(n, pc, p.getLong("seed"));
        Simulation sim = new Simulation(cuba.network, dt, p.getLong("seed"), p.getInt("threads"));
        SpikeMonitor spikes = new SpikeMonitor(cuba.neurons, Integer.MAX_VALUE - 16);
        sim.add(spikes);
        double setupS = (System.nanoTime() - t0) * 1e-9;
        long steps = Math.round(dur * 1000 / dt);
        double warmupS = 0;
        if (p.getBoolean("warmup")) {
            // The JIT compiles the loop and the kernels while they run; doing that on a throwaway network
            // first makes run_s the steady-state loop, as Brian2's run_s excludes its code generation
            // and compilation. The time is reported as warmup_s and is part of wall_s.
            // Several short runs on fresh networks: measured here, this reaches the steady-state code
            // more reliably than one long run (JIT compilation decisions depend on the profile).
            t0 = System.nanoTime();
            int nw = Math.min(n, 4000);
            double pw = pc == 0 ? 0.02 : Math.min(1, pc * n / (double) nw);
            long each = Math.max(1, p.getLong("warmup_steps") / 4);
            for (int r = 1; r <= 4; r++) {
                CubaNetwork scratch = new CubaNetwork(nw, pw, p.getLong("seed") + r);
                Simulation warm = new Simulation(scratch.network, dt, p.getLong("seed") + r, sim.threads());
                warm.add(new SpikeMonitor(scratch.neurons, Integer.MAX_VALUE - 16));   // same code path as the timed run
                warm.run(each);
            }
            warmupS = (System.nanoTime() - t0) * 1e-9;
        }
        t0 = System.nanoTime();
        sim.run(steps);
        double runS = (System.nanoTime() - t0) * 1e-9;
        long syn = cuba.network.synapseCount();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("N", n);
        m.put("duration_s", dur);
        m.put("p", pc);
        m.put("conn", p.getBoolean("fixed_indegree") ? "fixed_indegree" : "fixed_p");
        m.put("threads", sim.threads());
        m.put("parallel_fallbacks", sim.parallelFallbacks());
        m.put("synapses", syn);
        m.put("spikes", spikes.totalSpikes());
        m.put("rate_hz", spikes.totalSpikes() / (double) n / dur);
        m.put("run_s", runS);
        m.put("setup_s", setupS);
        m.put("warmup_s", warmupS);
        m.put("bytes_per_synapse", (double) cuba.network.synapseBytes() / Math.max(1, syn));
        m.put("neuron_steps_per_s", n * (double) steps / runS);
        m.put("syn_events_per_s", spikes.totalSpikes() * ((double) syn / n) / runS);
        return m;
    }
}
