package org.snn4j.papers.balanced;

import java.util.Arrays;
import org.snn4j.papers.scn.ScnSignal;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;

/**
 * Drives a {@link BalancedNetwork} with the command c(t) and, while teaching, with the error feedback
 * (Bourdoukan &amp; Denève 2015). Before step t:
 * <pre>
 *   c_t from the command signal
 *   e_t   = x_{t−1} − x̂_{t−1}                 (x̂ = D r, the network's readout)
 *   x_t   = x_{t−1} + dt (A x_{t−1} + c_t)      (the target system, Euler)
 *   I^fb  = K F e_t                              (per neuron, 1/s; 0 when the feedback is off)
 *   i_ff  = dt (F c_t + I^fb)                    (written into the neurons)
 * </pre>
 * F is read live from the network (its feed-forward weights). {@link #feedbackCurrent()} is the
 * error-driven input current of each neuron: the only error signal the slow rule sees, and it is local
 * to the neuron (its own input).
 */
public final class BalancedInput implements StepHook {
    private final BalancedNetwork net;
    private final LinearSystem system;
    private ScnSignal command;
    private long offset;
    private double gainK;
    private boolean feedback;
    private final boolean freshReadout;
    private final double[] c, x, xhat, e, ifb, tmp, vfb;

    public BalancedInput(BalancedNetwork net, LinearSystem system, ScnSignal command, double gainK, boolean feedback) {
        this(net, system, command, gainK, feedback, false);
    }

    /**
     * @param freshReadout the error uses the readout that includes the previous step's spikes,
     *                     x̂ = D (a r + o_{t−1}) (the value r takes in this step), instead of D r before
     *                     they are added: the error then has the same spikes as the slow traces that the
     *                     slow rule pairs it with. Without it, each spike enters the presynaptic trace one
     *                     step before it leaves the error, and the rule correlates the pre-spike error
     *                     (which points along D_k: it made neuron k spike) with the spike itself, a bias that
     *                     does not vanish with dt (ν_k D_k/2 per unit time)
     */
    public BalancedInput(BalancedNetwork net, LinearSystem system, ScnSignal command, double gainK, boolean feedback, boolean freshReadout) {
        if (system.dims() != net.j || command.dims() != net.j)
            throw new IllegalArgumentException("balanced input: system has " + system.dims() + " and command " + command.dims()
                    + " dimensions, network " + net.j);
        this.net = net;
        this.system = system;
        this.command = command;
        this.gainK = gainK;
        this.feedback = feedback;
        this.freshReadout = freshReadout;
        c = new double[net.j];
        x = new double[net.j];
        xhat = new double[net.j];
        e = new double[net.j];
        ifb = new double[net.n];
        tmp = new double[net.j];
        vfb = new double[net.n];
    }

    /** Replaces the command from step {@code nextStep} on (its steps count from there) and clears x. */
    public void setCommand(ScnSignal s, long nextStep) {
        this.command = s;
        this.offset = nextStep;
        Arrays.fill(x, 0);
    }

    public void setFeedback(boolean on) {
        feedback = on;
        if (!on) Arrays.fill(ifb, 0);
    }

    public boolean feedback() {
        return feedback;
    }

    public void setGain(double k) {
        gainK = k;
    }

    /** The feedback gain K now (1/s). */
    public double gain() {
        return gainK;
    }

    /** The target state x of the current step (live). */
    public double[] x() {
        return x;
    }

    /** The command c of the current step (live). */
    public double[] c() {
        return c;
    }

    /** The error e = x − x̂ used in the current step (live). */
    public double[] error() {
        return e;
    }

    /** The error-driven input current K (F e)_i of each neuron in the current step (1/s; live). */
    public double[] feedbackCurrent() {
        return ifb;
    }

    /**
     * The part of each neuron's voltage that the feedback current has put there (live): the feedback
     * input integrated with the membrane's own leak, u ← a u + dt I^fb (a = e^{−λ dt}, the same
     * update as the voltage's), so that after the neuron step it is exactly the feedback's share of V.
     * A neuron can hold it locally (a separate input compartment); the fast rule can read V − u.
     */
    public double[] feedbackVoltage() {
        return vfb;
    }

    @Override
    public void beforeStep(Simulation sim, long step) {
        double dtS = sim.dt() * 1e-3;
        int jj = net.j, n = net.n;
        command.next(step - offset, c);
        net.readout(xhat);
        if (freshReadout) {   // x̂ ← a x̂ + Σ_{k spiked at t−1} D_k
            double a = net.scn.model.decay();
            for (int q = 0; q < jj; q++) xhat[q] *= a;
            org.snn4j.util.IntBuffer sp = sim.spikes(net.scn.population);
            int[] raw = sp.raw();
            for (int s = 0, ns = sp.size(); s < ns; s++)
                for (int q = 0; q < jj; q++) xhat[q] += net.decoder[q][raw[s]];
        }
        for (int q = 0; q < jj; q++) e[q] = x[q] - xhat[q];
        system.step(x, c, dtS, tmp);
        double[] f = net.scn.ff.w, iff = net.scn.model.iFf;
        Arrays.fill(ifb, 0);
        if (feedback) {
            for (int q = 0; q < jj; q++) {
                double eq = gainK * e[q];
                int base = q * n;
                for (int k = 0; k < n; k++) ifb[k] += f[base + k] * eq;
            }
        }
        double a = net.scn.model.decay();
        for (int k = 0; k < n; k++) {
            iff[k] = dtS * ifb[k];
            vfb[k] = a * vfb[k] + iff[k];
        }
        for (int q = 0; q < jj; q++) {
            double cq = dtS * c[q];
            int base = q * n;
            for (int k = 0; k < n; k++) iff[k] += f[base + k] * cq;
        }
    }
}
