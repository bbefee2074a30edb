package org.snn4j.papers.balanced;

import org.snn4j.experiment.Params;

/**
 * {@code snn4j run balanced-oscillator}: a balanced spiking network learns a 2-D damped oscillator
 * dx/dt = A x + c(t), A = [[−1/τ, −2πf], [2πf, −1/τ]] (default f = 1 Hz, τ = 1 s), with local rules,
 * then generates it autonomously (Bourdoukan &amp; Denève 2015). Any A may be given with {@code A}.
 */
public final class BalancedOscillatorExperiment extends BalancedExperiment {
    /** For the service loader. */
    public BalancedOscillatorExperiment() {
        super("balanced-oscillator",
                "Balanced spiking network learning a 2-D damped oscillator with local rules, then running autonomously (Bourdoukan & Deneve 2015)");
    }

    @Override
    protected void declareSystem(Params p, boolean quick) {
        p.declare("freq_hz", 1.0, "oscillator frequency f (Hz)", 0, 1e6)
                .declare("damping_s", 1.0, "oscillator damping time constant tau (s)", 1e-6, 1e9);
    }

    @Override
    protected long fullNeurons() {
        return 100;
    }

    @Override
    protected LinearSystem defaultSystem(Params p) {
        return LinearSystem.dampedOscillator(p.getDouble("freq_hz"), p.getDouble("damping_s"));
    }
}
