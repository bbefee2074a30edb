package org.snn4j.nir;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a {@link NirGraph} as a NIR file (HDF5) with jHDF, in the layout and with the field names and
 * dtypes of the NIR reference writer: root dataset {@code version}, group {@code node} holding the graph
 * ({@code type}, group {@code nodes}, string matrix {@code edges}, group {@code metadata} when there is
 * any). Tensors are float32 with their shapes; shapes, strides, paddings, dilations, groups, kernel
 * sizes and Flatten's dims are int64 (pairs for the 2-D nodes, scalars for Conv1d, as the reference
 * package writes them). The files load in the reference reader with its strict type check, as long as
 * the graph's shapes agree along its edges.
 *
 * <p>Metadata values may be {@link String}, {@link Long}/{@link Integer} (int64), {@link Double}/{@link
 * Float} (float64), {@link Boolean}, {@link NirTensor} (float32), a {@code List} of strings, or a
 * {@code Map} of these (a group). A nested graph's metadata is its own {@link NirGraph#metadata()}, with
 * the parent's {@link NirGraph#nodeMetadata()} entries for it merged in.
 *
 * <p>The file is written to a temporary file in the target's folder and then renamed over the target,
 * so a failed or killed write never leaves a half-written file; the file's mode comes from the umask.
 * jHDF 0.10 cannot write empty arrays, so an empty tensor, an empty Input/Output shape or a graph
 * without edges is refused with a {@link NirException}.
 */
public final class NirWriter {
    /**
     * The NIR version written. The reference package copied here reports none (it is not installed as
     * a distribution), and its reader does not check it; this is the specification the node records follow.
     */
    public static final String NIR_VERSION = "1.0.0";

    private final String fileName;

    private NirWriter(Path file) {
        this.fileName = String.valueOf(file.getFileName() == null ? file : file.getFileName());
    }

    /**
     * Writes {@code g} to {@code file} (replacing it atomically; its folder is created when missing).
     *
     * @throws NirException if the graph cannot be written (one-line message naming the node and field)
     */
    public static void write(NirGraph g, Path file) {
        new NirWriter(file).writeFile(g, file);
    }

    private void writeFile(NirGraph g, Path file) {
        checkGraph(g, "the top graph", "");
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            for (int attempt = 0; tmp == null; attempt++) {
                Path t = dir.resolve("." + file.getFileName() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
                try {
                    Files.createFile(t); // jHDF opens with CREATE, not CREATE_NEW: claim the name first
                    tmp = t;
                } catch (FileAlreadyExistsException e) {
                    if (attempt > 100) throw e;
                }
            }
            try (WritableHdfFile f = HdfFile.write(tmp)) {
                f.putDataset("version", NIR_VERSION);
                WritableGroup node = f.putGroup("node");
                writeGraph(node, g, g.metadata(), "");
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (NirException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw fail("cannot write: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the temporary file stays behind; the target is intact either way
                }
            }
        }
    }

    /** Everything jHDF would fail on, found before a byte is written, with the node named. */
    private void checkGraph(NirGraph g, String where, String prefix) {
        if (g.nodes().isEmpty()) throw fail(where + " has no nodes");
        if (g.edges().isEmpty()) throw fail(where + " has no edges (NIR files need at least one; jHDF cannot write an empty list)");
        for (NirGraph.Edge e : g.edges())
            for (String end : new String[]{e.source(), e.target()})
                if (g.resolve(end) == null) throw fail(where + ": edge " + e + " names a node '" + end + "' that the graph does not have");
        g.nodes().forEach((name, n) -> {
            String q = prefix.isEmpty() ? name : prefix + "." + name;
            String w = "node '" + q + "' (" + n.type() + ")";
            if (n instanceof NirGraph sub) {
                checkGraph(sub, "subgraph '" + q + "'", q);
                return;
            }
            if (n instanceof NirNode.Input in && in.shape().length == 0) throw fail(w + ": empty shape cannot be written");
            if (n instanceof NirNode.Output out && out.shape().length == 0) throw fail(w + ": empty shape cannot be written");
            if (n instanceof NirNode.Flatten fl && fl.inputType() != null && fl.inputType().length == 0)
                throw fail(w + ": empty input_type cannot be written");
            NirNodes.parameters(n).forEach((field, t) -> {
                if (t.size() == 0) throw fail(w + ": field '" + field + "' is empty " + t.shapeText() + "; jHDF cannot write empty arrays");
            });
        });
    }

    private void writeGraph(WritableGroup group, NirGraph g, Map<String, Object> metadata, String prefix) {
        group.putDataset("type", "NIRGraph");
        WritableGroup nodes = group.putGroup("nodes");
        g.nodes().forEach((name, n) -> {
            String q = prefix.isEmpty() ? name : prefix + "." + name;
            WritableGroup ng = nodes.putGroup(name);
            Map<String, Object> md = g.nodeMetadata().getOrDefault(name, Map.of());
            if (n instanceof NirGraph sub) {
                Map<String, Object> merged = new LinkedHashMap<>(md);
                merged.putAll(sub.metadata());
                writeGraph(ng, sub, merged, q);
            } else {
                writeNode(ng, n, "node '" + q + "' (" + n.type() + ")");
                writeMetadata(ng, md, "node '" + q + "' metadata");
            }
        });
        String[][] edges = new String[g.edges().size()][];
        for (int i = 0; i < edges.length; i++) edges[i] = new String[]{g.edges().get(i).source(), g.edges().get(i).target()};
        group.putDataset("edges", edges);
        writeMetadata(group, metadata, (prefix.isEmpty() ? "graph" : "subgraph '" + prefix + "'") + " metadata");
    }

    private void writeNode(WritableGroup g, NirNode n, String where) {
        g.putDataset("type", n.type());
        if (n instanceof NirNode.Input in) {
            g.putDataset("shape", longs(in.shape()));
        } else if (n instanceof NirNode.Output out) {
            g.putDataset("shape", longs(out.shape()));
        } else if (n instanceof NirNode.Flatten f) {
            if (f.inputType() != null) g.putDataset("input_type", longs(f.inputType()));
            g.putDataset("start_dim", (long) f.startDim());
            g.putDataset("end_dim", (long) f.endDim());
        } else if (n instanceof NirNode.Conv1d c) {
            if (c.inputLength() > 0) g.putDataset("input_shape", (long) c.inputLength());
            g.putDataset("weight", floats(c.weight()));
            g.putDataset("stride", (long) c.stride());
            g.putDataset("padding", (long) c.padding());
            g.putDataset("dilation", (long) c.dilation());
            g.putDataset("groups", (long) c.groups());
            g.putDataset("bias", floats(c.bias()));
        } else if (n instanceof NirNode.Conv2d c) {
            if (c.inputShape() != null) g.putDataset("input_shape", longs(c.inputShape()));
            g.putDataset("weight", floats(c.weight()));
            g.putDataset("stride", longs(c.stride()));
            g.putDataset("padding", longs(c.padding()));
            g.putDataset("dilation", longs(c.dilation()));
            g.putDataset("groups", (long) c.groups());
            g.putDataset("bias", floats(c.bias()));
        } else if (n instanceof NirNode.SumPool2d p) {
            pool(g, p.kernelSize(), p.stride(), p.padding());
        } else if (n instanceof NirNode.AvgPool2d p) {
            pool(g, p.kernelSize(), p.stride(), p.padding());
        } else {
            Map<String, NirTensor> params = NirNodes.parameters(n);
            if (params.isEmpty()) throw fail(where + ": no NIR form for a node of class " + n.getClass().getName());
            params.forEach((field, t) -> g.putDataset(field, floats(t)));
        }
    }

    private static void pool(WritableGroup g, int[] kernel, int[] stride, int[] padding) {
        g.putDataset("kernel_size", longs(kernel));
        g.putDataset("stride", longs(stride));
        g.putDataset("padding", longs(padding));
    }

    private void writeMetadata(WritableGroup g, Map<?, ?> md, String where) {
        if (md.isEmpty()) return; // as the reference writer: no group for empty metadata
        WritableGroup mg = g.putGroup("metadata");
        writeEntries(mg, md, where, 0);
    }

    private void writeEntries(WritableGroup mg, Map<?, ?> md, String where, int depth) {
        if (depth > 32) throw fail(where + ": nests more than 32 deep");
        for (Map.Entry<?, ?> e : md.entrySet()) {
            String key = String.valueOf(e.getKey());
            String what = where + " '" + key + "'";
            if (key.isEmpty() || key.contains("/") || key.equals(".")) throw fail(what + ": not a valid HDF5 name");
            Object v = e.getValue();
            if (v instanceof String s) {
                mg.putDataset(key, s);
            } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
                mg.putDataset(key, ((Number) v).longValue());
            } else if (v instanceof Double || v instanceof Float) {
                mg.putDataset(key, ((Number) v).doubleValue());
            } else if (v instanceof Boolean b) {
                mg.putDataset(key, b);
            } else if (v instanceof NirTensor t) {
                if (t.size() == 0) throw fail(what + ": empty tensor cannot be written");
                mg.putDataset(key, floats(t));
            } else if (v instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(x -> x instanceof String)) {
                mg.putDataset(key, l.toArray(new String[0]));
            } else if (v instanceof Map<?, ?> m) {
                writeEntries(mg.putGroup(key), m, what, depth + 1);
            } else {
                throw fail(what + ": cannot write a value of class " + (v == null ? "null" : v.getClass().getSimpleName())
                        + " (String, Long, Double, Boolean, NirTensor, a non-empty List of String, or a Map of these)");
            }
        }
    }

    private static long[] longs(int[] v) {
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }

    /** A tensor as jHDF wants it: a Float for a scalar, else nested float arrays of the tensor's shape. */
    private static Object floats(NirTensor t) {
        int[] shape = t.shape();
        if (shape.length == 0) return t.get(0);
        if (shape.length == 1) return t.data().clone();
        Object arr = Array.newInstance(float.class, shape);
        fill(arr, shape, 0, t.data(), 0);
        return arr;
    }

    private static int fill(Object arr, int[] shape, int dim, float[] data, int pos) {
        if (dim == shape.length - 1) {
            System.arraycopy(data, pos, arr, 0, shape[dim]);
            return pos + shape[dim];
        }
        for (int i = 0; i < shape[dim]; i++) pos = fill(Array.get(arr, i), shape, dim + 1, data, pos);
        return pos;
    }

    private NirException fail(String message) {
        String m = ("file " + fileName + ": " + message).replaceAll("\\s*[\\r\\n]+\\s*", " ");
        return new NirException(m);
    }
}
