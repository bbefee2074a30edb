package org.snn4j.cli.sweep;

import java.io.Serializable;

/**
 * How one run of a sweep ended.
 *
 * @param id      the run ({@link SweepTask#id})
 * @param status  {@code done}, {@code skipped} (finished by an earlier sweep) or {@code failed}
 * @param metrics its {@code metrics.json} (null when it failed)
 * @param error   the run's error line (null unless failed)
 * @param wallS   seconds the run took here (0 when skipped)
 * @param host    the machine that ran it
 */
public record SweepOutcome(String id, String status, String metrics, String error, double wallS, String host) implements Serializable {
    public boolean ok() {
        return !status.equals("failed");
    }
}
