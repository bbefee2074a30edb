package org.snn4j.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of the neuron models: the size and batch of a population and its named state arrays (flat,
 * batch-major, {@code batch * size} doubles each). A model declares each variable once with
 * {@link #state(String)} and gets {@link #variableNames()} and {@link #variable(String)} for free;
 * it implements only its parameters, {@link #prepare(double)} and its step kernel.
 */
public abstract class ArrayStateModel implements NeuronModel {
    /** Neurons per batch entry. */
    protected final int size;
    /** Independent copies simulated side by side. */
    protected final int batch;
    private final Map<String, double[]> variables = new LinkedHashMap<>();

    protected ArrayStateModel(int size, int batch) {
        if (size <= 0 || batch <= 0)
            throw new IllegalArgumentException(getClass().getSimpleName() + ": size and batch must be positive: " + size + ", " + batch);
        if ((long) size * batch > Integer.MAX_VALUE)
            throw new IllegalArgumentException(getClass().getSimpleName() + ": size × batch too large: " + (long) size * batch);
        this.size = size;
        this.batch = batch;
    }

    /** Allocates a state variable of {@code batch * size} zeros and registers it under {@code name}. */
    protected final double[] state(String name) {
        if (variables.containsKey(name)) throw new IllegalStateException("variable " + name + " declared twice");
        double[] a = new double[size * batch];
        variables.put(name, a);
        return a;
    }

    @Override
    public final int size() {
        return size;
    }

    @Override
    public final int batch() {
        return batch;
    }

    @Override
    public List<String> variableNames() {
        return Collections.unmodifiableList(new ArrayList<>(variables.keySet()));
    }

    @Override
    public double[] variable(String name) {
        double[] a = variables.get(name);
        if (a == null) throw NeuronModel.unknownVariable(this, name);
        return a;
    }
}
