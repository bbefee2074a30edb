package org.snn4j.papers.erbp;

import java.util.ArrayList;
import java.util.List;
import org.snn4j.model.EscapeRateSource;
import org.snn4j.model.NonLeakyIntegrator;
import org.snn4j.model.TwoCompartmentLif;
import org.snn4j.model.TwoCompartmentParams;
import org.snn4j.network.BlankoutWeights;
import org.snn4j.network.Connectors;
import org.snn4j.network.DenseWeights;
import org.snn4j.network.Network;
import org.snn4j.network.Population;
import org.snn4j.network.Projection;
import org.snn4j.network.Weights;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;
import org.snn4j.util.InputException;
import org.snn4j.util.IntBuffer;
import org.snn4j.util.Rng;

/**
 * The eRBP network (Neftci et al. 2017) on the core simulation loop:
 * <pre>
 *   data (escape-rate, 784) → hidden_1 → … → hidden_L → prediction (10)      plastic, eRBP rule
 *   label (escape-rate, 10) → E⁺ (+w_L), E⁻ (−w_L);  prediction → E⁺ (−w_L), E⁻ (+w_L)   one-to-one
 *   E⁺ → prediction.u (+w_E), E⁻ → prediction.u (−w_E)                                  one-to-one
 *   E⁺ → hidden_l.u (+G_l), E⁻ → hidden_l.u (−G_l)          G_l fixed random, U(±√(7/(10+n_l))), mean-centred
 * </pre>
 * Hidden and prediction neurons are {@link TwoCompartmentLif} (with Poisson noise on V for eRBP+),
 * error neurons {@link NonLeakyIntegrator}s with threshold V_T, data and label neurons
 * {@link EscapeRateSource}s. For eRBP× the plastic projections use {@link BlankoutWeights}. Each
 * plastic projection has an {@link ErbpRule} hook. Initial forward weights U(±√(7/(n_in + n_out))).
 *
 * <p>A presentation ({@link #present}) sets the data currents from the image (and the label neuron
 * of the true class during training), runs the learning-off delay, then the rest of the
 * presentation with learning on (training only), and returns the prediction: the output neuron
 * with the most spikes (−1 when none fired). States carry over from one presentation to the next,
 * as in the authors' code (hence the learning-off delay); {@link #resetState} returns them to those
 * of a new network (the experiment does at the start of each epoch and test pass).
 */
public final class ErbpNetwork {
    private final ErbpConfig cfg;
    private final Network net = new Network();
    private final Simulation sim;
    private final EscapeRateSource dataModel, labelModel;
    private final Population data, label, output, errors;
    private final List<Population> hidden = new ArrayList<>();
    private final List<ErbpRule> rules = new ArrayList<>();
    private final List<Projection> forward = new ArrayList<>();
    private final int[] outCounts;
    /** Per prediction neuron, the synaptic current I summed over the steps of the last presentation. */
    private final double[] outDrive;
    private int lastTieBroken = -1;
    private boolean lastTied;
    private final Counter counter = new Counter();
    private boolean countLayers;
    private int[][] layerCounts;
    private Recorder recorder;
    /** Presentation time of a test image (ms): the config's, until {@link #testWindow} changes it. */
    private double testMs;

    /** Range of the synaptic current I and soma V in low-precision states (|I| beyond it is far outside any boxcar). */
    public static final double STATE_I_MAX = 8;
    /** Range of the dendrite U in low-precision states (error input keeps |U| well below 1). */
    public static final double STATE_U_MAX = 1;

    /** A network on one thread. */
    public ErbpNetwork(ErbpConfig cfg) {
        this(cfg, 1);
    }

    /**
     * @param threads threads of its simulation (1: one; 0: automatic, measured by the simulation
     *                loop): the delivery of each step's spikes and the full-precision weight updates
     *                of the rules are split by target columns; the result is the same for any count
     */
    public ErbpNetwork(ErbpConfig cfg, int threads) {
        this.cfg = cfg;
        this.testMs = cfg.testMs();
        int nc = cfg.classes();
        TwoCompartmentParams np = cfg.blankout() ? TwoCompartmentParams.erbp() : TwoCompartmentParams.erbpPlus();
        dataModel = new EscapeRateSource(cfg.inputs(), 1, 100, 0.1, 0.05, 4.0);
        labelModel = new EscapeRateSource(nc, 1, 100, 0.1, 0.05, 4.0);
        data = net.add(new Population("data", dataModel));
        int prev = cfg.inputs();
        Population prevPop = data;
        long seed = cfg.seed();
        for (int l = 0; l < cfg.hidden().length; l++) {
            int h = cfg.hidden()[l];
            Population hp = net.add(new Population("hidden" + (l + 1), new TwoCompartmentLif(np, h)));
            hidden.add(hp);
            Projection pr = plastic("w" + (l + 1), prevPop, hp, prev, h, cfg.initScale(), Rng.stream(seed, 0xE7B, l));
            rules.add(new ErbpRule(pr, cfg.eta(), -(l == 0 ? cfg.gate() : cfg.gateDeep()), l == 0 ? cfg.gate() : cfg.gateDeep(), cfg.gateMode()));
            prev = h;
            prevPop = hp;
        }
        output = net.add(new Population("prediction", new TwoCompartmentLif(np, nc)));
        Projection po = plastic("w_out", prevPop, output, prev, nc, cfg.initScaleOut(), Rng.stream(seed, 0xE7B, 99));
        rules.add(new ErbpRule(po, cfg.eta(), -cfg.gate(), cfg.gate(), cfg.gateMode()));
        for (ErbpRule r : rules) r.setApply(cfg.apply());
        label = net.add(new Population("label", labelModel));
        NonLeakyIntegrator errModel = new NonLeakyIntegrator(2 * nc, TwoCompartmentParams.erbp().vThresh());
        errors = net.add(new Population("error", errModel));
        Population.Slice ePos = errors.slice(0, nc), eNeg = errors.slice(nc, nc);
        double wl = cfg.wLabel(), we = cfg.wError();
        net.add(Projection.connect("label>E+", label.all(), ePos, "v", Connectors.oneToOne(wl), seed, 0));
        net.add(Projection.connect("label>E-", label.all(), eNeg, "v", Connectors.oneToOne(-wl), seed, 0));
        net.add(Projection.connect("pred>E+", output.all(), ePos, "v", Connectors.oneToOne(-wl), seed, 0));
        net.add(Projection.connect("pred>E-", output.all(), eNeg, "v", Connectors.oneToOne(wl), seed, 0));
        net.add(Projection.connect("E+>pred.u", ePos, output.all(), "u", Connectors.oneToOne(we), seed, 0));
        net.add(Projection.connect("E->pred.u", eNeg, output.all(), "u", Connectors.oneToOne(-we), seed, 0));
        for (int l = 0; l < hidden.size(); l++) {
            Population hp = hidden.get(l);
            int h = hp.size();
            double[] g = org.snn4j.papers.ann.Mlp.randomFeedback(h, nc, Rng.stream(seed, 0xFEED, l));
            DenseWeights gp = new DenseWeights(nc, h), gn = new DenseWeights(nc, h);
            for (int i = 0; i < h; i++)
                for (int j = 0; j < nc; j++) {
                    double v = cfg.feedbackScale() * g[i * nc + j];
                    gp.set(j, i, v);
                    gn.set(j, i, -v);
                }
            net.add(new Projection("E+>" + hp.name() + ".u", ePos, hp.all(), "u", gp, 0));
            net.add(new Projection("E->" + hp.name() + ".u", eNeg, hp.all(), "u", gn, 0));
        }
        outCounts = new int[nc];
        outDrive = new double[nc];
        sim = new Simulation(net, cfg.dtMs(), seed, threads);
        for (ErbpRule r : rules) sim.add(r);
        sim.add(counter);
        if (cfg.stateBits() < 32) {
            for (Population p : hidden) ((TwoCompartmentLif) p.model()).quantizeStates(cfg.stateBits(), STATE_I_MAX, STATE_I_MAX, STATE_U_MAX);
            ((TwoCompartmentLif) output.model()).quantizeStates(cfg.stateBits(), STATE_I_MAX, STATE_I_MAX, STATE_U_MAX);
        }
        if (cfg.weightBits() < 32) {
            for (ErbpRule r : rules) {
                Weights w = r.projection().weights();
                double lim = Math.sqrt(7.0 / (w.rows() + w.cols()));
                r.quantize(cfg.weightBits(), cfg.weightRange() * lim, seed);
            }
        }
    }

    private Projection plastic(String name, Population pre, Population post, int nIn, int nOut, double scale, Rng r) {
        DenseWeights d = new DenseWeights(nIn, nOut);
        double lim = scale * Math.sqrt(7.0 / (nIn + nOut));
        for (int k = 0; k < d.w.length; k++) d.w[k] = r.uniform(-lim, lim);
        Weights w = cfg.blankout() ? new BlankoutWeights(d, cfg.blankP(), r.nextLong()) : d;
        Projection p = net.add(new Projection(name, pre.all(), post.all(), "i_syn", w, 0));
        forward.add(p);
        return p;
    }

    public ErbpConfig config() {
        return cfg;
    }

    public Simulation simulation() {
        return sim;
    }

    public List<ErbpRule> rules() {
        return rules;
    }

    public List<Population> hidden() {
        return hidden;
    }

    public Population output() {
        return output;
    }

    /** The plastic forward weights of layer l (1-based; the last is the output layer), input-major, live. */
    public double[] weights(int l) {
        Weights w = forward.get(l - 1).weights();
        return w instanceof BlankoutWeights b ? b.dense().w : ((DenseWeights) w).w;
    }

    public int layers() {
        return forward.size();
    }

    /** Spike counts of the prediction neurons in the last presentation. */
    public int[] outputCounts() {
        return outCounts;
    }

    /**
     * Counts every neuron's spikes per presentation in the layers that feed a plastic projection
     * (the data neurons and each hidden layer), for {@link #layerCounts}; off by default (it costs a
     * pass over each step's spikes).
     */
    public void countLayers(boolean on) {
        if (on && layerCounts == null) {
            layerCounts = new int[forward.size()][];
            for (int k = 0; k < layerCounts.length; k++) layerCounts[k] = new int[forward.get(k).pre().count()];
        }
        countLayers = on;
    }

    /**
     * Spike counts of the last presentation (with {@link #countLayers} on): layer 0 the data neurons,
     * l = 1 … L the hidden layers; live.
     */
    public int[] layerCounts(int layer) {
        if (layerCounts == null) throw new IllegalStateException("countLayers(true) first");
        return layerCounts[layer];
    }

    /** Forward synaptic events (transmitted) since the counter was last reset. */
    public long synops() {
        return counter.synops + Math.round(counter.frac);
    }

    public void resetSynops() {
        counter.synops = 0;
        counter.frac = 0;
    }

    /**
     * Puts the network back into the neuron state of a new network (every I, V, U, error and source
     * state, refractory periods, pending input spikes) and re-derives every random stream from
     * (seed, ids): the kernels' streams ({@link Simulation#reseed}: soma noise, input spike times),
     * the blank-out synapses' draws and the stochastic rounding of low-precision weights. Weights
     * and η are kept. What the network does next then depends only on its weights, (seed, ids) and
     * the inputs: the experiment calls it at the start of each epoch and before each test pass, so
     * that training can resume from a checkpoint of the weights alone and end bit for bit where an
     * uninterrupted run does.
     */
    public void resetState(long... ids) {
        dataModel.resetState();
        labelModel.resetState();
        for (Population p : hidden) ((TwoCompartmentLif) p.model()).resetState();
        ((TwoCompartmentLif) output.model()).resetState();
        ((NonLeakyIntegrator) errors.model()).resetState();
        sim.reseed(ids);
        for (int k = 0; k < forward.size(); k++)
            if (forward.get(k).weights() instanceof BlankoutWeights b) {
                long[] path = new long[2 + ids.length];
                path[0] = 0xB1A4;
                path[1] = k;
                System.arraycopy(ids, 0, path, 2, ids.length);
                b.reseed(Rng.stream(cfg.seed(), path).nextLong());
            }
        for (ErbpRule r : rules) r.reseed(ids);
        java.util.Arrays.fill(outCounts, 0);
    }

    /** Records the spikes of every population during the next presentations until {@link #stopRecording}. */
    public Recorder record() {
        recorder = new Recorder(net.populations());
        sim.add(recorder);
        return recorder;
    }

    public void stopRecording() {
        if (recorder != null) recorder.active = false;
    }

    /**
     * Sets the presentation time of test images (ms) for the presentations that follow; training is
     * untouched. The paper tests at 250–500 ms; a run trained at shorter presentations can still be
     * read out over a longer window.
     */
    public void testWindow(double ms) {
        if (!(ms >= cfg.dtMs())) throw new IllegalArgumentException("test window " + ms + " ms is shorter than one step");
        testMs = ms;
    }

    /**
     * Presents one image ({@code dim} pixels in [0, 1]); trains when {@code label} ≥ 0 and
     * {@code train}. Returns the predicted class (−1 when no prediction neuron fired).
     */
    public int present(float[] pixels, int label, boolean train) {
        dataModel.setPixels(0, pixels, cfg.beta(), cfg.gamma());
        labelModel.silence();
        if (train) labelModel.setCurrent(label, cfg.labelCurrent());
        java.util.Arrays.fill(outCounts, 0);
        java.util.Arrays.fill(outDrive, 0);
        if (countLayers) for (int[] c : layerCounts) java.util.Arrays.fill(c, 0);
        double total = train ? cfg.trainMs() : testMs;
        long all = Math.round(total / cfg.dtMs());
        long delay = train ? Math.round(cfg.learnDelayMs() / cfg.dtMs()) : all;
        for (ErbpRule r : rules) r.setEnabled(false);
        sim.run(delay);
        if (train) {
            for (ErbpRule r : rules) r.setEnabled(true);
            sim.run(all - delay);
            for (ErbpRule r : rules) {
                r.setEnabled(false);
                r.flush();
            }
            checkFinite();
        }
        int best = -1, bc = 0, tb = 0;
        for (int j = 0; j < outCounts.length; j++) {
            if (outCounts[j] > bc) {
                bc = outCounts[j];
                best = j;
            }
            if (outCounts[j] > outCounts[tb] || (outCounts[j] == outCounts[tb] && outDrive[j] > outDrive[tb])) tb = j;
        }
        int atMax = 0;
        for (int c : outCounts) if (c == bc) atMax++;
        lastTied = bc == 0 || atMax > 1;
        lastTieBroken = tb;
        return best;
    }

    /**
     * The prediction of the last presentation with ties (and silence) broken by the summed synaptic
     * current I of the tied prediction neurons: the spike count first, the analog drive second.
     */
    public int lastPredictionTieBroken() {
        return lastTieBroken;
    }

    /** Whether in the last presentation no prediction neuron fired or several shared the most spikes. */
    public boolean lastTied() {
        return lastTied;
    }

    private void checkFinite() {
        for (int l = 1; l <= layers(); l++) {
            double[] w = weights(l);
            for (int k = 0; k < w.length; k++)
                if (!Double.isFinite(w[k]))
                    throw new InputException("eRBP diverged at step " + sim.stepCount() + ": weight " + k + " of layer " + l + " is " + w[k]);
        }
    }

    /** Counts output spikes and forward synaptic events. */
    private final class Counter implements StepHook {
        long synops;
        double frac;
        IntBuffer out;
        double[] outI;
        IntBuffer[] pre;
        double[] perSpike;
        int[] preStart;

        @Override
        public void afterStep(Simulation s, long step) {
            if (out == null) {  // the loop's spike buffers are fetched once (a lookup per step costs)
                out = s.spikes(output);
                outI = ((TwoCompartmentLif) output.model()).iSyn;
                pre = new IntBuffer[forward.size()];
                perSpike = new double[forward.size()];
                preStart = new int[forward.size()];
                for (int k = 0; k < pre.length; k++) {
                    Projection p = forward.get(k);
                    pre[k] = s.spikes(p.pre().population());
                    preStart[k] = p.pre().start();
                    Weights w = p.weights();
                    perSpike[k] = w.cols() * (w instanceof BlankoutWeights b ? b.probability() : 1.0);
                }
            }
            IntBuffer o = out;
            for (int k = 0, n = o.size(); k < n; k++) outCounts[o.get(k)]++;
            double[] oi = outI, od = outDrive;
            for (int j = 0; j < od.length; j++) od[j] += oi[j];
            for (int k = 0; k < pre.length; k++) {
                int n = pre[k].size();
                if (n != 0) frac += n * perSpike[k];
                if (countLayers && n != 0) {
                    int[] c = layerCounts[k];
                    IntBuffer b = pre[k];
                    for (int q = 0; q < n; q++) c[b.get(q) - preStart[k]]++;
                }
            }
            if (frac > 1e9) {
                synops += (long) frac;
                frac -= (long) frac;
            }
        }
    }

    /** Spike recorder for rasters: (population index, neuron, time in ms). */
    public static final class Recorder implements StepHook {
        final List<Population> pops;
        boolean active = true;
        public final IntBuffer pop = new IntBuffer(), neuron = new IntBuffer(), step = new IntBuffer();
        long firstStep = -1;

        Recorder(List<Population> pops) {
            this.pops = new ArrayList<>(pops);
        }

        public List<Population> populations() {
            return pops;
        }

        public long firstStep() {
            return firstStep;
        }

        @Override
        public void afterStep(Simulation s, long st) {
            if (!active) return;
            if (firstStep < 0) firstStep = st;
            for (int p = 0; p < pops.size(); p++) {
                IntBuffer b = s.spikes(pops.get(p));
                for (int k = 0, n = b.size(); k < n; k++) {
                    pop.add(p);
                    neuron.add(b.get(k));
                    step.add((int) (st - firstStep));
                }
            }
        }
    }
}
