package org.snn4j.network;

import org.snn4j.model.NeuronModel;

/**
 * A named group of neurons sharing one model (PyNN's Population, Brian2's NeuronGroup, NEST's node
 * collection). The model holds the parameters and the state arrays; the population gives them a
 * name and an identity in a {@link Network}.
 */
public final class Population {
    private final String name;
    private final NeuronModel model;

    public Population(String name, NeuronModel model) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a population needs a name");
        this.name = name;
        this.model = model;
    }

    public String name() {
        return name;
    }

    public NeuronModel model() {
        return model;
    }

    /** Neurons per batch entry. */
    public int size() {
        return model.size();
    }

    public int batch() {
        return model.batch();
    }

    /** A state variable (flat, batch-major), live. */
    public double[] variable(String name) {
        return model.variable(name);
    }

    /** The neurons [start, start + count) of this population, as the source or target of a projection. */
    public Slice slice(int start, int count) {
        return new Slice(this, start, count);
    }

    /** The whole population as a slice. */
    public Slice all() {
        return new Slice(this, 0, size());
    }

    @Override
    public String toString() {
        return name + "(" + model.getClass().getSimpleName() + ", n=" + size() + (batch() > 1 ? ", batch=" + batch() : "") + ")";
    }

    /** A contiguous range of a population's neurons (PyNN's PopulationView, Brian2's P[a:b]). */
    public record Slice(Population population, int start, int count) {
        public Slice {
            if (start < 0 || count <= 0 || start + count > population.size())
                throw new IllegalArgumentException("slice [" + start + ", " + (start + count) + ") outside population "
                        + population.name() + " of size " + population.size());
        }
    }
}
