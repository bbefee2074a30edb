package org.snn4j.nir;

import java.util.LinkedHashMap;
import java.util.Map;

/** Helpers over the node records: their tensor parameters under NIR's field names. */
public final class NirNodes {
    private NirNodes() {
    }

    /**
     * The tensor parameters of a node under the names NIR gives them (e.g. {@code tau}, {@code r},
     * {@code v_leak}), in the specification's order; empty for nodes without tensors (Input, Output,
     * Flatten, pooling, graphs).
     */
    public static Map<String, NirTensor> parameters(NirNode node) {
        Map<String, NirTensor> m = new LinkedHashMap<>();
        if (node instanceof NirNode.Affine a) {
            m.put("weight", a.weight());
            m.put("bias", a.bias());
        } else if (node instanceof NirNode.Linear l) {
            m.put("weight", l.weight());
        } else if (node instanceof NirNode.Scale s) {
            m.put("scale", s.scale());
        } else if (node instanceof NirNode.Threshold t) {
            m.put("threshold", t.threshold());
        } else if (node instanceof NirNode.Delay d) {
            m.put("delay", d.delay());
        } else if (node instanceof NirNode.Conv1d c) {
            m.put("weight", c.weight());
            m.put("bias", c.bias());
        } else if (node instanceof NirNode.Conv2d c) {
            m.put("weight", c.weight());
            m.put("bias", c.bias());
        } else if (node instanceof NirNode.Integrator i) {
            m.put("r", i.r());
        } else if (node instanceof NirNode.IF f) {
            m.put("r", f.r());
            m.put("v_threshold", f.vThreshold());
            m.put("v_reset", f.vReset());
        } else if (node instanceof NirNode.LI l) {
            m.put("tau", l.tau());
            m.put("r", l.r());
            m.put("v_leak", l.vLeak());
        } else if (node instanceof NirNode.LIF l) {
            m.put("tau", l.tau());
            m.put("r", l.r());
            m.put("v_leak", l.vLeak());
            m.put("v_threshold", l.vThreshold());
            m.put("v_reset", l.vReset());
        } else if (node instanceof NirNode.CubaLI c) {
            m.put("tau_syn", c.tauSyn());
            m.put("tau_mem", c.tauMem());
            m.put("r", c.r());
            m.put("v_leak", c.vLeak());
            m.put("w_in", c.wIn());
        } else if (node instanceof NirNode.CubaLIF c) {
            m.put("tau_syn", c.tauSyn());
            m.put("tau_mem", c.tauMem());
            m.put("r", c.r());
            m.put("v_leak", c.vLeak());
            m.put("v_threshold", c.vThreshold());
            m.put("v_reset", c.vReset());
            m.put("w_in", c.wIn());
        }
        return m;
    }

    /** True for the node types that hold state across time steps (neurons and delays). */
    public static boolean stateful(NirNode node) {
        return node instanceof NirNode.Integrator || node instanceof NirNode.IF || node instanceof NirNode.LI
                || node instanceof NirNode.LIF || node instanceof NirNode.CubaLI || node instanceof NirNode.CubaLIF
                || node instanceof NirNode.Delay;
    }
}
