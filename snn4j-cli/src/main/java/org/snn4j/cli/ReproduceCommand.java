package org.snn4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.snn4j.experiment.Experiment;
import org.snn4j.experiment.RunContext;
import org.snn4j.util.AtomicFiles;
import org.snn4j.util.Json;
import org.snn4j.util.Provenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code snn4j reproduce}: every experiment, one folder each, and a combined report. */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = "Run every experiment and write one combined report (DIR/report.md, DIR/summary.json).")
final class ReproduceCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Quick sizes.")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: runs/reproduce-<timestamp>).")
    Path out;

    @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).", defaultValue = "42")
    long seed;

    @Override
    public Integer call() throws Exception {
        Errors.checkOut(out);
        Path dir = out != null ? out : Runner.defaultOut("reproduce");
        Map<String, Object> summary = new LinkedHashMap<>();
        StringBuilder md = new StringBuilder("# snn4j reproduce" + (quick ? " --quick" : "") + "\n\n");
        md.append("snn4j ").append(Provenance.version()).append(", commit `").append(Provenance.gitCommit())
                .append("`, seed ").append(seed).append(".\n\n");
        for (Experiment e : Registry.experiments()) {
            System.err.println("== " + e.name());
            RunContext ctx = Runner.run(e, Runner.resolve(e, quick, null, null), quick, seed, dir.resolve(e.name()));
            summary.put(e.name(), ctx.metrics());
            md.append("## ").append(e.name()).append("\n\n").append(e.description()).append("\n\n")
                    .append("Full report: [").append(e.name()).append("/report.md](").append(e.name()).append("/report.md)\n\n")
                    .append("| metric | value |\n|---|---:|\n");
            ctx.metrics().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(Json.write(v)).append(" |\n"));
            md.append('\n');
            AtomicFiles.writeString(dir.resolve("summary.json"), Json.pretty(summary));
            AtomicFiles.writeString(dir.resolve("report.md"), md.toString());
        }
        System.err.println("reproduce: report in " + dir.resolve("report.md").toAbsolutePath().normalize());
        return 0;
    }
}
