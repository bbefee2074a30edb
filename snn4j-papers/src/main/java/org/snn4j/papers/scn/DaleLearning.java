package org.snn4j.papers.scn;

import org.snn4j.papers.scn.ScnInput;
import org.snn4j.sim.Simulation;
import org.snn4j.sim.StepHook;
import org.snn4j.util.InputException;
import org.snn4j.util.IntBuffer;

/**
 * The learning rules of the E/I spike-coding network (Brendel et al. 2020, Fig. 4; LearningDale's
 * Learning.m), applied on each spike as a step hook, with sign constraints by rectification:
 * <pre>
 *   ī_E ← (1 − κ_E λ dt) ī_E + dt c        (the input, filtered fast; κ_E = 6)
 *   ī_I ← (1 − κ_I λ dt) ī_I + o_E         (the E spikes, filtered; κ_I = 1)
 *   E neuron k spikes:  F_E,k   ← F_E,k + ε_f (ī_E − F_E,k)
 *                       C_EE,·k ← max(C_EE,·k − ε_r (V_E + μ r_E + C_EE,·k), 0),  C_EE,kk ← autapse
 *   I neuron k spikes:  C_EI,k· ← max(C_EI,k· + ε_f (ī_Iᵀ − C_EI,k·), 0)
 *                       C_II,·k ← min(C_II,·k − ε_r (V_I + μ r_I + C_II,·k + μ e_k), 0)
 *                       C_IE,·k ← min(C_IE,·k − ε_r (V_E + μ r_E + C_IE,·k), 0)
 * </pre>
 * (V, r: the voltages and filtered rates of the step of the spike.) One difference from the reference
 * code: the core's loop delivers every spike at the next step, so I neurons see an E spike one step
 * (0.1 ms) later than there. A non-finite weight stops the run with an {@link InputException}.
 */
public final class DaleLearning implements StepHook {
    private final DaleNetwork net;
    private final ScnInput input;
    private final double epsF, epsR, mu, kappaE, kappaI, autapse;
    private final LearningSchedule schedule;
    private final double[] ibarE, ibarI;
    private final int[] lastE;
    private int lastECount;

    public DaleLearning(DaleNetwork net, ScnInput input, double epsF, double epsR, double mu, double kappaE, double kappaI,
                        double autapse, LearningSchedule schedule) {
        this.net = net;
        this.input = input;
        this.epsF = epsF;
        this.epsR = epsR;
        this.mu = mu;
        this.kappaE = kappaE;
        this.kappaI = kappaI;
        this.autapse = autapse;
        this.schedule = schedule;
        ibarE = new double[net.j];
        ibarI = new double[net.ne];
        lastE = new int[net.ne];
    }

    @Override
    public void afterStep(Simulation sim, long step) {
        double dtS = sim.dt() * 1e-3, lam = net.params.lambda();
        double[] c = input.c();
        double aE = 1 - kappaE * lam * dtS, aI = 1 - kappaI * lam * dtS;
        for (int q = 0; q < net.j; q++) ibarE[q] = aE * ibarE[q] + dtS * c[q];
        for (int k = 0; k < net.ne; k++) ibarI[k] *= aI;
        for (int s = 0; s < lastECount; s++) ibarI[lastE[s]] += 1;
        double g = schedule.factor(step), ef = epsF * g, er = epsR * g;
        IntBuffer se = sim.spikes(net.popE), si = sim.spikes(net.popI);
        int ne = net.ne, ni = net.ni;
        double[] vE = net.e.v, rE = net.e.r, vI = net.i.v, rI = net.i.r;
        if (g > 0) {
            double[] f = net.ffE.w, ee = net.ee.w, ie = net.ie.w, ei = net.ei.w, ii = net.ii.w;
            for (int s = 0; s < se.size(); s++) {
                int k = se.raw()[s];
                for (int q = 0; q < net.j; q++) {
                    int idx = q * ne + k;
                    f[idx] += ef * (ibarE[q] - f[idx]);
                    check(f[idx], step, "F_E", q, k);
                }
                int base = k * ne;
                for (int i = 0; i < ne; i++) {
                    double w = ee[base + i] - er * (vE[i] + mu * rE[i] + ee[base + i]);
                    check(w, step, "C_EE", i, k);
                    ee[base + i] = Math.max(w, 0);
                }
                ee[base + k] = autapse;
            }
            for (int s = 0; s < si.size(); s++) {
                int k = si.raw()[s];
                for (int i = 0; i < ne; i++) {
                    int idx = i * ni + k;
                    double w = ei[idx] + ef * (ibarI[i] - ei[idx]);
                    check(w, step, "C_EI", k, i);
                    ei[idx] = Math.max(w, 0);
                }
                int base = k * ni;
                for (int i = 0; i < ni; i++) {
                    double w = ii[base + i] - er * (vI[i] + mu * rI[i] + ii[base + i] + (i == k ? mu : 0));
                    check(w, step, "C_II", i, k);
                    ii[base + i] = Math.min(w, 0);
                }
                base = k * ne;
                for (int i = 0; i < ne; i++) {
                    double w = ie[base + i] - er * (vE[i] + mu * rE[i] + ie[base + i]);
                    check(w, step, "C_IE", i, k);
                    ie[base + i] = Math.min(w, 0);
                }
            }
        }
        lastECount = se.size();
        System.arraycopy(se.raw(), 0, lastE, 0, lastECount);
    }

    private static void check(double w, long step, String name, int a, int b) {
        if (!Double.isFinite(w))
            throw new InputException("Dale SCN learning diverged at step " + step + ": " + name + "[" + a + "][" + b + "] = " + w);
    }
}
