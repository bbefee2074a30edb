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
 * <p>Threads: one team ({@link Parallel}) spinning between loops. With hooks that all read only
 * spikes ({@link StepHook#readsOnlySpikes}, e.g. spike monitors) and batch 1, each member owns a
 * contiguous share of the chunks and delivers into exactly its own neurons, so the delivery of a
 * step's spikes runs in the same loop as the next step's update: one synchronisation per step
 * (owner computes). Otherwise phases A and B are two loops per step, the hooks seeing the state
 * after the delivery. The automatic thread count (threads = 0) is measured: the run's first steps
 * are timed at 1, 2, 4, … threads (up to the library's team size and the number of chunks) and the
 * fastest count runs the rest; runs too short for that take an estimate from the network size.
 *
 * <p>Determinism: chunk boundaries and their random streams depend only on the network and the
 * seed; each postsynaptic target receives its additions in spike order whatever thread adds them;
 * so a run gives bit-identical results with 1 or more threads.
 */
public final class Simulation {
    /** Neurons per kernel call; fixed so that random streams do not depend on the thread count. */
    public static final int CHUNK = 2048;
    /**
     * The automatic thread count's estimate before it is measured (and for runs too short to
     * measure): one thread per this many neurons (summed over populations and batch entries).
     */
    public static final int MIN_NEURONS_PER_THREAD = 24_576;
    /** Steps timed per candidate thread count when the automatic count is measured. */
    static final int CALIBRATION_STEPS = 128;

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
    /** Steps of the first segment (the JIT's warm-up): they set the waiting baseline and never cause a fall-back. */
    private static final int FIRST_FALLBACK_CHECK = 64;
    private int parts = 1;
    /** Whether the projections are partitioned by the owners of their target neurons (merged loop). */
    private boolean aligned;
    /** The measured automatic thread count (0: not measured yet). */
    private int measuredThreads;
    private int parallelFallbacks;
    /** The team of the multi-threaded run in progress (null otherwise). */
    private volatile Parallel activeTeam;
    /** Tests: how the last parallel run looped (true: the merged loop, one synchronisation per step). */
    boolean lastParallelMerged;
    /** Tests: fall back to one thread after this many parallel steps (a multiple of the check interval). */
    long forceFallbackAt = -1;

    /**
     * @param dtMs    step length in ms, &gt; 0
     * @param seed    seed of every random stream of the neuron kernels
     * @param threads threads to use (1 = no worker threads; 0 = automatic: measured on the first
     *                steps of a run of at least 8 × {@value #CALIBRATION_STEPS} steps, among 1, 2, 4, …
     *                up to the library's team size {@link Parallel#defaultThreads()}; before that, and
     *                for shorter runs, one thread per {@link #MIN_NEURONS_PER_THREAD} neurons)
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

    /**
     * Threads used (no more than there are chunks of work); in automatic mode, the measured count
     * once a run has measured it, before that the estimate from the network size.
     */
    public int threads() {
        prepare();
        int t = threads;
        if (t == 0 && measuredThreads > 0) {
            t = measuredThreads;
        } else if (t == 0) {
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

    /**
     * The thread team of the multi-threaded run in progress, for a hook that splits its own work
     * (e.g. a learning rule's updates over its target columns) between the loops of a step, while
     * the members spin; null when the run goes on one thread. A hook that uses it must give the same
     * result for any team size.
     *
     * @return the team, or null
     */
    public Parallel team() {
        return activeTeam;
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
            r.firstChunk = cs.size();
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
        List<Projection> prs = network.projections();
        projs = new ProjRuntime[prs.size()];
        for (int k = 0; k < prs.size(); k++)
            projs[k] = new ProjRuntime(prs.get(k), popIndex.get(prs.get(k).pre().population()), popIndex.get(prs.get(k).post().population()));
        partition(t, false);
    }

    /**
     * Splits every projection's target columns into {@code t} parts: evenly, or (owned) as the
     * members of a t-thread team own the target neurons' chunks in phase A.
     */
    private void partition(int t, boolean owned) {
        if (partitioned && t == parts && owned == aligned) return;
        for (ProjRuntime pr : projs) {
            int[] b = new int[t + 1];
            for (int k = 0; k <= t; k++) b[k] = owned ? ownedColumn(pr, k, t) : (int) ((long) pr.cols * k / t);
            pr.partition(b);
        }
        parts = t;
        aligned = owned;
        partitioned = true;
    }

    private boolean partitioned;

    /** The first target column of {@code pr} that member k of t updates in phase A (k = t: the end). */
    private int ownedColumn(ProjRuntime pr, int k, int t) {
        int c = (int) ((long) chunks.length * k / t);   // member k's first chunk (phaseA's split)
        PopRuntime post = pr.post;
        int local = Math.max(0, Math.min(post.chunks.length, c - post.firstChunk));
        int neuron = Math.min(post.population.size(), local * CHUNK);
        return Math.max(0, Math.min(pr.cols, neuron - pr.postStart));
    }

    /** Whether the merged loop (delivery with the next step's update) gives the same run: see {@link StepHook#readsOnlySpikes}. */
    private boolean mergeable() {
        for (StepHook h : hooks) if (!h.readsOnlySpikes()) return false;
        for (ProjRuntime pr : projs) if (pr.batch != 1) return false;
        return true;
    }

    // ------------------------------------------------------------------ the loop

    /** Advances the network by {@code steps} steps. */
    public void run(long steps) {
        if (steps < 0) throw new IllegalArgumentException("steps must be >= 0: " + steps);
        prepare();
        try {
            long done = 0;
            int most = Math.min(Parallel.defaultThreads(), chunks.length);
            if (threads == 0 && measuredThreads == 0 && most > 1 && steps >= 8L * CALIBRATION_STEPS) done = calibrate(most);
            runSteps(steps - done, threads());
        } finally {
            for (StepHook h : hooks) h.afterRun(this);
        }
    }

    /**
     * Measures the automatic thread count: after {@value #CALIBRATION_STEPS} steps on one thread (the
     * JIT's warm-up), {@value #CALIBRATION_STEPS} timed steps at each of 1, 2, 4, … threads up to
     * {@code most}; keeps the fastest (a larger count only when at least 5 % faster). Returns the
     * steps run, which are steps of the run like any other.
     */
    private long calibrate(int most) {
        runSteps(CALIBRATION_STEPS, 1);
        long done = CALIBRATION_STEPS;
        long best = Long.MAX_VALUE;
        int bestT = 1;
        for (int t = 1; ; t = Math.min(most, 2 * t)) {
            long t0 = System.nanoTime();
            runSteps(CALIBRATION_STEPS, t);
            long ns = System.nanoTime() - t0;
            done += CALIBRATION_STEPS;
            if (ns < best - best / 20) {
                best = ns;
                bestT = t;
            }
            if (t == most) break;
        }
        measuredThreads = bestT;
        return done;
    }

    /**
     * Runs {@code steps} steps on t threads. After a fall-back to one thread (see
     * {@link #runParallel}) the next {@value #FALLBACK_RETRY_STEPS} steps, in this run and the next
     * ones, stay on one thread before threads are tried again: many short runs (one per input
     * presentation) on busy cores then do not each start on a team that mostly waits.
     */
    private void runSteps(long steps, int t) {
        long end = step + steps;
        while (step < end) {
            if (t > 1 && step >= serialUntil) {
                long want = end - step, done = runParallel(want, t);
                if (done < want) serialUntil = step + FALLBACK_RETRY_STEPS;
                continue;
            }
            long stop = t > 1 ? Math.min(end, serialUntil) : end;
            while (step < stop) {
                before();
                phaseA(0, 1);
                for (int part = 0; part < parts; part++) phaseB(part, step);
                after();
            }
        }
    }

    /** Steps on one thread after a fall-back before threads are tried again. */
    static final int FALLBACK_RETRY_STEPS = 64 * FALLBACK_CHECK_STEPS;
    /** Steps before this one run on one thread (after a fall-back). */
    private long serialUntil;

    /**
     * Runs steps on a team of t threads ({@link Parallel}, spinning between its two loops per step:
     * phase A, then phase B); returns how many were done. If the caller spends most of its time
     * waiting for the other members (the machine's cores are busy with other work, so a member is
     * often descheduled), it stops early and the caller finishes on one thread: the result is the
     * same either way, only faster.
     */
    private long runParallel(long steps, int t) {
        long[] done = {0};
        boolean merged = mergeable();
        lastParallelMerged = merged;
        partition(t, merged);
        try (Parallel team = new Parallel(t)) {
            activeTeam = team;
            team.spinning(() -> done[0] = parallelSteps(team, steps, t, merged));
        } finally {
            activeTeam = null;
        }
        return done[0];
    }

    /**
     * Steps on the team. Two loops per step (phase A, then phase B), or, merged (every hook reads
     * only spikes; projections partitioned by owner), one loop per step in which each member first
     * delivers the previous step's spikes (gathered by {@link #after}) into its own neurons, then
     * advances them; the last step's delivery then runs before returning, so the state is that of
     * the two-loop run. Returns the steps done (fewer after a fall-back).
     */
    private long parallelSteps(Parallel team, long steps, int t, boolean merged) {
        Parallel.MemberBody a = (member, part) -> phaseA(part, t), b = (member, part) -> phaseB(part, step);
        Parallel.MemberBody deliver = (member, part) -> {
            long s = step;
            for (ProjRuntime pr : projs) pr.deliverGathered(part, s - 1);
        };
        Parallel.MemberBody deliverThenA = (member, part) -> {
            deliver.accept(member, part);
            phaseA(part, t);
        };
        long segmentStart = System.nanoTime(), waitedBefore = team.callerWaitNanos();
        boolean owed = false;   // merged: the last completed step's spikes are not delivered yet
        try {
            for (long s = 0; s < steps; s++) {
                before();
                if (merged) {
                    Parallel.MemberBody loop = owed ? deliverThenA : a;
                    owed = false;
                    team.forEachMember(t, loop);
                } else {
                    team.forEachMember(t, a);
                    team.forEachMember(t, b);
                }
                after();
                owed = merged;
                if (s + 1 == FIRST_FALLBACK_CHECK || (s & (FALLBACK_CHECK_STEPS - 1)) == FALLBACK_CHECK_STEPS - 1) {
                    long now = System.nanoTime(), waited = team.callerWaitNanos();
                    // the first segment includes the JIT's warm-up, when members are unevenly slow: it only
                    // sets the baseline (falling back there put whole runs on one thread on a quiet machine)
                    boolean warmUp = s + 1 == FIRST_FALLBACK_CHECK;
                    if ((!warmUp && waited - waitedBefore > (now - segmentStart) / 2) || s + 1 == forceFallbackAt) {
                        parallelFallbacks++;
                        return s + 1;
                    }
                    segmentStart = now;
                    waitedBefore = waited;
                }
            }
            return steps;
        } finally {
            if (owed) team.forEachMember(t, deliver);
        }
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

    /** Phase B for thread {@code part}: deliver the spikes of step s (the one in progress) into its columns of every projection. */
    private void phaseB(int part, long s) {
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
        /** Index of this population's first chunk among all chunks. */
        int firstChunk;
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
        final PopRuntime pre, post;
        final double[] target;
        final double[][] ring;   // null when every delay is 0
        int[] colBounds;
        final int preSize, preStart, preCount, postSize, postStart, batch, cols;

        ProjRuntime(Projection p, PopRuntime pre, PopRuntime postRuntime) {
            this.projection = p;
            this.pre = pre;
            this.post = postRuntime;
            this.target = p.post().population().variable(p.receptor());
            Population post = p.post().population();
            this.preSize = p.pre().population().size();
            this.preStart = p.pre().start();
            this.preCount = p.pre().count();
            this.postSize = post.size();
            this.postStart = p.post().start();
            this.batch = post.batch();
            this.cols = p.post().count();
            int maxDelay = p.maxDelay();
            ring = maxDelay == 0 ? null : new double[maxDelay + 1][batch * postSize];
        }

        void partition(int[] bounds) {
            colBounds = bounds;
            projection.weights().partition(bounds);
        }

        /** Delivers the spikes of step {@code step}, still in the chunks' buffers (phase B). */
        void deliver(int part, long step) {
            int slot = ring == null ? 0 : (int) (step % ring.length);
            for (Chunk c : pre.chunks) deliverSpikes(c.spikes.raw(), c.spikes.size(), part, slot);
            flushRing(part, slot);
        }

        /**
         * Delivers the spikes of step {@code step} from the population's gathered list (the merged
         * loop, while the chunks' buffers fill with the next step's spikes): the same spikes in the
         * same order as {@link #deliver}.
         */
        void deliverGathered(int part, long step) {
            int slot = ring == null ? 0 : (int) (step % ring.length);
            deliverSpikes(pre.spikes.raw(), pre.spikes.size(), part, slot);
            flushRing(part, slot);
        }

        private void deliverSpikes(int[] raw, int n, int part, int slot) {
            var w = projection.weights();
            int delay = projection.delay();
            for (int k = 0; k < n; k++) {
                int flat = raw[k];
                int b = batch == 1 ? 0 : flat / preSize;
                int i = flat - b * preSize - preStart;
                if (i < 0 || i >= preCount) continue;
                int offset = b * postSize + postStart;
                if (ring == null) w.deliverRow(i, part, target, offset);
                else w.deliverRowDelayed(i, part, ring, slot, delay, offset);
            }
        }

        /** Adds this part's columns of the ring slot due now into the target and clears them. */
        private void flushRing(int part, int slot) {
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
