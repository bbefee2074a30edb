package org.snn4j.nir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A NIR graph: named nodes and directed edges (NIR's {@code NIRGraph}), itself a node so that graphs
 * nest. A node's input is the sum of what its incoming edges carry; an edge may name a node of a
 * nested graph as {@code "sub.node"}. Metadata (free key/value pairs of the file) is kept per node
 * and for the graph, and written back on export.
 *
 * @param nodes        nodes by name, in file order
 * @param edges        edges (source, target)
 * @param metadata     the graph's metadata
 * @param nodeMetadata metadata of the nodes that have some, by node name
 */
public record NirGraph(Map<String, NirNode> nodes, List<Edge> edges, Map<String, Object> metadata,
                       Map<String, Map<String, Object>> nodeMetadata) implements NirNode {
    /** A directed edge between two node names. */
    public record Edge(String source, String target) {
        @Override
        public String toString() {
            return source + " -> " + target;
        }
    }

    public NirGraph {
        nodes = Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
        edges = List.copyOf(edges);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        nodeMetadata = Collections.unmodifiableMap(new LinkedHashMap<>(nodeMetadata));
    }

    @Override
    public String type() {
        return "NIRGraph";
    }

    /** A builder: nodes and edges in the order given. */
    public static Builder builder() {
        return new Builder();
    }

    /** The names of the nodes of this type, in file order. */
    public List<String> namesOf(Class<? extends NirNode> type) {
        List<String> out = new ArrayList<>();
        nodes.forEach((k, v) -> {
            if (type.isInstance(v)) out.add(k);
        });
        return out;
    }

    /**
     * Resolves a name used in an edge: a node of this graph, or {@code "sub.node"} inside a nested
     * graph; null when there is none.
     */
    public NirNode resolve(String name) {
        NirNode n = nodes.get(name);
        if (n != null) return n;
        int dot = name.indexOf('.');
        if (dot > 0 && nodes.get(name.substring(0, dot)) instanceof NirGraph sub) return sub.resolve(name.substring(dot + 1));
        return null;
    }

    /**
     * Checks what can be checked without a dt: every edge joins existing nodes, the graph has at least
     * one Input and one Output, an Input has no incoming edge and an Output no outgoing one; nested
     * graphs likewise. Throws {@link NirException} naming the first fault.
     */
    public NirGraph check() {
        return check("");
    }

    private NirGraph check(String where) {
        if (nodes.isEmpty()) throw new NirException("graph" + where + " has no nodes");
        if (namesOf(Input.class).isEmpty()) throw new NirException("graph" + where + " has no Input node");
        if (namesOf(Output.class).isEmpty()) throw new NirException("graph" + where + " has no Output node");
        for (Edge e : edges) {
            if (resolve(e.source()) == null) throw new NirException("edge " + e + where + ": no node named '" + e.source() + "'");
            if (resolve(e.target()) == null) throw new NirException("edge " + e + where + ": no node named '" + e.target() + "'");
            if (nodes.get(e.target()) instanceof Input) throw new NirException("edge " + e + where + " leads into an Input node");
            if (nodes.get(e.source()) instanceof Output) throw new NirException("edge " + e + where + " leaves an Output node");
        }
        nodes.forEach((k, v) -> {
            if (v instanceof NirGraph g) g.check(where + " in subgraph '" + k + "'");
        });
        return this;
    }

    /** Number of parameter values over all nodes (nested graphs included). */
    public long parameterCount() {
        long n = 0;
        for (NirNode v : nodes.values()) n += NirNodes.parameters(v).values().stream().mapToLong(NirTensor::size).sum()
                + (v instanceof NirGraph g ? g.parameterCount() : 0);
        return n;
    }

    /** Builds a {@link NirGraph}. */
    public static final class Builder {
        private final Map<String, NirNode> nodes = new LinkedHashMap<>();
        private final List<Edge> edges = new ArrayList<>();
        private final Map<String, Object> metadata = new LinkedHashMap<>();
        private final Map<String, Map<String, Object>> nodeMetadata = new LinkedHashMap<>();

        /** Adds a node; names must be unique and must not contain '.' (the nested-graph separator). */
        public Builder node(String name, NirNode node) {
            if (name == null || name.isEmpty() || name.contains(".") || name.contains("/"))
                throw new NirException("bad node name '" + name + "': it must be non-empty, without '.' or '/'");
            if (nodes.putIfAbsent(name, node) != null) throw new NirException("two nodes named '" + name + "'");
            return this;
        }

        /** Adds an edge. */
        public Builder edge(String source, String target) {
            edges.add(new Edge(source, target));
            return this;
        }

        /** Adds nodes in a chain: the first name's node to the second's, and so on. */
        public Builder chain(String... names) {
            for (int i = 0; i + 1 < names.length; i++) edge(names[i], names[i + 1]);
            return this;
        }

        /** Sets a metadata entry of the graph. */
        public Builder metadata(String key, Object value) {
            metadata.put(key, value);
            return this;
        }

        /** Sets a metadata entry of a node. */
        public Builder nodeMetadata(String node, String key, Object value) {
            nodeMetadata.computeIfAbsent(node, k -> new LinkedHashMap<>()).put(key, value);
            return this;
        }

        public NirGraph build() {
            return new NirGraph(nodes, edges, metadata, nodeMetadata);
        }
    }
}
