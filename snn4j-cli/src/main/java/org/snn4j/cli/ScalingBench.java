package org.snn4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.Workload;
import org.snn4j.util.InputException;
import org.snn4j.util.Json;
import org.snn4j.util.Provenance;

/**
 * {@code snn4j bench scaling NAME [--threads 1,2,4,8,16] [NAME's options]}: the workload at each
 * thread count, each in a fresh JVM (its own JIT and heap), one JSON line per count with the
 * speed-up over the first count and the efficiency (speed-up / threads ratio): of the timed part
 * ({@code run_s}, lower is better) and of every throughput field ({@code *_per_s}).
 */
final class ScalingBench {
    private ScalingBench() {
    }

    static int run(List<String> options) throws IOException, InterruptedException {
        if (options.isEmpty() || options.get(0).startsWith("--"))
            throw new InputException("bench scaling: name the workload, e.g. 'bench scaling sg-mlp --threads 1,2,4,8,16'");
        Workload w = Registry.workload(options.get(0));
        if (w.name().equals("scaling")) throw new InputException("bench scaling: cannot scale itself");
        List<String> rest = new ArrayList<>(options.subList(1, options.size()));
        String spec = "1,2";
        int k = rest.indexOf("--threads");
        if (k >= 0) {
            if (k + 1 >= rest.size()) throw new InputException("bench scaling: --threads needs a list such as 1,2,4,8,16");
            spec = rest.get(k + 1);
            rest.remove(k + 1);
            rest.remove(k);
        }
        List<Integer> counts = new ArrayList<>();
        for (String s : spec.split(",", -1)) {
            try {
                int t = Integer.parseInt(s.trim());
                if (t < 1 || t > 1024) throw new NumberFormatException();
                counts.add(t);
            } catch (NumberFormatException e) {
                throw new InputException("bench scaling: --threads expects counts in [1, 1024] such as 1,2,4,8,16, got '" + InputException.quote(spec) + "'");
            }
        }
        Params p = w.defaults();
        if (!p.has("threads")) throw new InputException("bench scaling: workload " + w.name() + " has no threads parameter");
        p.applyOptions(rest, "bench scaling " + w.name());   // the workload's own checks, before any process starts
        w.validate(p);
        Map<String, Object> base = null;
        for (int t : counts) {
            Map<String, Object> line = once(w.name(), t, rest);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("tool", "snn4j");
            out.put("version", Provenance.version());
            out.put("workload", "scaling");
            out.put("of", w.name());
            out.put("threads", (long) t);
            out.put("threads_used", line.get("threads"));
            out.put("cpus", (long) Runtime.getRuntime().availableProcessors());
            if (base == null) base = line;
            double t0 = (double) counts.get(0);
            for (Map.Entry<String, Object> e : line.entrySet()) {
                String key = e.getKey();
                if (!(e.getValue() instanceof Number n) || !(base.get(key) instanceof Number b)) continue;
                boolean time = key.equals("run_s"), rate = key.endsWith("_per_s");
                if (!time && !rate) continue;
                double speedup = time ? b.doubleValue() / n.doubleValue() : n.doubleValue() / b.doubleValue();
                out.put(key, n);
                out.put(key.equals("run_s") ? "speedup" : key + "_speedup", Math.round(speedup * 1000) / 1000.0);
                out.put(key.equals("run_s") ? "efficiency" : key + "_efficiency", Math.round(speedup / (t / t0) * 1000) / 1000.0);
            }
            out.put("peak_rss_mb", line.get("peak_rss_mb"));
            System.out.println(Json.write(out));
            System.out.flush();
        }
        return 0;
    }

    /** One run of the workload at t threads in its own JVM; its JSON line. */
    static Map<String, Object> once(String name, int t, List<String> rest) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Sweep.jvmOptions());
        cmd.addAll(List.of("-cp", Sweep.childClassPath(), Main.class.getName(), "bench", name, "--threads", Integer.toString(t)));
        cmd.addAll(rest);
        Process proc = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int code = proc.waitFor();
        if (code != 0 || out.isEmpty())
            throw new IOException("bench " + name + " at " + t + " threads failed (exit " + code + ")");
        String last = out.substring(out.lastIndexOf('\n') + 1);
        return Json.parseObject(last, "bench " + name);
    }
}
