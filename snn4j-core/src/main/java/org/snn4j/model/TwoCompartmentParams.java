package org.snn4j.model;

/**
 * Parameters of the two-compartment leaky integrate-and-fire neuron of eRBP ({@link
 * TwoCompartmentLif}; Neftci et al. 2017). Times in ms; V, U and I in the units of the authors' code
 * (volts: the threshold 0.1 is 100 mV; I is expressed as the voltage it drives, g_V = 1).
 *
 * @param tauSyn     synaptic current time constant τ_syn (ms), paper 4
 * @param tauV       somatic time constant τ_V = C/g_V (ms), paper 1
 * @param tauU       dendritic time constant τ_U (ms), authors' code 5
 * @param vThresh    somatic threshold V_T, paper 0.1 (100 mV): a spike when V &gt; V_T
 * @param tRef       refractory period (ms), paper 3.9; V is held at 0 meanwhile
 * @param noiseRateHz rate of the Poisson noise events on V (Hz), eRBP+ 1000, 0 for none
 * @param noiseWeight jump of V at each noise event, eRBP+ σ = 0.05
 */
public record TwoCompartmentParams(double tauSyn, double tauV, double tauU, double vThresh, double tRef,
                                   double noiseRateHz, double noiseWeight) {
    public TwoCompartmentParams {
        if (!(tauSyn > 0) || !(tauV > 0) || !(tauU > 0))
            throw new IllegalArgumentException("time constants must be positive: tauSyn=" + tauSyn + " tauV=" + tauV + " tauU=" + tauU);
        if (!(vThresh > 0)) throw new IllegalArgumentException("threshold must be positive: " + vThresh);
        if (!(tRef >= 0)) throw new IllegalArgumentException("refractory period must be >= 0: " + tRef);
        if (!(noiseRateHz >= 0) || !Double.isFinite(noiseWeight))
            throw new IllegalArgumentException("noise rate must be >= 0 and weight finite: " + noiseRateHz + ", " + noiseWeight);
    }

    /** eRBP's neuron without noise (the eRBP× variant): τ_syn 4, τ_V 1, τ_U 5 ms, V_T 0.1, refractory 3.9 ms. */
    public static TwoCompartmentParams erbp() {
        return new TwoCompartmentParams(4.0, 1.0, 5.0, 0.1, 3.9, 0, 0);
    }

    /** eRBP+ neuron: as {@link #erbp()} with Poisson noise of 1000 Hz and weight 0.05 on V. */
    public static TwoCompartmentParams erbpPlus() {
        return new TwoCompartmentParams(4.0, 1.0, 5.0, 0.1, 3.9, 1000, 0.05);
    }

    public TwoCompartmentParams withNoise(double rateHz, double weight) {
        return new TwoCompartmentParams(tauSyn, tauV, tauU, vThresh, tRef, rateHz, weight);
    }
}
