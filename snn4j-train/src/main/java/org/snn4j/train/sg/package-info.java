/**
 * Surrogate-gradient training of spiking networks by back-propagation through time (BPTT), with
 * snnTorch semantics, on flat batch-major arrays and hand-written backward passes.
 *
 * <p>Pieces: {@link org.snn4j.train.sg.Linear}, {@link org.snn4j.train.sg.Lif} (snnTorch
 * {@code Leaky}: detached reset, subtractive or zero), {@link org.snn4j.train.sg.LeakyReadout};
 * {@link org.snn4j.train.sg.Surrogate} (fast sigmoid, arctan, triangle, custom);
 * {@link org.snn4j.train.sg.Loss} (CE on counts, per step, on max or mean membrane; MSE on counts);
 * {@link org.snn4j.train.optim.Adam} (via {@link org.snn4j.train.optim.Optimizer}); {@link org.snn4j.train.sg.RateEncoder};
 * {@link org.snn4j.train.sg.SgNet} (the stack, its parallel, deterministic training step and NaN/Inf
 * checks); {@link org.snn4j.train.sg.SgTrainer} (epochs over a dataset, checkpoints and resume).
 *
 * <p>More layers and options: {@link org.snn4j.train.sg.Lif#learnBeta} (learnable decay),
 * {@link org.snn4j.train.sg.Synaptic} (snnTorch {@code Synaptic}), {@link org.snn4j.train.sg.RecurrentLif}
 * (snnTorch {@code RLeaky}); {@link org.snn4j.train.sg.SgNet#truncate} (truncated BPTT) and
 * {@link org.snn4j.train.sg.SgNet#memoryWindow} (layer state for m steps only, recomputed window by
 * window in the backward pass); {@link org.snn4j.train.sg.LatencyEncoder},
 * {@link org.snn4j.train.sg.DeltaEncoder}; the first-spike decoder {@link org.snn4j.train.sg.Loss#CE_FIRST};
 * {@link org.snn4j.train.sg.SgModel} (model files with provenance); {@code bench ff-lif}
 * ({@code org.snn4j.papers.sg.FfLifWorkload}).
 *
 * <p>Speed comes from three things: spikes are bits, so a layer's input current is the sum of the
 * weight rows of the inputs that spiked (cost ∝ spikes, no multiplications) and the weight gradient
 * is the transposed sum ({@link org.snn4j.math.Blas}); the kernels are loops that HotSpot vectorises;
 * samples run in parallel with no per-step synchronisation. Memory per step and sample is one float
 * per hidden unit (the membrane potential) plus bits, against PyTorch autograd's several float
 * tensors per step.
 *
 * <pre>{@code
 * SgNet net = SgMlp.build(784, new int[] {1000}, 10, 0.95, 1.0, Reset.SUBTRACT,
 *         Surrogate.fastSigmoid(25), false, 0, seed);
 * SgTrainer tr = new SgTrainer(net, Loss.CE_COUNT, 25, 128, 5e-4, 0, false, seed);
 * for (int e = 1; e <= 5; e++) tr.trainEpoch(train, e, org.snn4j.progress.ConsoleProgress.stderr(null));
 * double testAccuracy = tr.evaluate(test, 0)[0];
 * }</pre>
 */
package org.snn4j.train.sg;

import org.snn4j.cell.Reset;

