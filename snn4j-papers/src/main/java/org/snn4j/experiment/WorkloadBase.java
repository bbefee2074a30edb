package org.snn4j.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * What benchmark workloads share, written once: the name and description, the common parameters
 * ({@code threads}, {@code warmup}, {@code iters}, {@code seed}), untimed warm-up iterations
 * followed by timed ones, timing of one piece of work, resident memory and rounding. The command
 * ({@code snn4j bench}) adds tool, version, wall time and peak memory and prints the one JSON line.
 */
public abstract class WorkloadBase extends Named implements Workload {
    /**
     * @param name        the name on the command line ({@code snn4j bench NAME})
     * @param description one line for {@code snn4j list}
     */
    protected WorkloadBase(String name, String description) {
        super(name, description);
    }

    /** @return empty parameters named for error messages ("bench NAME") */
    protected final Params params() {
        return new Params("bench " + name());
    }

    /**
     * Declares {@code threads}.
     *
     * @param p       the parameters being declared
     * @param threads the default (0: one per processor)
     * @return p
     */
    protected static Params declareThreads(Params p, long threads) {
        return p.declare("threads", threads, "threads (0 = one per processor)", 0, 256);
    }

    /**
     * Declares {@code warmup} (untimed iterations first, for the JIT) and {@code iters} (timed ones).
     *
     * @param p      the parameters being declared
     * @param warmup the default number of untimed iterations
     * @param iters  the default number of timed iterations
     * @return p
     */
    protected static Params declareIterations(Params p, long warmup, long iters) {
        return p.declare("warmup", warmup, "untimed warm-up iterations", 0, 1e6)
                .declare("iters", iters, "timed iterations", 1, 1e6);
    }

    /** One iteration of a workload. */
    @FunctionalInterface
    public interface Iteration {
        /**
         * Does the timed work of iteration i.
         *
         * @param i the iteration, from 0 (warm-up iterations first)
         * @return what to do untimed after a timed iteration (e.g. counting), or null
         * @throws Exception if the work fails
         */
        Runnable run(int i) throws Exception;
    }

    /**
     * Runs {@code warmup} untimed iterations, then {@code iters} timed ones.
     *
     * @param warmup untimed iterations
     * @param iters  timed iterations
     * @param body   the work of one iteration
     * @return the seconds of the timed iterations together (their untimed parts excluded)
     * @throws Exception if an iteration fails
     */
    protected static double iterate(int warmup, int iters, Iteration body) throws Exception {
        return iterate(warmup, iters, body, null);
    }

    /** Untimed work after each iteration, warm-up included. */
    @FunctionalInterface
    public interface Step {
        /**
         * @param i the iteration, from 0 (warm-up iterations first)
         * @throws Exception if the work fails
         */
        void run(int i) throws Exception;
    }

    /**
     * As {@link #iterate(int, int, Iteration)}, with {@code then} run untimed after every iteration
     * (warm-up included, after the untimed part of the body), e.g. a second phase the workload times
     * on its own.
     *
     * @param warmup untimed iterations
     * @param iters  timed iterations
     * @param body   the timed work of one iteration
     * @param then   untimed work after each iteration, or null
     * @return the seconds of the timed iterations' bodies together
     * @throws Exception if an iteration fails
     */
    protected static double iterate(int warmup, int iters, Iteration body, Step then) throws Exception {
        double total = 0;
        for (int i = 0; i < warmup + iters; i++) {
            long t0 = System.nanoTime();
            Runnable after = body.run(i);
            long t1 = System.nanoTime();
            if (i >= warmup) {
                total += (t1 - t0) * 1e-9;
                if (after != null) after.run();
            }
            if (then != null) then.run(i);
        }
        return total;
    }

    /**
     * A value with the seconds it took.
     *
     * @param value   what the work produced
     * @param seconds wall-clock seconds
     * @param <T>     the value's type
     */
    public record Timed<T>(T value, double seconds) {
    }

    /**
     * Times one piece of work.
     *
     * @param work the work
     * @param <T>  what it produces
     * @return its result and its wall-clock seconds
     * @throws Exception if the work fails
     */
    protected static <T> Timed<T> timed(Callable<T> work) throws Exception {
        long t0 = System.nanoTime();
        T v = work.call();
        return new Timed<>(v, (System.nanoTime() - t0) * 1e-9);
    }

    /** Work that produces nothing. */
    @FunctionalInterface
    public interface Work {
        /** @throws Exception if the work fails */
        void run() throws Exception;
    }

    /**
     * Times one piece of work.
     *
     * @param work the work
     * @return its wall-clock seconds
     * @throws Exception if the work fails
     */
    protected static double seconds(Work work) throws Exception {
        long t0 = System.nanoTime();
        work.run();
        return (System.nanoTime() - t0) * 1e-9;
    }

    /** @return the current resident memory (VmRSS) in MB, or NaN off Linux */
    public static double rssNowMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.trim().split("\\s+")[1]) / 1024.0;
        } catch (java.io.IOException | RuntimeException ignored) {
            // not Linux
        }
        return Double.NaN;
    }

    /**
     * @param v      a value
     * @param digits decimal places
     * @return v rounded half up to that many decimal places
     */
    public static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
