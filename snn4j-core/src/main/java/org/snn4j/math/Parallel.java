package org.snn4j.math;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed team of threads for data-parallel loops: {@code forEach(n, body)} runs body(0 … n−1),
 * each index exactly once, the indices split into contiguous ranges, one range per thread (the
 * caller runs the first). Work items must not depend on which thread runs them; callers make results
 * independent of the thread count by giving every item its own output (rows, samples or column
 * blocks) and its own random stream.
 *
 * <p>Workers park between loops (no busy spinning), so an idle team costs nothing; a loop costs a
 * few tens of microseconds to start, which is why callers hand out coarse items (sample ranges,
 * column blocks), never single neurons. Close it when done (workers are daemons anyway).
 */
public final class Parallel implements AutoCloseable {
    private final int threads;
    private final Thread[] workers;
    private volatile IntConsumer body;
    private volatile int n;
    private volatile long generation;
    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile Thread caller;
    private volatile boolean closed;

    /** @param threads team size; 0 means one per available processor */
    public Parallel(int threads) {
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0");
        this.threads = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        workers = new Thread[this.threads - 1];
        for (int w = 0; w < workers.length; w++) {
            final int id = w + 1;
            workers[w] = new Thread(() -> work(id), "snn4j-parallel-" + id);
            workers[w].setDaemon(true);
            workers[w].start();
        }
    }

    public int threads() {
        return threads;
    }

    /** The contiguous range [from, to) of items that member {@code id} of a team of {@code k} runs. */
    static int from(int id, int k, int n) {
        return (int) ((long) id * n / k);
    }

    private void work(int id) {
        long seen = 0;
        while (true) {
            while (generation == seen && !closed) LockSupport.park(this);
            if (closed) return;
            seen = generation;
            runShare(id);
            if (pending.decrementAndGet() == 0) LockSupport.unpark(caller);
        }
    }

    private void runShare(int id) {
        IntConsumer b = body;
        int total = n, k = threads;
        try {
            for (int i = from(id, k, total), e = from(id + 1, k, total); i < e; i++) b.accept(i);
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    /**
     * Runs body(i) for i = 0 … n−1 on the team and returns when all are done. An exception thrown by
     * any item is rethrown here (the first one).
     */
    public synchronized void forEach(int n, IntConsumer body) {
        if (n <= 0) return;
        if (threads == 1 || n == 1) {
            for (int i = 0; i < n; i++) body.accept(i);
            return;
        }
        this.body = body;
        this.n = n;
        this.caller = Thread.currentThread();
        failure.set(null);
        pending.set(workers.length);
        generation++;
        for (Thread w : workers) LockSupport.unpark(w);
        runShare(0);
        while (pending.get() != 0) LockSupport.park(this);
        this.body = null;
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error er) throw er;
        if (t != null) throw new RuntimeException(t);
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
