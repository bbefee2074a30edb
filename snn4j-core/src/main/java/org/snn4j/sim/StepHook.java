package org.snn4j.sim;

/**
 * The plug-in point of the simulation loop: monitors, input generators, learning rules and trainers
 * run here, every step, without touching the loop itself. Hooks run on the loop's main thread, in
 * the order they were added.
 */
public interface StepHook {
    /** Before the neurons of step {@code step} are advanced: set inputs, inject currents. */
    default void beforeStep(Simulation sim, long step) {
    }

    /**
     * After step {@code step} is complete (neurons advanced, this step's spikes delivered); this
     * step's spikes are in {@link Simulation#spikes}. Learning rules that act on each spike iterate
     * them here.
     */
    default void afterStep(Simulation sim, long step) {
    }

    /**
     * True when this hook only reads this step's spikes ({@link Simulation#spikes}) and its own
     * fields: it reads no state variable and writes nothing that the neurons or the delivery read.
     * When every hook of a multi-threaded run says so, the loop delivers a step's spikes together with
     * the next step's neuron update (one synchronisation of the threads per step instead of two); the
     * spikes, and the state at the end of the run, are the same. Monitors of spikes return true.
     */
    default boolean readsOnlySpikes() {
        return false;
    }

    /** Once, when a run ends (also when it ends with an error). */
    default void afterRun(Simulation sim) {
    }

    /** Called for each spike of a population (flat neuron index, step), in ascending index order. */
    @FunctionalInterface
    interface SpikeListener {
        void onSpike(int neuron, long step);
    }

    /** A hook that calls {@code listener} on every spike of {@code population}: event-driven rules plug in here. */
    static StepHook onSpikes(org.snn4j.network.Population population, SpikeListener listener) {
        return new StepHook() {
            @Override
            public void afterStep(Simulation sim, long step) {
                org.snn4j.util.IntBuffer s = sim.spikes(population);
                int[] raw = s.raw();
                for (int k = 0, n = s.size(); k < n; k++) listener.onSpike(raw[k], step);
            }
        };
    }
}
