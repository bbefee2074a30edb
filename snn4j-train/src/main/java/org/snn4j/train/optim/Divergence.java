package org.snn4j.train.optim;

import java.util.List;
import org.snn4j.math.Parallel;

import org.snn4j.util.DivergenceException;

/**
 * The one NaN/Inf check of training: of the loss, of every gradient and of every parameter after
 * an update, each throwing a {@link DivergenceException} whose message reads
 * "{label} {step}: {what} {tensor}[{index}] is {value}" (index in the tensor's shape, e.g. W[3,7]).
 */
public final class Divergence {
    private Divergence() {
    }

    /**
     * @param label what a step is called ("training step", "iteration")
     * @param step  the step number
     * @param loss  the loss of the step
     * @throws DivergenceException when the loss is NaN or infinite
     */
    public static void checkLoss(String label, long step, double loss) {
        if (!Double.isFinite(loss)) throw new DivergenceException(step, "loss", label + " " + step + ": loss is " + loss);
    }

    /**
     * @param ps    the parameters
     * @param label what a step is called
     * @param step  the step number
     * @throws DivergenceException naming the first non-finite gradient entry
     */
    public static void checkGrads(ParamSet ps, String label, long step) {
        check(ps, true, label, step, "");
    }

    /**
     * @param ps    the parameters
     * @param label what a step is called
     * @param step  the step number
     * @throws DivergenceException naming the first non-finite parameter (after an update)
     */
    public static void checkValues(ParamSet ps, String label, long step) {
        check(ps, false, label, step, " after the update (learning rate too large?)");
    }

    /**
     * {@link #checkGrads(ParamSet, String, long)} on a thread team: the tensors are scanned in
     * parallel (a branch-free pass the JIT vectorises), and only when one holds a NaN or an infinity
     * does the serial check run to name the first; the message is the same whatever the team size.
     *
     * @param team the team to scan on
     */
    public static void checkGrads(ParamSet ps, String label, long step, Parallel team) {
        if (!allFinite(ps, true, team)) checkGrads(ps, label, step);
    }

    /**
     * {@link #checkValues(ParamSet, String, long)} on a thread team (see
     * {@link #checkGrads(ParamSet, String, long, Parallel)}).
     *
     * @param team the team to scan on
     */
    public static void checkValues(ParamSet ps, String label, long step, Parallel team) {
        if (!allFinite(ps, false, team)) checkValues(ps, label, step);
    }

    /** True when every gradient (or value) of every tensor is finite; tensors split over the team. */
    private static boolean allFinite(ParamSet ps, boolean grads, Parallel team) {
        List<Param> list = ps.params();
        boolean[] bad = {false};   // only ever set to true; read after the loop's join
        team.forEach(list.size(), i -> {
            Param p = list.get(i);
            int o = p.offset(), e = o + p.length();
            boolean ok = p.isFloat() ? finite(grads ? p.floatGrads() : p.floatValues(), o, e)
                    : finite(grads ? p.doubleGrads() : p.doubleValues(), o, e);
            if (!ok) bad[0] = true;
        });
        return !bad[0];
    }

    /** True when a[o, e) holds no NaN or infinity: the largest exponent field is not all ones (no early exit: vectorised). */
    static boolean finite(float[] a, int o, int e) {
        int m = 0;
        for (int i = o; i < e; i++) m = Math.max(m, Float.floatToRawIntBits(a[i]) & 0x7f80_0000);
        return m != 0x7f80_0000;
    }

    /** As {@link #finite(float[], int, int)} for doubles. */
    static boolean finite(double[] a, int o, int e) {
        long m = 0;
        for (int i = o; i < e; i++) m = Math.max(m, Double.doubleToRawLongBits(a[i]) & 0x7ff0_0000_0000_0000L);
        return m != 0x7ff0_0000_0000_0000L;
    }

    private static void check(ParamSet ps, boolean grads, String label, long step, String hint) {
        for (Param p : ps.params()) {
            int o = p.offset(), e = o + p.length(), bad = -1;
            double v = 0;
            if (p.isFloat()) {
                float[] a = grads ? p.floatGrads() : p.floatValues();
                for (int i = o; i < e; i++)
                    if (a[i] - a[i] != 0) {   // NaN or ±Inf
                        bad = i - o;
                        v = a[i];
                        break;
                    }
            } else {
                double[] a = grads ? p.doubleGrads() : p.doubleValues();
                for (int i = o; i < e; i++)
                    if (a[i] - a[i] != 0) {
                        bad = i - o;
                        v = a[i];
                        break;
                    }
            }
            if (bad >= 0) {
                String where = p.name() + index(p.shape(), bad);
                throw new DivergenceException(step, where, label + " " + step + ": " + (grads ? "gradient of " : "parameter ") + where
                        + " is " + (p.isFloat() ? String.valueOf((float) v) : String.valueOf(v)) + hint);
            }
        }
    }

    /** "[i,j,…]": the row-major multi-index of flat position k in a tensor of this shape. */
    static String index(int[] shape, int k) {
        StringBuilder sb = new StringBuilder("]");
        for (int d = shape.length - 1; d >= 0; d--) {
            int n = Math.max(1, shape[d]);
            sb.insert(0, k % n);
            if (d > 0) sb.insert(0, ',');
            k /= n;
        }
        return sb.insert(0, '[').toString();
    }
}
