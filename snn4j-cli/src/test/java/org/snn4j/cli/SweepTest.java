package org.snn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snn4j.cli.sweep.LocalBackend;
import org.snn4j.cli.sweep.SweepOutcome;
import org.snn4j.cli.sweep.SweepTask;
import org.snn4j.util.InputException;
import org.snn4j.util.Json;

/** {@code snn4j sweep} without Spark (the built-in local backend): plans, statistics, resuming, failures. */
class SweepTest {
    @TempDir
    Path tmp;

    @Test
    void seedsAndGridParse() {
        assertEquals(List.of(1L, 2L, 3L, 7L), Sweep.seeds("1-3,7"));
        assertEquals(List.of(42L), Sweep.seeds("42"));
        for (String bad : new String[] {"", "a", "3-1", "1,,2", "1-3,2", "1-1000000000"})
            assertThrows(InputException.class, () -> Sweep.seeds(bad), bad);
        List<Map<String, String>> pts = Sweep.points(List.of(Sweep.grid("hidden=64|64,64"), Sweep.grid("lr=1e-3,2e-3")));
        assertEquals(4, pts.size());
        assertEquals(Map.of("hidden", "64,64", "lr", "2e-3"), pts.get(3));
        for (String bad : new String[] {"lr", "=1", "lr=", "lr=1,,2", "lr=1,1"}) assertThrows(InputException.class, () -> Sweep.grid(bad), bad);
        assertEquals("hidden=64_64,seed=3", Sweep.folder(Map.of("hidden", "64/64"), 3));
    }

    @Test
    void statisticsOverSeeds() {
        Map<String, Sweep.Stat> s = Sweep.stats(List.of(Map.of("a", 1.0, "b", "text"), Map.of("a", 3L), Map.of("a", Double.NaN)));
        Sweep.Stat a = s.get("a");
        assertEquals(2, a.n());
        assertEquals(2.0, a.mean());
        assertEquals(Math.sqrt(2), a.sd(), 1e-15);
        assertEquals(1.0, a.min());
        assertEquals(3.0, a.max());
        assertFalse(s.containsKey("b"));
    }

    static List<String> cuba(String master, Path out) {
        return List.of("sweep", "cuba", "--quick", "--seeds", "1-3", "--grid", "neurons=100,200", "--set", "seeds=1", "--set", "duration_s=0.1",
                "--master", master, "--out", out.toString(), "--plot", "mean_rate_hz");
    }

    static Map<String, Object> points(Path sweep) throws Exception {
        Map<String, Object> all = new TreeMap<>();
        for (Object p : (List<?>) Json.parseObject(Files.readString(sweep.resolve("sweep.json")), "s").get("points")) {
            Map<?, ?> point = (Map<?, ?>) p;
            Map<String, Object> m = new TreeMap<>();
            ((Map<?, ?>) point.get("metrics")).forEach((k, v) -> {
                if (!Sweep.timing((String) k)) m.put((String) k, v);
            });
            all.put(String.valueOf(point.get("point")), m);
        }
        return all;
    }

    @Test
    void sweepIsTheSameWhateverTheParallelismAndARerunSkipsFinishedRuns() throws Exception {
        Path one = tmp.resolve("one"), two = tmp.resolve("two");
        assertEquals(0, CliTest.exec(cuba("local[1]", one).toArray(String[]::new)).code());
        CliTest.Result r = CliTest.exec(cuba("local[2]", two).toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertEquals(points(one), points(two));
        assertTrue(Files.exists(two.resolve("sweep.md")) && Files.exists(two.resolve("sweep-mean_rate_hz.png")));
        assertTrue(Files.exists(two.resolve("neurons=200,seed=3").resolve("report.md")), "each run is an ordinary run folder");
        String md = Files.readString(two.resolve("sweep.md"));
        assertTrue(md.contains("## neurons=100") && md.contains(" ± "), md);

        CliTest.Result again = CliTest.exec(cuba("local[2]", two).toArray(String[]::new));
        assertEquals(0, again.code());
        assertTrue(again.err().contains("6 runs (6 already finished)"), again.err());
        assertEquals(points(one), points(two));
    }

    @Test
    void aFailedRunIsReportedAndTheOthersFinish() throws Exception {
        String cp = Sweep.childClassPath();
        List<String> opts = Sweep.jvmOptions();
        SweepTask good = new SweepTask("good", List.of("run", "cuba", "--quick", "--set", "neurons=50", "--set", "seeds=1", "--set", "duration_s=0.05",
                "--out", tmp.resolve("good").toString()), tmp.resolve("good").toString(), tmp.resolve("logs/good.log").toString(), null, cp, opts);
        SweepTask bad = new SweepTask("bad", List.of("run", "cuba", "--quick", "--set", "neurons=-1", "--out", tmp.resolve("bad").toString()),
                tmp.resolve("bad").toString(), tmp.resolve("logs/bad.log").toString(), null, cp, opts);
        List<SweepOutcome> out = new LocalBackend().execute(List.of(bad, good), "local[2]", 2, Map.of());
        assertEquals("failed", out.get(0).status());
        assertTrue(out.get(0).error().contains("neurons"), out.get(0).error());
        assertEquals("done", out.get(1).status());
        assertTrue(out.get(1).metrics().contains("mean_rate_hz"));
    }

    @Test
    void badSweepsAreRefusedBeforeAnythingIsWritten() {
        Path out = tmp.resolve("refused");
        String[][] bad = {
                {"sweep", "cuba", "--quick", "--grid", "neurons=100,-5", "--out", out.toString()},
                {"sweep", "cuba", "--quick", "--grid", "no_such_key=1,2", "--out", out.toString()},
                {"sweep", "cuba", "--quick", "--seeds", "5-1", "--out", out.toString()},
                {"sweep", "cuba", "--quick", "--master", "mesos://x", "--out", out.toString()},
                {"sweep", "cuba", "--quick", "--parallel", "-1", "--out", out.toString()},
                {"sweep", "nope", "--out", out.toString()},
        };
        for (String[] a : bad) {
            CliTest.Result r = CliTest.exec(a);
            assertEquals(2, r.code(), String.join(" ", a) + ": " + r.err());
            assertFalse(Files.exists(out), String.join(" ", a));
        }
    }
}
