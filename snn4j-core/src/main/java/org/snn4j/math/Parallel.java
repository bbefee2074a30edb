package org.snn4j.math;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The one thread team of snn4j: every data-parallel loop of the library (the simulation's kernel
 * and delivery phases, surrogate-gradient batches, exact-gradient trials, connectivity generation)
 * runs on a team of this type. {@code forEach(n, body)} runs body(0 … n−1), each index exactly once,
 * the indices split into contiguous ranges, one range per member (the caller runs the first).
 * Work items must not depend on which member runs them; callers make results independent of the
 * thread count by giving every item its own output (rows, samples, column blocks or trials) and its
 * own random stream, so results are bit-identical for any team size.
 *
 * <p>Two ways to wait. Normally members park between loops, so an idle team costs nothing and a loop
 * costs a few tens of microseconds to start: callers hand out coarse items. Inside
 * {@link #spinning(Runnable)} members instead spin between loops (then yield if a member is late),
 * so that a loop starts and ends in well under a microsecond: the simulation runs two loops per
 * time step of a few microseconds that way.
 *
 * <p>The library-wide team size is chosen once, with {@link #setDefaultThreads} (the CLI does it from
 * {@code --set threads}); {@link #common()} is a team of that size shared by code that has no team of
 * its own. A loop started from inside another loop of the same team runs on the calling thread.
 * Close a team when done (members are daemons anyway).
 */
public final class Parallel implements AutoCloseable {
    /** A loop body that is told which member runs it (0 … threads−1), e.g. to use that member's workspace. */
    @FunctionalInterface
    public interface MemberBody {
        /**
         * @param member the member running this item (0 is the caller)
         * @param item   the item index
         */
        void accept(int member, int item);
    }

    private static volatile int defaultThreads = 0;
    private static Parallel common;

    private final int threads;
    private final Thread[] workers;
    private volatile MemberBody body;
    private volatile int n;
    private volatile long generation;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile Thread caller;
    private volatile boolean closed;
    /** True while members spin between loops ({@link #spinning}). */
    private volatile boolean spin;
    /** Spins before yielding: long when every member has a core, short when members outnumber cores. */
    private final int spinLimit;
    /** Nanoseconds the caller spent waiting for the other members at the end of spinning loops. */
    private long callerWaitNanos;
    /** Set while a loop runs: a loop started inside it (by any member) runs inline. */
    private volatile boolean running;

    /** @param threads team size; 0 means {@link #defaultThreads()} */
    public Parallel(int threads) {
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0 (0 = the default): " + threads);
        this.threads = threads == 0 ? defaultThreads() : threads;
        this.spinLimit = this.threads <= Runtime.getRuntime().availableProcessors() ? 50_000 : 50;
        workers = new Thread[this.threads - 1];
        for (int w = 0; w < workers.length; w++) {
            final int id = w + 1;
            workers[w] = new Thread(() -> work(id), "snn4j-parallel-" + id);
            workers[w].setDaemon(true);
            workers[w].start();
        }
    }

    /**
     * Sets the library-wide team size used wherever a thread count of 0 ("automatic") is given and by
     * {@link #common()}; 0 restores the default (one per available processor). Call it once, at start.
     *
     * @param threads team size, &gt;= 0
     */
    public static synchronized void setDefaultThreads(int threads) {
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0 (0 = one per processor): " + threads);
        defaultThreads = threads;
        if (common != null && common.threads != defaultThreads()) {
            common.close();
            common = null;
        }
    }

    /** @return the library-wide team size: as set by {@link #setDefaultThreads}, else one per processor */
    public static int defaultThreads() {
        int t = defaultThreads;
        return t > 0 ? t : Runtime.getRuntime().availableProcessors();
    }

    /** @return the shared team of {@link #defaultThreads()} members (created on first use) */
    public static synchronized Parallel common() {
        if (common == null) common = new Parallel(defaultThreads());
        return common;
    }

    /** @return the team size */
    public int threads() {
        return threads;
    }

    /** The contiguous range [from, to) of items that member {@code id} of a team of {@code k} runs. */
    static int from(int id, int k, int n) {
        return (int) ((long) id * n / k);
    }

    private void work(int id) {
        long seen = 0;
        int spins = 0;
        while (true) {
            while (generation == seen && !closed) {
                if (spin) {
                    if (++spins < spinLimit) Thread.onSpinWait();
                    else Thread.yield();
                } else {
                    spins = 0;
                    LockSupport.park(this);
                }
            }
            if (closed) return;
            spins = 0;
            seen = generation;
            runShare(id);
            if (pending.decrementAndGet() == 0 && !spin) LockSupport.unpark(caller);
        }
    }

    private void runShare(int id) {
        MemberBody b = body;
        int total = n, k = threads;
        try {
            for (int i = from(id, k, total), e = from(id + 1, k, total); i < e; i++) b.accept(id, i);
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    /**
     * Runs body(i) for i = 0 … n−1 on the team and returns when all are done. An exception thrown by
     * any item is rethrown here (the first one).
     *
     * @param n    number of items
     * @param body the loop body
     */
    public void forEach(int n, IntConsumer body) {
        forEachMember(n, (member, i) -> body.accept(i));
    }

    /**
     * As {@link #forEach}, but the body is told which member runs each item (items [from(m), from(m+1))
     * go to member m; a loop run inline uses member 0).
     *
     * @param n    number of items
     * @param body the loop body
     */
    public void forEachMember(int n, MemberBody body) {
        if (n <= 0) return;
        if (threads == 1 || n == 1 || (running && insideLoop())) {
            // also a loop started from inside a loop of this team: run it here rather than deadlock
            for (int i = 0; i < n; i++) body.accept(0, i);
            return;
        }
        synchronized (this) {
            running = true;
            try {
                this.body = body;
                this.n = n;
                this.caller = Thread.currentThread();
                failure.set(null);
                pending.set(workers.length);
                generation++;
                if (!spin) for (Thread w : workers) LockSupport.unpark(w);
                runShare(0);
                if (spin) {
                    if (pending.get() != 0) {
                        long w0 = System.nanoTime();
                        int spins = 0;
                        while (pending.get() != 0) {
                            if (++spins < spinLimit) Thread.onSpinWait();
                            else Thread.yield();
                        }
                        callerWaitNanos += System.nanoTime() - w0;
                    }
                } else {
                    while (pending.get() != 0) LockSupport.park(this);
                }
                this.body = null;
            } finally {
                running = false;
            }
            Throwable t = failure.get();
            if (t instanceof RuntimeException re) throw re;
            if (t instanceof Error er) throw er;
            if (t != null) throw new RuntimeException(t);
        }
    }

    private boolean insideLoop() {
        Thread me = Thread.currentThread();
        if (me == caller) return true;
        for (Thread w : workers) if (w == me) return true;
        return false;
    }

    /**
     * Runs {@code session} (on the calling thread) with the members spinning between loops instead of
     * parking: for many short loops in a row, such as two per simulation step. The members go back to
     * parking when it returns.
     *
     * @param session the code that starts the loops
     */
    public synchronized void spinning(Runnable session) {
        boolean was = spin;
        spin = true;
        for (Thread w : workers) LockSupport.unpark(w);   // parked members start spinning
        try {
            session.run();
        } finally {
            spin = was;
            if (!was) for (Thread w : workers) LockSupport.unpark(w);   // let spinners go back to parking
        }
    }

    /**
     * Nanoseconds the caller has spent, in spinning loops, waiting for the other members to finish
     * their shares: a measure of how often members were descheduled (cores busy with other work).
     *
     * @return the total so far
     */
    public synchronized long callerWaitNanos() {
        return callerWaitNanos;
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
