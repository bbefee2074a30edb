package org.snn4j.nir;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.EnumDataType;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Array;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads NIR files (HDF5, as written by the NIR reference package and the simulators that use it) into a
 * {@link NirGraph}, with jHDF.
 *
 * <p>Layout: the root holds a string dataset {@code version} and the group {@code node}, the top graph
 * ({@code type = "NIRGraph"}, a group {@code nodes} with one group per node, a string matrix {@code edges}
 * of N×2 names, an optional group {@code metadata}). Each node group holds {@code type} and its
 * parameters under NIR's field names; nested graphs recurse.
 *
 * <p>Lenient where the meaning is unambiguous: any numeric dtype becomes float (tensors) or int (shapes,
 * strides, ...); a single value where an array is expected is broadcast to the shape of the node's other
 * parameters (a bias to the output count); stride, padding and dilation may be one value or one per
 * dimension; padding may be {@code "valid"} or {@code "same"} (the latter only where it is symmetric:
 * stride 1 and an even total padding {@code dilation·(k−1)}); {@code v_reset} defaults to zeros and
 * {@code w_in} to ones, as the reference reader does; Input/Output shapes are kept as given (2023 files
 * carry extra dimensions, e.g. Rockpool's Output {@code [1, 1, 1]} for one neuron). The version string is
 * not checked. Nodes come in the order data flows (Inputs first, then along the edges), since HDF5
 * keeps no order that writers agree on.
 *
 * <p>Metadata groups (the graph's and each node's) become maps: strings as {@link String}, string
 * arrays as {@code List<String>}, numeric scalars as {@link Double} (floating point) or {@link Long}
 * (integers), booleans as {@link Boolean}, numeric arrays as {@link NirTensor}, nested groups as maps.
 * A metadata entry of a type none of these fits (compound, reference, ...) is skipped: metadata is
 * advisory and should not stop a network from loading.
 *
 * <p>Every fault, including a file that is not HDF5, truncated or damaged, a missing field, an unknown
 * node type, an edge to a missing node, or a dataset larger than {@value #MAX_ELEMENTS} values (refused
 * before its data is read), is a {@link NirException} whose one-line message starts with
 * {@code "file NAME: "} and names the node and field at fault; no jHDF exception escapes.
 */
public final class NirReader {
    /** The most values one dataset, and all datasets of a file together, may hold (2^28, 1 GiB of floats). */
    public static final long MAX_ELEMENTS = 1L << 28;
    /** How deep graphs (and metadata groups) may nest; deeper means a damaged or hostile file. */
    private static final int MAX_DEPTH = 32;
    private static final String KNOWN_TYPES = "Input, Output, Affine, Linear, Scale, Threshold, Flatten, Delay, Conv1d, "
            + "Conv2d, SumPool2d, AvgPool2d, I, IF, LI, LIF, CubaLI, CubaLIF, NIRGraph";

    private final String fileName;
    /** Where reading is now, for the message of an unexpected failure deep inside jHDF. */
    private String at = "the file structure";
    private long totalElements;

    private NirReader(Path file) {
        this.fileName = String.valueOf(file.getFileName() == null ? file : file.getFileName());
    }

    /**
     * Reads a NIR file.
     *
     * @param file the .nir (HDF5) file
     * @return the top graph, nested graphs included; edges are checked to join existing nodes, but not
     *         {@link NirGraph#check() the rest}
     * @throws NirException if the file cannot be read or does not hold a NIR graph (one-line message)
     */
    public static NirGraph read(Path file) {
        return new NirReader(file).readFile(file);
    }

    private NirGraph readFile(Path file) {
        if (!Files.exists(file)) throw fail("not found");
        if (Files.isDirectory(file)) throw fail("is a directory, not a NIR file");
        if (!Files.isReadable(file)) throw fail("cannot be read (permission denied)");
        HdfFile hdf;
        try {
            hdf = new HdfFile(file);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            if (!hasHdfSignature(file)) throw fail("not an HDF5 file (no HDF5 signature), so not a NIR file");
            throw fail("damaged HDF5 file: " + describe(e));
        }
        try (HdfFile f = hdf) {
            checkLength(f, file);
            Node top = child(f, "node");
            Group graph;
            if (top instanceof Group g) graph = g;
            else if (top == null && f.getChildren().containsKey("nodes")) graph = f; // very old layout: the graph at the root
            else throw fail("no group 'node' at the root: not a NIR file");
            String type = string(graph, "type", "the top node");
            if (type == null) type = "NIRGraph"; // the top node's type is implied
            if (!type.equals("NIRGraph"))
                throw fail("the top node is of type '" + type + "', not a NIRGraph");
            return readGraph(graph, "", 0);
        } catch (NirException e) {
            throw e;
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw fail("cannot read " + at + " (damaged or truncated file?): " + describe(e));
        }
    }

    /** Compares the size the superblock declares with the file's, so a truncated file is named as such. */
    private void checkLength(HdfFile f, Path file) {
        long eof, base, size;
        try {
            eof = f.getHdfBackingStorage().getSuperblock().getEndOfFileAddress();
            base = f.getHdfBackingStorage().getSuperblock().getBaseAddressByte();
            size = Files.size(file);
        } catch (IOException | RuntimeException e) {
            return; // nothing to compare with: the reading itself will tell
        }
        if (eof > 0 && eof != -1L && base >= 0 && base + eof > size)
            throw fail("truncated: " + size + " bytes, the HDF5 header says " + (base + eof));
    }

    private static boolean hasHdfSignature(Path file) {
        byte[] sig = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
        try (InputStream in = Files.newInputStream(file)) {
            // the signature is at 0, or after a user block at 512, 1024, 2048, ...
            byte[] buf = new byte[8];
            long pos = 0;
            for (long off = 0; off <= 1L << 20; off = off == 0 ? 512 : off * 2) {
                long skip = off - pos;
                while (skip > 0) {
                    long s = in.skip(skip);
                    if (s <= 0) return false;
                    skip -= s;
                }
                if (in.readNBytes(buf, 0, 8) < 8) return false;
                pos = off + 8;
                if (Arrays.equals(buf, sig)) return true;
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    // ---------------------------------------------------------------- graphs and nodes

    private NirGraph readGraph(Group g, String prefix, int depth) {
        String where = prefix.isEmpty() ? "the top graph" : "subgraph '" + prefix + "'";
        if (depth > MAX_DEPTH) throw fail(where + ": graphs nest more than " + MAX_DEPTH + " deep");
        at = where;
        Node nodesNode = child(g, "nodes");
        if (!(nodesNode instanceof Group nodes)) throw fail(where + ": missing group 'nodes'");
        Map<String, NirNode> read = new LinkedHashMap<>();
        Map<String, Map<String, Object>> nodeMetadata = new LinkedHashMap<>();
        at = where + " (its list of nodes)";
        for (Map.Entry<String, Node> e : nodes.getChildren().entrySet()) {
            String name = e.getKey(), qualified = prefix.isEmpty() ? name : prefix + "." + name;
            if (!(e.getValue() instanceof Group ng)) throw fail("node '" + qualified + "' is not a group");
            NirNode node = readNode(ng, qualified, depth);
            read.put(name, node);
            if (!(node instanceof NirGraph)) nodeMetadata.put(name, readMetadata(ng, "node '" + qualified + "'"));
        }
        List<NirGraph.Edge> edges = readEdges(g, where);
        NirGraph.Builder b = NirGraph.builder();
        for (String name : flowOrder(read, edges)) {
            try {
                b.node(name, read.get(name));
            } catch (NirException ex) {
                throw fail("node '" + (prefix.isEmpty() ? name : prefix + "." + name) + "': " + ex.getMessage());
            }
            nodeMetadata.getOrDefault(name, Map.of()).forEach((k, v) -> b.nodeMetadata(name, k, v));
        }
        for (NirGraph.Edge edge : edges) b.edge(edge.source(), edge.target());
        readMetadata(g, where).forEach(b::metadata);
        NirGraph graph = b.build();
        for (NirGraph.Edge edge : graph.edges()) {
            for (String end : new String[]{edge.source(), edge.target()})
                if (graph.resolve(end) == null)
                    throw fail(where + ": edge " + edge + " names a node '" + end + "' that the graph does not have");
        }
        return graph;
    }

    /**
     * HDF5 keeps no node order that writers agree on (h5py lists names alphabetically, jHDF by hash), so
     * nodes come in the order data flows: Inputs first, then breadth first along the edges in the file's
     * edge order, then any node not reached, each group by name with numbers in numeric order.
     */
    private static List<String> flowOrder(Map<String, NirNode> nodes, List<NirGraph.Edge> edges) {
        List<String> names = new ArrayList<>(nodes.keySet());
        names.sort(NirReader::compareNames);
        List<String> order = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String n : names)
            if (nodes.get(n) instanceof NirNode.Input && seen.add(n)) order.add(n);
        for (int i = 0; i < order.size(); i++) {
            String from = order.get(i);
            for (NirGraph.Edge e : edges) {
                if (!top(e.source()).equals(from)) continue;
                String to = top(e.target());
                if (nodes.containsKey(to) && seen.add(to)) order.add(to);
            }
        }
        for (String n : names) if (seen.add(n)) order.add(n);
        return order;
    }

    /** The node of this graph an edge end names ({@code "sub.x"} names {@code "sub"}). */
    private static String top(String end) {
        int dot = end.indexOf('.');
        return dot > 0 ? end.substring(0, dot) : end;
    }

    /** Names compared with runs of digits as numbers: "2" before "10". */
    private static int compareNames(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i), y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int i2 = i, j2 = j;
                while (i2 < a.length() && Character.isDigit(a.charAt(i2))) i2++;
                while (j2 < b.length() && Character.isDigit(b.charAt(j2))) j2++;
                String na = a.substring(i, i2).replaceFirst("^0+(?=.)", ""), nb = b.substring(j, j2).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
                if (c != 0) return c;
                i = i2;
                j = j2;
            } else {
                if (x != y) return Character.compare(x, y);
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b);
    }

    private List<NirGraph.Edge> readEdges(Group g, String where) {
        at = where + " field 'edges'";
        Dataset d = dataset(g, "edges", where);
        if (d == null) throw fail(where + ": missing field 'edges'");
        int[] dims = d.getDimensions();
        long n = checkSize(dims, where + " field 'edges'");
        List<NirGraph.Edge> edges = new ArrayList<>();
        if (n == 0 || d.isEmpty()) return edges;
        if (dims.length != 2 || dims[1] != 2)
            throw fail(where + ": field 'edges' must be an N×2 matrix of node names, is " + Arrays.toString(dims));
        Object flat = d.getDataFlat();
        if (!(flat instanceof String[] s))
            throw fail(where + ": field 'edges' must hold node names (strings), holds " + d.getJavaType().getSimpleName());
        for (int i = 0; i + 1 < s.length; i += 2) edges.add(new NirGraph.Edge(s[i], s[i + 1]));
        return edges;
    }

    private NirNode readNode(Group g, String name, int depth) {
        at = "node '" + name + "'";
        String type = string(g, "type", "node '" + name + "'");
        if (type == null) throw fail("node '" + name + "': missing field 'type'");
        String where = "node '" + name + "' (" + type + ")";
        try {
            return build(g, name, type, where, depth);
        } catch (NirException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("file ")) throw e;
            // a record's own check (shapes that do not fit): give it the file and node
            throw fail(where + ": " + e.getMessage());
        }
    }

    private NirNode build(Group g, String name, String type, String where, int depth) {
        switch (type) {
            case "Input":
                return new NirNode.Input(shape(g, "shape", "input_type", where));
            case "Output":
                return new NirNode.Output(shape(g, "shape", "output_type", where));
            case "Affine": {
                NirTensor w = tensor(g, "weight", where, true);
                NirTensor bias = tensor(g, "bias", where, true);
                if (bias.size() == 1 && w.rank() == 2 && w.shape()[0] != 1) bias = NirTensor.filled(bias.get(0), w.shape()[0]);
                return new NirNode.Affine(w, bias);
            }
            case "Linear":
                return new NirNode.Linear(tensor(g, "weight", where, true));
            case "Scale":
                return new NirNode.Scale(tensor(g, "scale", where, true));
            case "Threshold":
                return new NirNode.Threshold(tensor(g, "threshold", where, true));
            case "Delay":
                return new NirNode.Delay(tensor(g, "delay", where, true));
            case "Flatten": {
                int[] inputType = optionalShape(g, "input_type", "input", where);
                long start = has(g, "start_dim") ? intScalar(g, "start_dim", where) : 1; // the reference's defaults
                long end = has(g, "end_dim") ? intScalar(g, "end_dim", where) : -1;
                NirNode.Flatten f = new NirNode.Flatten(inputType, (int) start, (int) end);
                if (inputType != null) f.outputShape(); // dims that do not fit the input: say so now
                return f;
            }
            case "Conv1d": {
                NirTensor w = tensor(g, "weight", where, true);
                if (w.rank() != 3) throw fail(where + ": weight must be 3-D [out, in/groups, k], is " + w.shapeText());
                int length = 0;
                if (has(g, "input_shape")) {
                    long[] v = ints(g, "input_shape", where);
                    if (v.length != 1) throw fail(where + ": field 'input_shape' must be one length, is " + Arrays.toString(v));
                    length = toInt(v[0], where, "input_shape");
                }
                int k = w.shape()[2];
                int stride = perDim(g, "stride", 1, where)[0];
                int dilation = perDim(g, "dilation", 1, where)[0];
                int padding = padding(g, 1, new int[]{k}, new int[]{stride}, new int[]{dilation}, where)[0];
                int groups = (int) intScalar(g, "groups", where);
                return new NirNode.Conv1d(length, w, stride, padding, dilation, groups, bias(g, w.shape()[0], where));
            }
            case "Conv2d": {
                NirTensor w = tensor(g, "weight", where, true);
                if (w.rank() != 4) throw fail(where + ": weight must be 4-D [out, in/groups, kH, kW], is " + w.shapeText());
                int groups = (int) intScalar(g, "groups", where);
                int[] inputShape = null;
                if (has(g, "input_shape")) {
                    long[] v = ints(g, "input_shape", where);
                    if (v.length == 1) v = new long[]{v[0], v[0]};
                    else if (v.length == 3 && v[0] == (long) w.shape()[1] * groups) v = new long[]{v[1], v[2]}; // (C, H, W)
                    if (v.length != 2) throw fail(where + ": field 'input_shape' must be (H, W), is " + Arrays.toString(v));
                    inputShape = new int[]{toInt(v[0], where, "input_shape"), toInt(v[1], where, "input_shape")};
                    checkSize(new int[]{w.shape()[1] * Math.max(groups, 1), inputShape[0], inputShape[1]}, where + " field 'input_shape'");
                }
                int[] stride = perDim(g, "stride", 2, where);
                int[] dilation = perDim(g, "dilation", 2, where);
                int[] padding = padding(g, 2, new int[]{w.shape()[2], w.shape()[3]}, stride, dilation, where);
                return new NirNode.Conv2d(inputShape, w, stride, padding, dilation, groups, bias(g, w.shape()[0], where));
            }
            case "SumPool2d":
            case "AvgPool2d": {
                int[] k = perDim(g, "kernel_size", 2, where);
                int[] stride = perDim(g, "stride", 2, where);
                int[] padding = padding(g, 2, k, stride, new int[]{1, 1}, where);
                return type.equals("SumPool2d") ? new NirNode.SumPool2d(k, stride, padding) : new NirNode.AvgPool2d(k, stride, padding);
            }
            case "I":
                return new NirNode.Integrator(tensor(g, "r", where, true));
            case "IF": {
                NirTensor[] p = neuron(g, where, new String[]{"r", "v_threshold", "v_reset"}, new float[]{Float.NaN, Float.NaN, 0f});
                return new NirNode.IF(p[0], p[1], p[2]);
            }
            case "LI": {
                NirTensor[] p = neuron(g, where, new String[]{"tau", "r", "v_leak"}, new float[]{Float.NaN, Float.NaN, Float.NaN});
                return new NirNode.LI(p[0], p[1], p[2]);
            }
            case "LIF": {
                NirTensor[] p = neuron(g, where, new String[]{"tau", "r", "v_leak", "v_threshold", "v_reset"},
                        new float[]{Float.NaN, Float.NaN, Float.NaN, Float.NaN, 0f});
                return new NirNode.LIF(p[0], p[1], p[2], p[3], p[4]);
            }
            case "CubaLI": {
                NirTensor[] p = neuron(g, where, new String[]{"tau_syn", "tau_mem", "r", "v_leak", "w_in"},
                        new float[]{Float.NaN, Float.NaN, Float.NaN, Float.NaN, 1f});
                return new NirNode.CubaLI(p[0], p[1], p[2], p[3], p[4]);
            }
            case "CubaLIF": {
                NirTensor[] p = neuron(g, where, new String[]{"tau_syn", "tau_mem", "r", "v_leak", "v_threshold", "v_reset", "w_in"},
                        new float[]{Float.NaN, Float.NaN, Float.NaN, Float.NaN, Float.NaN, 0f, 1f});
                return new NirNode.CubaLIF(p[0], p[1], p[2], p[3], p[4], p[5], p[6]);
            }
            case "NIRGraph":
                return readGraph(g, name, depth + 1);
            default:
                throw fail("node '" + name + "' has unknown type '" + type + "' (known: " + KNOWN_TYPES + ")");
        }
    }

    /**
     * A neuron's parameters: required ones (default NaN) and optional ones (their default value, used
     * when the field is absent). Single values are broadcast to the shape of the largest parameter.
     */
    private NirTensor[] neuron(Group g, String where, String[] fields, float[] defaults) {
        NirTensor[] t = new NirTensor[fields.length];
        int[] shape = null;
        int size = -1;
        for (int i = 0; i < fields.length; i++) {
            t[i] = tensor(g, fields[i], where, Float.isNaN(defaults[i]));
            if (t[i] != null && (t[i].size() > size || t[i].size() == size && t[i].rank() > shape.length)) {
                size = t[i].size();
                shape = t[i].shape();
            }
        }
        for (int i = 0; i < fields.length; i++) {
            if (t[i] == null) t[i] = NirTensor.filled(defaults[i], shape);
            else if (t[i].size() == 1 && !Arrays.equals(t[i].shape(), shape)) t[i] = NirTensor.filled(t[i].get(0), shape);
        }
        return t;
    }

    private NirTensor bias(Group g, int outChannels, String where) {
        NirTensor b = tensor(g, "bias", where, true);
        if (b.size() == 1 && outChannels != 1) return NirTensor.filled(b.get(0), outChannels);
        if (b.rank() != 1 && b.size() == outChannels) return new NirTensor(new int[]{outChannels}, b.data());
        return b;
    }

    /** Values per dimension: one value (scalar or 1 element) is repeated, else exactly {@code dims}. */
    private int[] perDim(Group g, String field, int dims, String where) {
        long[] v = ints(g, field, where);
        if (v.length == 1 && dims > 1) {
            long[] r = new long[dims];
            Arrays.fill(r, v[0]);
            v = r;
        }
        if (v.length != dims) throw fail(where + ": field '" + field + "' needs " + dims + " value(s), has " + Arrays.toString(v));
        int[] out = new int[dims];
        for (int i = 0; i < dims; i++) out[i] = toInt(v[i], where, field);
        return out;
    }

    /** Padding as numbers, or as "valid" / "same" (the latter only where it is symmetric). */
    private int[] padding(Group g, int dims, int[] kernel, int[] stride, int[] dilation, String where) {
        Dataset d = dataset(g, "padding", where);
        if (d == null) throw fail(where + ": missing field 'padding'");
        if (d.getJavaType() != String.class) return perDim(g, "padding", dims, where);
        String p = string(g, "padding", where).trim().toLowerCase();
        int[] out = new int[dims];
        if (p.equals("valid")) return out;
        if (!p.equals("same")) throw fail(where + ": padding '" + p + "' is neither a number, 'valid' nor 'same'");
        for (int i = 0; i < dims; i++) {
            long total = (long) dilation[i] * (kernel[i] - 1);
            if (stride[i] != 1 || total % 2 != 0)
                throw fail(where + ": padding 'same' with stride " + Arrays.toString(stride) + ", kernel " + Arrays.toString(kernel)
                        + " and dilation " + Arrays.toString(dilation) + " is not symmetric zero padding; snn4j needs stride 1 and an even dilation·(k−1)");
            out[i] = (int) (total / 2);
        }
        return out;
    }

    /** An Input/Output shape from {@code field}, or from the older {@code alt} group ({@code input_type/input}). */
    private int[] shape(Group g, String field, String alt, String where) {
        int[] s = has(g, field) ? intShape(g, field, where) : optionalShape(g, alt, alt.replace("_type", ""), where);
        if (s == null) throw fail(where + ": missing field '" + field + "'");
        return s;
    }

    /** An int shape from a dataset {@code field}, or a group {@code field} holding a dataset {@code inner}; null when absent. */
    private int[] optionalShape(Group g, String field, String inner, String where) {
        Node n = child(g, field);
        if (n == null) return null;
        if (n instanceof Group sub) {
            Node in = child(sub, inner);
            if (in == null && sub.getChildren().size() == 1) in = sub.getChildren().values().iterator().next();
            if (!(in instanceof Dataset)) throw fail(where + ": group '" + field + "' holds no shape");
            return intShape(sub, in.getName(), where + " field '" + field + "'");
        }
        return intShape(g, field, where);
    }

    private int[] intShape(Group g, String field, String where) {
        long[] v = ints(g, field, where);
        int[] s = new int[v.length];
        for (int i = 0; i < v.length; i++) s[i] = toInt(v[i], where, field);
        checkSize(s, where + " field '" + field + "'");
        return s;
    }

    private int toInt(long v, String where, String field) {
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw fail(where + ": field '" + field + "' value " + v + " is out of range");
        if (field.equals("shape") || field.endsWith("_shape") || field.endsWith("_type") || field.equals("kernel_size") || field.equals("groups")) {
            if (v < 0) throw fail(where + ": field '" + field + "' has a negative size " + v);
        }
        return (int) v;
    }

    // ---------------------------------------------------------------- datasets

    private boolean has(Group g, String field) {
        return child(g, field) != null;
    }

    private Node child(Group g, String name) {
        return g.getChildren().get(name);
    }

    /** The dataset {@code field}, null when absent; a group in its place is a fault. */
    private Dataset dataset(Group g, String field, String where) {
        Node n = child(g, field);
        if (n == null) return null;
        if (!(n instanceof Dataset d)) throw fail(where + ": field '" + field + "' is a group, expected a dataset");
        return d;
    }

    /** A string field (scalar or one-element array); null when absent. */
    private String string(Group g, String field, String where) {
        at = where + " field '" + field + "'";
        Dataset d = dataset(g, field, where);
        if (d == null) return null;
        checkSize(d.getDimensions(), at);
        Object v = d.isEmpty() ? null : d.getDataFlat();
        if (v instanceof String[] s && s.length == 1) return s[0];
        if (v instanceof String s) return s;
        throw fail(where + ": field '" + field + "' must be a string, is " + describeType(d));
    }

    /** A numeric field as a float tensor of its shape (scalar: shape []); null when absent and not required. */
    private NirTensor tensor(Group g, String field, String where, boolean required) {
        at = where + " field '" + field + "'";
        Dataset d = dataset(g, field, where);
        if (d == null) {
            if (required) throw fail(where + ": missing field '" + field + "'");
            return null;
        }
        return toTensor(d, where + " field '" + field + "'");
    }

    private NirTensor toTensor(Dataset d, String what) {
        int[] dims = d.isScalar() ? new int[0] : d.getDimensions();
        long n = checkSize(dims, what);
        count(n, what);
        if (n == 0) return new NirTensor(dims, new float[0]);
        if (d.isEmpty()) throw fail(what + ": dataset of shape " + Arrays.toString(dims) + " has no data stored");
        return new NirTensor(dims, floats(d.getDataFlat(), n, what));
    }

    private float[] floats(Object flat, long n, String what) {
        if (flat == null || !flat.getClass().isArray() || Array.getLength(flat) != n)
            throw fail(what + ": expected " + n + " numbers, got " + (flat == null ? "nothing" : flat.getClass().getSimpleName()));
        if (flat instanceof float[] f) return f;
        float[] out = new float[(int) n];
        if (flat instanceof double[] a) for (int i = 0; i < out.length; i++) out[i] = (float) a[i];
        else if (flat instanceof long[] a) for (int i = 0; i < out.length; i++) out[i] = a[i];
        else if (flat instanceof int[] a) for (int i = 0; i < out.length; i++) out[i] = a[i];
        else if (flat instanceof short[] a) for (int i = 0; i < out.length; i++) out[i] = a[i];
        else if (flat instanceof byte[] a) for (int i = 0; i < out.length; i++) out[i] = a[i];
        else if (flat instanceof boolean[] a) for (int i = 0; i < out.length; i++) out[i] = a[i] ? 1f : 0f;
        else if (flat instanceof Number[] a) for (int i = 0; i < out.length; i++) out[i] = a[i].floatValue();
        else throw fail(what + ": expected numbers, got " + flat.getClass().getComponentType().getSimpleName() + " values");
        return out;
    }

    /** An integer field (any numeric dtype holding whole numbers) as a flat array. */
    private long[] ints(Group g, String field, String where) {
        String what = where + " field '" + field + "'";
        at = what;
        Dataset d = dataset(g, field, where);
        if (d == null) throw fail(where + ": missing field '" + field + "'");
        long n = checkSize(d.isScalar() ? new int[0] : d.getDimensions(), what);
        if (n > 64) throw fail(what + ": expected a few integers, has " + n + " values");
        if (n == 0) return new long[0];
        if (d.isEmpty()) throw fail(what + ": no data stored");
        Object flat = d.getDataFlat();
        long[] out = new long[(int) n];
        if (flat instanceof long[] a && a.length == n) return a;
        if (flat instanceof int[] a && a.length == n) {
            for (int i = 0; i < out.length; i++) out[i] = a[i];
        } else if (flat instanceof short[] a && a.length == n) {
            for (int i = 0; i < out.length; i++) out[i] = a[i];
        } else if (flat instanceof byte[] a && a.length == n) {
            for (int i = 0; i < out.length; i++) out[i] = a[i];
        } else if (flat instanceof BigInteger[] a && a.length == n) {
            for (int i = 0; i < out.length; i++) {
                if (a[i].bitLength() > 62) throw fail(what + ": value " + a[i] + " is out of range");
                out[i] = a[i].longValue();
            }
        } else if ((flat instanceof float[] || flat instanceof double[]) && Array.getLength(flat) == n) {
            for (int i = 0; i < out.length; i++) {
                double v = ((Number) Array.get(flat, i)).doubleValue();
                if (v != Math.rint(v) || Math.abs(v) > 1e15) throw fail(what + ": expected whole numbers, has " + v);
                out[i] = (long) v;
            }
        } else {
            throw fail(what + ": expected integers, is " + describeType(d));
        }
        return out;
    }

    private long intScalar(Group g, String field, String where) {
        long[] v = ints(g, field, where);
        if (v.length != 1) throw fail(where + ": field '" + field + "' must be one integer, has " + Arrays.toString(v));
        return v[0];
    }

    /** The product of the dimensions, refused when it overflows or exceeds {@link #MAX_ELEMENTS}. */
    private long checkSize(int[] dims, String what) {
        long n = 1;
        for (int d : dims) {
            if (d < 0) throw fail(what + ": negative dimension in " + Arrays.toString(dims));
            try {
                n = Math.multiplyExact(n, (long) d);
            } catch (ArithmeticException e) {
                throw fail(what + ": absurd size " + Arrays.toString(dims) + " (the element count overflows)");
            }
        }
        if (n > MAX_ELEMENTS) throw fail(what + ": absurd size " + Arrays.toString(dims) + " = " + n + " values (limit 2^28)");
        return n;
    }

    private void count(long n, String what) {
        totalElements += n;
        if (totalElements > MAX_ELEMENTS)
            throw fail(what + ": the file's datasets hold more than 2^28 values in all; refused");
    }

    // ---------------------------------------------------------------- metadata

    private Map<String, Object> readMetadata(Group g, String where) {
        Node n = child(g, "metadata");
        Map<String, Object> out = new LinkedHashMap<>();
        if (n == null) return out;
        if (!(n instanceof Group mg)) return out; // a stray dataset named metadata: nothing to read as a map
        readMetadataGroup(mg, where + " metadata", out, 0);
        return out;
    }

    private void readMetadataGroup(Group g, String where, Map<String, Object> out, int depth) {
        if (depth > MAX_DEPTH) throw fail(where + ": nests more than " + MAX_DEPTH + " deep");
        for (Map.Entry<String, Node> e : g.getChildren().entrySet()) {
            String what = where + " '" + e.getKey() + "'";
            at = what;
            if (e.getValue() instanceof Group sub) {
                Map<String, Object> m = new LinkedHashMap<>();
                readMetadataGroup(sub, what, m, depth + 1);
                out.put(e.getKey(), m);
                continue;
            }
            Object v;
            try {
                v = metadataValue((Dataset) e.getValue(), what);
            } catch (NirException ex) {
                throw ex; // sizes: refused, not skipped
            } catch (RuntimeException ex) {
                v = null; // an HDF5 type that has no meaning here: skipped (see the class comment)
            }
            if (v != null) out.put(e.getKey(), v);
        }
    }

    private Object metadataValue(Dataset d, String what) {
        int[] dims = d.isScalar() ? new int[0] : d.getDimensions();
        long n = checkSize(dims, what);
        Class<?> jt = d.getJavaType();
        boolean scalar = dims.length == 0;
        if (d.getDataType() instanceof EnumDataType) {
            if (!scalar || n != 1) return null;
            Object v = d.getDataFlat();
            String s = v instanceof String[] a ? a[0] : String.valueOf(v);
            if (s.equalsIgnoreCase("TRUE")) return Boolean.TRUE; // h5py writes bool as an enum
            if (s.equalsIgnoreCase("FALSE")) return Boolean.FALSE;
            return s;
        }
        if (jt == String.class) {
            count(n, what);
            if (n == 0 || d.isEmpty()) return scalar ? "" : List.of();
            String[] s = (String[]) d.getDataFlat();
            return scalar ? s[0] : List.of(s);
        }
        if (scalar) {
            Object v = d.getData();
            if (v instanceof Boolean b) return b;
            if (v instanceof Float || v instanceof Double) return ((Number) v).doubleValue();
            if (v instanceof BigInteger b) return b.bitLength() <= 63 ? (Object) b.longValue() : (Object) b.doubleValue();
            if (v instanceof Number num) return num.longValue();
            return null;
        }
        return toTensor(d, what);
    }

    // ---------------------------------------------------------------- messages

    private static String describeType(Dataset d) {
        try {
            return d.getJavaType().getSimpleName() + " " + (d.isScalar() ? "scalar" : Arrays.toString(d.getDimensions()));
        } catch (RuntimeException e) {
            return "unreadable";
        }
    }

    /** One line: the exception's kind and message, with the innermost cause's when it adds something. */
    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String s = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        if (root != e) s += " (" + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
        return s;
    }

    private NirException fail(String message) {
        String m = ("file " + fileName + ": " + message).replaceAll("\\s*[\\r\\n]+\\s*", " ");
        if (m.length() > 400) m = m.substring(0, 397) + "...";
        return new NirException(m);
    }
}
