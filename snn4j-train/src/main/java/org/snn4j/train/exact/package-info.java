/**
 * Exact gradient descent for spiking networks (Huh &amp; Sejnowski, NeurIPS 2018).
 *
 * <p>The network is made of the core model {@link org.snn4j.model.QifGate} (QIF neurons in theta
 * form with gate-function synapses, a smooth ODE); {@link org.snn4j.train.exact.QifNet} holds its
 * trainable parameters (I = W s + U x + I_0, o = O s). {@link org.snn4j.train.exact.ExactGradient}
 * runs a trial through the core model's step kernel and back-propagates the discrete adjoint of that
 * same step ({@link org.snn4j.model.QifGate#backward}), giving the exact gradient of the discretised
 * loss for W, U, I_0, O (and τ_v, τ_s), keeping the trajectory or checkpointing every m steps.
 * {@link org.snn4j.train.exact.BatchGradient} runs mini-batches on several threads (deterministic),
 * {@link org.snn4j.train.exact.Trainer} trains with an {@link org.snn4j.train.optim.Optimizer} (Adam,
 * SGD with momentum), clipping, NaN/Inf checks and resumable checkpoints.
 *
 * <p>Experiments: {@code exact-xor} ({@code org.snn4j.papers.exact.ExactXorExperiment}); benchmark:
 * {@code exact-qif} ({@code org.snn4j.papers.exact.ExactQifWorkload}).
 */
package org.snn4j.train.exact;

