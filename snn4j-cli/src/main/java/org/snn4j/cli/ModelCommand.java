package org.snn4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.snn4j.data.Dataset;
import org.snn4j.data.Datasets;
import org.snn4j.io.ModelFile;
import org.snn4j.io.SafeTensors;
import org.snn4j.train.sg.SgModel;
import org.snn4j.util.InputException;
import org.snn4j.util.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code snn4j model info FILE | model eval FILE}: inspect a saved model and evaluate it without a trainer. */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Inspect a saved model or checkpoint (.safetensors) and evaluate a saved model on a dataset.",
        subcommands = {ModelCommand.Info.class, ModelCommand.Eval.class})
final class ModelCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (info, eval)");
    }

    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "Print the format, provenance and tensors of a model or checkpoint file.")
    static final class Info implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "a .safetensors file written by snn4j")
        Path file;

        @Override
        public Integer call() {
            SafeTensors t = SafeTensors.read(file);
            String meta = t.metadata().get(ModelFile.META_KEY);
            if (meta == null) throw new InputException(file + ": a safetensors file without snn4j metadata (not written by snn4j)");
            Map<String, Object> m = Json.parseObject(meta, file.toString());
            System.out.println("file:       " + file);
            System.out.println("format:     " + m.get("format") + " version " + m.get("format_version"));
            if (m.get("provenance") instanceof Map<?, ?> p)
                for (String k : new String[] {"experiment", "dataset", "seed", "snn4j_version", "git_commit", "jvm", "saved_at"})
                    if (p.get(k) != null) System.out.printf("%-15s %s%n", k + ":", p.get(k));
            if (m.get("recipe") instanceof Map<?, ?> r) System.out.println("recipe:     " + Json.write(r));
            long params = 0;
            System.out.println("tensors:");
            for (Map.Entry<String, SafeTensors.Tensor> e : t.tensors().entrySet()) {
                params += e.getValue().size();
                System.out.printf("  %-40s %-4s %s%n", e.getKey(), e.getValue().dtype(), java.util.Arrays.toString(e.getValue().shape()));
            }
            System.out.println("values:     " + params);
            return 0;
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true,
            description = {"Evaluate a saved sg model (model.safetensors of sg-mlp) on a dataset's test split with its own",
                    "inference recipe (steps, encoder, decoder); prints one JSON line on standard output."})
    static final class Eval implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "model.safetensors")
        Path file;

        @Option(names = "--dataset", paramLabel = "NAME", description = "mnist or fashion-mnist (default: the model's training dataset)")
        String dataset;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "Data folder (default: $SNN4J_DATA, else the repository's data/).")
        String dataDir;

        @Option(names = "--threads", paramLabel = "N", description = "threads (0 = one per processor)")
        int threads;

        @Option(names = "--limit", paramLabel = "N", description = "only the first N test images (0 = all)")
        int limit;

        @Option(names = "--pass", paramLabel = "K", description = {"which random input coding (default 0); sg-mlp reports epoch e's",
                "test accuracy with pass e, so --pass E reproduces it bit for bit"})
        long pass;

        @Override
        public Integer call() {
            if (threads < 0 || limit < 0 || pass < 0) throw new InputException("--threads, --limit and --pass must be >= 0");
            SgModel model = SgModel.load(file);
            String ds = dataset != null ? dataset : model.provenance() == null ? null : model.provenance().dataset();
            if (ds == null || !Datasets.NAMES.contains(ds))
                throw new InputException("model eval: give --dataset (" + String.join(" or ", Datasets.NAMES) + "); the model names "
                        + (ds == null ? "no dataset" : "'" + ds + "'"));
            Dataset test = Datasets.loadOrFetch(ds, Datasets.Split.TEST, DataCommand.dir(dataDir), System.err);
            if (limit > 0 && limit < test.size()) test = test.head(limit);
            long t0 = System.nanoTime();
            double acc = model.evaluate(test, threads, pass);
            double s = (System.nanoTime() - t0) * 1e-9;
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("model", file.toString());
            line.put("dataset", ds);
            line.put("test_size", (long) test.size());
            line.put("pass", pass);
            line.put("test_accuracy", acc);
            line.put("steps", (long) model.recipe().steps());
            line.put("encoder", model.recipe().encoder());
            line.put("seconds", s);
            System.out.println(Json.write(line));
            return 0;
        }
    }
}
