package org.snn4j.progress;

/**
 * Where a task stands: {@code done} of {@code total} units (total ≤ 0: unknown), the rate in units
 * per second since the task started (units done before it started — a resumed run — do not count),
 * the estimated seconds left (NaN when unknown), and a short status (e.g. "loss 0.41, accuracy 0.87").
 *
 * @param task     what runs, e.g. "epoch 2/5"
 * @param done     units done
 * @param total    units planned (≤ 0: unknown)
 * @param unit     the unit's name (plural), e.g. "samples"
 * @param elapsedS seconds since the task started
 * @param rate     units per second since the task started
 * @param etaS     estimated seconds left (NaN when unknown)
 * @param status   short status text ("" if none)
 */
public record ProgressEvent(String task, long done, long total, String unit, double elapsedS, double rate, double etaS, String status) {
    /** @return done / total in [0, 1], or NaN when the total is unknown */
    public double fraction() {
        return total > 0 ? Math.min(1, Math.max(0, done / (double) total)) : Double.NaN;
    }

    /** @return the event as one plain line: "task: 40% (400/1000 samples), 512 samples/s, ETA 1.2 s, status" */
    public String line() {
        StringBuilder sb = new StringBuilder(task).append(": ");
        if (total > 0) sb.append(Math.round(100 * fraction())).append("% (").append(done).append('/').append(total).append(' ').append(unit).append(')');
        else sb.append(done).append(' ').append(unit);
        if (rate > 0 && Double.isFinite(rate)) sb.append(", ").append(Progress.number(rate)).append(' ').append(unit).append("/s");
        if (Double.isFinite(etaS) && done < total) sb.append(", ETA ").append(Progress.duration(etaS));
        else if (total > 0 && done >= total) sb.append(" in ").append(Progress.duration(elapsedS));
        if (status != null && !status.isEmpty()) sb.append(", ").append(status);
        return sb.toString();
    }
}
