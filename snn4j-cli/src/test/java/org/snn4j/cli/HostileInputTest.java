package org.snn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snn4j.experiment.Experiment;
import org.snn4j.experiment.Params;
import org.snn4j.experiment.Workload;

/**
 * The fuzz table of issue 18: hundreds of bad inputs, generated from every experiment's and every
 * benchmark's declared parameters (wrong types, values outside the declared range, non-finite numbers,
 * values outside an enumeration, malformed spec strings, unreadable and damaged files, impossible
 * combinations), each run through the command line in-process. Every one must end with exit code 2,
 * exactly one {@code snn4j: error:} line of bounded length, nothing on standard output for a benchmark,
 * and no run folder.
 */
class HostileInputTest {
    @TempDir
    static Path tmp;

    /** One bad input: the arguments after the run folder is chosen. */
    record Case(String category, String label, List<String> args) {
        Case(String label, List<String> args) {
            this("file, command or combination", label, args);
        }
    }

    /** Bad values for a key's type, range or enumeration, each as {category, value} (none for a free string: see {@link #freeStrings}). */
    static List<String[]> badValues(Params p, String key) {
        Object def = p.asMap().get(key);
        List<String[]> bad = new ArrayList<>();
        if (def instanceof Long) {
            for (String v : new String[] {"x", "1.5", ""}) bad.add(new String[] {"wrong type", v});
        } else if (def instanceof Double) {
            bad.add(new String[] {"wrong type", "x"});
            bad.add(new String[] {"non-finite number", "NaN"});
            bad.add(new String[] {"non-finite number", "-Infinity"});
        } else if (def instanceof Boolean) {
            bad.add(new String[] {"wrong type", "yes"});
        } else if (p.choices(key) != null) {
            bad.add(new String[] {"not in the enumeration", "bogus"});
            bad.add(new String[] {"not in the enumeration", ""});
        }
        double[] r = p.range(key);
        if (r != null) {
            if (r[0] > -1e15) bad.add(new String[] {"out of range", number(def, r[0] - Math.max(1, Math.abs(r[0])))});
            if (r[1] < 1e15) bad.add(new String[] {"out of range", number(def, r[1] + Math.max(1, Math.abs(r[1])))});
        }
        return bad;
    }

    static String number(Object def, double x) {
        return def instanceof Long ? Long.toString((long) Math.floor(x)) : Double.toString(x);
    }

    /** Bad values of the free-form string keys, by key name. */
    static Map<String, List<String>> freeStrings() throws IOException {
        Path notADir = Files.writeString(tmp.resolve("plain-file"), "not a folder");
        Path corrupt = Files.writeString(tmp.resolve("corrupt.safetensors"), "garbage, not a model");
        Path deep = Files.writeString(tmp.resolve("deep.safetensors"), "[".repeat(100_000));
        return Map.of(
                "hidden", List.of("0", "-5", "abc", "10,,10", "99999999999", "", "100000000"),
                "arch", List.of("12c5-zz", "c5-10", "12c99-10", "12c5-mp2-64c5-mp2", "1000000c5-10", "12c5--10"),
                "surrogate", List.of("fast_sigmoid:25:7:9", "nope", "arctan:x", "fast_sigmoid:-1", "triangle:1:2:3", ""),
                "init_model", List.of(tmp.resolve("missing.safetensors").toString(), corrupt.toString(), deep.toString(), notADir.toString()),
                "A", List.of("1,2;3", "x", "1,0;0,1", "0,1;-1", ";", "nan,0;0,nan"),
                "axis", List.of("1,2", "0,0,0", "a,b,c", "1,1,1,1"),
                "sweep_neurons", List.of("a", "0", "-1", "", "5,,10", "100000000"),
                "sweep_mu", List.of("a", "-1", "NaN", ""),
                "data_dir", List.of(notADir.toString()));
    }

    static List<Case> cases() throws IOException {
        Map<String, List<String>> free = freeStrings();
        List<Case> cases = new ArrayList<>();
        for (Experiment e : Registry.experiments()) {
            Params p = e.defaults(true);
            for (String key : p.asMap().keySet()) {
                List<String[]> bad = new ArrayList<>(badValues(p, key));
                if (p.asMap().get(key) instanceof String && p.choices(key) == null)
                    for (String v : free.getOrDefault(key, List.of())) bad.add(new String[] {"malformed spec string, file or size", v});
                for (String[] v : bad)
                    cases.add(new Case(v[0], "run " + e.name() + " " + key + "=" + v[1], List.of("run", e.name(), "--quick", "--set", key + "=" + v[1])));
            }
        }
        for (Workload w : Registry.workloads()) {
            Params p = w.defaults();
            for (String key : p.asMap().keySet()) {
                if (key.equals("data_dir")) continue;   // unused with the default random data: see the handmade cases
                List<String[]> bad = new ArrayList<>(badValues(p, key));
                if (p.asMap().get(key) instanceof String && p.choices(key) == null)
                    for (String v : free.getOrDefault(key, List.of())) bad.add(new String[] {"malformed spec string, file or size", v});
                for (String[] v : bad)
                    cases.add(new Case(v[0], "bench " + w.name() + " " + key + "=" + v[1], List.of("bench", w.name(), "--" + key.replace('_', '-') + "=" + v[1])));
            }
        }
        // every key once more through a config file, with a JSON value of the wrong kind
        for (Experiment e : Registry.experiments()) {
            Params p = e.defaults(true);
            for (String key : p.asMap().keySet()) {
                Object def = p.asMap().get(key);
                String json = def instanceof String ? "{\"" + key + "\": [1, 2]}" : def instanceof Boolean ? "{\"" + key + "\": \"true\"}"
                        : "{\"" + key + "\": {\"nested\": 1}}";
                Path cfg = Files.writeString(tmp.resolve("cfg-" + e.name() + "-" + key + ".json"), json);
                cases.add(new Case("config file value of the wrong kind", "run " + e.name() + " --config " + json, List.of("run", e.name(), "--quick", "--config", cfg.toString())));
            }
        }
        cases.addAll(handmade());
        return cases;
    }

    /** Files, commands and combinations that no declaration generates. */
    static List<Case> handmade() throws IOException {
        List<Case> c = new ArrayList<>();
        Path plain = tmp.resolve("plain-file");
        Path deep = Files.writeString(tmp.resolve("deep.json"), "[".repeat(200_000));
        Path deepObj = Files.writeString(tmp.resolve("deep-obj.json"), "{\"a\":".repeat(100_000));
        Path huge = Files.writeString(tmp.resolve("huge.json"), "{\"hidden\": \"" + "9".repeat(3_000_000) + "\"}");
        Path notJson = Files.writeString(tmp.resolve("not.json"), "hidden=100");
        Path array = Files.writeString(tmp.resolve("array.json"), "[1, 2]");
        Path otherRun = Files.writeString(tmp.resolve("other-config.json"), "{\"experiment\": \"cuba\", \"params\": {\"neurons\": 10}}");
        Path emptyIdx = tmp.resolve("empty-data");
        Files.createDirectories(emptyIdx.resolve("mnist"));
        for (String split : new String[] {"train", "t10k"})
            for (String kind : new String[] {"images-idx3", "labels-idx1"}) Files.write(emptyIdx.resolve("mnist").resolve(split + "-" + kind + "-ubyte.gz"), new byte[0]);
        String[][] runs = {
                {"run", "no-such-experiment", "--quick"},
                {"run", "erbp", "--quick", "--preset", "nope"},
                {"run", "cuba", "--quick", "--preset", "mnist"},
                {"sweep", "erbp", "--quick", "--preset", "nope", "--out", tmp.resolve("sweep-preset").toString()},
                {"run", "sg-mlp", "--quick", "--set", "hidden"},
                {"run", "sg-mlp", "--quick", "--set", "=5"},
                {"run", "sg-mlp", "--quick", "--set", "no_such_key=1"},
                {"run", "sg-mlp", "--quick", "--no-such-option", "1"},
                {"run", "sg-mlp", "--quick", "stray"},
                {"run", "sg-mlp", "--quick", "--seed", "x"},
                {"run", "sg-mlp", "--quick", "--hidden", "0"},
                {"run", "erbp", "--quick", "--hidden", "abc"},
                {"run", "erbp", "--quick", "--state-bits", "20"},
                {"run", "sg-mlp", "--quick", "--config", tmp.resolve("missing.json").toString()},
                {"run", "sg-mlp", "--quick", "--config", tmp.toString()},
                {"run", "sg-mlp", "--quick", "--config", deep.toString()},
                {"run", "sg-mlp", "--quick", "--config", deepObj.toString()},
                {"run", "sg-mlp", "--quick", "--config", huge.toString()},
                {"run", "sg-mlp", "--quick", "--config", notJson.toString()},
                {"run", "sg-mlp", "--quick", "--config", array.toString()},
                {"run", "sg-mlp", "--quick", "--config", otherRun.toString()},
                {"run", "sg-mlp", "--quick", "--set", "hidden=" + "7".repeat(1_000_000)},
                {"run", "sg-mlp", "--quick", "--set", "readout=lif", "--set", "loss=ce_mean"},
                {"run", "sg-mlp", "--quick", "--set", "readout=leaky", "--set", "loss=ce_count"},
                {"run", "sg-mlp", "--quick", "--set", "reset=zero_immediate", "--set", "neuron=rlif"},
                {"run", "sg-mlp", "--quick", "--set", "neuron=alif", "--set", "reset=zero"},
                {"run", "sg-mlp", "--quick", "--set", "encoder=latency", "--set", "augment_shift=2"},
                {"run", "sg-mlp", "--quick", "--set", "encoder=delta", "--set", "arch=12c5-mp2-10"},
                {"run", "sg-mlp", "--quick", "--set", "arch=12c5-mp2-10", "--set", "tbptt=5"},
                {"run", "sg-mlp", "--quick", "--set", "hidden=100000", "--set", "batch=100000"},
                {"run", "sg-mlp", "--quick", "--set", "data_dir=" + plain},
                {"run", "sg-mlp", "--quick", "--set", "data_dir=/proc/no-such-dir"},
                {"run", "sg-cnn", "--quick", "--set", "arch=64c3-64c3-64c3-64c3-10", "--set", "batch=100000"},
                {"run", "erbp", "--quick", "--set", "data_dir=" + plain},
                {"run", "erbp", "--quick", "--set", "data_dir=" + emptyIdx},
                {"run", "sg-mlp", "--quick", "--set", "dataset=mnist", "--set", "data_dir=" + emptyIdx},
                {"run", "erbp", "--quick", "--set", "data_dir=/proc/no-such-dir"},
                {"run", "erbp", "--quick", "--set", "learn_delay_ms=100", "--set", "train_ms=100"},
                {"run", "exact-xor", "--quick", "--set", "d1_max_ms=5000"},
                {"run", "exact-xor", "--quick", "--set", "t1_min_ms=140", "--set", "t1_max_ms=60"},
                {"run", "exact-xor", "--quick", "--set", "neurons=1000000"},
                {"run", "exact-xor", "--quick", "--set", "trial_s=100000", "--set", "dt_ms=0.001"},
                {"run", "exact-encoding", "--quick", "--set", "skip_ms=100000"},
                {"run", "exact-encoding", "--quick", "--set", "neurons=1000000"},
                {"run", "balanced-oscillator", "--quick", "--set", "test_s=1e9"},
                {"run", "balanced-oscillator", "--quick", "--set", "A=1,0;0,1"},
                {"run", "balanced-oscillator", "--quick", "--set", "A=0,-6.28;6.28,0"},
                {"run", "balanced-oscillator", "--quick", "--set", "tau_slow_ms=0.1", "--set", "dt_ms=0.5"},
                {"run", "balanced-lds", "--quick", "--set", "axis=0,0,0"},
                {"run", "cuba", "--quick", "--set", "neurons=100000000"},
                {"run", "cuba", "--quick", "--set", "duration_s=1e-9"},
                {"run", "scn-analytic", "--quick", "--set", "demo_ms=1e9", "--set", "dt_ms=0.001"},
                {"run", "scn-learning", "--quick", "--set", "lambda=1000", "--set", "dt_ms=10"},
                {"run", "scn-dale", "--quick", "--set", "kappa_e=100", "--set", "lambda=100"},
                {"bench", "no-such-bench"},
                {"bench", "cuba", "stray"},
                {"bench", "cuba", "--no-such-key", "1"},
                {"bench", "cuba", "--neurons", "100000000"},
                {"bench", "exact-qif", "--neurons", "1000000"},
                {"bench", "sg-mlp", "--data", "fashion-mnist", "--data-dir", plain.toString()},
                {"bench", "sg-cnn", "--arch", "100000c5-10"},
                {"bench", "erbp", "--variant", "bad"},
                {"bench", "ff-lif", "--neurons", "1000000"},
                {"data", "fetch", "no-such-dataset"},
                {"model", "info", tmp.resolve("missing.safetensors").toString()},
                {"model", "info", plain.toString()},
                {"nir", "info", plain.toString()},
                {"nir", "info", tmp.resolve("missing.nir").toString()},
        };
        for (String[] a : runs) c.add(new Case(String.join(" ", a).substring(0, Math.min(120, String.join(" ", a).length())), List.of(a)));
        return c;
    }

    /**
     * Every case ends with exit code 2 and one bounded error line, writes nothing on standard output
     * (a benchmark prints its JSON line only when it ran), and leaves no run folder.
     */
    @Test
    void everyBadInputIsRefusedBeforeAnythingIsWritten() throws IOException {
        List<Case> cs = cases();
        assertTrue(cs.size() >= 300, "at least 300 generated bad inputs, got " + cs.size());
        List<String> failures = new ArrayList<>();
        int k = 0;
        for (Case c : cs) {
            Path out = tmp.resolve("run-" + k++);
            List<String> args = new ArrayList<>(c.args());
            if (args.get(0).equals("run")) {
                args.add("--out");
                args.add(out.toString());
            }
            CliTest.Result r = CliTest.exec(args.toArray(String[]::new));
            String[] lines = r.err().strip().split("\n");
            String why = null;
            if (r.code() != 2) why = "exit " + r.code();
            else if (lines.length != 1 || !lines[0].startsWith("snn4j: error: ")) why = lines.length + " lines on stderr";
            else if (lines[0].length() > Errors.MAX_LINE + 60) why = "error line of " + lines[0].length() + " characters";
            else if (!r.out().isEmpty()) why = "standard output: " + r.out().strip();
            else if (Files.exists(out)) why = "left the folder " + out;
            if (why != null) failures.add(c.label() + ": " + why + " | " + org.snn4j.util.InputException.quote(r.err().strip().lines().findFirst().orElse("")));
        }
        System.out.println("hostile inputs: " + cs.size() + " cases, " + (cs.size() - failures.size()) + " refused cleanly");
        Map<String, Integer> byCategory = new java.util.TreeMap<>();
        for (Case c : cs) byCategory.merge((c.args().get(0).equals("bench") ? "bench: " : c.args().get(0).equals("run") ? "run: " : "other: ") + c.category(), 1, Integer::sum);
        byCategory.forEach((cat, n) -> System.out.println("  " + cat + ": " + n));
        assertEquals(List.of(), failures, failures.size() + " of " + cs.size() + " bad inputs were not refused cleanly");
    }

    /** The checks refuse nothing they should pass: every experiment's defaults (quick and full size) and every benchmark's defaults are valid. */
    @Test
    void defaultsAreValid() {
        for (Experiment e : Registry.experiments()) {
            e.validate(e.defaults(true));
            e.validate(e.defaults(false));   // full size too: the memory estimates must not refuse the paper's runs
        }
        for (Workload w : Registry.workloads()) w.validate(w.defaults());
    }
}
