package org.snn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snn4j.io.Npy;
import org.snn4j.nir.Nir;
import org.snn4j.nir.NirGraph;
import org.snn4j.nir.NirNode;
import org.snn4j.nir.NirTensor;
import org.snn4j.util.Json;

/** {@code snn4j nir}: info, a run folder from .npy and CSV input, and one-line errors for bad input. */
class NirCommandTest {
    @TempDir
    Path dir;

    /** in[2] → Affine → IF[2] → out: IF 0 sees twice the input of IF 1. */
    private Path graph() {
        NirGraph g = NirGraph.builder()
                .node("in", new NirNode.Input(new int[]{2}))
                .node("w", new NirNode.Affine(NirTensor.matrix(2, 2, new float[]{2, 0, 0, 1}), NirTensor.vector(0, 0)))
                .node("if", new NirNode.IF(NirTensor.vector(1000, 1000), NirTensor.vector(1, 1), NirTensor.vector(0, 0)))
                .node("out", new NirNode.Output(new int[]{2}))
                .chain("in", "w", "if", "out").build();
        Path f = dir.resolve("g.nir");
        Nir.write(g, f);
        return f;
    }

    @Test
    void runWritesTheRunFolder() throws Exception {
        Path g = graph(), in = dir.resolve("x.npy"), out = dir.resolve("run");
        int T = 20, B = 2;
        float[] x = new float[T * B * 2];
        java.util.Arrays.fill(x, 0.3f);   // R·dt = 1: IF 0 gains 0.6 per step, IF 1 0.3
        Npy.write(in, new int[]{T, B, 2}, x);
        Npy.write(dir.resolve("y.npy"), new int[]{B}, new float[]{0, 1});
        CliTest.Result r = CliTest.exec("nir", "run", g.toString(), "--dt", "1e-3", "--input", in.toString(), "--labels",
                dir.resolve("y.npy").toString(), "--record", "if", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Object> m = Json.parseObject(Files.readString(out.resolve("metrics.json")), "metrics");
        // IF 0: 0.6, 1.2 → spike every 2nd step: 10 per sample; IF 1: 0.3 ... 1.2 → every 4th: 5 per sample
        assertEquals(30.0, ((Number) m.get("spikes_if")).doubleValue());
        assertEquals(0.5, ((Number) m.get("accuracy")).doubleValue());   // both samples predict unit 0
        for (String f : new String[]{"config.json", "report.md", "raster.png", "output.npy", "traces/if.npy", "traces/if_v.npy"})
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        Npy.Array y = Npy.read(out.resolve("output.npy"));
        assertArrayEquals(new int[]{T, B, 2}, y.shape());
        assertEquals(1f, y.data()[1 * B * 2]);   // step 1, sample 0, unit 0
    }

    @Test
    void csvColumnsAndInfo() throws Exception {
        Path g = graph(), csv = dir.resolve("x.csv");
        Files.writeString(csv, "t,a,b\n0,0.6,0.6\n1,0.6,0.6\n2,0.6,0.6\n");
        CliTest.Result r = CliTest.exec("nir", "run", g.toString(), "--dt", "1e-3", "--input", csv.toString(), "--columns", "1,2",
                "--out", dir.resolve("csv").toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Object> m = Json.parseObject(Files.readString(dir.resolve("csv/metrics.json")), "metrics");
        assertEquals(3L + 1L, ((Number) m.get("spikes_if")).longValue());   // IF 0 gains 1.2 per step: 3 spikes; IF 1 0.6: one at step 1
        CliTest.Result info = CliTest.exec("nir", "info", g.toString(), "--dt", "1e-3");
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("IF") && info.out().contains("spikes"), info.out());
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {   // (also: an empty --out, a bad surrogate, a huge value quoted in bounds)
        Path g = graph();
        Path text = dir.resolve("bad.nir");
        Files.writeString(text, "not hdf5");
        CliTest.assertInputError(CliTest.exec("nir", "info", text.toString()), "bad.nir");
        CliTest.assertInputError(CliTest.exec("nir", "run", dir.resolve("missing.nir").toString(), "--dt", "1"), "missing.nir");
        CliTest.assertInputError(CliTest.exec("nir", "run", g.toString(), "--dt", "0"), "--dt");
        Path wrong = dir.resolve("w.npy");
        Npy.write(wrong, new int[]{4, 3}, new float[12]);
        CliTest.assertInputError(CliTest.exec("nir", "run", g.toString(), "--dt", "1", "--input", wrong.toString()), "does not end in the graph's input");
        Path junk = dir.resolve("j.npy");
        Files.write(junk, new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 100, 0});
        CliTest.assertInputError(CliTest.exec("nir", "run", g.toString(), "--dt", "1", "--input", junk.toString()), "j.npy");
        CliTest.assertInputError(CliTest.exec("nir", "run", g.toString(), "--dt", "1", "--record", "nope"), "nope");
        CliTest.assertInputError(CliTest.exec("nir", "export", dir.resolve("none.safetensors").toString(), "--out", dir.resolve("o.nir").toString()), "none.safetensors");
        CliTest.assertInputError(CliTest.exec("nir", "run", g.toString(), "--dt", "1", "--out", ""), "--out must name a folder");
        CliTest.assertInputError(CliTest.exec("run", "cuba", "--quick", "--out", ""), "--out must name a folder");
        CliTest.assertInputError(CliTest.exec("run", "sg-mlp", "--quick", "--set", "surrogate=fast_sigmoid:25:7:9", "--out", dir.resolve("s").toString()), "at most 1 parameter");
        String huge = "x".repeat(1_000_000);
        CliTest.Result r = CliTest.exec("run", "sg-mlp", "--quick", "--set", "reset=" + huge, "--out", dir.resolve("h").toString());
        CliTest.assertInputError(r, "(1000002 characters)");
        org.junit.jupiter.api.Assertions.assertTrue(r.err().strip().length() < 300, "the error quotes at most ~100 characters of the input");
        org.junit.jupiter.api.Assertions.assertFalse(Files.exists(dir.resolve("h")), "no run folder for a run that cannot start");
        org.junit.jupiter.api.Assertions.assertFalse(Files.exists(dir.resolve("s")), "no run folder for a run that cannot start");
        org.junit.jupiter.api.Assertions.assertTrue(r.err().length() < 2000, "a bounded error line: " + r.err().length());
    }
}
