package org.snn4j.cli.sweep;

import java.util.List;

/**
 * Executes the runs of a sweep. The built-in {@link LocalBackend} runs them as child JVMs on this
 * machine; {@code snn4j-spark} registers one (with {@link java.util.ServiceLoader}) that runs them
 * on Apache Spark, embedded ({@code local[*]}) or on a cluster. Each run goes through {@link
 * ChildRun}, so results are the same whichever backend, machine or order ran them.
 */
public interface SweepBackend {
    /** @return a short name for messages ("spark", "local") */
    String name();

    /** @return whether this backend runs sweeps for {@code master} ({@code local[*]}, {@code spark://host:port}, ...) */
    boolean accepts(String master);

    /**
     * Runs every task, each at most once to completion; a run that fails is reported, never stops
     * the others.
     *
     * @param tasks    the runs
     * @param master   where to run them
     * @param parallel runs at a time
     * @param conf     the backend's own settings ({@code --spark-conf key=value}: executor memory, a Kubernetes image, ...)
     * @return one outcome per task, in the order of {@code tasks}
     * @throws Exception if the backend itself fails (cannot reach its cluster, ...)
     */
    List<SweepOutcome> execute(List<SweepTask> tasks, String master, int parallel, java.util.Map<String, String> conf) throws Exception;
}
