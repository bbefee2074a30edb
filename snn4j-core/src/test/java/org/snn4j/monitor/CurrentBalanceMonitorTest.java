package org.snn4j.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.snn4j.model.LifCuba;
import org.snn4j.model.LifParams;
import org.snn4j.network.Network;
import org.snn4j.network.Population;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;

class CurrentBalanceMonitorTest {
    private static final double DT = 0.1, A = 0.99;

    private static Simulation sim(java.util.function.LongConsumer drive) {
        Network net = new Network();
        net.add(new Population("P", new LifCuba(LifParams.cuba(), 2)));
        Simulation s = new Simulation(net, DT, 1, 1);
        s.add(new StepHook() {
            @Override
            public void beforeStep(Simulation sim, long step) {
                drive.accept(step);
            }
        });
        return s;
    }

    /** Constant inputs: the filtered parts follow e(T) = E·(1 − a^T)/(1 − a), split by sign. */
    @Test
    void constantInputsFilterAnalytically() {
        double[] c = {2, 3};
        double[] f = {1, 0.5, -1, -2};   // input 0 excites both neurons, input 1 inhibits both
        Simulation s = sim(step -> { });
        CurrentBalanceMonitor m = new CurrentBalanceMonitor(2, () -> A).feedforward(f, 2, () -> c);
        s.add(m);
        int steps = 300;
        s.run(steps);
        double dtS = DT * 1e-3, g = (1 - Math.pow(A, steps)) / (1 - A);
        assertEquals(2 * 1 * dtS * g, m.excitatory(0), 1e-15);
        assertEquals(2 * 0.5 * dtS * g, m.excitatory(1), 1e-15);
        assertEquals(-3 * 1 * dtS * g, m.inhibitory(0), 1e-15);
        assertEquals(-3 * 2 * dtS * g, m.inhibitory(1), 1e-15);
    }

    /** Inhibition proportional to excitation gives correlation 1; an unrelated one does not. */
    @Test
    void correlationOfTrackingAndUnrelatedInhibition() {
        double[] c = new double[3];
        double[] f = {1, 1, -2, 0, 0, -1};   // neuron 0: E from input 0, I from input 1 (= 2x it); neuron 1: E from 0, I from 2
        Simulation s = sim(step -> {
            c[0] = 1 + Math.sin(step / 10.0);
            c[1] = c[0];
            c[2] = 1 + Math.cos(step / 7.3);
        });
        CurrentBalanceMonitor tracking = new CurrentBalanceMonitor(2, () -> A).feedforward(f, 3, () -> c);
        s.add(tracking);
        s.run(5000);
        // neuron 0: e = filtered c0·dt, i = −2·e exactly; neuron 1: e = c0 filtered, i = c2 filtered
        double r0 = tracking.excitatory(0) == 0 ? 0 : -tracking.inhibitory(0) / tracking.excitatory(0);
        assertEquals(2, r0, 1e-12);
        double mean = tracking.correlation();
        assertTrue(mean < 0.99 && mean > -1, "mean correlation " + mean);
    }
}
