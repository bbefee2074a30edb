package org.snn4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.snn4j.io.Npy;
import org.snn4j.nir.Nir;
import org.snn4j.nir.NirExport;
import org.snn4j.nir.NirGraph;
import org.snn4j.nir.NirNetwork;
import org.snn4j.nir.NirNodes;
import org.snn4j.nir.NirTensor;
import org.snn4j.plot.Plots;
import org.snn4j.train.sg.SgModel;
import org.snn4j.util.AtomicFiles;
import org.snn4j.util.InputException;
import org.snn4j.util.Json;
import org.snn4j.util.Provenance;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code snn4j nir info | run | export}: read, run and write NIR graphs. */
@Command(name = "nir", mixinStandardHelpOptions = true,
        description = "Read, run and write NIR graphs (HDF5 .nir files from Norse, snnTorch, Sinabs, Rockpool, Lava, ...).",
        subcommands = {NirCommand.Info.class, NirCommand.Run.class, NirCommand.Export.class})
final class NirCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (info, run, export)");
    }

    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "Print a NIR file's nodes (type, shape, parameters), edges and metadata; with --dt, also what running it means.")
    static final class Info implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "a .nir file")
        Path file;

        @Option(names = "--dt", paramLabel = "S", description = "time step in seconds: compile the graph and print each node's output size")
        Double dt;

        @Override
        public Integer call() {
            NirGraph g = Nir.read(file).check();
            System.out.println("file:        " + file);
            System.out.println("nodes:       " + g.nodes().size() + "   edges: " + g.edges().size() + "   parameters: " + g.parameterCount());
            print(g, "  ");
            if (!g.metadata().isEmpty()) System.out.println("metadata:    " + g.metadata().keySet());
            if (dt != null) {
                NirNetwork net = NirNetwork.compile(g, dt);
                System.out.println("compiled at dt = " + dt + " s, in execution order:");
                for (String n : net.nodeNames())
                    System.out.printf("  %-20s %-10s -> %s%s%n", n, net.type(n), Arrays.toString(net.shape(n)), net.spiking(n) ? "  spikes" : "");
                for (String note : net.notes()) System.out.println("note: " + note);
            }
            return 0;
        }

        private static void print(NirGraph g, String indent) {
            g.nodes().forEach((name, node) -> {
                StringBuilder p = new StringBuilder();
                NirNodes.parameters(node).forEach((k, t) -> p.append(' ').append(k).append(summary(t)));
                System.out.printf("%s%-20s %-10s%s%n", indent, name, node.type(), p);
                if (node instanceof NirGraph sub) print(sub, indent + "  ");
            });
            for (NirGraph.Edge e : g.edges()) System.out.println(indent + "edge " + e);
        }

        private static String summary(NirTensor t) {
            if (t.size() == 1) return "=" + t.get(0);
            return t.shapeText() + (t.uniform() ? "=" + t.get(0) : "∈[" + t.min() + ", " + t.max() + "]");
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run a NIR graph on an input and write a run folder: config.json, metrics.json (spikes_NODE per spiking node,",
                    "sum_NODE otherwise, samples_per_s, accuracy with --labels), output.npy [T, B, out], traces/NODE.npy for --record,",
                    "raster.png or output.png, report.md."})
    static final class Run implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "a .nir file")
        Path file;

        @Option(names = "--dt", required = true, paramLabel = "S", description = "time step in seconds (1 for graphs trained per step, e.g. Sinabs')")
        double dt;

        @Option(names = "--input", paramLabel = "FILE", description = {"input: .npy of shape [T, B, ...] or [T, ...] (B = 1), or .csv",
                "(one row per step); without it, Bernoulli spikes of --rate"})
        Path input;

        @Option(names = "--columns", paramLabel = "I,J", split = ",", description = "CSV columns to use (0-based; default all)")
        int[] columns;

        @Option(names = "--steps", paramLabel = "T", description = "run only the first T steps (0 = all; generated input: 100)")
        int steps;

        @Option(names = "--batch", paramLabel = "B", description = "generated input: samples (default 1)")
        int batch = 1;

        @Option(names = "--rate", paramLabel = "P", description = "generated input: spike probability per input per step (default 0.05)")
        double rate = 0.05;

        @Option(names = "--seed", paramLabel = "S", description = "generated input: seed (default 1)")
        long seed = 1;

        @Option(names = "--labels", paramLabel = "FILE", description = "a .npy of B class labels: accuracy of the output (most spikes, else largest sum)")
        Path labels;

        @Option(names = "--record", paramLabel = "NODE", split = ",", description = "nodes whose output (and membrane) to save per step")
        List<String> record = new ArrayList<>();

        @Option(names = "--threads", paramLabel = "N", description = "threads (0 = one per processor)")
        int threads;

        @Option(names = "--reps", paramLabel = "N", description = "timed runs; samples_per_s is their median (default 1)")
        int reps = 1;

        @Option(names = "--warmup", paramLabel = "N", description = "untimed runs before (default 0)")
        int warmup;

        @Option(names = "--out", paramLabel = "DIR", description = "run folder (default runs/nir-<timestamp>)")
        Path out;

        @Override
        public Integer call() throws IOException {
            long wall0 = System.nanoTime();
            Errors.checkOut(out);
            if (!(dt > 0) || Double.isInfinite(dt)) throw new InputException("--dt must be a positive number of seconds: " + dt);
            if (steps < 0 || batch < 1 || threads < 0 || reps < 1 || warmup < 0)
                throw new InputException("--steps, --threads and --warmup must be >= 0, --batch and --reps >= 1");
            if (input == null && !(rate >= 0 && rate <= 1)) throw new InputException("--rate must lie in [0, 1]: " + rate);
            NirNetwork net = Nir.load(file, dt);
            for (String r : record) if (!net.nodeNames().contains(r)) throw new InputException("--record: no node '" + r + "' (nodes: " + net.nodeNames() + ")");
            int nIn = net.inputSize();
            float[][] x;
            int b;
            if (input == null) {
                int T = steps == 0 ? 100 : steps;
                if ((long) T * batch * nIn > Npy.MAX_ELEMENTS) throw new InputException("generated input of " + (long) T * batch * nIn + " values is too large");
                x = new float[T][batch * nIn];
                for (int t = 0; t < T; t++) {
                    SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + t);   // per step: the same spikes whatever the batch split
                    for (int i = 0; i < x[t].length; i++) x[t][i] = rnd.nextDouble() < rate ? 1f : 0f;
                }
                b = batch;
            } else {
                Object[] r = readInput(input, nIn, columns);
                x = (float[][]) r[0];
                b = (Integer) r[1];
                if (steps > 0 && steps < x.length) x = Arrays.copyOf(x, steps);
            }
            int[] lab = labels == null ? null : readLabels(labels, b);
            // record the output node too: its raster or trace is the run's plot
            String outNode = net.nodeNames().stream().filter(n -> net.type(n).equals("Output")).findFirst().orElseThrow();
            String plotNode = lastSpiking(net);
            List<String> rec = new ArrayList<>(record);
            if (plotNode != null && !rec.contains(plotNode)) rec.add(plotNode);
            for (int i = 0; i < warmup; i++) net.run(x, b, List.of(), threads);
            double[] times = new double[reps];
            NirNetwork.Result res = null;
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                res = net.run(x, b, rec, threads);
                times[i] = (System.nanoTime() - t0) * 1e-9;
            }
            double[] sorted = times.clone();
            Arrays.sort(sorted);
            double runS = sorted[reps / 2];
            if (out == null) out = Path.of("runs", "nir-" + Instant.now().toString().replace(':', '-').replaceAll("\\.\\d+", ""));
            Files.createDirectories(out);

            int T = x.length, nOut = net.outputSize();
            Map<String, Object> cfg = new LinkedHashMap<>();
            cfg.put("command", "nir run");
            cfg.put("file", file.toString());
            cfg.put("file_sha256", Provenance.sha256(file));
            cfg.put("dt_s", dt);
            cfg.put("steps", (long) T);
            cfg.put("batch", (long) b);
            if (input != null) {
                cfg.put("input", input.toString());
                cfg.put("input_sha256", Provenance.sha256(input));
                if (columns != null) cfg.put("columns", Arrays.stream(columns).boxed().toList());
            } else {
                cfg.put("input", "bernoulli");
                cfg.put("rate", rate);
                cfg.put("seed", seed);
            }
            if (labels != null) cfg.put("labels", labels.toString());
            cfg.put("threads", (long) threads);
            cfg.put("reps", (long) reps);
            cfg.put("warmup", (long) warmup);
            cfg.put("record", rec);
            cfg.put("snn4j_version", Provenance.version());
            cfg.put("git_commit", Provenance.gitCommit());
            AtomicFiles.writeString(out.resolve("config.json"), Json.pretty(cfg) + "\n");

            Map<String, Object> m = new LinkedHashMap<>();
            m.put("steps", (long) T);
            m.put("batch", (long) b);
            m.put("dt_s", dt);
            m.put("nodes", (long) net.nodeNames().size());
            m.put("parameters", net.graph().parameterCount());
            m.put("run_s", runS);
            m.put("samples_per_s", b / runS);
            m.put("steps_per_s", (double) T * b / runS);
            long spikes = 0;
            for (String n : net.nodeNames()) {
                double s = res.totals.get(n);
                if (net.spiking(n)) {
                    m.put("spikes_" + n, Math.round(s));
                    spikes += Math.round(s);
                } else if (!net.type(n).equals("Input") && !net.type(n).equals("Output")) m.put("sum_" + n, s);
            }
            m.put("spikes_total", spikes);
            int[] pred = predictions(res.output, b, nOut);
            if (lab != null) {
                int ok = 0;
                for (int i = 0; i < b; i++) if (pred[i] == lab[i]) ok++;
                m.put("accuracy", (double) ok / b);
            }
            m.put("wall_s", (System.nanoTime() - wall0) * 1e-9);
            m.put("peak_rss_mb", Provenance.peakRssMb());
            AtomicFiles.writeString(out.resolve("metrics.json"), Json.pretty(m) + "\n");

            float[] flat = new float[T * b * nOut];
            for (int t = 0; t < T; t++) System.arraycopy(res.output[t], 0, flat, t * b * nOut, b * nOut);
            Npy.write(out.resolve("output.npy"), concat(new int[]{T, b}, net.shape(outNode)), flat);
            for (String r : record) {
                Npy.write(out.resolve("traces").resolve(r + ".npy"), concat(new int[]{T, b}, net.shape(r)), join(res.traces.get(r)));
                if (res.voltages.containsKey(r))
                    Npy.write(out.resolve("traces").resolve(r + "_v.npy"), concat(new int[]{T, b}, net.shape(r)), join(res.voltages.get(r)));
            }
            String plot;
            if (plotNode != null) {
                int n = (int) Arrays.stream(net.shape(plotNode)).asLongStream().reduce(1, (p, q) -> p * q);
                float[][] z = res.traces.get(plotNode);
                List<double[]> pts = new ArrayList<>();
                for (int t = 0; t < T; t++) for (int i = 0; i < n; i++) if (z[t][i] > 0) pts.add(new double[]{t * dt * 1e3, i});
                double[] ts = new double[pts.size()];
                int[] ids = new int[pts.size()];
                for (int k = 0; k < ts.length; k++) {
                    ts[k] = pts.get(k)[0];
                    ids[k] = (int) pts.get(k)[1];
                }
                plot = "raster.png";
                Plots.raster(out.resolve(plot), "node " + plotNode + " (" + net.type(plotNode) + "), sample 0: " + ts.length + " spikes", ts, ids, n);
            } else {
                int k = Math.min(nOut, 10);
                double[] ts = new double[T];
                double[][] tr = new double[k][T];
                for (int t = 0; t < T; t++) {
                    ts[t] = t * dt * 1e3;
                    for (int i = 0; i < k; i++) tr[i][t] = res.output[t][i];
                }
                plot = "output.png";
                Plots.traces(out.resolve(plot), "output, sample 0" + (nOut > k ? " (first " + k + " of " + nOut + ")" : ""), ts, tr, null, "value");
            }
            StringBuilder md = new StringBuilder();
            md.append("# snn4j nir run ").append(file.getFileName()).append("\n\n");
            md.append(String.format("%d steps of %s s, batch %d, %d nodes, %d parameters; %.1f samples/s (%d thread%s, median of %d).%n%n", T, dt, b,
                    net.nodeNames().size(), net.graph().parameterCount(), b / runS, threads, threads == 1 ? "" : "s", reps));
            md.append("| node | type | shape | spikes (or sum of output) |\n|---|---|---|---:|\n");
            for (String n : net.nodeNames())
                md.append("| ").append(n).append(" | ").append(net.type(n)).append(" | ").append(Arrays.toString(net.shape(n))).append(" | ")
                        .append(net.spiking(n) ? String.valueOf(Math.round(res.totals.get(n))) : String.format("%.4g", res.totals.get(n))).append(" |\n");
            if (m.containsKey("accuracy")) md.append(String.format("%naccuracy on the %d labelled samples: %.4f%n", b, (Double) m.get("accuracy")));
            for (String note : net.notes()) md.append("\n- ").append(note);
            md.append("\n\n![").append(plot).append("](").append(plot).append(")\n");
            AtomicFiles.writeString(out.resolve("report.md"), md.toString());
            System.err.printf("nir run: %d steps x %d samples in %.3f s (%.1f samples/s), %d spikes; wrote %s%n", T, b, runS, b / runS, spikes, out);
            return 0;
        }

        /** Class per sample: the output unit with the largest sum over time (spike count or summed potential). */
        static int[] predictions(float[][] y, int b, int nOut) {
            int[] p = new int[b];
            double[] s = new double[nOut];
            for (int i = 0; i < b; i++) {
                Arrays.fill(s, 0);
                for (float[] row : y) for (int k = 0; k < nOut; k++) s[k] += row[i * nOut + k];
                int best = 0;
                for (int k = 1; k < nOut; k++) if (s[k] > s[best]) best = k;
                p[i] = best;
            }
            return p;
        }

        private static String lastSpiking(NirNetwork net) {
            String last = null;
            for (String n : net.nodeNames()) if (net.spiking(n)) last = n;
            return last;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Write a saved snn4j model as a NIR graph: an sg model (model.safetensors of sg-mlp) becomes",
                    "Affine -> LIF / CubaLIF (recurrent: + Linear self-loop) -> ... -> LI, with the per-step decays as time constants of --dt."})
    static final class Export implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "MODEL_OR_RUN", description = "model.safetensors (sg model), or a run folder holding one")
        Path model;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "the .nir file to write")
        Path out;

        @Option(names = "--dt", paramLabel = "S", description = "the time step one model step stands for, in seconds (default 0.001)")
        double dt = 1e-3;

        @Override
        public Integer call() {
            if (!(dt > 0) || Double.isInfinite(dt)) throw new InputException("--dt must be a positive number of seconds: " + dt);
            if (Files.isDirectory(model)) {
                Path inside = model.resolve("model.safetensors");
                if (!Files.isRegularFile(inside))
                    throw new InputException(model + ": a folder without model.safetensors (NIR export takes sg models: runs of sg-mlp)");
                model = inside;
            }
            SgModel.load(model);   // the whole model checked first, in one line
            NirExport.Exported e = NirExport.of(model, dt);
            Nir.write(e.graph(), out);
            for (String note : e.notes()) System.err.println("nir export: note: " + note);
            System.err.printf("nir export: %d nodes, %d parameters -> %s%n", e.graph().nodes().size(), e.graph().parameterCount(), out);
            return 0;
        }
    }

    // ------------------------------------------------------------------ input files

    /** [T][B × nIn] and B from a .npy ([T, B, ...] or [T, ...]) or a .csv (one row per step, B = 1). */
    static Object[] readInput(Path f, int nIn, int[] columns) throws IOException {
        String name = String.valueOf(f.getFileName()).toLowerCase();
        if (name.endsWith(".csv") || name.endsWith(".txt")) {
            List<String> lines = Files.readAllLines(f);
            List<float[]> rows = new ArrayList<>();
            for (int ln = 0; ln < lines.size(); ln++) {
                String s = lines.get(ln).trim();
                if (s.isEmpty() || s.startsWith("#")) continue;
                String[] p = s.split("[,;\\s]+");
                int[] cols = columns != null ? columns : java.util.stream.IntStream.range(0, p.length).toArray();
                if (cols.length != nIn)
                    throw new InputException(f + " line " + (ln + 1) + ": " + cols.length + " values, the graph's input takes " + nIn + (columns == null ? " (choose with --columns)" : ""));
                float[] r = new float[nIn];
                for (int k = 0; k < nIn; k++) {
                    if (cols[k] < 0 || cols[k] >= p.length) throw new InputException(f + " line " + (ln + 1) + ": no column " + cols[k]);
                    try {
                        r[k] = Float.parseFloat(p[cols[k]]);
                    } catch (NumberFormatException e) {
                        if (rows.isEmpty()) {   // a header line
                            r = null;
                            break;
                        }
                        throw new InputException(f + " line " + (ln + 1) + ": not a number: " + p[cols[k]]);
                    }
                    if (!Float.isFinite(r[k])) throw new InputException(f + " line " + (ln + 1) + ": not a finite number: " + p[cols[k]]);
                }
                if (r != null) rows.add(r);
            }
            if (rows.isEmpty()) throw new InputException(f + ": no rows of numbers");
            return new Object[]{rows.toArray(new float[0][]), 1};
        }
        if (columns != null) throw new InputException("--columns applies to CSV input only");
        Npy.Array a = Npy.read(f);
        int[] s = a.shape();
        if (s.length < 1 || s[0] < 1) throw new InputException(f + ": shape " + Arrays.toString(s) + ": expected [T, B, ...] or [T, ...]");
        long per = a.size() / s[0];
        int b;
        if (s.length >= 2 && prod(s, 1) == nIn) b = 1;
        else if (s.length >= 2 && prod(s, 2) == nIn) b = s[1];
        else throw new InputException(f + ": shape " + Arrays.toString(s) + " does not end in the graph's input of " + nIn + " values ([T, B, ...] or [T, ...])");
        if (b < 1) throw new InputException(f + ": empty batch");
        float[][] x = new float[s[0]][];
        for (int t = 0; t < s[0]; t++) {
            x[t] = Arrays.copyOfRange(a.data(), (int) (t * per), (int) ((t + 1) * per));
            for (float v : x[t]) if (!Float.isFinite(v)) throw new InputException(f + ": step " + t + " holds a value that is not finite");
        }
        return new Object[]{x, b};
    }

    static int[] readLabels(Path f, int b) {
        Npy.Array a = Npy.read(f);
        if (a.size() != b) throw new InputException(f + ": " + a.size() + " labels for " + b + " samples");
        int[] l = new int[b];
        for (int i = 0; i < b; i++) {
            float v = a.data()[i];
            if (v != Math.rint(v) || v < 0) throw new InputException(f + ": label " + i + " is not a class index: " + v);
            l[i] = (int) v;
        }
        return l;
    }

    private static long prod(int[] s, int from) {
        long p = 1;
        for (int i = from; i < s.length; i++) p *= s[i];
        return p;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static float[] join(float[][] rows) {
        int n = 0;
        for (float[] r : rows) n += r.length;
        float[] f = new float[n];
        int o = 0;
        for (float[] r : rows) {
            System.arraycopy(r, 0, f, o, r.length);
            o += r.length;
        }
        return f;
    }
}
