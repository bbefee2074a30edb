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

    @Option(names = "--seeds", paramLabel = "N|SPEC", description = "Every experiment over seeds 1..N (or a list such as 1-10 or 3,5,9), as a sweep "
            + "(on Apache Spark when snn4j-spark is present): the report gives each metric as mean ± sd over the seeds.")
    String seeds;

    @Option(names = "--presets", description = "Also run every experiment's presets (the README's figures), each into DIR/NAME+PRESET.")
    boolean presets;

    @Option(names = "--only", paramLabel = "NAME,...", split = ",", description = "Only these experiments.")
    java.util.List<String> only;

    @Option(names = "--master", description = "With --seeds: where to run (default: ${DEFAULT-VALUE}).", defaultValue = "local[*]")
    String master;

    @Option(names = "--parallel", description = "With --seeds: runs at a time (default: the processors).", defaultValue = "0")
    int parallel;

    @Override
    public Integer call() throws Exception {
        Errors.checkOut(out);
        java.util.List<Experiment> experiments = new java.util.ArrayList<>();
        if (only == null) experiments.addAll(Registry.experiments());
        else for (String n : only) experiments.add(Registry.experiment(n.trim()));
        Path dir = out != null ? out : Runner.defaultOut("reproduce");
        if (seeds != null) return overSeeds(experiments, dir);
        Map<String, Object> summary = new LinkedHashMap<>();
        StringBuilder md = new StringBuilder("# snn4j reproduce" + (quick ? " --quick" : "") + "\n\n");
        md.append("snn4j ").append(Provenance.version()).append(", commit `").append(Provenance.gitCommit())
                .append("`, seed ").append(seed).append(".\n\n");
        for (Experiment e : experiments) {
            java.util.List<String> variants = new java.util.ArrayList<>();
            variants.add(null);
            if (presets) for (org.snn4j.experiment.Preset p : e.presets()) variants.add(p.name());
            for (String preset : variants) {
                String id = preset == null ? e.name() : e.name() + "+" + preset;
                System.err.println("== " + id);
                RunContext ctx = Runner.run(e, Runner.resolve(e, quick, preset, null, null), quick, seed, dir.resolve(id));
                summary.put(id, ctx.metrics());
                md.append("## ").append(id).append("\n\n").append(preset == null ? e.description() : e.preset(preset).description()).append("\n\n")
                        .append("Full report: [").append(id).append("/report.md](").append(id).append("/report.md)\n\n")
                        .append("| metric | value |\n|---|---:|\n");
                ctx.metrics().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(Json.write(v)).append(" |\n"));
                md.append('\n');
                AtomicFiles.writeString(dir.resolve("summary.json"), Json.pretty(summary));
                AtomicFiles.writeString(dir.resolve("report.md"), md.toString());
            }
        }
        System.err.println("reproduce: report in " + dir.resolve("report.md").toAbsolutePath().normalize());
        return 0;
    }

    /**
     * Every experiment over the seeds, all runs in one sweep (each DIR/NAME/seed=S an ordinary run
     * folder; rerunning the command skips finished runs), and one report: each metric as mean ± sd,
     * min and max over the seeds.
     */
    int overSeeds(java.util.List<Experiment> experiments, Path dir) throws Exception {
        java.util.List<Long> seedList = seeds.matches("\\d+") ? java.util.stream.LongStream.rangeClosed(1, Long.parseLong(seeds)).boxed().toList()
                : Sweep.seeds(seeds);
        if (seedList.isEmpty()) throw new org.snn4j.util.InputException("--seeds: at least one seed");
        int par = SweepCommand.parallel(master, parallel);
        java.util.List<Sweep.Run> runs = new java.util.ArrayList<>();
        for (Experiment e : experiments)
            runs.addAll(Sweep.plan(e, quick, null, null, java.util.List.of(), java.util.List.of(Map.of()), seedList, dir.resolve(e.name()), par));
        Sweep.backend(master);
        java.nio.file.Files.createDirectories(dir);
        long t0 = System.nanoTime();
        java.util.List<org.snn4j.cli.sweep.SweepOutcome> outcomes = Sweep.execute(runs, master, par, "reproduce", Map.of(), dir);
        double wall = (System.nanoTime() - t0) * 1e-9;
        Map<String, Map<String, Object>> metrics = Sweep.metricsById(java.util.stream.IntStream.range(0, runs.size())
                .mapToObj(k -> new org.snn4j.cli.sweep.SweepOutcome(runs.get(k).experiment() + "/" + outcomes.get(k).id(), outcomes.get(k).status(),
                        outcomes.get(k).metrics(), outcomes.get(k).error(), outcomes.get(k).wallS(), outcomes.get(k).host())).toList());
        StringBuilder md = new StringBuilder("# snn4j reproduce" + (quick ? " --quick" : "") + " --seeds " + seeds + "\n\n");
        md.append(String.format("snn4j %s, commit `%s`; %d runs (%d experiments × %d seeds) on %s in %.0f s. Each metric: mean ± sd over the seeds "
                + "(sample sd), [min, max], n. Each run's folder is NAME/seed=S.%n%n", Provenance.version(), Provenance.gitCommit(), runs.size(),
                experiments.size(), seedList.size(), master, wall));
        Map<String, Object> summary = new LinkedHashMap<>();
        int failed = 0;
        for (org.snn4j.cli.sweep.SweepOutcome o : outcomes) if (!o.ok()) failed++;
        for (Experiment e : experiments) {
            java.util.List<Map<String, Object>> ms = new java.util.ArrayList<>();
            for (Map.Entry<String, Map<String, Object>> m : metrics.entrySet()) if (m.getKey().startsWith(e.name() + "/")) ms.add(m.getValue());
            Map<String, Sweep.Stat> st = Sweep.stats(ms);
            Map<String, Object> js = new LinkedHashMap<>();
            st.forEach((k, v) -> js.put(k, v.json()));
            summary.put(e.name(), js);
            md.append("## ").append(e.name()).append("\n\n").append(e.description()).append("\n\n");
            md.append(ms.size()).append(" of ").append(seedList.size()).append(" seeds finished.\n\n| metric | mean ± sd | [min, max] |\n|---|---:|---:|\n");
            st.forEach((k, v) -> {
                if (!Sweep.timing(k))
                    md.append("| ").append(k).append(" | ").append(Sweep.pm(v)).append(" | [").append(Sweep.fmt(v.min())).append(", ")
                            .append(Sweep.fmt(v.max())).append("] |\n");
            });
            md.append('\n');
        }
        for (int k = 0; k < runs.size(); k++)
            if (!outcomes.get(k).ok()) md.append("Failed: ").append(runs.get(k).experiment()).append('/').append(outcomes.get(k).id()).append(": ")
                    .append(outcomes.get(k).error()).append("\n\n");
        AtomicFiles.writeString(dir.resolve("summary.json"), Json.pretty(summary));
        AtomicFiles.writeString(dir.resolve("report.md"), md.toString());
        System.err.println("reproduce: " + (runs.size() - failed) + " of " + runs.size() + " runs finished; report in "
                + dir.resolve("report.md").toAbsolutePath().normalize());
        if (failed > 0) {
            System.err.println("snn4j: error: " + failed + " runs failed (see report.md; rerun the same command to retry them)");
            return 1;
        }
        return 0;
    }
}
