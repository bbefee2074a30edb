package org.snn4j.train.sg;

import java.util.ArrayList;
import java.util.List;
import org.snn4j.cell.Cell;
import org.snn4j.cell.CellModel;
import org.snn4j.cell.CubaLifCell;
import org.snn4j.cell.LeakyIntegratorCell;
import org.snn4j.cell.LifCell;
import org.snn4j.model.NeuronModel;
import org.snn4j.network.DenseWeights;
import org.snn4j.network.Network;
import org.snn4j.network.Population;
import org.snn4j.network.Projection;

/**
 * A network trained with surrogate gradients as a core {@link Network}, to run in the simulator
 * with the core's monitors: every {@link Linear} becomes a {@link Projection} with dense weights
 * into the input current {@code i} of the next population (its bias into the population's
 * {@code bias}), every spiking or readout layer a {@link Population} of its {@link Cell} in a
 * {@link CellModel} (Lif → {@link LifCell}, Synaptic → {@link CubaLifCell}, LeakyReadout →
 * {@link LeakyIntegratorCell}, RecurrentLif → LifCell plus a recurrent projection, CellLayer → its
 * cell). The input population is the caller's (a Poisson source, recorded spike times, ...).
 *
 * <p>Timing: a projection delivers at the next step, so population k (counting from 0 after the
 * input) computes the trained network's step t at simulation step t + k + 1; its bias starts then
 * ({@link CellModel#biasOnset}). Spikes are then the trainer's forward pass, shifted by k + 1 steps,
 * up to one difference in arithmetic: projections add the weights of the spiking inputs in double
 * and the cell rounds the sum to float, where the BPTT layer sums in float; a potential within
 * float rounding of the threshold may fall on the other side (SimulationBridgeTest measures the
 * margin).
 */
public final class SimulationBridge {
    private SimulationBridge() {
    }

    /** The converted network: its input population and one population per cell layer, in order. */
    public record Converted(Network network, Population input, List<Population> layers) {
    }

    /**
     * Converts {@code net} (binary input) with {@code input} as the input population (its size must
     * be the network's input width). Learnable decays are taken at their trained, clamped values.
     */
    public static Converted convert(SgNet net, NeuronModel input) {
        List<Layer> ls = net.layers();
        if (ls.isEmpty()) throw new IllegalArgumentException("empty network");
        if (input.size() != ls.get(0).in)
            throw new IllegalArgumentException("input population has " + input.size() + " neurons, the network expects " + ls.get(0).in);
        Network nw = new Network();
        Population in = nw.add(new Population("input", input));
        List<Population> pops = new ArrayList<>();
        Population pre = in;
        Linear pending = null;
        int k = 0;
        for (Layer l : ls) {
            if (l instanceof Linear lin) {
                if (pending != null) throw new IllegalArgumentException("two Linear layers in a row are not a spiking network: " + l.name());
                pending = lin;
                continue;
            }
            if (pending == null) throw new IllegalArgumentException(l.name() + " must follow a Linear layer to run in the simulator");
            CellModel model = new CellModel(cellOf(l), l.out).biasOnset(k + 1);
            Population pop = nw.add(new Population("layer" + (k + 1), model));
            nw.add(new Projection("w" + (k + 1), pre.all(), pop.all(), "i", DenseWeights.of(toDouble(pending.weights())), 0));
            float[] b = pending.bias();
            double[] bias = model.bias();
            for (int i = 0; i < b.length; i++) bias[i] = b[i];
            if (l instanceof RecurrentLif r)
                nw.add(new Projection("rec" + (k + 1), pop.all(), pop.all(), "i", DenseWeights.of(toDouble(r.v)), 0));
            pops.add(pop);
            pre = pop;
            pending = null;
            k++;
        }
        if (pending != null) throw new IllegalArgumentException("the network ends with a Linear layer: add a readout or spiking layer");
        return new Converted(nw, in, List.copyOf(pops));
    }

    /** The cell a layer runs, with its trained parameters. */
    static Cell cellOf(Layer l) {
        if (l instanceof CellLayer c) return c.cell();
        if (l instanceof LeakyReadout r) return new LeakyIntegratorCell(r.beta);
        if (l instanceof Lif lif) return new LifCell(scalar(lif.betaP, lif.beta, l), lif.theta, lif.reset);
        if (l instanceof RecurrentLif r) return new LifCell(r.beta, r.theta, r.reset);
        if (l instanceof Synaptic s)
            return new CubaLifCell(scalar(s.alphaP, s.alpha, l), scalar(s.betaP, s.beta, l), s.theta, s.reset);
        throw new IllegalArgumentException(l.name() + " has no cell for the simulator");
    }

    /** A decay as used: the fixed value or the single learnt (clamped) one; per-neuron decays are refused. */
    private static double scalar(float[] learnt, float fixed, Layer l) {
        if (learnt == null) return fixed;
        if (learnt.length != 1)
            throw new IllegalArgumentException(l.name() + ": per-neuron decays have no simulator cell yet (one decay per layer does)");
        return SpikingLayer.decayAt(learnt, fixed, 0);
    }

    private static double[][] toDouble(float[][] a) {
        double[][] d = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            d[i] = new double[a[i].length];
            for (int j = 0; j < a[i].length; j++) d[i][j] = a[i][j];
        }
        return d;
    }

    /**
     * The spikes of sample b of a binary input sequence as spike times in steps (ms at dt = 1 ms),
     * one array per input neuron, for a {@link org.snn4j.model.SpikeTimeSource}.
     */
    public static double[][] inputTimes(Seq in, int b) {
        if (!in.binary) throw new IllegalArgumentException("the simulator bridge takes spike (binary) input");
        int T = in.steps();
        double[][] times = new double[in.n][];
        double[] buf = new double[T];
        for (int i = 0; i < in.n; i++) {
            int c = 0;
            for (int t = 0; t < T; t++) if (in.get(b, t, i) != 0) buf[c++] = t;
            times[i] = java.util.Arrays.copyOf(buf, c);
        }
        return times;
    }
}
