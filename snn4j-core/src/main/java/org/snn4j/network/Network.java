package org.snn4j.network;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Populations and the projections between them: what a {@link org.snn4j.sim.Simulation} runs. */
public final class Network {
    private final List<Population> populations = new ArrayList<>();
    private final List<Projection> projections = new ArrayList<>();

    public Population add(Population p) {
        for (Population q : populations)
            if (q.name().equals(p.name())) throw new IllegalArgumentException("duplicate population name " + p.name());
        populations.add(p);
        return p;
    }

    public Projection add(Projection p) {
        if (!populations.contains(p.pre().population()) || !populations.contains(p.post().population()))
            throw new IllegalArgumentException("projection " + p.name() + " connects populations not in this network");
        projections.add(p);
        return p;
    }

    public List<Population> populations() {
        return Collections.unmodifiableList(populations);
    }

    public List<Projection> projections() {
        return Collections.unmodifiableList(projections);
    }

    public Population population(String name) {
        for (Population p : populations) if (p.name().equals(name)) return p;
        throw new IllegalArgumentException("no population named " + name);
    }

    public int neuronCount() {
        int n = 0;
        for (Population p : populations) n += p.size();
        return n;
    }

    public long synapseCount() {
        long n = 0;
        for (Projection p : projections) n += p.weights().synapses();
        return n;
    }

    /** Bytes held by all projections' connectivity, weights and delay buffers' synapse data. */
    public long synapseBytes() {
        long n = 0;
        for (Projection p : projections) n += p.weights().bytes();
        return n;
    }
}
