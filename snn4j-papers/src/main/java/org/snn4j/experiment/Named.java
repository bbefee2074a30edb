package org.snn4j.experiment;

/**
 * A name on the command line and a one-line description: what experiments ({@link ExperimentBase})
 * and benchmark workloads ({@link WorkloadBase}) both carry.
 */
public abstract class Named {
    private final String name, description;

    /**
     * @param name        the name on the command line, lower-case with dashes
     * @param description one line for {@code snn4j list}
     */
    protected Named(String name, String description) {
        this.name = name;
        this.description = description;
    }

    /** @return the name on the command line */
    public final String name() {
        return name;
    }

    /** @return one line for {@code snn4j list} */
    public final String description() {
        return description;
    }
}
