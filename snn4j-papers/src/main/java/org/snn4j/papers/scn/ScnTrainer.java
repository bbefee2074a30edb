package org.snn4j.papers.scn;

import org.snn4j.model.ScnParams;
import org.snn4j.papers.scn.ScnInput;
import org.snn4j.papers.scn.ScnNetwork;
import org.snn4j.papers.scn.ScnSignal;
import org.snn4j.sim.Simulation;
import org.snn4j.util.Rng;

/**
 * Unsupervised training of a spike-coding network as in Brendel et al. 2020 (Fig. 2): the network
 * starts from random normalised feed-forward weights and weak unstructured recurrent weights
 * Ω = c_rand·U(0,1) + c_diag·I, is driven by smoothed Gaussian noise (a new sequence every
 * {@code blockSteps} steps) and learns with the {@link FeedforwardHebbianRule} and the
 * {@link RecurrentVoltageRule}, both plugged into the core's simulation loop.
 */
public final class ScnTrainer {
    /**
     * @param n          neurons
     * @param j          signal dimensions
     * @param params     neuron parameters (λ, μ, noise, spike rule)
     * @param dtMs       time step (ms)
     * @param threshold  threshold of every neuron
     * @param ffNorm     norm of the initial feed-forward columns F_k
     * @param omegaRand  initial Ω: scale of the uniform random part
     * @param omegaDiag  initial Ω: diagonal (self-reset)
     * @param epsF       feed-forward learning rate ε_f
     * @param epsR       recurrent learning rate ε_r
     * @param alpha      feed-forward target scale α
     * @param beta       recurrent voltage scale β
     * @param amplitude  amplitude A of the training signal
     * @param sigmaSteps smoothing kernel sd of the training signal (steps)
     * @param blockSteps length of one training sequence (steps)
     * @param schedule   learning-rate schedule of both rules
     * @param seed       seed of the initial weights, the signal and the network noise
     */
    public record Config(int n, int j, ScnParams params, double dtMs, double threshold, double ffNorm, double omegaRand,
                         double omegaDiag, double epsF, double epsR, double alpha, double beta, double amplitude,
                         double sigmaSteps, int blockSteps, LearningSchedule schedule, long seed) {
    }

    public final Config cfg;
    public final ScnNetwork net;
    public final ScnInput input;
    public final Simulation sim;
    public final FeedforwardHebbianRule ffRule;
    public final RecurrentVoltageRule recRule;

    public ScnTrainer(Config cfg) {
        this.cfg = cfg;
        Rng init = Rng.stream(cfg.seed(), 1);
        double[][] f = ScnNetwork.randomDecoder(cfg.j(), cfg.n(), cfg.ffNorm(), init);
        double[][] omega = new double[cfg.n()][cfg.n()];
        for (int i = 0; i < cfg.n(); i++)
            for (int k = 0; k < cfg.n(); k++) omega[i][k] = cfg.omegaRand() * init.nextDouble() + (i == k ? cfg.omegaDiag() : 0);
        double[] t = new double[cfg.n()];
        java.util.Arrays.fill(t, cfg.threshold());
        net = new ScnNetwork(cfg.params(), f, omega, t);
        input = new ScnInput(net, ScnSignal.smoothedNoise(cfg.j(), cfg.amplitude(), cfg.sigmaSteps(), cfg.blockSteps(),
                Rng.stream(cfg.seed(), 2)));
        sim = new Simulation(net.network, cfg.dtMs(), Rng.stream(cfg.seed(), 3).nextLong(), 1);
        ffRule = new FeedforwardHebbianRule(net, input, cfg.epsF(), cfg.alpha(), cfg.schedule());
        recRule = new RecurrentVoltageRule(net, cfg.epsR(), cfg.beta(), cfg.params().mu(), cfg.schedule());
        sim.add(input).add(ffRule).add(recRule);
    }

    /** Brendel et al. 2020 Fig. 2: N = 20, J = 2, dt = 1 ms, ε_r = 1e-3, ε_f = 1e-4, α = 0.18, β = 1/0.9, μ = 0.02/0.9, A = 2000. */
    public static Config brendelFig2(long seed) {
        return new Config(20, 2, ScnParams.brendelFig2(), 1.0, 0.5, 1.0, 0.2, 0.5, 1e-4, 1e-3, 0.18, 1 / 0.9, 2000, 30, 1000,
                LearningSchedule.constant(), seed);
    }

    /** Trains until the simulation has done {@code step} steps in total. */
    public void trainTo(long step) {
        long todo = step - sim.stepCount();
        if (todo > 0) sim.run(todo);
    }
}
