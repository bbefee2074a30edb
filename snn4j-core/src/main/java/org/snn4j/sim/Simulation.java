package org.snn4j.sim;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.snn4j.math.Parallel;
import org.snn4j.model.StepContext;
import org.snn4j.network.Network;
import org.snn4j.network.Population;
import org.snn4j.network.Projection;
import org.snn4j.util.IntBuffer;
import org.snn4j.util.Rng;

/**
 * The simulation loop: the one clock-driven integrator every network and learning method in snn4j
 * runs on.
 *
 * <p>Each step of dt (ms) does, in order:
 * <ol>
 *   <li>{@link StepHook#beforeStep} of every hook (inputs, currents);</li>
 *   <li>phase A: every population's step kernel (state update, threshold, reset) over fixed chunks of
 *       {@value #CHUNK} neurons, which the threads share out;</li>
 *   <li>phase B: propagation: each spike of this step is delivered event by event along its row of
 *       each outgoing projection into the receptor variable (or the delay ring), each thread adding
 *       only into its own range of postsynaptic neurons;</li>
 *   <li>{@link StepHook#afterStep} of every hook (monitors, learning rules, trainers).</li>
 * </ol>
 *
 * <p>Determinism: chunk boundaries and their random streams depend only on the network and the
 * seed; each postsynaptic target receives its additions in spike order whatever thread adds them;
 * so a run gives bit-identical results with 1 or more threads.
 */
public final class Simulation {
    /** Neurons per kernel call; fixed so that random streams do not depend on the thread count. */
    public static final int CHUNK = 2048;
    /**
     * Below this many neurons (summed over populations and batch entries) per extra thread, the
     * automatic thread count stays at 1: measured on 2 cores, a 4000- or 16000-neuron CUBA step is
     * a few microseconds of work and three barriers per step cost more than the second core gives.
     */
    public static final int MIN_NEURONS_PER_THREAD = 24_576;

    private final Network network;
    private final double dt;
    private final long seed;
    private final int threads;
    private final List<StepHook> hooks = new ArrayList<>();
    private final Map<Population, PopRuntime> popIndex = new IdentityHashMap<>();
    private PopRuntime[] pops;
    private ProjRuntime[] projs;
    private Chunk[] chunks;
    private long step;
    private boolean prepared;
    /** Extra stream identifiers of the kernels' random streams ({@link #reseed}); empty: the original streams. */
    private long[] streamIds = new long[0];
    /** Steps between checks of the threads' waiting time (a power of two). */
    private static final int FALLBACK_CHECK_STEPS = 256;
    private int parts = 1;
    private int parallelFallbacks;
    /** Tests: fall back to one thread after this many parallel steps (a multiple of the check interval). */
    long forceFallbackAt = -1;

    /**
     * @param dtMs    step length in ms, &gt; 0
     * @param seed    seed of every random stream of the neuron kernels
     * @param threads threads to use (1 = no worker threads; 0 = automatic: the library's team size,
     *                {@link Parallel#defaultThreads()}, but only as many as there are
     *                {@link #MIN_NEURONS_PER_THREAD} neurons for)
     */
    public Simulation(Network network, double dtMs, long seed, int threads) {
        if (!(dtMs > 0) || Double.isInfinite(dtMs)) throw new IllegalArgumentException("dt must be positive: " + dtMs);
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0 (0 = automatic): " + threads);
        this.network = network;
        this.dt = dtMs;
        this.seed = seed;
        this.threads = threads;
    }

    public Simulation add(StepHook hook) {
        hooks.add(hook);
        return this;
    }

    public Network network() {
        return network;
    }

    /** Step length (ms). */
    public double dt() {
        return dt;
    }

    public long seed() {
        return seed;
    }

    /** Threads actually used (no more than there are chunks of work). */
    public int threads() {
        prepare();
        int t = threads;
        if (t == 0) {
            long neurons = 0;
            for (PopRuntime r : pops) neurons += (long) r.population.size() * r.population.batch();
            t = (int) Math.max(1, Math.min(Parallel.defaultThreads(), neurons / MIN_NEURONS_PER_THREAD));
        }
        return Math.min(t, Math.max(1, chunks.length));
    }

    /**
     * How many times a parallel run fell back to one thread because the threads mostly waited for
     * each other (other processes on the cores).
     */
    public int parallelFallbacks() {
        return parallelFallbacks;
    }

    /** Steps completed so far. */
    public long stepCount() {
        return step;
    }

    /** Simulated time so far (ms). */
    public double timeMs() {
        return step * dt;
    }

    /** Flat indices (ascending) of the neurons of {@code p} that spiked in the last completed step. */
    public IntBuffer spikes(Population p) {
        prepare();
        for (PopRuntime r : pops) if (r.population == p) return r.spikes;   // few populations: faster than hashing
        throw new IllegalArgumentException("population " + p.name() + " is not in this simulation");
    }

    /**
     * Re-derives the random stream of every kernel chunk from (seed, ids): chunk c of population p
     * then draws from {@code Rng.stream(seed, TAG, p, c, ids...)}, whatever was drawn before and
     * whatever the thread count. {@code reseed()} with no ids restores the streams of a new
     * simulation ({@code Rng.stream(seed, TAG, p, c)}). Together with a reset of the neuron states
     * (e.g. {@link org.snn4j.model.TwoCompartmentLif#resetState}), this makes what follows depend
     * only on (seed, ids) and the network's parameters: e.g. an epoch of training that starts with
     * {@code reseed(epoch)} can be resumed from a checkpoint of the weights alone. It does not touch
     * the step counter, the hooks, or spikes in flight in delay rings.
     */
    public void reseed(long... ids) {
        streamIds = ids.clone();
        if (!prepared) return;
        for (int pi = 0; pi < pops.length; pi++)
            for (int c = 0; c < pops[pi].chunks.length; c++) pops[pi].chunks[c].rng = chunkStream(pi, c);
    }

    private Rng chunkStream(int pi, int c) {
        if (streamIds.length == 0) return Rng.stream(seed, 0x5EED_C4C4L, pi, c);
        long[] path = new long[3 + streamIds.length];
        path[0] = 0x5EED_C4C4L;
        path[1] = pi;
        path[2] = c;
        System.arraycopy(streamIds, 0, path, 3, streamIds.length);
        return Rng.stream(seed, path);
    }

    /** Runs for the given simulated time (rounded to whole steps). */
    public void runFor(double ms) {
        if (!(ms >= 0)) throw new IllegalArgumentException("duration must be >= 0: " + ms);
        run(Math.round(ms / dt));
    }

    // ------------------------------------------------------------------ setup

    private void prepare() {
        if (prepared) return;
        List<Population> ps = network.populations();
        pops = new PopRuntime[ps.size()];
        List<Chunk> cs = new ArrayList<>();
        for (int pi = 0; pi < ps.size(); pi++) {
            Population p = ps.get(pi);
            p.model().prepare(dt);
            PopRuntime r = new PopRuntime(p);
            int n = p.size() * p.batch();
            int nc = (n + CHUNK - 1) / CHUNK;
            r.chunks = new Chunk[nc];
            for (int c = 0; c < nc; c++) {
                Chunk ch = new Chunk(r, c * CHUNK, Math.min(n, (c + 1) * CHUNK), chunkStream(pi, c));
                r.chunks[c] = ch;
                cs.add(ch);
            }
            pops[pi] = r;
            popIndex.put(p, r);
        }
        chunks = cs.toArray(new Chunk[0]);
        prepared = true;
        int t = threads();
        parts = t;
        List<Projection> prs = network.projections();
        projs = new ProjRuntime[prs.size()];
        for (int k = 0; k < prs.size(); k++) projs[k] = new ProjRuntime(prs.get(k), popIndex.get(prs.get(k).pre().population()), t);
    }

    // ------------------------------------------------------------------ the loop

    /** Advances the network by {@code steps} steps. */
    public void run(long steps) {
        if (steps < 0) throw new IllegalArgumentException("steps must be >= 0: " + steps);
        prepare();
        int t = threads();
        try {
            long done = t == 1 ? 0 : runParallel(steps, t);
            for (long s = done; s < steps; s++) {
                before();
                phaseA(0, 1);
                for (int part = 0; part < parts; part++) phaseB(part);
                after();
            }
        } finally {
            for (StepHook h : hooks) h.afterRun(this);
        }
    }

    /**
     * Runs steps on a team of t threads ({@link Parallel}, spinning between its two loops per step:
     * phase A, then phase B); returns how many were done. If the caller spends most of its time
     * waiting for the other members (the machine's cores are busy with other work, so a member is
     * often descheduled), it stops early and the caller finishes on one thread: the result is the
     * same either way, only faster.
     */
    private long runParallel(long steps, int t) {
        long[] done = {0};
        try (Parallel team = new Parallel(t)) {
            team.spinning(() -> done[0] = parallelSteps(team, steps, t));
        }
        return done[0];
    }

    private long parallelSteps(Parallel team, long steps, int t) {
        Parallel.MemberBody a = (member, part) -> phaseA(part, t), b = (member, part) -> phaseB(part);
        long segmentStart = System.nanoTime(), waitedBefore = team.callerWaitNanos();
        for (long s = 0; s < steps; s++) {
            before();
            team.forEachMember(t, a);
            team.forEachMember(t, b);
            after();
            if ((s & (FALLBACK_CHECK_STEPS - 1)) == FALLBACK_CHECK_STEPS - 1) {
                long now = System.nanoTime(), waited = team.callerWaitNanos();
                if (waited - waitedBefore > (now - segmentStart) / 2 || s + 1 == forceFallbackAt) {
                    parallelFallbacks++;
                    return s + 1;
                }
                segmentStart = now;
                waitedBefore = waited;
            }
        }
        return steps;
    }

    private void before() {
        for (int i = 0, n = hooks.size(); i < n; i++) hooks.get(i).beforeStep(this, step);
    }

    private void after() {
        for (PopRuntime r : pops) r.gatherSpikes();
        step++;
        for (int i = 0, n = hooks.size(); i < n; i++) hooks.get(i).afterStep(this, step - 1);
    }

    /** Phase A for thread {@code part} of {@code parts}: its contiguous share of the chunks. */
    private void phaseA(int part, int parts) {
        int n = chunks.length;
        int lo = (int) ((long) n * part / parts), hi = (int) ((long) n * (part + 1) / parts);
        long s = step;
        for (int c = lo; c < hi; c++) {
            Chunk ch = chunks[c];
            ch.spikes.clear();
            ch.step = s;
            ch.owner.population.model().step(ch);
        }
    }

    /** Phase B for thread {@code part}: deliver this step's spikes into its columns of every projection. */
    private void phaseB(int part) {
        long s = step;
        for (ProjRuntime pr : projs) pr.deliver(part, s);
    }

    // ------------------------------------------------------------------ runtime structures

    private final class Chunk implements StepContext {
        final PopRuntime owner;
        final int from, to;
        Rng rng;    // replaced by reseed between runs (workers are started after it, so they see it)
        final IntBuffer spikes = new IntBuffer(64);
        long step;

        Chunk(PopRuntime owner, int from, int to, Rng rng) {
            this.owner = owner;
            this.from = from;
            this.to = to;
            this.rng = rng;
        }

        @Override
        public int from() {
            return from;
        }

        @Override
        public int to() {
            return to;
        }

        @Override
        public long step() {
            return step;
        }

        @Override
        public double dt() {
            return dt;
        }

        @Override
        public Rng rng() {
            return rng;
        }

        @Override
        public void spike(int i) {
            spikes.add(i);
        }
    }

    private static final class PopRuntime {
        final Population population;
        Chunk[] chunks;
        final IntBuffer spikes = new IntBuffer(64);

        PopRuntime(Population population) {
            this.population = population;
        }

        void gatherSpikes() {
            spikes.clear();
            for (Chunk c : chunks) {
                int[] raw = c.spikes.raw();
                for (int k = 0, n = c.spikes.size(); k < n; k++) spikes.add(raw[k]);
            }
        }
    }

    private static final class ProjRuntime {
        final Projection projection;
        final PopRuntime pre;
        final double[] target;
        final double[][] ring;   // null when every delay is 0
        final int[] colBounds;
        final int preSize, preStart, preCount, postSize, postStart, batch;

        ProjRuntime(Projection p, PopRuntime pre, int parts) {
            this.projection = p;
            this.pre = pre;
            this.target = p.post().population().variable(p.receptor());
            Population post = p.post().population();
            this.preSize = p.pre().population().size();
            this.preStart = p.pre().start();
            this.preCount = p.pre().count();
            this.postSize = post.size();
            this.postStart = p.post().start();
            this.batch = post.batch();
            int cols = p.post().count();
            colBounds = new int[parts + 1];
            for (int k = 0; k <= parts; k++) colBounds[k] = (int) ((long) cols * k / parts);
            p.weights().partition(colBounds);
            int maxDelay = p.maxDelay();
            ring = maxDelay == 0 ? null : new double[maxDelay + 1][batch * postSize];
        }

        void deliver(int part, long step) {
            var w = projection.weights();
            int slot = ring == null ? 0 : (int) (step % ring.length);
            int delay = projection.delay();
            for (Chunk c : pre.chunks) {
                int[] raw = c.spikes.raw();
                for (int k = 0, n = c.spikes.size(); k < n; k++) {
                    int flat = raw[k];
                    int b = batch == 1 ? 0 : flat / preSize;
                    int i = flat - b * preSize - preStart;
                    if (i < 0 || i >= preCount) continue;
                    int offset = b * postSize + postStart;
                    if (ring == null) w.deliverRow(i, part, target, offset);
                    else w.deliverRowDelayed(i, part, ring, slot, delay, offset);
                }
            }
            if (ring != null) {
                double[] due = ring[slot];
                int lo = colBounds[part], hi = colBounds[part + 1];
                for (int b = 0; b < batch; b++) {
                    int off = b * postSize + postStart;
                    for (int j = off + lo; j < off + hi; j++) {
                        target[j] += due[j];
                        due[j] = 0;
                    }
                }
            }
        }
    }
}
