package org.snn4j.progress;

/**
 * The producer's side of a progress report: counts units of one task and turns the count into
 * {@link ProgressEvent}s (rate, ETA) for a {@link ProgressListener}.
 *
 * <pre>
 *   Progress p = Progress.start(listener, "epoch 1/5", n, "samples");
 *   for (...) { ...; p.advance(batchSize, "loss 0.41"); }
 *   p.end("test accuracy 0.87");
 * </pre>
 */
public final class Progress {
    private final ProgressListener listener;
    private final String task, unit;
    private final long total, done0, t0;
    private final java.util.function.LongSupplier clock;
    private long done;

    Progress(ProgressListener listener, String task, long total, String unit, long done, java.util.function.LongSupplier clock) {
        this.listener = listener == null ? ProgressListener.none() : listener;
        this.task = task;
        this.total = total;
        this.unit = unit;
        this.done0 = done;
        this.done = done;
        this.clock = clock;
        this.t0 = clock.getAsLong();
    }

    /**
     * @param listener where reports go (null: nowhere)
     * @param task     what runs
     * @param total    units planned (≤ 0: unknown)
     * @param unit     the unit's name, plural
     * @return a new report at 0 units
     */
    public static Progress start(ProgressListener listener, String task, long total, String unit) {
        return new Progress(listener, task, total, unit, 0, System::nanoTime);
    }

    /**
     * A task that resumes: {@code done} units were done before (they do not count in the rate).
     *
     * @param listener where reports go (null: nowhere)
     * @param task     what runs
     * @param total    units planned
     * @param unit     the unit's name, plural
     * @param done     units already done
     * @return a new report
     */
    public static Progress resume(ProgressListener listener, String task, long total, String unit, long done) {
        return new Progress(listener, task, total, unit, done, System::nanoTime);
    }

    /** @param units units just done  @param status short status text */
    public void advance(long units, String status) {
        done += units;
        listener.update(event(status));
    }

    /** @param doneNow units done so far  @param status short status text */
    public void at(long doneNow, String status) {
        done = doneNow;
        listener.update(event(status));
    }

    /** @param status final status text */
    public void end(String status) {
        listener.end(event(status));
    }

    /** @param doneNow units done in all  @param status final status text */
    public void end(long doneNow, String status) {
        done = doneNow;
        listener.end(event(status));
    }

    /** @param line a message for the listener */
    public void message(String line) {
        listener.message(line);
    }

    /** @return units done */
    public long done() {
        return done;
    }

    /** @return units per second since the start (0 before any) */
    public double rate() {
        double el = (clock.getAsLong() - t0) * 1e-9;
        return el > 0 ? (done - done0) / el : 0;
    }

    ProgressEvent event(String status) {
        double el = (clock.getAsLong() - t0) * 1e-9;
        double rate = el > 0 ? (done - done0) / el : 0;
        double eta = total > 0 && rate > 0 ? Math.max(0, total - done) / rate : Double.NaN;
        return new ProgressEvent(task, done, total, unit, el, rate, eta, status == null ? "" : status);
    }

    /** "1234", "12.3", "0.123": a rate for reading. */
    static String number(double x) {
        if (x >= 100) return String.format("%.0f", x);
        if (x >= 10) return String.format("%.1f", x);
        return String.format("%.3g", x);
    }

    /** "42 s", "3 min 05 s", "1 h 02 min": a duration for reading. */
    static String duration(double s) {
        if (!Double.isFinite(s)) return "?";
        long t = Math.round(s);
        if (s < 10) return String.format("%.1f s", s);
        if (t < 60) return t + " s";
        if (t < 3600) return String.format("%d min %02d s", t / 60, t % 60);
        return String.format("%d h %02d min", t / 3600, t % 3600 / 60);
    }
}
