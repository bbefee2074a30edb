package org.snn4j.papers.cuba;

import org.snn4j.model.LifCuba;
import org.snn4j.model.LifParams;
import org.snn4j.network.Connectors;
import org.snn4j.network.Network;
import org.snn4j.network.Population;
import org.snn4j.network.Projection;
import org.snn4j.util.Rng;

/**
 * The CUBA benchmark network (Vogels &amp; Abbott 2005; Brette et al. 2007, benchmark 2; Brian2's
 * examples/CUBA.py): N current-based LIF neurons, the first 80 % excitatory, the rest inhibitory,
 * every ordered pair connected with probability p (self-connections included, as in Brian2),
 * excitatory weight w_e = 60·0.27/10 mV onto g_e, inhibitory w_i = −20·4.5/10 mV onto g_i, no delay,
 * initial V uniform in [V_r, V_t].
 */
public final class CubaNetwork {
    public static final double W_E = 60 * 0.27 / 10;   // mV
    public static final double W_I = -20 * 4.5 / 10;   // mV

    public final Network network;
    public final Population neurons;
    public final Projection excitatory, inhibitory;
    public final int nExc;

    /**
     * @param n    number of neurons
     * @param p    connection probability
     * @param seed seed of the connectivity and the initial voltages
     */
    public CubaNetwork(int n, double p, long seed) {
        this(n, p, seed, LifParams.cuba(), W_E, W_I);
    }

    /**
     * Refuses a network that cannot fit the heap, before anything is allocated: about 4 bytes per
     * synapse once built and 1.5 times that while connecting, plus what the caller records.
     *
     * @param n        neurons
     * @param p        connection probability
     * @param recorded bytes of the monitors the caller adds
     */
    public static void requireMemory(long n, double p, double recorded) {
        double synapses = p * (double) n * n;
        org.snn4j.util.Memory.require(String.format("cuba: %d neurons at p = %s (about %.3g synapses)", n, p, synapses),
                6.0 * synapses + 64.0 * n + recorded);
    }

    public CubaNetwork(int n, double p, long seed, LifParams params, double wE, double wI) {
        if (n < 2) throw new IllegalArgumentException("the CUBA network needs at least 2 neurons, got " + n);
        // before allocating: about 4 bytes per synapse once built, about 1.5 times that while connecting
        requireMemory(n, p, 0);
        nExc = (int) Math.min(n - 1, Math.round(0.8 * n));   // at least one inhibitory neuron (n = 2: one of each)
        LifCuba model = new LifCuba(params, n);
        Rng init = Rng.stream(seed, 1);
        for (int i = 0; i < n; i++) model.v[i] = params.vReset() + init.nextDouble() * (params.vThresh() - params.vReset());
        network = new Network();
        neurons = network.add(new Population("P", model));
        excitatory = network.add(Projection.connect("Ce", neurons.slice(0, nExc), neurons.all(), "ge",
                Connectors.fixedProbability(p, wE, true), seed * 31 + 2, 0));
        inhibitory = network.add(Projection.connect("Ci", neurons.slice(nExc, n - nExc), neurons.all(), "gi",
                Connectors.fixedProbability(p, wI, true), seed * 31 + 3, 0));
    }
}
