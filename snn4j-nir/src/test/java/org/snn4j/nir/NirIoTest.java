package org.snn4j.nir;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snn4j.util.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * NirReader and NirWriter: the real files in ../shared/nir, a write→read round trip over every node type
 * (nested graph and metadata included), the reader's leniency, and bad files.
 */
class NirIoTest {
    /** The real files from other tools, copied from the NIR repository (see resources/nir/NOTICE.md). */
    private static final Path SHARED = Paths.get("src/test/resources/nir");

    @TempDir
    Path tmp;

    private static Path shared(String rel) {
        Path p = SHARED.resolve(rel);
        assumeTrue(Files.isRegularFile(p), "NIR test file " + p.toAbsolutePath().normalize() + " absent: skipped");
        return p;
    }

    // ---------------------------------------------------------------- real files

    @Test
    void readsLifNorse() {
        NirGraph g = NirReader.read(shared("01_lif/lif_norse.nir")).check();
        assertEquals(List.of("0", "1", "input", "output"), sorted(g.nodes().keySet()));
        NirNode.Affine a = assertInstanceOf(NirNode.Affine.class, g.nodes().get("0"));
        assertArrayEquals(new int[]{1, 1}, a.weight().shape());
        assertEquals(1f, a.weight().get(0));
        assertEquals(0f, a.bias().get(0));
        NirNode.LIF lif = assertInstanceOf(NirNode.LIF.class, g.nodes().get("1"));
        assertEquals(0.0025f, lif.tau().get(0));
        assertEquals(0.1f, lif.vThreshold().get(0));
        assertEquals(1f, lif.r().get(0));
        assertEquals(0f, lif.vLeak().get(0));
        assertEquals(NirTensor.filled(0f, 1), lif.vReset()); // absent in the file: zeros, as the reference reader
        assertArrayEquals(new int[]{1}, ((NirNode.Input) g.nodes().get("input")).shape());
        assertEquals(List.of(new NirGraph.Edge("input", "0"), new NirGraph.Edge("0", "1"), new NirGraph.Edge("1", "output")), g.edges());
    }

    @Test
    void readsLifRockpoolKeepingItsOutputShape() {
        NirGraph g = NirReader.read(shared("01_lif/lif_rockpool.nir")).check();
        NirNode.Linear l = assertInstanceOf(NirNode.Linear.class, g.nodes().get("0_LinearTorch"));
        assertEquals(0.04f, l.weight().get(0));
        NirNode.LIF lif = assertInstanceOf(NirNode.LIF.class, g.nodes().get("1_LIFNeuronTorch"));
        assertEquals(24.019737f, lif.r().get(0));
        assertEquals(0.0025f, lif.tau().get(0));
        // the 2023 convention: [1, 1, 1] for one neuron, kept as given
        assertArrayEquals(new int[]{1, 1, 1}, ((NirNode.Output) g.nodes().get("output")).shape());
        assertEquals(3, g.edges().size());
    }

    @Test
    void readsCnnSinabs() {
        NirGraph g = NirReader.read(shared("02_cnn/cnn_sinabs.nir")).check();
        assertEquals(15, g.nodes().size()); // 13 layers, input, output
        // in the order data flows, not h5py's alphabetical "0, 1, 10, 11, ..."
        assertEquals(List.of("input", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "output"),
                new ArrayList<>(g.nodes().keySet()));
        assertEquals(14, g.edges().size());
        NirNode.Conv2d c0 = assertInstanceOf(NirNode.Conv2d.class, g.nodes().get("0"));
        assertArrayEquals(new int[]{16, 2, 5, 5}, c0.weight().shape());
        assertArrayEquals(new int[]{2, 2}, c0.stride());
        assertArrayEquals(new int[]{1, 1}, c0.padding());
        assertArrayEquals(new int[]{1, 1}, c0.dilation());
        assertArrayEquals(new int[]{34, 34}, c0.inputShape());
        assertEquals(1, c0.groups());
        assertArrayEquals(new int[]{16}, c0.bias().shape());
        NirNode.IF if1 = assertInstanceOf(NirNode.IF.class, g.nodes().get("1"));
        assertArrayEquals(new int[]{16, 16, 16}, if1.r().shape());
        assertEquals(NirTensor.filled(0f, 16, 16, 16), if1.vReset());
        NirNode.SumPool2d p = assertInstanceOf(NirNode.SumPool2d.class, g.nodes().get("4"));
        assertArrayEquals(new int[]{2, 2}, p.kernelSize());
        assertArrayEquals(new int[]{2, 2}, p.stride());
        NirNode.Flatten f = assertInstanceOf(NirNode.Flatten.class, g.nodes().get("8"));
        assertArrayEquals(new int[]{8, 4, 4}, f.inputType());
        assertEquals(0, f.startDim());
        assertEquals(-1, f.endDim());
        assertArrayEquals(new int[]{128}, f.outputShape());
        NirNode.Affine a = assertInstanceOf(NirNode.Affine.class, g.nodes().get("11"));
        assertArrayEquals(new int[]{10, 256}, a.weight().shape());
        assertArrayEquals(new int[]{2, 34, 34}, ((NirNode.Input) g.nodes().get("input")).shape());
        assertArrayEquals(new int[]{10}, ((NirNode.Output) g.nodes().get("output")).shape());
        long types = g.nodes().values().stream().map(NirNode::type).distinct().count();
        assertEquals(7, types); // Input, Output, Conv2d, IF, SumPool2d, Flatten, Affine
    }

    @Test
    void realFilesSurviveARoundTrip() {
        for (String f : List.of("01_lif/lif_norse.nir", "01_lif/lif_rockpool.nir", "02_cnn/cnn_sinabs.nir")) {
            NirGraph g = NirReader.read(shared(f));
            Path out = tmp.resolve(Paths.get(f).getFileName());
            NirWriter.write(g, out);
            assertEquals(canon(g), canon(NirReader.read(out)), f);
        }
    }

    // ---------------------------------------------------------------- round trip

    /** A graph with every node type, a nested graph and metadata; its shapes agree along every edge. */
    static NirGraph everyNodeType() {
        NirGraph sub = NirGraph.builder()
                .node("in", new NirNode.Input(new int[]{6}))
                .node("li", new NirNode.LI(ramp(0.02f, 0.001f, 6), ramp(1f, 0.1f, 6), ramp(-0.1f, 0.01f, 6)))
                .node("integ", new NirNode.Integrator(ramp(0.5f, 0.25f, 6)))
                .node("out", new NirNode.Output(new int[]{6}))
                .chain("in", "li", "integ", "out")
                .metadata("role", "readout")
                .metadata("depth", 1L)
                .build();
        return NirGraph.builder()
                .node("input", new NirNode.Input(new int[]{2, 8, 8}))
                .node("conv2", new NirNode.Conv2d(new int[]{8, 8}, ramp(-0.5f, 0.01f, 4, 2, 3, 3), new int[]{1, 1}, new int[]{1, 1},
                        new int[]{1, 1}, 1, ramp(0.1f, 0.1f, 4)))
                .node("if", new NirNode.IF(NirTensor.filled(1f, 4, 8, 8), ramp(0.5f, 0.001f, 4, 8, 8), NirTensor.filled(0f, 4, 8, 8)))
                .node("sumpool", new NirNode.SumPool2d(new int[]{2, 2}, new int[]{2, 2}, new int[]{0, 0}))
                .node("avgpool", new NirNode.AvgPool2d(new int[]{2, 2}, new int[]{2, 2}, new int[]{0, 0}))
                .node("flat", new NirNode.Flatten(new int[]{4, 2, 2}, 0, -1))
                .node("affine", new NirNode.Affine(ramp(-1f, 0.0125f, 8, 16), ramp(0f, 0.5f, 8)))
                .node("lif", new NirNode.LIF(ramp(0.01f, 0.001f, 8), NirTensor.filled(1f, 8), NirTensor.filled(0f, 8),
                        ramp(1f, 0.05f, 8), ramp(-0.2f, 0.0f, 8)))
                .node("linear", new NirNode.Linear(ramp(0.3f, -0.01f, 6, 8)))
                .node("cubalif", new NirNode.CubaLIF(ramp(0.005f, 0.0005f, 6), ramp(0.02f, 0.001f, 6), NirTensor.filled(2f, 6),
                        NirTensor.filled(0f, 6), NirTensor.filled(1f, 6), NirTensor.filled(0f, 6), ramp(1f, 0.1f, 6)))
                .node("scale", new NirNode.Scale(ramp(2f, -0.25f, 6)))
                .node("threshold", new NirNode.Threshold(ramp(0.5f, 0.1f, 6)))
                .node("delay", new NirNode.Delay(ramp(0.001f, 0.001f, 6)))
                .node("sub", sub)
                .node("output", new NirNode.Output(new int[]{6}))
                .chain("input", "conv2", "if", "sumpool", "avgpool", "flat", "affine", "lif", "linear", "cubalif", "scale",
                        "threshold", "delay", "sub", "output")
                .node("input1d", new NirNode.Input(new int[]{3, 10}))
                .node("conv1", new NirNode.Conv1d(10, ramp(0.2f, -0.02f, 2, 3, 3), 1, 0, 1, 1, ramp(0f, 0.01f, 2)))
                .node("flat1", new NirNode.Flatten(new int[]{2, 8}, 0, -1))
                .node("cubali", new NirNode.CubaLI(ramp(0.005f, 0f, 16), ramp(0.02f, 0f, 16), NirTensor.filled(1f, 16),
                        NirTensor.filled(0f, 16), NirTensor.filled(1f, 16)))
                .node("output2", new NirNode.Output(new int[]{16}))
                .chain("input1d", "conv1", "flat1", "cubali", "output2")
                .metadata("source", "snn4j")
                .metadata("dt", 1e-4)
                .metadata("steps", 100L)
                .metadata("exported", Boolean.TRUE)
                .metadata("labels", List.of("a", "bb"))
                .metadata("settings", Map.of("lr", 0.01))
                .nodeMetadata("lif", "note", "hidden layer")
                .nodeMetadata("lif", "gain", NirTensor.vector(1f, 2f, 3f))
                .nodeMetadata("conv2", "trained", Boolean.FALSE)
                .build();
    }

    @Test
    void writeThenReadGivesTheSameGraph() {
        NirGraph g = everyNodeType().check();
        Path f = tmp.resolve("every.nir");
        NirWriter.write(g, f);
        NirGraph back = NirReader.read(f).check();
        assertEquals(canon(g), canon(back));
        // value equality of the parts that have it (tensors, edges, metadata)
        assertEquals(g.edges(), back.edges());
        assertEquals(g.metadata(), back.metadata());
        assertEquals(g.nodeMetadata(), back.nodeMetadata());
        assertEquals(((NirGraph) g.nodes().get("sub")).metadata(), ((NirGraph) back.nodes().get("sub")).metadata());
        assertEquals(g.parameterCount(), back.parameterCount());
        // writing again replaces the file in place, no temporary file left behind
        NirWriter.write(back, f);
        assertEquals(canon(g), canon(NirReader.read(f)));
        try (var s = Files.list(tmp)) {
            assertEquals(List.of("every.nir"), s.map(p -> p.getFileName().toString()).toList());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Writes the every-node-type sample for bench/nir_roundtrip.py, to the path in system property
     * {@code nir.sample} (default target/nir-roundtrip-sample.nir), with a JSON of its tensors next to it
     * (same name, .json) that the script compares with what the NIR reference reader loads.
     */
    @Test
    void writesSampleForThePythonCheck() throws IOException {
        Path f = Paths.get(System.getProperty("nir.sample", "target/nir-roundtrip-sample.nir"));
        NirGraph g = everyNodeType();
        NirWriter.write(g, f);
        Map<String, Object> expect = new LinkedHashMap<>();
        describe(g, "", expect);
        String name = f.getFileName().toString();
        Path json = f.resolveSibling(name.replaceAll("\\.nir$", "") + ".json");
        Files.writeString(json, Json.pretty(Map.of("nodes", expect)));
        assertEquals(canon(g), canon(NirReader.read(f)));
    }

    private static void describe(NirGraph g, String prefix, Map<String, Object> out) {
        g.nodes().forEach((name, n) -> {
            String q = prefix + name;
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("type", n.type());
            Map<String, Object> params = new LinkedHashMap<>();
            NirNodes.parameters(n).forEach((k, t) -> {
                double[] v = new double[t.size()];
                for (int i = 0; i < v.length; i++) v[i] = t.get(i);
                params.put(k, Map.of("shape", t.shape(), "values", v));
            });
            d.put("params", params);
            out.put(q, d);
            if (n instanceof NirGraph sub) describe(sub, q + ".", out);
        });
    }

    // ---------------------------------------------------------------- leniency

    @Test
    void readsScalarsPairsAndStringPaddingLeniently() {
        Path f = hdf("lenient.nir", nodes -> {
            WritableGroup in = node(nodes, "input", "Input");
            in.putDataset("shape", new long[]{1, 5, 5});
            WritableGroup c = node(nodes, "conv", "Conv2d");
            c.putDataset("weight", new double[][][][]{{{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}}, {{{0, 0, 0}, {0, 1, 0}, {0, 0, 0}}}});
            c.putDataset("bias", 0.5); // scalar: broadcast to the 2 output channels
            c.putDataset("stride", 1L); // scalar: both dimensions
            c.putDataset("padding", "same");
            c.putDataset("dilation", new int[]{1});
            c.putDataset("groups", new int[]{1});
            c.putDataset("input_shape", new long[]{5, 5});
            WritableGroup lif = node(nodes, "lif", "LIF");
            lif.putDataset("tau", 0.01); // float64 scalar
            lif.putDataset("r", 2L); // an integer where floats belong
            lif.putDataset("v_leak", 0.0f);
            lif.putDataset("v_threshold", new float[][][]{{{1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}},
                    {{2, 2, 2, 2, 2}, {2, 2, 2, 2, 2}, {2, 2, 2, 2, 2}, {2, 2, 2, 2, 2}, {2, 2, 2, 2, 2}}});
            WritableGroup pool = node(nodes, "pool", "AvgPool2d");
            pool.putDataset("kernel_size", 1L);
            pool.putDataset("stride", new long[]{1, 1});
            pool.putDataset("padding", "valid");
            WritableGroup c1 = node(nodes, "c1", "CubaLIF");
            for (String k : new String[]{"tau_syn", "tau_mem", "r", "v_leak", "v_threshold"}) c1.putDataset(k, new float[]{1, 2, 3});
            WritableGroup out = node(nodes, "output", "Output");
            out.putDataset("shape", new long[]{2, 5, 5});
        }, new String[][]{{"input", "conv"}, {"conv", "lif"}, {"lif", "pool"}, {"pool", "output"}}, true);
        NirGraph g = NirReader.read(f);
        NirNode.Conv2d c = (NirNode.Conv2d) g.nodes().get("conv");
        assertArrayEquals(new int[]{1, 1}, c.padding()); // 'same' with k = 3, stride 1
        assertArrayEquals(new int[]{1, 1}, c.stride());
        assertEquals(NirTensor.filled(0.5f, 2), c.bias());
        assertEquals(9f, c.weight().get(8));
        NirNode.LIF lif = (NirNode.LIF) g.nodes().get("lif");
        assertEquals(NirTensor.filled(0.01f, 2, 5, 5), lif.tau());
        assertEquals(NirTensor.filled(2f, 2, 5, 5), lif.r());
        assertEquals(NirTensor.filled(0f, 2, 5, 5), lif.vReset());
        assertEquals(2f, lif.vThreshold().get(49));
        NirNode.AvgPool2d p = (NirNode.AvgPool2d) g.nodes().get("pool");
        assertArrayEquals(new int[]{1, 1}, p.kernelSize());
        assertArrayEquals(new int[]{0, 0}, p.padding());
        NirNode.CubaLIF c1 = (NirNode.CubaLIF) g.nodes().get("c1");
        assertEquals(NirTensor.filled(1f, 3), c1.wIn());
        assertEquals(NirTensor.filled(0f, 3), c1.vReset());
        assertTrue(g.metadata().isEmpty());
    }

    @Test
    void samePaddingThatIsNotSymmetricIsNamed() {
        Path f = hdf("same.nir", nodes -> {
            node(nodes, "input", "Input").putDataset("shape", new long[]{1, 8, 8});
            WritableGroup c = node(nodes, "conv", "Conv2d");
            c.putDataset("weight", new float[1][1][3][3]);
            c.putDataset("bias", new float[]{0});
            c.putDataset("stride", new long[]{2, 2});
            c.putDataset("padding", "same");
            c.putDataset("dilation", 1L);
            c.putDataset("groups", 1L);
            node(nodes, "output", "Output").putDataset("shape", new long[]{1, 4, 4});
        }, new String[][]{{"input", "conv"}, {"conv", "output"}}, true);
        NirException e = assertFails(f);
        assertTrue(e.getMessage().contains("node 'conv' (Conv2d)") && e.getMessage().contains("'same'"), e.getMessage());
    }

    // ---------------------------------------------------------------- bad files

    @Test
    void notHdf5() throws IOException {
        Path f = tmp.resolve("text.nir");
        Files.writeString(f, "this is a text file, not HDF5\n");
        NirException e = assertFails(f);
        assertTrue(e.getMessage().contains("not an HDF5 file"), e.getMessage());
        Path empty = Files.createFile(tmp.resolve("empty.nir"));
        assertTrue(assertFails(empty).getMessage().contains("not an HDF5 file"));
        assertTrue(assertFails(tmp.resolve("missing.nir")).getMessage().contains("not found"));
        assertTrue(assertFails(tmp).getMessage().contains("directory"));
    }

    @Test
    void truncated() throws IOException {
        Path src = shared("02_cnn/cnn_sinabs.nir");
        byte[] all = Files.readAllBytes(src);
        for (int len : new int[]{all.length / 2, all.length - 100, 2048, 100}) {
            Path f = tmp.resolve("trunc" + len + ".nir");
            Files.write(f, Arrays.copyOf(all, len));
            NirException e = assertFails(f);
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("damaged"), e.getMessage());
        }
        // our own file, cut in half
        Path ours = tmp.resolve("ours.nir");
        NirWriter.write(everyNodeType(), ours);
        byte[] b = Files.readAllBytes(ours);
        Path half = tmp.resolve("ours-half.nir");
        Files.write(half, Arrays.copyOf(b, b.length / 2));
        assertTrue(assertFails(half).getMessage().contains("truncated"));
    }

    @Test
    void unknownNodeType() {
        Path f = hdf("unknown.nir", nodes -> {
            node(nodes, "input", "Input").putDataset("shape", new long[]{2});
            node(nodes, "mystery", "Quantum").putDataset("weight", new float[]{1, 2});
            node(nodes, "output", "Output").putDataset("shape", new long[]{2});
        }, new String[][]{{"input", "mystery"}, {"mystery", "output"}}, true);
        NirException e = assertFails(f);
        assertTrue(e.getMessage().contains("'mystery'") && e.getMessage().contains("unknown type 'Quantum'"), e.getMessage());
    }

    @Test
    void missingField() {
        Path f = hdf("missing.nir", nodes -> {
            node(nodes, "input", "Input").putDataset("shape", new long[]{2});
            WritableGroup lif = node(nodes, "lif", "LIF");
            lif.putDataset("tau", new float[]{0.01f, 0.01f});
            lif.putDataset("r", new float[]{1, 1});
            lif.putDataset("v_threshold", new float[]{1, 1});
            node(nodes, "output", "Output").putDataset("shape", new long[]{2});
        }, new String[][]{{"input", "lif"}, {"lif", "output"}}, true);
        NirException e = assertFails(f);
        assertTrue(e.getMessage().contains("node 'lif' (LIF)") && e.getMessage().contains("missing field 'v_leak'"), e.getMessage());
        Path noEdges = hdf("noedges.nir", nodes -> node(nodes, "input", "Input").putDataset("shape", new long[]{2}), null, true);
        assertTrue(assertFails(noEdges).getMessage().contains("missing field 'edges'"));
        Path noNode = hdf("nonode.nir", nodes -> {
        }, null, false);
        assertTrue(assertFails(noNode).getMessage().contains("no group 'node'"));
    }

    @Test
    void edgeToAMissingNode() {
        Path f = hdf("edge.nir", nodes -> {
            node(nodes, "input", "Input").putDataset("shape", new long[]{2});
            node(nodes, "output", "Output").putDataset("shape", new long[]{2});
        }, new String[][]{{"input", "ghost"}, {"ghost", "output"}}, true);
        NirException e = assertFails(f);
        assertTrue(e.getMessage().contains("edge input -> ghost") && e.getMessage().contains("'ghost'"), e.getMessage());
    }

    @Test
    void inconsistentShapesAreNamed() {
        Path f = hdf("shapes.nir", nodes -> {
            node(nodes, "input", "Input").putDataset("shape", new long[]{2});
            WritableGroup lif = node(nodes, "lif", "LIF");
            lif.putDataset("tau", new float[]{0.01f, 0.01f});
            lif.putDataset("r", new float[]{1, 1, 1});
            lif.putDataset("v_leak", new float[]{0, 0});
            lif.putDataset("v_threshold", new float[]{1, 1});
            node(nodes, "output", "Output").putDataset("shape", new long[]{2});
        }, new String[][]{{"input", "lif"}, {"lif", "output"}}, true);
        NirException e = assertFails(f);
        assertTrue(e.getMessage().contains("node 'lif' (LIF)") && e.getMessage().contains("one shape"), e.getMessage());
    }

    /** A file (made with h5py: LIF parameters declared 65536×65536, no data stored) that must be refused before reading. */
    @Test
    void absurdSizesAreRefusedBeforeReading() throws Exception {
        Path f = Paths.get(NirIoTest.class.getResource("/nir/absurd_size.nir").toURI());
        assertTrue(Files.size(f) < 100_000);
        NirException e = assertFails(f);
        assertTrue(e.getMessage().contains("node 'lif' (LIF)") && e.getMessage().contains("absurd size [65536, 65536]"), e.getMessage());
    }

    @Test
    void writerRefusesWhatItCannotWriteAndLeavesNoFile() {
        Path f = tmp.resolve("bad.nir");
        NirGraph noEdges = NirGraph.builder().node("input", new NirNode.Input(new int[]{2})).build();
        NirException e = assertThrows(NirException.class, () -> NirWriter.write(noEdges, f));
        assertTrue(e.getMessage().startsWith("file bad.nir: ") && e.getMessage().contains("no edges"), e.getMessage());
        NirGraph emptyTensor = NirGraph.builder()
                .node("input", new NirNode.Input(new int[]{0}))
                .node("scale", new NirNode.Scale(new NirTensor(new int[]{0}, new float[0])))
                .node("output", new NirNode.Output(new int[]{0}))
                .chain("input", "scale", "output").build();
        e = assertThrows(NirException.class, () -> NirWriter.write(emptyTensor, f));
        assertTrue(e.getMessage().contains("node 'scale' (Scale): field 'scale' is empty"), e.getMessage());
        NirGraph badMeta = NirGraph.builder()
                .node("input", new NirNode.Input(new int[]{1}))
                .node("output", new NirNode.Output(new int[]{1}))
                .chain("input", "output").metadata("when", new Object()).build();
        e = assertThrows(NirException.class, () -> NirWriter.write(badMeta, f));
        assertTrue(e.getMessage().contains("graph metadata 'when'"), e.getMessage());
        assertFalse(Files.exists(f));
        try (var s = Files.list(tmp)) {
            assertEquals(0, s.count(), "temporary files left behind");
        } catch (IOException ex) {
            throw new AssertionError(ex);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static NirException assertFails(Path f) {
        NirException e = assertThrows(NirException.class, () -> NirReader.read(f));
        String m = e.getMessage();
        assertFalse(m.contains("\n") || m.contains("\r"), "message must be one line: " + m);
        assertTrue(m.startsWith("file " + f.getFileName() + ": "), m);
        assertNull(e.getCause(), "no jHDF exception chained: " + e.getCause());
        return e;
    }

    /** Writes an HDF5 file directly (to test what NirWriter never writes): root version, node/nodes, edges. */
    private Path hdf(String name, Consumer<WritableGroup> nodes, String[][] edges, boolean withNode) {
        Path f = tmp.resolve(name);
        try (WritableHdfFile h = HdfFile.write(f)) {
            h.putDataset("version", "0.2.0");
            if (withNode) {
                WritableGroup node = h.putGroup("node");
                node.putDataset("type", "NIRGraph");
                nodes.accept(node.putGroup("nodes"));
                if (edges != null) node.putDataset("edges", edges);
            } else {
                h.putGroup("other").putDataset("x", 1L);
            }
        }
        return f;
    }

    private static WritableGroup node(WritableGroup nodes, String name, String type) {
        WritableGroup g = nodes.putGroup(name);
        g.putDataset("type", type);
        return g;
    }

    /** a, a+step, a+2·step, ... in the given shape. */
    private static NirTensor ramp(float a, float step, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = a + step * i;
        return new NirTensor(shape, v);
    }

    private static List<String> sorted(java.util.Collection<String> c) {
        List<String> l = new ArrayList<>(c);
        l.sort(null);
        return l;
    }

    /**
     * A comparable form of a graph: the node records hold int[] fields (shapes, strides), which records
     * compare by reference, so nodes become text with their arrays spelled out; tensors compare by value.
     */
    static Object canon(NirNode n) {
        if (n instanceof NirGraph g) {
            Map<String, Object> m = new TreeMap<>();
            g.nodes().forEach((k, v) -> m.put(k, canon(v)));
            return List.of(m, g.edges(), g.metadata(), g.nodeMetadata());
        }
        List<Object> parts = new ArrayList<>();
        parts.add(n.type());
        for (var c : n.getClass().getRecordComponents()) {
            try {
                Object v = c.getAccessor().invoke(n);
                parts.add(c.getName() + "=" + (v instanceof int[] a ? Arrays.toString(a)
                        : v instanceof NirTensor t ? t.shapeText() + Arrays.toString(t.data()) : String.valueOf(v)));
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
        return parts;
    }
}
