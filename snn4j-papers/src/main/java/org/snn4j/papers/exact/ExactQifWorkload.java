package org.snn4j.papers.exact;

import org.snn4j.train.exact.BatchGradient;
import org.snn4j.train.exact.QifNet;
import org.snn4j.train.exact.Trial;

import java.util.LinkedHashMap;
import java.util.Map;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.WorkloadBase;
import org.snn4j.model.GateShape;
import org.snn4j.model.QifGateParams;
import org.snn4j.util.Rng;

/**
 * {@code snn4j bench exact-qif --neurons N --steps K --batch B}: one gradient evaluation (forward +
 * adjoint) of a batch of trials, the same discretised model and sizes as the PyTorch peer
 * {@code ../shared/peers/torch_exact_qif.py}: dt = 1 ms, τ_v = τ_s = 10 ms, triangle gate of width
 * 0.2 rad, W ~ N(0, (2/√N)²) (the peer's 0.002/√N with s in 1/s), U ~ N(0, 0.5²), I_0 = 0.05,
 * O ~ N(0, (10/√N)²), white-noise inputs (s.d. 0.5) and targets (s.d. 0.1), loss = mean squared
 * error over steps, trials and outputs. Parameters are not updated between timed batches.
 */
public final class ExactQifWorkload extends WorkloadBase {
    /** For the service loader. */
    public ExactQifWorkload() {
        super("exact-qif", "Exact gradient (forward + discrete adjoint) of a batch of QIF/gate-synapse trials; peer: torch_exact_qif.py");
    }

    @Override
    public Params defaults() {
        return declareThreads(declareIterations(params()
                .declare("neurons", 100L, "neurons N", 1, 1e6)
                .declare("steps", 1000L, "time steps K per trial (dt = 1 ms)", 1, 1e8)
                .declare("batch", 16L, "trials per batch B", 1, 1e6)
                .declare("inputs", 2L, "input dimensions", 0, 1e4)
                .declare("outputs", 1L, "readout dimensions", 1, 1e4), 1L, 5L), 0L)
                .declare("checkpoint_every", 0L, "adjoint memory: 0 keeps the trajectory, m > 0 recomputes segments of m steps", 0, 1e9)
                .declare("seed", 1L, "seed", 0, 9e18);
    }

    @Override
    public void validate(Params p) {
        ExactXorExperiment.requireMemory("bench exact-qif", p.getInt("neurons"), p.getInt("inputs"), p.getInt("outputs"), p.getLong("steps"),
                p.getInt("threads"), p.getInt("batch"), p.getInt("checkpoint_every"));
    }

    @Override
    public Map<String, Object> run(Params p) throws Exception {
        int n = p.getInt("neurons"), K = p.getInt("steps"), B = p.getInt("batch"), nIn = p.getInt("inputs"), nOut = p.getInt("outputs");
        long seed = p.getLong("seed");
        QifGateParams m = new QifGateParams(10, 10, 0.2, GateShape.TRIANGLE);
        QifNet net = new QifNet(n, nIn, nOut, 1.0, m).randomize(Rng.stream(seed, 1), 2.0, 0.5, 0.05, 0.0, 10.0);
        Trial[] batch = new Trial[B];
        Rng r = Rng.stream(seed, 2);
        for (int b = 0; b < B; b++) {
            double[] x = new double[K * nIn], y = new double[K * nOut], mask = new double[K * nOut];
            for (int k = 0; k < x.length; k++) x[k] = 0.5 * r.nextGaussian();
            for (int k = 0; k < y.length; k++) {
                y[k] = 0.1 * r.nextGaussian();
                mask[k] = 1;
            }
            batch[b] = new Trial(K, x, y, mask, 0);
        }
        double[] grad = new double[net.size()];
        try (BatchGradient bg = new BatchGradient(net, K, p.getInt("checkpoint_every"), 0.0, p.getInt("threads"))) {
            double[] lossNow = {0};
            int iters = p.getInt("iters");
            double runS = iterate(p.getInt("warmup"), iters, i -> {
                lossNow[0] = bg.lossAndGradient(batch, grad, null);
                return null;
            });
            double loss = lossNow[0];
            long spikes = bg.lastSpikes();   // of the last timed batch (iters ≥ 1)
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("N", n);
            f.put("steps", K);
            f.put("B", B);
            f.put("threads", bg.threads());
            f.put("dtype", "float64");
            f.put("checkpoint_every", p.getInt("checkpoint_every"));
            f.put("run_s", runS);
            f.put("batch_s", runS / iters);
            f.put("trials_per_s", B * iters / runS);
            f.put("state_mb", bg.doublesHeld() * 8 / 1e6);
            f.put("loss", loss);
            f.put("rate_hz", spikes / ((double) B * n * K * 1e-3));
            return f;
        }
    }
}
