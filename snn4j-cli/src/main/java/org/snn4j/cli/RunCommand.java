package org.snn4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.snn4j.experiment.Experiment;
import org.snn4j.experiment.Params;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/** {@code snn4j run NAME}: one experiment into one run folder. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run one experiment; writes config.json, metrics.json, PNG plots and report.md into the run folder.")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "Experiment name (see 'snn4j list').")
    String name;

    @Option(names = "--quick", description = "Small size that finishes in well under a minute (what the tests use).")
    boolean quick;

    @Option(names = "--seed", description = "Seed of every random draw (default: ${DEFAULT-VALUE}).", defaultValue = "42")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/NAME-<timestamp>).")
    Path out;

    @Option(names = "--preset", paramLabel = "NAME", description = "A named set of parameters that reproduces a quoted figure (listed by --describe).")
    String preset;

    @Option(names = "--config", paramLabel = "FILE", description = "JSON object of parameters to override.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one parameter (repeatable); '--key value' works too.")
    List<String> sets;

    @Unmatched
    List<String> options = new ArrayList<>();

    @Option(names = "--describe", description = "Print the parameters with their resolved values and exit.")
    boolean describe;

    @Override
    public Integer call() throws Exception {
        Errors.checkOut(out);
        Experiment e = Registry.experiment(name);
        Params p = Runner.resolve(e, quick, preset, config, sets);
        p.applyOptions(options, "run " + name);   // --key value, as bench takes them: after --set
        if (describe) {
            System.out.println(e.name() + ": " + e.description());
            ListCommand.printParams(p);
            ListCommand.printPresets(e);
            return 0;
        }
        Runner.run(e, p, quick, seed, out != null ? out : Runner.defaultOut(name));
        return 0;
    }
}
