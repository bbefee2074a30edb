package org.snn4j.train.optim;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snn4j.util.InputException;

/**
 * The shared part of the optimisers: learning rate, step count, the parameter binding and the
 * state tensors (one array per parameter and slot, named {@code "<param>.<slot>"}).
 */
abstract class AbstractOptimizer implements Optimizer {
    protected double lr;
    protected long step;
    protected ParamSet params;
    /** state[slot][param]: float[] or double[] of the parameter's length. */
    protected Object[][] state = new Object[0][];
    private Map<String, Object> stateView = Map.of();

    protected AbstractOptimizer(double lr) {
        if (!(lr > 0) || !Double.isFinite(lr)) throw new InputException("learning rate must be positive and finite: " + lr);
        this.lr = lr;
    }

    /** @return the names of the state slots, e.g. {"m", "v"} (may be empty) */
    protected abstract String[] slots();

    @Override
    public void initialise(ParamSet params) {
        this.params = params;
        String[] slots = slots();
        List<Param> ps = params.params();
        state = new Object[slots.length][ps.size()];
        Map<String, Object> view = new LinkedHashMap<>();
        for (int k = 0; k < ps.size(); k++)
            for (int s = 0; s < slots.length; s++) {
                state[s][k] = ps.get(k).newState();
                view.put(ps.get(k).name() + "." + slots[s], state[s][k]);
            }
        stateView = Collections.unmodifiableMap(view);
        step = 0;
    }

    @Override
    public ParamSet params() {
        return params;
    }

    @Override
    public void begin() {
        if (params == null) throw new IllegalStateException(kind() + ": initialise the optimiser over its parameters first");
        step++;
    }

    @Override
    public double learningRate() {
        return lr;
    }

    @Override
    public void learningRate(double lr) {
        // a schedule may end at 0
        if (!(lr >= 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("learning rate must be finite and >= 0: " + lr);
        this.lr = lr;
    }

    @Override
    public long steps() {
        return step;
    }

    @Override
    public void steps(long steps) {
        if (steps < 0) throw new IllegalArgumentException("step count must be >= 0: " + steps);
        step = steps;
    }

    @Override
    public void reset() {
        for (Object[] slot : state)
            for (Object a : slot) {
                if (a instanceof float[] f) Arrays.fill(f, 0f);
                else Arrays.fill((double[]) a, 0.0);
            }
        step = 0;
    }

    @Override
    public Map<String, Object> state() {
        return stateView;
    }

    @Override
    public void loadState(Map<String, ?> saved) {
        for (Map.Entry<String, Object> e : stateView.entrySet()) {
            Object src = saved.get(e.getKey());
            Object dst = e.getValue();
            if (src == null) throw new IllegalArgumentException(kind() + " state: tensor " + e.getKey() + " is missing");
            if (dst instanceof float[] d && src instanceof float[] s && s.length == d.length) System.arraycopy(s, 0, d, 0, d.length);
            else if (dst instanceof double[] d && src instanceof double[] s && s.length == d.length) System.arraycopy(s, 0, d, 0, d.length);
            else throw new IllegalArgumentException(kind() + " state: tensor " + e.getKey() + " has the wrong type or length");
        }
    }

    /** The chunk [from, to) of a tensor of length n for part {@code part} of {@code parts}. */
    static int from(int part, int parts, int n) {
        return (int) ((long) part * n / parts);
    }
}
