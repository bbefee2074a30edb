package org.snn4j.train.optim;

/**
 * An exponential moving average of a {@link ParamSet}'s values: after each update step,
 * {@code avg ← avg + α·(value − avg)}. Online learning with noisy steps leaves the weights scattered
 * around a good point; an average of the iterates sits closer to it (Polyak &amp; Juditsky 1992 average
 * them uniformly; the exponential average, the "EMA" of modern trainers, forgets the early ones).
 * Training keeps updating the live values; {@link #swap} exchanges values and averages in place for
 * an evaluation and, called again, puts them back.
 *
 * <p>The average starts at the values when the object is made, and those keep a share (1 − α)^n
 * after n steps. Its state is the averages alone ({@link #average}, live, for a checkpoint).
 */
public final class ParamAverage {
    private final ParamSet params;
    private final double[][] avg;
    private boolean swapped;

    /** @param params the tensors to average; the average starts at their present values */
    public ParamAverage(ParamSet params) {
        this.params = params;
        avg = new double[params.size()][];
        for (int k = 0; k < params.size(); k++) {
            Param p = params.get(k);
            avg[k] = new double[p.length()];
            for (int i = 0; i < p.length(); i++) avg[k][i] = p.value(i);
        }
    }

    /**
     * One averaging step: {@code avg ← avg + alpha·(value − avg)} for every scalar.
     *
     * @param alpha weight of the present values, in (0, 1]; 1/τ for a time constant of τ steps
     */
    public void update(double alpha) {
        if (!(alpha > 0 && alpha <= 1)) throw new IllegalArgumentException("averaging weight must be in (0, 1]: " + alpha);
        if (swapped) throw new IllegalStateException("the averages are swapped in: swap back before updating");
        pass(false, alpha);
    }

    /**
     * Exchanges the live values and the averages, in place: after one call the parameters hold the
     * averages (rounded to float in a float tensor), after the next they hold their own values again,
     * bit for bit. A float tensor's averages come back rounded to float by the round trip.
     */
    public void swap() {
        pass(true, 0);
        swapped = !swapped;
    }

    /** One pass over every scalar: the exchange of value and average, or the averaging step of weight alpha. */
    private void pass(boolean exchange, double alpha) {
        for (int k = 0; k < avg.length; k++) {
            Param p = params.get(k);
            double[] a = avg[k];
            int o = p.offset(), n = p.length();
            float[] fv = p.floatValues();   // null in a double tensor
            double[] dv = p.doubleValues();
            if (exchange && fv != null) {
                // the float tensor's exact value waits in the double slot while the average is in
                for (int i = 0; i < n; i++) {
                    double t = fv[o + i];
                    fv[o + i] = (float) a[i];
                    a[i] = t;
                }
            } else if (exchange) {
                for (int i = 0; i < n; i++) {
                    double t = dv[o + i];
                    dv[o + i] = a[i];
                    a[i] = t;
                }
            } else if (fv != null) {
                for (int i = 0; i < n; i++) a[i] += alpha * (fv[o + i] - a[i]);
            } else {
                for (int i = 0; i < n; i++) a[i] += alpha * (dv[o + i] - a[i]);
            }
        }
    }

    /** @return whether the parameters now hold the averages */
    public boolean swapped() {
        return swapped;
    }

    /** @param k tensor index in the set  @return the average of tensor k (live; the values while {@link #swapped}) */
    public double[] average(int k) {
        return avg[k];
    }
}
