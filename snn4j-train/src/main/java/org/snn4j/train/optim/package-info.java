/**
 * The one training toolkit's optimisers: an {@link org.snn4j.train.optim.Optimizer} over a
 * {@link org.snn4j.train.optim.ParamSet} of named float or double tensors
 * ({@link org.snn4j.train.optim.Sgd} with heavy-ball or Nesterov momentum,
 * {@link org.snn4j.train.optim.Adam} and AdamW), gradient clipping ({@link org.snn4j.train.optim.Clip})
 * and learning-rate schedules ({@link org.snn4j.train.optim.Schedule}). The surrogate-gradient
 * trainer, the exact-gradient trainer and the ANN baselines all use them; an optimiser's state
 * is a map of named tensors for checkpoints.
 */
package org.snn4j.train.optim;
