package org.snn4j.model;

/**
 * Parameters of the current-based leaky integrate-and-fire neuron with exponential synaptic
 * currents ({@link LifCuba}). Times in ms, voltages in mV.
 *
 * @param tauM    membrane time constant τ_m (ms), &gt; 0
 * @param tauE    excitatory synaptic time constant τ_e (ms), &gt; 0
 * @param tauI    inhibitory synaptic time constant τ_i (ms), &gt; 0
 * @param vThresh threshold V_t (mV): a spike when V &gt; V_t
 * @param vReset  reset potential V_r (mV), also the value held during the refractory period
 * @param eLeak   leak reversal (resting) potential E_l (mV)
 * @param tRef    absolute refractory period (ms), ≥ 0
 */
public record LifParams(double tauM, double tauE, double tauI, double vThresh, double vReset, double eLeak,
                        double tRef) {
    public LifParams {
        if (!(tauM > 0) || !(tauE > 0) || !(tauI > 0))
            throw new IllegalArgumentException("time constants must be positive: tauM=" + tauM + " tauE=" + tauE
                    + " tauI=" + tauI);
        if (!(tRef >= 0)) throw new IllegalArgumentException("refractory period must be >= 0: " + tRef);
        if (!(vReset < vThresh)) throw new IllegalArgumentException("need vReset < vThresh: " + vReset + " >= " + vThresh);
    }

    /** The CUBA benchmark's neuron (Brette et al. 2007; Brian2 examples/CUBA.py). */
    public static LifParams cuba() {
        return new LifParams(20.0, 5.0, 10.0, -50.0, -60.0, -49.0, 5.0);
    }
}
