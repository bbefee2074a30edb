package org.snn4j.train.exact;

import org.snn4j.util.InputException;

/**
 * Training met a NaN or infinity; the message names where (step, tensor, index) and the value, and
 * the CLI reports it in one line (it is an {@link InputException}: the usual cause is a learning
 * rate or weight scale too large for the chosen step).
 */
public final class NonFiniteException extends InputException {
    public NonFiniteException(String message) {
        super(message);
    }
}
