package org.snn4j.train.optim;

import java.util.List;
import org.snn4j.util.InputException;

/**
 * Stochastic gradient descent with optional (heavy-ball or Nesterov) momentum μ and L2 weight
 * decay λ, as {@code torch.optim.SGD} (dampening 0). With a tensor's learning rate η (the
 * optimiser's rate times its {@link Param#lrScale}):
 * <pre>
 *   g ← g + λ p                      (when λ &gt; 0)
 *   μ = 0:        p ← p − η g         (no state)
 *   heavy ball:   u ← μ u + g;   p ← p − η u
 *   Nesterov:     u ← μ u + g;   p ← p − η (g + μ u)
 * </pre>
 * State slot (when μ &gt; 0): "momentum".
 */
public final class Sgd extends AbstractOptimizer {
    private final double mu;
    private boolean nesterov;
    private double weightDecay;
    private Object[] pv, gv, uv;
    private int[] off, len;
    private double[] scale;

    /**
     * @param lr       learning rate (&gt; 0)
     * @param momentum μ in [0, 1)
     */
    public Sgd(double lr, double momentum) {
        super(lr);
        if (!(momentum >= 0 && momentum < 1)) throw new InputException("momentum must be in [0, 1): " + momentum);
        mu = momentum;
    }

    /** @param on Nesterov momentum instead of heavy ball  @return this */
    public Sgd nesterov(boolean on) {
        nesterov = on;
        return this;
    }

    /** @param weightDecay L2 weight decay λ ≥ 0  @return this */
    public Sgd weightDecay(double weightDecay) {
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) throw new InputException("weight decay must be >= 0: " + weightDecay);
        this.weightDecay = weightDecay;
        return this;
    }

    /** @return μ */
    public double momentum() {
        return mu;
    }

    @Override
    protected String[] slots() {
        return mu > 0 ? new String[] {"momentum"} : new String[0];
    }

    @Override
    public void initialise(ParamSet params) {
        super.initialise(params);
        List<Param> ps = params.params();
        int n = ps.size();
        pv = new Object[n];
        gv = new Object[n];
        uv = new Object[n];
        off = new int[n];
        len = new int[n];
        scale = new double[n];
        for (int k = 0; k < n; k++) {
            Param p = ps.get(k);
            pv[k] = p.isFloat() ? p.floatValues() : p.doubleValues();
            gv[k] = p.isFloat() ? p.floatGrads() : p.doubleGrads();
            uv[k] = mu > 0 ? state[0][k] : null;
            off[k] = p.offset();
            len[k] = p.length();
            scale[k] = p.lrScale();
        }
    }

    @Override
    public void update(int part, int parts) {
        for (int k = 0; k < len.length; k++) {
            int n = len[k], o = off[k], i0 = o + from(part, parts, n), i1 = o + from(part + 1, parts, n);
            double eta = lr * scale[k];
            if (pv[k] instanceof double[] p) {
                double[] g = (double[]) gv[k], u = (double[]) uv[k];
                for (int i = i0; i < i1; i++) {
                    double gi = weightDecay > 0 ? g[i] + weightDecay * p[i] : g[i];
                    if (u == null) {
                        p[i] -= eta * gi;
                    } else {
                        double ui = mu * u[i - o] + gi;
                        u[i - o] = ui;
                        p[i] -= eta * (nesterov ? gi + mu * ui : ui);
                    }
                }
            } else {
                float[] p = (float[]) pv[k], g = (float[]) gv[k], u = (float[]) uv[k];
                float fe = (float) eta, fm = (float) mu, wd = (float) weightDecay;
                for (int i = i0; i < i1; i++) {
                    float gi = wd > 0 ? g[i] + wd * p[i] : g[i];
                    if (u == null) {
                        p[i] -= fe * gi;
                    } else {
                        float ui = fm * u[i - o] + gi;
                        u[i - o] = ui;
                        p[i] -= fe * (nesterov ? gi + fm * ui : ui);
                    }
                }
            }
        }
    }

    @Override
    public String kind() {
        return nesterov && mu > 0 ? "nesterov" : "sgd";
    }
}
