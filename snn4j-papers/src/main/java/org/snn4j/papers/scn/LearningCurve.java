package org.snn4j.papers.scn;

import java.util.ArrayList;
import java.util.List;

/**
 * A learning run measured as it goes: train up to each evaluation point in turn (before learning,
 * then at 2^k steps for k from a first exponent, then at the end), evaluate there, and time training
 * and evaluation apart. Keeps the first and the last evaluation.
 *
 * @param <R> what one evaluation gives
 */
final class LearningCurve<R> {
    /** Trains up to a step. */
    @FunctionalInterface
    interface Train {
        void to(long step) throws Exception;
    }

    /** Evaluates the network as it is at a step. */
    @FunctionalInterface
    interface Evaluate<R> {
        R at(long step) throws Exception;
    }

    /** Records one evaluation (untimed). */
    @FunctionalInterface
    interface Record<R> {
        void add(long step, R result) throws Exception;
    }

    R first, last;
    double trainS, evalS;

    /** The evaluation points: 0, then 2^k for k ≥ firstLog2 while below total, then total (if positive). */
    static List<Long> points(int firstLog2, long total) {
        List<Long> points = new ArrayList<>();
        points.add(0L);
        for (int k = firstLog2; k < 62 && (1L << k) < total; k++) points.add(1L << k);
        if (total > 0) points.add(total);
        return points;
    }

    static <R> LearningCurve<R> run(int firstLog2, long total, Train train, Evaluate<R> evaluate, Record<R> record) throws Exception {
        LearningCurve<R> c = new LearningCurve<>();
        for (long pt : points(firstLog2, total)) {
            long t0 = System.nanoTime();
            train.to(pt);
            c.trainS += (System.nanoTime() - t0) * 1e-9;
            t0 = System.nanoTime();
            R r = evaluate.at(pt);
            c.evalS += (System.nanoTime() - t0) * 1e-9;
            record.add(pt, r);
            if (c.first == null) c.first = r;
            c.last = r;
        }
        return c;
    }
}
