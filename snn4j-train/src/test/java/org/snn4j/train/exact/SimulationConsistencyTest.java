package org.snn4j.train.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.snn4j.model.QifGate;
import org.snn4j.network.Network;
import org.snn4j.network.Population;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;
import org.snn4j.util.IntBuffer;

/**
 * The core model runs in the ordinary simulation loop as a population, with a hook that writes
 * I = W s + U x + I_0 before each step; its readout and spikes must be those of the learner's
 * forward pass (same kernel, same order of operations: equal to the last bit).
 */
class SimulationConsistencyTest {
    @Test
    void populationInTheSimulationLoopMatchesTheLearnersForwardPass() {
        QifNet net = ExactGradientTest.net(org.snn4j.model.QifGateParams.defaults(), 31);
        Trial t = ExactGradientTest.trial(31);
        ExactGradient eg = new ExactGradient(net, t.steps(), 0, 0);
        IntBuffer st = new IntBuffer(), ni = new IntBuffer();
        eg.recordSpikes(st, ni);
        eg.run(t, null, null);

        int n = net.n, nIn = net.nIn, nOut = net.nOut;
        QifGate cell = new QifGate(net.model, n);
        Population pop = new Population("qif", cell);
        Network network = new Network();
        network.add(pop);
        Simulation sim = new Simulation(network, net.dt, 1, 1);
        double[] out = new double[t.steps() * nOut];
        long[] spikes = new long[1];
        sim.add(new StepHook() {
            @Override
            public void beforeStep(Simulation s, long k) {
                for (int i = 0; i < n; i++) {
                    double c = net.w[net.offI0 + i];
                    for (int d = 0; d < nIn; d++) c += net.w[net.offU + i * nIn + d] * t.x()[(int) k * nIn + d];
                    cell.current[i] = c;
                }
                for (int j = 0; j < n; j++) {
                    double sj = cell.s[j];
                    if (sj == 0) continue;
                    for (int i = 0; i < n; i++) cell.current[i] += sj * net.w[net.offW + i * n + j];
                }
            }

            @Override
            public void afterStep(Simulation s, long k) {
                for (int o = 0; o < nOut; o++) {
                    double v = 0;
                    for (int i = 0; i < n; i++) v += net.w[net.offO + o * n + i] * cell.s[i];
                    out[(int) k * nOut + o] = v;
                }
                spikes[0] += s.spikes(pop).size();
            }
        });
        sim.run(t.steps());
        for (int k = 0; k < out.length; k++) assertEquals(eg.outputs[k], out[k], 0.0, "readout at " + k);
        assertEquals(eg.lastSpikes(), spikes[0]);
        assertEquals(st.size(), spikes[0]);
    }
}
