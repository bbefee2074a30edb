package org.snn4j.nir;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snn4j.cell.Cell;
import org.snn4j.cell.CubaLifCell;
import org.snn4j.cell.LeakyIntegratorCell;
import org.snn4j.cell.LifCell;
import org.snn4j.cell.Reset;
import org.snn4j.cell.SpikeFunction;
import org.snn4j.math.Blas;
import org.snn4j.math.Conv;
import org.snn4j.math.Parallel;

/**
 * A NIR graph compiled at a time step dt into something that runs: {@code Nir.load(path, dt).run(...)}.
 *
 * <p><b>Time.</b> Each step of dt seconds evaluates the nodes in topological order from the Input;
 * a node's input is the sum of the outputs, at the same step, of the nodes with an edge into it. An
 * edge that closes a cycle (a recurrent connection) carries its source's output of the previous step.
 * A node's input is held constant over the step, and each neuron's linear dynamics is integrated
 * exactly over it (the convention of the NIR paper's exact LIF reference):
 * <pre>
 *   I:       v_t = v_{t−1} + R·dt·x_t                                            (v_0 = 0)
 *   IF:      v' = v_{t−1} + R·dt·x_t;  z_t = v' &gt; v_th;  v_t = z_t ? v_reset : v'   (v_0 = 0)
 *   LI:      v_t = v_leak + β (v_{t−1} − v_leak) + (1 − β) R x_t,  β = e^{−dt/τ}        (v_0 = v_leak)
 *   LIF:     v' as LI;  z_t = v' &gt; v_th;  v_t = z_t ? v_reset : v'                    (v_0 = v_leak)
 *   CubaLI:  I_t = α I_{t−1} + (1 − α) w_in x_t,  α = e^{−dt/τ_syn};  v_t as LI with input I_t, β from τ_mem
 *   CubaLIF: CubaLI, then z_t and the reset as LIF
 *   Delay:   y_t = x_{t − round(delay/dt)}
 * </pre>
 * (CubaLI/CubaLIF: the current is exact for its input held over the step, the membrane then sees
 * the step's final current; Norse and snnTorch instead jump the current by the input, so their
 * CubaLIF weights mean (1 − α) times less here.)
 *
 * <p><b>One core.</b> The neurons run on the core's cells ({@link LifCell} with the reset inside
 * the spike's step for IF and LIF, {@link CubaLifCell} for the current-based ones,
 * {@link LeakyIntegratorCell} for I and LI), on a threshold-normalised membrane
 * u = (v − v_reset)/(v_th − v_reset) with a per-neuron input gain and offset, so per-neuron
 * R, v_leak, v_threshold and v_reset cost nothing; τ must be one per node. Convolutions and pooling
 * use the core's {@link Conv}, dense layers the core's sparse row kernels ({@link Blas}): the input
 * of a layer is a spike map, so its work grows with the spikes.
 *
 * <p><b>Threads.</b> Samples of a batch are independent; {@link #run} hands each to one member of
 * the core's thread team, so results are the same whatever the thread count.
 */
public final class NirNetwork {
    /** Largest number of state and buffer floats one sample may need (a guard against absurd graphs). */
    public static final long MAX_FLOATS_PER_SAMPLE = 1L << 27;

    private final NirGraph graph;
    private final double dt;
    private final Op[] ops;            // topological order
    private final Map<String, Op> byName = new LinkedHashMap<>();
    private final Op input, output;
    private final List<String> notes = new ArrayList<>();

    private NirNetwork(NirGraph graph, double dt) {
        if (!(dt > 0) || Double.isInfinite(dt)) throw new NirException("dt must be a positive number of seconds: " + dt);
        this.graph = graph.check();
        this.dt = dt;
        Map<String, NirNode> flat = new LinkedHashMap<>();
        List<NirGraph.Edge> edges = new ArrayList<>();
        flatten(graph, "", flat, edges);
        List<String> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        flat.forEach((k, v) -> {
            if (!k.contains(".") && v instanceof NirNode.Input) inputs.add(k);
            if (!k.contains(".") && v instanceof NirNode.Output) outputs.add(k);
        });
        if (inputs.size() != 1) throw new NirException("snn4j runs graphs with one Input node; this one has " + inputs);
        if (outputs.size() != 1) throw new NirException("snn4j runs graphs with one Output node; this one has " + outputs);
        // order: depth-first from the input, reverse post-order; an edge to a node on the stack closes a cycle
        Map<String, List<String>> succ = new LinkedHashMap<>(), pred = new HashMap<>();
        for (String k : flat.keySet()) {
            succ.put(k, new ArrayList<>());
            pred.put(k, new ArrayList<>());
        }
        for (NirGraph.Edge e : edges) {
            succ.get(e.source()).add(e.target());
            pred.get(e.target()).add(e.source());
        }
        List<String> post = new ArrayList<>();
        Map<String, Integer> mark = new HashMap<>();   // 1 on the stack, 2 done
        java.util.Set<NirGraph.Edge> back = new java.util.HashSet<>();
        List<String> roots = new ArrayList<>(inputs);
        roots.addAll(flat.keySet());
        for (String r : roots) {
            if (mark.containsKey(r)) continue;
            Deque<Object[]> stack = new ArrayDeque<>();
            stack.push(new Object[]{r, 0});
            mark.put(r, 1);
            while (!stack.isEmpty()) {
                Object[] top = stack.peek();
                String u = (String) top[0];
                int i = (Integer) top[1];
                List<String> s = succ.get(u);
                if (i < s.size()) {
                    top[1] = i + 1;
                    String v = s.get(i);
                    Integer m = mark.get(v);
                    if (m == null) {
                        mark.put(v, 1);
                        stack.push(new Object[]{v, 0});
                    } else if (m == 1) back.add(new NirGraph.Edge(u, v));
                } else {
                    mark.put(u, 2);
                    post.add(u);
                    stack.pop();
                }
            }
        }
        List<String> order = new ArrayList<>(post);
        java.util.Collections.reverse(order);
        List<Op> list = new ArrayList<>();
        for (String name : order) {
            NirNode node = flat.get(name);
            List<String> ps = pred.get(name);
            int[] inShape = null;
            for (String p : ps) {
                Op src = byName.get(p);
                if (src == null) continue;   // a back edge from a node not yet built: its size is checked below
                if (inShape == null) inShape = src.outShape;
                else if (prod(inShape) != prod(src.outShape))
                    throw new NirException("node '" + name + "': its inputs differ in size (" + Arrays.toString(inShape) + " and "
                            + Arrays.toString(src.outShape) + " from '" + p + "')");
            }
            if (inShape == null && !(node instanceof NirNode.Input))
                throw new NirException("node '" + name + "' (" + node.type() + ") has no input edge that the Input reaches");
            Op op = build(name, node, inShape);
            byName.put(name, op);
            list.add(op);
        }
        ops = list.toArray(new Op[0]);
        long floats = 0;
        for (Op op : ops) {
            List<String> ps = pred.get(op.name);
            op.sources = new Op[ps.size()];
            op.previous = new boolean[ps.size()];
            for (int i = 0; i < ps.size(); i++) {
                Op src = byName.get(ps.get(i));
                op.sources[i] = src;
                op.previous[i] = back.contains(new NirGraph.Edge(ps.get(i), op.name));
                if (op.previous[i]) src.keepsPrevious = true;
                if (src.outSize != op.inSize)
                    throw new NirException("edge " + ps.get(i) + " -> " + op.name + ": " + src.outSize + " values into an input of "
                            + op.inSize);
            }
            floats += op.inSize + 2L * op.outSize + op.stateFloats();
        }
        if (floats > MAX_FLOATS_PER_SAMPLE)
            throw new NirException("the graph needs " + floats + " floats of state per sample, more than snn4j allows (" + MAX_FLOATS_PER_SAMPLE + ")");
        input = byName.get(inputs.get(0));
        output = byName.get(outputs.get(0));
        for (NirGraph.Edge e : back) notes.add("recurrent edge " + e + " carries the previous step's output");
    }

    /** Compiles a graph at time step dt (seconds). Throws {@link NirException} naming what cannot be run. */
    public static NirNetwork compile(NirGraph graph, double dtSeconds) {
        return new NirNetwork(graph, dtSeconds);
    }

    public NirGraph graph() {
        return graph;
    }

    /** The time step (s). */
    public double dt() {
        return dt;
    }

    /** Values per sample per step at the input. */
    public int inputSize() {
        return input.outSize;
    }

    /** Values per sample per step at the output. */
    public int outputSize() {
        return output.outSize;
    }

    /** Node names in execution order (subgraph nodes as {@code "sub.node"}). */
    public List<String> nodeNames() {
        return List.copyOf(byName.keySet());
    }

    /** Output shape of a node. */
    public int[] shape(String node) {
        return op(node).outShape.clone();
    }

    /** The NIR type of a node. */
    public String type(String node) {
        return op(node).type;
    }

    /** True for nodes whose output is spikes (IF, LIF, CubaLIF, Threshold). */
    public boolean spiking(String node) {
        return op(node).spiking;
    }

    /** What the compilation decided that a user may want to know (recurrent edges, rounded delays). */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    private Op op(String node) {
        Op o = byName.get(node);
        if (o == null) throw new IllegalArgumentException("no node named '" + node + "'");
        return o;
    }

    // ------------------------------------------------------------------ running

    /** What a run returns. */
    public static final class Result {
        /** Output node values, [T][B × outputSize]. */
        public final float[][] output;
        /** Sum over time, batch and units of each node's output (the spike count for spiking nodes), by node name. */
        public final Map<String, Double> totals;
        /** Recorded node outputs, [T][B × size], by node name (the nodes asked for). */
        public final Map<String, float[][]> traces;
        /** Recorded membrane potentials after the step's reset, in the file's units, [T][B × size]. */
        public final Map<String, float[][]> voltages;

        Result(float[][] output, Map<String, Double> totals, Map<String, float[][]> traces, Map<String, float[][]> voltages) {
            this.output = output;
            this.totals = totals;
            this.traces = traces;
            this.voltages = voltages;
        }
    }

    /**
     * Runs T steps on a batch from the rest state.
     *
     * @param input   [T][B × inputSize] (step-major; sample b's frame at offset b·inputSize)
     * @param batch   B
     * @param record  nodes whose output (and, for neurons, voltage) to record per step; may be empty
     * @param threads team size (0 = the library default)
     */
    public Result run(float[][] input, int batch, List<String> record, int threads) {
        final int T = input.length, nIn = inputSize(), nOut = outputSize();
        for (int t = 0; t < T; t++)
            if (input[t].length != (long) batch * nIn)
                throw new NirException("input step " + t + " has " + input[t].length + " values, expected " + batch + " x " + nIn);
        for (String r : record) op(r);
        float[][] out = new float[T][batch * nOut];
        Map<String, float[][]> traces = new LinkedHashMap<>(), volts = new LinkedHashMap<>();
        for (String r : record) {
            traces.put(r, new float[T][batch * op(r).outSize]);
            if (op(r) instanceof NeuronOp) volts.put(r, new float[T][batch * op(r).outSize]);
        }
        Parallel team = threads == 0 ? Parallel.common() : new Parallel(threads);
        try {
            int members = team.threads();
            Workspace[] ws = new Workspace[members];
            double[][] totals = new double[batch][ops.length];
            team.forEachMember(batch, (m, b) -> {
                if (ws[m] == null) ws[m] = new Workspace();
                Workspace w = ws[m];
                w.reset();
                for (int t = 0; t < T; t++) {
                    w.step(input[t], b * nIn);
                    System.arraycopy(w.out[output.index], 0, out[t], b * nOut, nOut);
                    for (int k = 0; k < ops.length; k++) {   // per unit, vectorised; summed over units once at the end
                        float[] o = w.out[k], acc = w.sum[k];
                        for (int i = 0; i < acc.length; i++) acc[i] += o[i];
                    }
                    for (String r : record) {
                        Op op = byName.get(r);
                        System.arraycopy(w.out[op.index], 0, traces.get(r)[t], b * op.outSize, op.outSize);
                        if (op instanceof NeuronOp n) n.voltage(w.state[op.index], w.out[op.index], volts.get(r)[t], b * op.outSize);
                    }
                }
                for (int k = 0; k < ops.length; k++) {
                    double sum = 0;
                    for (float v : w.sum[k]) sum += v;
                    totals[b][k] = sum;
                }
            });
            Map<String, Double> sums = new LinkedHashMap<>();
            for (int k = 0; k < ops.length; k++) {
                double s = 0;
                for (int b = 0; b < batch; b++) s += totals[b][k];   // fixed order: the same sum whatever the threads
                sums.put(ops[k].name, s);
            }
            return new Result(out, sums, traces, volts);
        } finally {
            if (threads != 0) team.close();
        }
    }

    /** One sample's buffers and state. */
    private final class Workspace {
        final float[][] out = new float[ops.length][], prevOut = new float[ops.length][], in = new float[ops.length][];
        final float[][][] state = new float[ops.length][][];
        final float[][] scratch = new float[ops.length][];
        /** Each unit's output summed over the steps of the current sample (exact for spike counts below 2^24). */
        final float[][] sum = new float[ops.length][];
        final int[] idx;
        final float[] val;
        /** The convolutions' buffers (one node at a time). */
        final Conv.Workspace conv = new Conv.Workspace();
        int step;

        Workspace() {
            int maxIn = 1;
            for (Op op : ops) {
                out[op.index] = new float[op.outSize];
                if (op.keepsPrevious) prevOut[op.index] = new float[op.outSize];
                in[op.index] = new float[op.inSize];
                state[op.index] = op.newState();
                scratch[op.index] = new float[op.scratchSize()];
                sum[op.index] = new float[op.outSize];
                maxIn = Math.max(maxIn, op.inSize);
            }
            idx = new int[maxIn];
            val = new float[maxIn];
        }

        void reset() {
            step = 0;
            for (Op op : ops) {
                Arrays.fill(out[op.index], 0f);
                Arrays.fill(sum[op.index], 0f);
                if (prevOut[op.index] != null) Arrays.fill(prevOut[op.index], 0f);
                op.resetState(state[op.index]);
            }
        }

        void step(float[] frame, int off) {
            for (Op op : ops) {
                if (op.keepsPrevious) System.arraycopy(out[op.index], 0, prevOut[op.index], 0, op.outSize);
            }
            for (Op op : ops) {
                float[] x = in[op.index];
                if (op == input) {
                    System.arraycopy(frame, off, out[op.index], 0, op.outSize);
                    continue;
                }
                if (op.sources.length == 1 && !op.previous[0]) x = out[op.sources[0].index];   // no copy for one plain input
                else {
                    Arrays.fill(x, 0f);
                    for (int i = 0; i < op.sources.length; i++) {
                        float[] s = op.previous[i] ? prevOut[op.sources[i].index] : out[op.sources[i].index];
                        for (int j = 0; j < x.length; j++) x[j] += s[j];
                    }
                }
                op.forward(x, out[op.index], state[op.index], scratch[op.index], this);
            }
            step++;
        }
    }

    // ------------------------------------------------------------------ compilation of nodes

    private static void flatten(NirGraph g, String prefix, Map<String, NirNode> flat, List<NirGraph.Edge> edges) {
        g.nodes().forEach((k, v) -> {
            if (v instanceof NirGraph sub) flatten(sub, prefix + k + ".", flat, edges);
            else flat.put(prefix + k, v);
        });
        for (NirGraph.Edge e : g.edges())
            edges.add(new NirGraph.Edge(endpoint(g, prefix, e.source(), true), endpoint(g, prefix, e.target(), false)));
    }

    /** An edge to a nested graph enters at its Input and leaves from its Output. */
    private static String endpoint(NirGraph g, String prefix, String name, boolean source) {
        NirNode n = g.nodes().get(name);
        if (n instanceof NirGraph sub) {
            List<String> ends = sub.namesOf(source ? NirNode.Output.class : NirNode.Input.class);
            if (ends.size() != 1)
                throw new NirException("subgraph '" + prefix + name + "' needs exactly one " + (source ? "Output" : "Input") + " node to be joined by an edge, has " + ends);
            return endpoint(sub, prefix + name + ".", ends.get(0), source);
        }
        return prefix + name;
    }

    static long prod(int[] s) {
        long p = 1;
        for (int d : s) p *= d;
        return p;
    }

    private Op build(String name, NirNode node, int[] inShape) {
        Op op;
        if (node instanceof NirNode.Input in) op = new CopyOp(in.shape(), in.shape());
        else if (node instanceof NirNode.Output o) op = new CopyOp(inShape, inShape);
        else if (node instanceof NirNode.Flatten f) {
            int[] s = f.inputType() != null && prod(f.inputType()) == prod(inShape) ? f.inputType() : inShape;
            op = new CopyOp(inShape, new NirNode.Flatten(s, f.startDim(), f.endDim()).outputShape());
        } else if (node instanceof NirNode.Affine a) op = new DenseOp(name, a.weight(), a.bias(), inShape);
        else if (node instanceof NirNode.Linear l) op = new DenseOp(name, l.weight(), null, inShape);
        else if (node instanceof NirNode.Scale s) op = new ScaleOp(name, s.scale().data(), inShape, false);
        else if (node instanceof NirNode.Threshold t) op = new ScaleOp(name, t.threshold().data(), inShape, true);
        else if (node instanceof NirNode.Delay d) op = new DelayOp(name, d.delay(), inShape);
        else if (node instanceof NirNode.Conv2d c) op = new ConvOp(name, c, inShape);
        else if (node instanceof NirNode.Conv1d c) op = new ConvOp(name, c, inShape);
        else if (node instanceof NirNode.SumPool2d p) op = new PoolOp(name, false, p.kernelSize(), p.stride(), p.padding(), inShape);
        else if (node instanceof NirNode.AvgPool2d p) op = new PoolOp(name, true, p.kernelSize(), p.stride(), p.padding(), inShape);
        else if (NirNodes.stateful(node)) op = NeuronOp.of(name, node, inShape, dt);
        else throw new NirException("node '" + name + "': snn4j cannot run NIR type " + node.type());
        op.name = name;
        op.type = node.type();
        op.index = byName.size();
        return op;
    }

    /** A compiled node: sizes per sample, its per-sample state, and a forward step. */
    abstract static class Op {
        String name, type;
        int index;
        int inSize, outSize;
        int[] outShape;
        boolean spiking, keepsPrevious;
        Op[] sources;
        boolean[] previous;

        Op(int[] inShape, int[] outShape) {
            this.inSize = inShape == null ? (int) prod(outShape) : Math.toIntExact(prod(inShape));
            this.outShape = outShape.clone();
            this.outSize = Math.toIntExact(prod(outShape));
        }

        float[][] newState() {
            return new float[0][];
        }

        long stateFloats() {
            return 0;
        }

        void resetState(float[][] s) {
        }

        int scratchSize() {
            return 0;
        }

        abstract void forward(float[] in, float[] out, float[][] state, float[] scratch, Workspace w);
    }

    /** Input, Output, Flatten: the values pass unchanged (C order). */
    private static final class CopyOp extends Op {
        CopyOp(int[] inShape, int[] outShape) {
            super(inShape, outShape);
            if (inShape != null && prod(inShape) != prod(outShape))
                throw new NirException("shape " + Arrays.toString(inShape) + " cannot become " + Arrays.toString(outShape));
        }

        @Override
        void forward(float[] in, float[] out, float[][] state, float[] scratch, Workspace w) {
            System.arraycopy(in, 0, out, 0, outSize);
        }
    }

    /** Affine and Linear: y = W x (+ b), summing the rows of Wᵀ picked by the non-zero inputs. */
    private static final class DenseOp extends Op {
        final float[][] wT;   // [in][out]
        final float[] bias;

        DenseOp(String name, NirTensor weight, NirTensor bias, int[] inShape) {
            super(inShape, new int[]{weight.shape()[0]});
            int nOut = weight.shape()[0], nIn = weight.shape()[1];
            if (inSize != nIn)
                throw new NirException("node '" + name + "': weight " + weight.shapeText() + " takes " + nIn + " inputs, gets " + inSize
                        + " (shape " + Arrays.toString(inShape) + ")");
            wT = new float[nIn][nOut];
            for (int o = 0; o < nOut; o++) for (int i = 0; i < nIn; i++) wT[i][o] = weight.data()[o * nIn + i];
            this.bias = bias == null ? new float[nOut] : bias.data().clone();
        }

        @Override
        void forward(float[] in, float[] out, float[][] state, float[] scratch, Workspace w) {
            System.arraycopy(bias, 0, out, 0, outSize);
            int nz = Blas.nonZeros(in, 0, inSize, w.idx, w.val);
            Blas.addScaledRows(wT, w.idx, w.val, 0, nz, out, 0, outSize);
        }
    }

    /** Scale (y = s ⊙ x) and Threshold (y = H(x − θ)); a one-value parameter applies to every unit. */
    private static final class ScaleOp extends Op {
        final float[] p;
        final boolean threshold;

        ScaleOp(String name, float[] p, int[] inShape, boolean threshold) {
            super(inShape, inShape);
            if (p.length != 1 && p.length != inSize)
                throw new NirException("node '" + name + "': " + p.length + " parameters for " + inSize + " inputs");
            this.p = p.length == inSize ? p.clone() : filled(p[0], inSize);
            this.threshold = threshold;
            this.spiking = threshold;
        }

        @Override
        void forward(float[] in, float[] out, float[][] state, float[] scratch, Workspace w) {
            if (threshold) for (int i = 0; i < outSize; i++) out[i] = in[i] > p[i] ? 1f : 0f;
            else for (int i = 0; i < outSize; i++) out[i] = in[i] * p[i];
        }
    }

    /** y_t = x_{t − d_i}: a ring of the last max(d) + 1 inputs. */
    private final class DelayOp extends Op {
        final int[] steps;
        final int depth;

        DelayOp(String name, NirTensor delay, int[] inShape) {
            super(inShape, inShape);
            float[] d = delay.size() == 1 ? filled(delay.get(0), inSize) : delay.data();
            if (d.length != inSize) throw new NirException("node '" + name + "': " + d.length + " delays for " + inSize + " inputs");
            steps = new int[inSize];
            int max = 0;
            boolean rounded = false;
            for (int i = 0; i < inSize; i++) {
                double s = d[i] / dt;
                if (!(s >= 0) || s > 1e7) throw new NirException("node '" + name + "': delay " + d[i] + " s is not a usable number of steps of " + dt + " s");
                steps[i] = (int) Math.round(s);
                rounded |= Math.abs(s - steps[i]) > 1e-6 * Math.max(1, s);
                max = Math.max(max, steps[i]);
            }
            depth = max + 1;
            if ((long) depth * inSize > MAX_FLOATS_PER_SAMPLE) throw new NirException("node '" + name + "': delays of " + max + " steps need too much memory");
            if (rounded) notes.add("node '" + name + "': delays rounded to whole steps of dt");
        }

        @Override
        float[][] newState() {
            return new float[][]{new float[depth * inSize], new float[1]};
        }

        @Override
        long stateFloats() {
            return (long) depth * inSize;
        }

        @Override
        void resetState(float[][] s) {
            Arrays.fill(s[0], 0f);
        }

        @Override
        void forward(float[] in, float[] out, float[][] state, float[] scratch, Workspace w) {
            float[] ring = state[0];
            int t = w.step, slot = t % depth;
            System.arraycopy(in, 0, ring, slot * inSize, inSize);
            for (int i = 0; i < inSize; i++) {
                int s = steps[i];
                out[i] = s > t ? 0f : ring[((t - s) % depth) * inSize + i];
            }
        }
    }

    /** Conv1d and Conv2d on (C, H, W) maps (Conv1d: H = 1). */
    private static final class ConvOp extends Op {
        final Conv conv;

        ConvOp(String name, NirNode.Conv2d c, int[] inShape) {
            this(make(name, c.weight(), c.inputShape(), inShape, c.stride(), c.padding(), c.dilation(), c.groups(), c.bias(), false), false);
        }

        ConvOp(String name, NirNode.Conv1d c, int[] inShape) {
            this(make(name, c.weight(), c.inputLength() > 0 ? new int[]{c.inputLength()} : null, inShape, new int[]{c.stride()},
                    new int[]{c.padding()}, new int[]{c.dilation()}, c.groups(), c.bias(), true), true);
        }

        /** Conv1d's output is (C_out, L'), Conv2d's (C_out, H', W'). */
        private ConvOp(Conv conv, boolean oneD) {
            super(new int[]{conv.inSize()}, oneD ? new int[]{conv.outChannels, conv.outW} : new int[]{conv.outChannels, conv.outH, conv.outW});
            this.conv = conv;
        }

        static Conv make(String name, NirTensor weight, int[] given, int[] inShape, int[] stride, int[] pad, int[] dil, int groups,
                         NirTensor bias, boolean oneD) {
            int[] ws = weight.shape();
            int cin = ws[1] * groups, cout = ws[0];
            long n = prod(inShape);
            int h, w;
            if (oneD) {
                h = 1;
                w = given != null ? given[0] : (int) (n / cin);
            } else if (given != null) {
                h = given[0];
                w = given[1];
            } else if (inShape.length == 3) {
                h = inShape[1];
                w = inShape[2];
            } else throw new NirException("node '" + name + "': Conv2d without input_shape after an input of shape " + Arrays.toString(inShape));
            if ((long) cin * h * w != n)
                throw new NirException("node '" + name + "': input of " + n + " values (shape " + Arrays.toString(inShape) + ") is not " + cin + " x " + h + " x " + w);
            try {
                return oneD
                        ? new Conv(cin, 1, w, cout, 1, ws[2], 1, stride[0], 0, pad[0], 1, dil[0], groups, weight.data(), bias == null ? null : bias.data())
                        : new Conv(cin, h, w, cout, ws[2], ws[3], stride[0], stride[1], pad[0], pad[1], dil[0], dil[1], groups, weight.data(), bias == null ? null : bias.data());
            } catch (IllegalArgumentException e) {
                throw new NirException("node '" + name + "': " + e.getMessage());
            }
        }

        @Override
        void forward(float[] in, float[] out, float[][] state, float[] scratch, Workspace w) {
            conv.forward(in, 0, out, 0, w.conv);
        }
    }

    /** SumPool2d and AvgPool2d on (C, H, W) maps. */
    private static final class PoolOp extends Op {
        final boolean average;
        final int c, h, w, kH, kW, sH, sW, pH, pW;

        PoolOp(String name, boolean average, int[] k, int[] s, int[] p, int[] inShape) {
            super(inShape, outShape(name, k, s, p, inShape));
            this.average = average;
            c = inShape[0];
            h = inShape[1];
            w = inShape[2];
            kH = k[0];
            kW = k[1];
            sH = s[0];
            sW = s[1];
            pH = p[0];
            pW = p[1];
        }

        static int[] outShape(String name, int[] k, int[] s, int[] p, int[] inShape) {
            if (inShape.length != 3) throw new NirException("node '" + name + "': pooling needs a (C, H, W) input, gets " + Arrays.toString(inShape));
            int oh = Conv.outSize(inShape[1], k[0], s[0], p[0], 1), ow = Conv.outSize(inShape[2], k[1], s[1], p[1], 1);
            if (oh < 1 || ow < 1) throw new NirException("node '" + name + "': the window does not fit the input " + Arrays.toString(inShape));
            return new int[]{inShape[0], oh, ow};
        }

        @Override
        void forward(float[] in, float[] out, float[][] state, float[] scratch, Workspace ws) {
            Conv.pool(average, c, h, w, kH, kW, sH, sW, pH, pW, in, 0, out, 0);
        }
    }

    /**
     * A neuron node on a core cell. The cell integrates u = (v − v_reset)/(v_th − v_reset) (or v itself
     * for the non-spiking ones) with input J = gain ⊙ x + offset per neuron; see the class comment.
     */
    static final class NeuronOp extends Op {
        final Cell cell;
        final float[] gain, offset, init0, init1, vReset, scale;
        final int vIndex;   // state variable holding the membrane
        static final SpikeFunction STEP = null;

        private NeuronOp(int[] inShape, int[] shape, Cell cell, boolean spiking, float[] gain, float[] offset, float[] init0,
                         float[] init1, float[] vReset, float[] scale) {
            super(inShape, shape);
            this.cell = cell;
            this.spiking = spiking;
            this.gain = gain;
            this.offset = offset;
            this.init0 = init0;
            this.init1 = init1;
            this.vReset = vReset;
            this.scale = scale;
            this.vIndex = cell.stateNames().size() - 1;
        }

        static NeuronOp of(String name, NirNode node, int[] inShape, double dt) {
            Map<String, NirTensor> p = NirNodes.parameters(node);
            NirTensor first = p.values().iterator().next();
            int[] shape = first.shape().length == 0 ? new int[]{1} : first.shape();
            long n = prod(shape), in = prod(inShape);
            if (n == 1 && in > 1) shape = inShape;   // one parameter set for every unit: broadcast
            else if (n != in)
                throw new NirException("node '" + name + "' (" + node.type() + "): parameters of shape " + first.shapeText() + " for an input of "
                        + in + " values (shape " + Arrays.toString(inShape) + ")");
            int size = Math.toIntExact(prod(shape));
            float[] gain = new float[size], offset = new float[size], init0 = new float[size], init1 = new float[size],
                    vReset = new float[size], scale = new float[size];
            Cell cell;
            boolean spiking;
            if (node instanceof NirNode.Integrator i) {
                for (int k = 0; k < size; k++) {
                    gain[k] = (float) (at(i.r(), k) * dt);
                    scale[k] = 1;
                }
                cell = new LeakyIntegratorCell(1.0);
                spiking = false;
            } else if (node instanceof NirNode.IF f) {
                for (int k = 0; k < size; k++) {
                    double delta = span(name, at(f.vThreshold(), k), at(f.vReset(), k));
                    gain[k] = (float) (at(f.r(), k) * dt / delta);
                    vReset[k] = (float) at(f.vReset(), k);
                    scale[k] = (float) delta;
                    init0[k] = (float) (-at(f.vReset(), k) / delta);   // v_0 = 0
                }
                cell = new LifCell(1.0, 1.0, Reset.ZERO_IMMEDIATE);
                spiking = true;
            } else if (node instanceof NirNode.LI l) {
                double beta = Math.exp(-dt / uniformTau(name, l.tau()));
                for (int k = 0; k < size; k++) {
                    gain[k] = (float) ((1 - beta) * at(l.r(), k));
                    offset[k] = (float) ((1 - beta) * at(l.vLeak(), k));
                    init0[k] = (float) at(l.vLeak(), k);
                    scale[k] = 1;
                }
                cell = new LeakyIntegratorCell(beta);
                spiking = false;
            } else if (node instanceof NirNode.LIF l) {
                double beta = Math.exp(-dt / uniformTau(name, l.tau()));
                for (int k = 0; k < size; k++) {
                    double delta = span(name, at(l.vThreshold(), k), at(l.vReset(), k)), vr = at(l.vReset(), k);
                    gain[k] = (float) ((1 - beta) * at(l.r(), k) / delta);
                    offset[k] = (float) ((1 - beta) * (at(l.vLeak(), k) - vr) / delta);
                    init0[k] = (float) ((at(l.vLeak(), k) - vr) / delta);
                    vReset[k] = (float) vr;
                    scale[k] = (float) delta;
                }
                cell = new LifCell(beta, 1.0, Reset.ZERO_IMMEDIATE);
                spiking = true;
            } else if (node instanceof NirNode.CubaLI c) {
                double alpha = Math.exp(-dt / uniformTau(name, c.tauSyn())), beta = Math.exp(-dt / uniformTau(name, c.tauMem()));
                for (int k = 0; k < size; k++) {
                    double b = (1 - beta) * at(c.vLeak(), k);
                    gain[k] = (float) ((1 - beta) * at(c.r(), k) * (1 - alpha) * at(c.wIn(), k));
                    offset[k] = (float) ((1 - alpha) * b);
                    init0[k] = (float) b;   // syn_0: the leak's share, so that v stays at v_leak without input
                    init1[k] = (float) at(c.vLeak(), k);
                    scale[k] = 1;
                }
                cell = new CubaLifCell(alpha, beta, Double.POSITIVE_INFINITY, Reset.ZERO_IMMEDIATE);
                spiking = false;
            } else if (node instanceof NirNode.CubaLIF c) {
                double alpha = Math.exp(-dt / uniformTau(name, c.tauSyn())), beta = Math.exp(-dt / uniformTau(name, c.tauMem()));
                for (int k = 0; k < size; k++) {
                    double delta = span(name, at(c.vThreshold(), k), at(c.vReset(), k)), vr = at(c.vReset(), k);
                    double b = (1 - beta) * (at(c.vLeak(), k) - vr) / delta;
                    gain[k] = (float) ((1 - beta) * at(c.r(), k) / delta * (1 - alpha) * at(c.wIn(), k));
                    offset[k] = (float) ((1 - alpha) * b);
                    init0[k] = (float) b;
                    init1[k] = (float) ((at(c.vLeak(), k) - vr) / delta);
                    vReset[k] = (float) vr;
                    scale[k] = (float) delta;
                }
                cell = new CubaLifCell(alpha, beta, 1.0, Reset.ZERO_IMMEDIATE);
                spiking = true;
            } else throw new NirException("node '" + name + "': no neuron model for NIR type " + node.type());
            return new NeuronOp(inShape, shape, cell, spiking, gain, offset, init0, init1, vReset, scale);
        }

        private static double at(NirTensor t, int k) {
            return t.size() == 1 ? t.get(0) : t.get(k);
        }

        private static double span(String name, double vTh, double vReset) {
            double d = vTh - vReset;
            if (!(d > 0) || Double.isInfinite(d))
                throw new NirException("node '" + name + "': v_threshold " + vTh + " must lie above v_reset " + vReset);
            return d;
        }

        private static double uniformTau(String name, NirTensor tau) {
            if (!tau.uniform())
                throw new NirException("node '" + name + "': snn4j's cells take one time constant per node; tau ranges from " + tau.min() + " to " + tau.max());
            double t = tau.get(0);
            if (!(t > 0) || Double.isInfinite(t)) throw new NirException("node '" + name + "': time constant must be positive: " + t);
            return t;
        }

        @Override
        float[][] newState() {
            float[][] s = new float[cell.stateNames().size()][outSize];
            return s;
        }

        @Override
        long stateFloats() {
            return (long) cell.stateNames().size() * outSize;
        }

        @Override
        void resetState(float[][] s) {
            System.arraycopy(init0, 0, s[0], 0, outSize);
            if (s.length > 1) System.arraycopy(init1, 0, s[1], 0, outSize);
        }

        @Override
        int scratchSize() {
            return outSize;
        }

        @Override
        void forward(float[] in, float[] out, float[][] state, float[] scratch, Workspace w) {
            final float[] j = scratch;
            for (int i = 0; i < outSize; i++) j[i] = gain[i] * in[i] + offset[i];
            // the membrane is the state before the reset of this step, stepped in place (Cell contract)
            cell.forward(state, 0, j, 0, state, 0, outSize, STEP);
            final float[] v = state[vIndex];
            if (spiking) for (int i = 0; i < outSize; i++) out[i] = v[i] > 1f ? 1f : 0f;
            else System.arraycopy(v, 0, out, 0, outSize);
        }

        /** The membrane after this step's reset, in the file's units, into dst[off ..]. */
        void voltage(float[][] state, float[] out, float[] dst, int off) {
            final float[] v = state[vIndex];
            for (int i = 0; i < outSize; i++) {
                float u = spiking && out[i] > 0 ? 0f : v[i];
                dst[off + i] = vReset[i] + scale[i] * u;
            }
        }
    }

    private static float[] filled(float v, int n) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }
}
