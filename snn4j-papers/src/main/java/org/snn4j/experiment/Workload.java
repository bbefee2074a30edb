package org.snn4j.experiment;

import java.util.Map;

/**
 * A benchmark workload: {@code snn4j bench NAME [--key value ...]}. It returns the workload's own
 * figures; the command adds tool, threads, wall time and peak memory and prints one JSON line.
 * Registered with {@link java.util.ServiceLoader}.
 */
public interface Workload {
    String name();

    String description();

    /** Parameters; command-line options {@code --some-key V} set key {@code some_key}. */
    Params defaults();

    /**
     * Checks the parameters before the workload starts (cross-field rules, spec strings, sizes):
     * throws {@link org.snn4j.util.InputException} naming the first bad value. The default checks nothing.
     */
    default void validate(Params params) {
    }

    /** Runs once, returning the workload's fields for the JSON line (sizes, run_s, counts). */
    Map<String, Object> run(Params params) throws Exception;
}
