package org.snn4j.cli;

import java.util.concurrent.Callable;
import org.snn4j.experiment.Experiment;
import org.snn4j.experiment.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code snn4j list}: every experiment (and benchmark) with a one-line description. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the experiments and benchmarks.")
final class ListCommand implements Callable<Integer> {
    @Option(names = "--params", description = "Also list each experiment's parameters with their defaults.")
    boolean params;

    @Override
    public Integer call() {
        System.out.println("Experiments (snn4j run NAME):");
        for (Experiment e : Registry.experiments()) {
            System.out.printf("  %-22s %s%n", e.name(), e.description());
            if (params) {
                printParams(e.defaults(false));
                printPresets(e);
            }
        }
        System.out.println("Benchmarks (snn4j bench NAME):");
        for (Workload w : Registry.workloads()) {
            System.out.printf("  %-22s %s%n", w.name(), w.description());
            if (params) printParams(w.defaults());
        }
        return 0;
    }

    static void printParams(org.snn4j.experiment.Params p) {
        p.asMap().forEach((k, v) -> System.out.printf("      %-24s %-12s %s%n", k, v, p.descriptions().get(k)));
    }

    /** An experiment's presets: name, what it reproduces, and its values. */
    static void printPresets(org.snn4j.experiment.Experiment e) {
        for (org.snn4j.experiment.Preset p : e.presets()) {
            System.out.printf("    --preset %-15s %s%n", p.name(), p.description());
            System.out.printf("      %-24s %s%n", "", new java.util.TreeMap<>(p.values()));
        }
    }
}
