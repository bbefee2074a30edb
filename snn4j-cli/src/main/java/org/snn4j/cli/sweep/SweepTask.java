package org.snn4j.cli.sweep;

import java.io.Serializable;
import java.util.List;

/**
 * One run of a sweep, as any backend executes it: the arguments of {@code snn4j run} (its own run
 * folder included) and how to start a JVM for it. Serializable, so that Spark ships it to executors.
 *
 * @param id        the run's name in the sweep ({@code key=value,...,seed=S}), also its folder's name
 * @param argv      the arguments after {@code snn4j} ({@code run NAME ... --out DIR})
 * @param out       the run folder
 * @param log       where the run's standard output and error go
 * @param java      the java executable
 * @param classpath the class path holding snn4j
 * @param jvmOptions options of the run's JVM (heap, ...)
 */
public record SweepTask(String id, List<String> argv, String out, String log, String java, String classpath, List<String> jvmOptions)
        implements Serializable {
}
