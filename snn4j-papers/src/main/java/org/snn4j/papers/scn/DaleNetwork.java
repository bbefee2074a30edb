package org.snn4j.papers.scn;

import org.snn4j.model.ScnParams;
import org.snn4j.model.SpikeCodingModel;
import org.snn4j.network.DenseWeights;
import org.snn4j.network.Network;
import org.snn4j.network.Population;
import org.snn4j.network.Projection;
import org.snn4j.papers.scn.ScnNetwork;
import org.snn4j.util.Rng;

/**
 * A spike-coding network obeying Dale's law (Brendel et al. 2020, Fig. 4): an excitatory population
 * E that receives the signal through feed-forward weights F_E, and an inhibitory population I
 * driven by E only. Four dense projections carry the recurrent weights, in the reference code's
 * notation C_XY (what a spike of a Y neuron adds to the voltage of an X neuron):
 * <pre>
 *   E → E: C_EE ≥ 0 off the diagonal (diagonal: a small fixed autapse, −0.02)    into E.i_rec
 *   I → E: C_IE ≤ 0                                                               into E.i_rec
 *   E → I: C_EI ≥ 0                                                               into I.i_rec
 *   I → I: C_II ≤ 0 (its diagonal is the I neurons' reset)                        into I.i_rec
 * </pre>
 * Storage is the core's (rows = presynaptic): {@code ee.w[k*NE + i]} = C_EE(i, k),
 * {@code ie.w[k*NE + i]} = C_IE(i, k), {@code ei.w[k*NI + i]} = C_EI(i, k),
 * {@code ii.w[k*NI + i]} = C_II(i, k); {@code ffE.w[q*NE + k]} = F_E(q, k).
 */
public final class DaleNetwork {
    public final ScnParams params;
    public final int ne, ni, j;
    public final Network network = new Network();
    public final SpikeCodingModel e, i;
    public final Population popE, popI;
    public final DenseWeights ffE, ee, ie, ei, ii;

    public DaleNetwork(ScnParams params, double[][] ffE, double[][] cEE, double[][] cIE, double[][] cEI, double[][] cII,
                       double[] threshE, double[] threshI) {
        this.params = params;
        this.j = ffE.length;
        this.ne = ffE[0].length;
        this.ni = cII.length;
        if (cEE.length != ne || cIE.length != ne || cIE[0].length != ni || cEI.length != ni || cEI[0].length != ne
                || threshE.length != ne || threshI.length != ni)
            throw new IllegalArgumentException("Dale SCN: inconsistent matrix sizes for NE = " + ne + ", NI = " + ni);
        e = new SpikeCodingModel(params, ne);
        i = new SpikeCodingModel(params, ni);
        popE = network.add(new Population("exc", e));
        popI = network.add(new Population("inh", i));
        this.ffE = DenseWeights.of(ffE);
        this.ee = DenseWeights.of(transpose(cEE));
        this.ie = DenseWeights.of(transpose(cIE));
        this.ei = DenseWeights.of(transpose(cEI));
        this.ii = DenseWeights.of(transpose(cII));
        network.add(new Projection("ee", popE.all(), popE.all(), "i_rec", ee, 0));
        network.add(new Projection("ie", popI.all(), popE.all(), "i_rec", ie, 0));
        network.add(new Projection("ei", popE.all(), popI.all(), "i_rec", ei, 0));
        network.add(new Projection("ii", popI.all(), popI.all(), "i_rec", ii, 0));
        for (int k = 0; k < ne; k++) e.setThreshold(k, threshE[k]);
        for (int k = 0; k < ni; k++) i.setThreshold(k, threshI[k]);
    }

    static double[][] transpose(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int a = 0; a < m.length; a++)
            for (int b = 0; b < m[0].length; b++) t[b][a] = m[a][b];
        return t;
    }

    /**
     * The initial network of Brendel et al. 2020 (LearningDale.m): F_E random with unit columns,
     * thresholds ‖F_E,k‖²/2 (= 0.5) for E and I, C_EI = 0.5 [I I I …] (I neuron i listens to the E
     * neurons k with k mod NI = i), C_EE = −0.02 I, C_II = −0.5 I, C_IE = −0.3 C_EIᵀ.
     */
    public static DaleNetwork brendelInitial(ScnParams params, int ne, int ni, int j, Rng rng) {
        double[][] f = ScnNetwork.randomDecoder(j, ne, 1.0, rng);
        double[][] cEE = new double[ne][ne], cIE = new double[ne][ni], cEI = new double[ni][ne], cII = new double[ni][ni];
        for (int k = 0; k < ne; k++) {
            cEE[k][k] = -0.02;
            cEI[k % ni][k] = 0.5;
            cIE[k][k % ni] = -0.3 * 0.5;
        }
        for (int k = 0; k < ni; k++) cII[k][k] = -0.5;
        double[] tE = new double[ne], tI = new double[ni];
        for (int k = 0; k < ne; k++) {
            double s = 0;
            for (int q = 0; q < j; q++) s += f[q][k] * f[q][k];
            tE[k] = s / 2;
        }
        java.util.Arrays.fill(tI, tE[0]);
        return new DaleNetwork(params, f, cEE, cIE, cEI, cII, tE, tI);
    }

    /** A copy with the same weights and thresholds and fresh state. */
    public DaleNetwork copy() {
        return new DaleNetwork(params, ffE.toDense(), transpose(ee.toDense()), transpose(ie.toDense()), transpose(ei.toDense()),
                transpose(ii.toDense()), java.util.Arrays.copyOf(e.thresh, ne), java.util.Arrays.copyOf(i.thresh, ni));
    }
}
