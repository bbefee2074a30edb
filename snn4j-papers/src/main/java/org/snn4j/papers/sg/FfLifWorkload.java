package org.snn4j.papers.sg;

import org.snn4j.cell.Reset;

import org.snn4j.train.sg.Layer;
import org.snn4j.train.sg.Lif;
import org.snn4j.train.sg.Linear;
import org.snn4j.train.sg.Loss;
import org.snn4j.train.sg.Seq;
import org.snn4j.train.sg.SgNet;
import org.snn4j.train.sg.Surrogate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.WorkloadBase;
import org.snn4j.util.InputException;
import org.snn4j.util.Provenance;
import org.snn4j.util.Rng;

/**
 * {@code snn4j bench ff-lif}: the Open Neuromorphic SNN-library benchmark, one Linear(N, N) layer
 * followed by LIF neurons (β = 0.95, θ = 1, subtractive reset, fast-sigmoid slope 25), T steps, a
 * batch of B, dense standard-normal input (drawn once, outside the timed region), loss = sum of
 * the output spikes; each timed iteration is one forward and one backward pass (all parameter
 * gradients; no optimiser step). The benchmark reports forward and backward times separately:
 * {@code fwd_ms} is a forward pass alone, {@code bwd_ms} = {@code fwd_bwd_ms} − {@code fwd_ms}. The
 * peer is bench/torch_ff_lif.py (same workload, same fields).
 * Options {@code --recompute m} and {@code --tbptt k} run the memory-saving engine
 * ({@link SgNet#memoryWindow}) and truncated BPTT.
 */
public final class FfLifWorkload extends WorkloadBase {
    /** For the service loader. */
    public FfLifWorkload() {
        super("ff-lif", "one Linear(N,N) + LIF layer, forward + backward, loss = sum of outputs (Open Neuromorphic benchmark; peer bench/torch_ff_lif.py)");
    }

    @Override
    public Params defaults() {
        return declareIterations(declareThreads(params()
                .declare("neurons", 512L, "N (inputs = outputs)", 1, 1e6)
                .declare("steps", 500L, "time steps T", 1, 1e6)
                .declare("batch", 16L, "batch size B", 1, 1e6), 2L), 2L, 5L)
                .declare("recompute", 0L, "keep layer state for m steps and recompute (0 = keep all T)", 0, 1e6)
                .declare("tbptt", 0L, "truncated BPTT window k (0 = full BPTT)", 0, 1e6)
                .declare("seed", 0L, "seed");
    }

    @Override
    public void validate(Params p) {
        long n = p.getInt("neurons");
        SgMlpExperiment.requireMemory("bench ff-lif: " + n + " neurons", n * n + n, n, p.getInt("batch"),
                p.getInt("recompute") > 0 ? Math.min(p.getInt("steps"), p.getInt("recompute")) : p.getInt("steps"));
    }

    @Override
    public Map<String, Object> run(Params p) throws Exception {
        int N = p.getInt("neurons"), T = p.getInt("steps"), B = p.getInt("batch"), threads = p.getInt("threads");
        int warm = p.getInt("warmup"), iters = p.getInt("iters");
        long seed = p.getLong("seed");
        long len = (long) T * B * N;
        if (len > Integer.MAX_VALUE - 16) throw new InputException("bench ff-lif: T × B × N = " + len + " is too large");
        float[] x = new float[(int) len];
        Rng r = Rng.stream(seed, 0xFF11F);
        for (int k = 0; k < x.length; k++) x[k] = (float) r.nextGaussian();
        SgNet.InputFiller fill = (in, b0, b1, sc) -> {
            int rowLen = T * N;
            System.arraycopy(x, b0 * rowLen, in.dense, b0 * rowLen, (b1 - b0) * rowLen);
        };
        double rssBefore = rssNowMb();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", "linear_lif_N-N");
        m.put("N", N);
        m.put("T", T);
        m.put("B", B);
        m.put("neurons", N);
        m.put("steps", T);
        m.put("batch", B);
        m.put("recompute", p.getInt("recompute"));
        m.put("tbptt", p.getInt("tbptt"));
        m.put("warmup", warm);
        m.put("iters", iters);
        List<Layer> ls = List.of(new Linear(N, N, Rng.splitMix(seed)), new Lif(N, 0.95, 1.0, Reset.SUBTRACT, Surrogate.fastSigmoid(25)));
        try (SgNet net = new SgNet(N, false, ls, threads).truncate(p.getInt("tbptt")).memoryWindow(p.getInt("recompute"))) {
            m.put("threads", net.threads());
            m.put("params", net.paramCount());
            net.prepare(T, B);
            int[] labels = new int[B];
            // each iteration: forward + backward timed, then a forward pass alone timed on its own
            double[] fwd = {0};
            long[] spikeCount = {0};
            double tTotal = iterate(warm, iters, i -> {
                net.gradients(fill, labels, Loss.SUM);
                return null;
            }, i -> {
                Timed<Void> f = timed(() -> {
                    net.infer(fill, null, Loss.SUM);
                    return null;
                });
                if (i >= warm) {
                    fwd[0] += f.seconds();
                    Seq out = net.output();   // all T steps, also with --recompute
                    for (int k = 0; k < T * B * out.words; k++) spikeCount[0] += Long.bitCount(out.bits[k]);
                }
            });
            double tFwd = fwd[0];
            long spikes = spikeCount[0];
            m.put("fwd_bwd_ms", round(1000 * tTotal / iters, 2));
            m.put("fwd_ms", round(1000 * tFwd / iters, 2));
            m.put("bwd_ms", round(1000 * (tTotal - tFwd) / iters, 2));   // the benchmark's backward time, derived
            m.put("output_rate_per_step", round(spikes / ((double) iters * T * B * N), 4));
            m.put("run_s", round(tTotal, 4));
            m.put("state_mb", round(net.stateBytes() / 1048576.0, 2));
            m.put("state_bytes_per_step", net.stateBytes() / T);
            m.put("rss_before_mb", round(rssBefore, 1));
            m.put("rss_peak_mb", round(Provenance.peakRssMb(), 1));
        }
        return m;
    }
}
