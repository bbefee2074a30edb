package org.snn4j.util;

/**
 * Training or simulation met a NaN or an infinity. The one-line message names where: the step
 * (iteration, batch), the tensor or state and the entry, and the value; {@link #step()} and
 * {@link #tensor()} give the same for programs. It is an {@link InputException}, so the command
 * line reports it in one line with exit code 2: the usual cause is a setting (a learning rate or a
 * weight scale too large for the chosen time step), not a bug.
 */
public class DivergenceException extends InputException {
    private final long step;
    private final String tensor;

    /**
     * @param step    the step at which the value appeared (−1 when not known)
     * @param tensor  the tensor or quantity, with its entry, e.g. "layer2.weight_row_3[4]" or "loss" (null when not known)
     * @param message the whole one-line message
     */
    public DivergenceException(long step, String tensor, String message) {
        super(message);
        this.step = step;
        this.tensor = tensor;
    }

    /**
     * The same divergence with context in front of the message (e.g. "trial 3 of the batch: ").
     *
     * @param prefix text to put before the message
     * @return a new exception with the same step and tensor
     */
    public DivergenceException withPrefix(String prefix) {
        DivergenceException e = new DivergenceException(step, tensor, prefix + getMessage());
        e.initCause(this);
        return e;
    }

    /** @return the step at which the value appeared, or −1 when not known */
    public long step() {
        return step;
    }

    /** @return the tensor or quantity (with its entry), or null when not known */
    public String tensor() {
        return tensor;
    }
}
