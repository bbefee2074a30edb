package org.snn4j.experiment;

/**
 * A named, reproducible result: {@code snn4j run NAME}. Implementations register themselves with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/org.snn4j.experiment.Experiment}), so a
 * module adds experiments without touching the command line.
 */
public interface Experiment {
    /** The name used on the command line, lower-case with dashes. */
    String name();

    /** One line for {@code snn4j list}. */
    String description();

    /** Every parameter with its default at the paper's size, or at the quick size for tests. */
    Params defaults(boolean quick);

    /** Named parameter sets that reproduce quoted figures ({@code --preset NAME}); none by default. */
    default java.util.List<Preset> presets() {
        return java.util.List.of();
    }

    /** The preset of that name, or an {@link org.snn4j.util.InputException} listing the known ones. */
    default Preset preset(String name) {
        for (Preset p : presets()) if (p.name().equals(name)) return p;
        java.util.List<String> known = new java.util.ArrayList<>();
        for (Preset p : presets()) known.add(p.name());
        throw new org.snn4j.util.InputException(name() + ": unknown preset '" + org.snn4j.util.InputException.quote(name) + "'"
                + (known.isEmpty() ? " (this experiment has none)" : " (known: " + String.join(", ", known) + ")"));
    }

    /**
     * Checks the parameters before anything is written (the run folder appears only for a run that can
     * start): throws {@link org.snn4j.util.InputException} naming the first bad value. The default checks nothing.
     */
    default void validate(Params p) {
    }

    /**
     * For an experiment that checkpoints: refuses, before anything is written, to resume a checkpoint
     * in {@code out} of a run with other settings or seed (the one resume rule, {@link
     * org.snn4j.io.Checkpoint}), and a damaged or foreign checkpoint. The default has nothing to check.
     */
    default void checkResume(Params p, long seed, java.nio.file.Path out) {
    }

    /** Runs with the resolved parameters, writing into the run folder of {@code run}. */
    void run(RunContext run) throws Exception;
}
