package org.snn4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.Workload;
import org.snn4j.util.Json;
import org.snn4j.util.Provenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code snn4j bench NAME [--key value ...]}: runs one benchmark workload and prints exactly one JSON
 * line on standard output. {@code wall_s} counts from the launcher's start (SNN4J_LAUNCH_NS) or, if
 * run without the launcher, from JVM start.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run one benchmark workload; prints one JSON line. Options are the workload's parameters, "
                + "e.g. 'bench cuba --neurons 4000 --duration 1 --threads 2' ('snn4j list --params' lists them). "
                + "'bench scaling NAME --threads 1,2,4,8,16 [options]' runs NAME at each thread count in its own JVM: one line each, with speed-up and efficiency.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "Workload name.")
    String name;

    @Unmatched
    List<String> options = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (name.equals("scaling")) return ScalingBench.run(options);   // bench scaling NAME --threads 1,2,4,...
        Workload w = Registry.workload(name);
        Params p = w.defaults();
        p.applyOptions(options, "bench " + name);
        w.validate(p);
        Runner.checkData(p);
        Runner.chooseThreads(p);
        Map<String, Object> fields = w.run(p);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("tool", "snn4j");
        line.put("version", Provenance.version());
        line.put("workload", w.name());
        line.putAll(fields);
        line.put("wall_s", wallSeconds());
        line.put("peak_rss_mb", Math.round(Provenance.peakRssMb() * 10) / 10.0);
        line.put("java", System.getProperty("java.version"));
        System.out.println(Json.write(line));
        System.out.flush();
        return 0;
    }

    static double wallSeconds() {
        String launch = System.getenv("SNN4J_LAUNCH_NS");
        if (launch != null) {
            try {
                long ns = Long.parseLong(launch.trim());
                java.time.Instant now = java.time.Instant.now();
                long nowNs = now.getEpochSecond() * 1_000_000_000L + now.getNano();
                return Math.round((nowNs - ns) / 1e6) / 1000.0;
            } catch (NumberFormatException ignored) {
                // fall back to JVM start
            }
        }
        long start = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        return (System.currentTimeMillis() - start) / 1000.0;
    }
}
