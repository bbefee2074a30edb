package org.snn4j.cell;

import java.util.ArrayList;
import java.util.List;
import org.snn4j.model.NeuronModel;
import org.snn4j.model.StepContext;

/**
 * Any {@link Cell} as a simulator population: {@code new Population("h", new CellModel(AlifCell.defaults(), 100))}.
 * The cell's own kernels advance the state, so a neuron model written once as a cell runs in
 * {@link org.snn4j.sim.Simulation} with the core's projections and monitors, and in BPTT training.
 *
 * <p>Variables (flat, batch-major doubles, as every {@link NeuronModel}):
 * <ul>
 *   <li>{@code i}: input current of the next step. Projections deliver spikes into it (weight per
 *       spike); the step consumes it and clears it, so it is a current per step, as the BPTT input;</li>
 *   <li>{@code bias}: a constant input added every step (allocated on first use);</li>
 *   <li>each of the cell's state variables ({@code v}, {@code a}, ...): the state after the last
 *       step, refreshed by every step. The cell computes in float; writing these arrays does not
 *       change the state (use {@link #setState}).</li>
 * </ul>
 * A spiking cell reports a spike when its spike argument is positive; a non-spiking cell (a
 * readout) never spikes. The step decay of the cell's parameters is per simulation step: build the
 * cell for the simulation's dt (e.g. {@link LifCell#fromTau}).
 */
public final class CellModel implements NeuronModel {
    private final Cell cell;
    private final int size, batch;
    private final float[][] state;
    private final double[][] mirror;
    private final double[] input;
    private double[] bias;
    private long biasOnset;
    private final float[] current, spikeArg;
    private final List<String> names;

    /** One population of {@code size} neurons. */
    public CellModel(Cell cell, int size) {
        this(cell, size, 1);
    }

    /** {@code batch} independent copies of {@code size} neurons. */
    public CellModel(Cell cell, int size, int batch) {
        if (cell == null) throw new IllegalArgumentException("cell must be given");
        if (size <= 0 || batch <= 0) throw new IllegalArgumentException(cell.name() + ": size and batch must be positive: " + size + ", " + batch);
        if ((long) size * batch * (cell.stateCount() + 1) > Integer.MAX_VALUE - 16)
            throw new IllegalArgumentException(cell.name() + ": size × batch too large: " + (long) size * batch);
        this.cell = cell;
        this.size = size;
        this.batch = batch;
        int n = size * batch, k = cell.stateCount();
        state = new float[k][n];
        mirror = new double[k][n];
        input = new double[n];
        current = new float[n];
        spikeArg = new float[n];
        List<String> v = new ArrayList<>(List.of("i", "bias"));
        v.addAll(cell.stateNames());
        names = List.copyOf(v);
    }

    /** The cell this population runs. */
    public Cell cell() {
        return cell;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public List<String> variableNames() {
        return names;
    }

    @Override
    public double[] variable(String name) {
        if (name.equals("i")) return input;
        if (name.equals("bias")) return bias();
        int k = cell.stateNames().indexOf(name);
        if (k < 0) throw NeuronModel.unknownVariable(this, name);
        return mirror[k];
    }

    /** The constant input per neuron (live), allocated on first use. */
    public synchronized double[] bias() {
        if (bias == null) bias = new double[size * batch];
        return bias;
    }

    /**
     * The first step that receives the bias (default 0). A layer k of a feed-forward stack converted
     * from BPTT receives its first input at step k + 1 (each projection delivers at the next step), and
     * gets its bias from then on too, so that it computes exactly the trained network's step.
     */
    public CellModel biasOnset(long step) {
        if (step < 0) throw new IllegalArgumentException("bias onset must be >= 0: " + step);
        this.biasOnset = step;
        return this;
    }

    /** Sets state variable {@code name} of every neuron (e.g. initial potentials). */
    public void setState(String name, double[] values) {
        int k = cell.stateNames().indexOf(name);
        if (k < 0) throw NeuronModel.unknownVariable(this, name);
        if (values.length != size * batch)
            throw new IllegalArgumentException(cell.name() + ": " + name + " needs " + size * batch + " values, got " + values.length);
        for (int i = 0; i < values.length; i++) {
            state[k][i] = (float) values[i];
            mirror[k][i] = state[k][i];
        }
    }

    @Override
    public void prepare(double dtMs) {
        // the cell's decays are per step; nothing to precompute
    }

    @Override
    public void step(StepContext ctx) {
        final int from = ctx.from(), n = ctx.to() - from;
        final double[] in = input, b = ctx.step() >= biasOnset ? bias : null;
        final float[] cur = current;
        for (int i = from; i < from + n; i++) {
            cur[i] = (float) (b == null ? in[i] : in[i] + b[i]);
            in[i] = 0;
        }
        cell.forward(state, from, cur, from, state, from, n, SpikeFunction.HEAVISIDE);
        for (int k = 0; k < state.length; k++) {
            float[] s = state[k];
            double[] m = mirror[k];
            for (int i = from; i < from + n; i++) m[i] = s[i];
        }
        if (!cell.spiking()) return;
        cell.spikeArgument(state, from, spikeArg, from, n);
        for (int i = from; i < from + n; i++) if (spikeArg[i] > 0) ctx.spike(i);
    }

    @Override
    public String toString() {
        return cell.name() + " × " + size + (batch > 1 ? " × batch " + batch : "");
    }
}
