package org.snn4j.network;

import org.snn4j.model.NeuronModel;

/**
 * Synapses from a slice of one population to a slice of another (PyNN's Projection, Brian2's
 * Synapses with {@code on_pre='x += w'}): each presynaptic spike adds the weights of its row to the
 * postsynaptic state variable {@code receptor} (e.g. {@code ge} or {@code gi} of {@link
 * org.snn4j.model.LifCuba}), {@code delay} steps after the spike (0: seen by the next state update,
 * Brian2's behaviour without delay). Per-synapse delays come from the weights ({@link
 * CsrWeights}); then {@code delay} is ignored.
 */
public final class Projection {
    private final String name;
    private final Population.Slice pre, post;
    private final String receptor;
    private final Weights weights;
    private final int delay;

    public Projection(String name, Population.Slice pre, Population.Slice post, String receptor, Weights weights,
                      int delaySteps) {
        if (weights.rows() != pre.count() || weights.cols() != post.count())
            throw new IllegalArgumentException("projection " + name + ": weights are " + weights.rows() + "x" + weights.cols()
                    + " but pre has " + pre.count() + " and post " + post.count() + " neurons");
        if (delaySteps < 0) throw new IllegalArgumentException("projection " + name + ": negative delay " + delaySteps);
        if (pre.population().batch() != post.population().batch())
            throw new IllegalArgumentException("projection " + name + ": pre and post have different batch sizes");
        NeuronModel m = post.population().model();
        if (!m.variableNames().contains(receptor))
            throw new IllegalArgumentException("projection " + name + ": " + post.population().name() + " has no variable '"
                    + receptor + "' (it has " + m.variableNames() + ")");
        this.name = name;
        this.pre = pre;
        this.post = post;
        this.receptor = receptor;
        this.weights = weights;
        this.delay = delaySteps;
    }

    /** Builds the weights with a connector; the connector's random streams derive from {@code seed}. */
    public static Projection connect(String name, Population.Slice pre, Population.Slice post, String receptor,
                                     Connector connector, long seed, int delaySteps) {
        return new Projection(name, pre, post, receptor, connector.connect(pre.count(), post.count(), seed), delaySteps);
    }

    public String name() {
        return name;
    }

    public Population.Slice pre() {
        return pre;
    }

    public Population.Slice post() {
        return post;
    }

    public String receptor() {
        return receptor;
    }

    /** The weight matrix, live: a learning rule may change it between steps. */
    public Weights weights() {
        return weights;
    }

    /** Uniform delay in steps. */
    public int delay() {
        return delay;
    }

    /** Longest delay of any synapse in steps. */
    public int maxDelay() {
        return Math.max(delay, weights.maxSynapseDelay());
    }

    @Override
    public String toString() {
        return name + ": " + pre.population().name() + " -> " + post.population().name() + "." + receptor + " ("
                + weights.synapses() + " synapses)";
    }
}
