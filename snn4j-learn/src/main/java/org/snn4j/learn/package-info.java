/**
 * Learning methods. Each plugs into the core's one simulation loop ({@link org.snn4j.sim.Simulation}
 * with {@link org.snn4j.sim.StepHook}s) or reuses the core models' step kernels; none has its own
 * integrator. Experiments register in {@code META-INF/services/org.snn4j.experiment.Experiment}.
 */
package org.snn4j.learn;
