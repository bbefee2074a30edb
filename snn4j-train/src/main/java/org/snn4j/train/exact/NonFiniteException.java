package org.snn4j.train.exact;

import org.snn4j.util.DivergenceException;

/**
 * The former name of {@link DivergenceException}, kept only until the CUDA module switches to it.
 *
 * @deprecated throw and catch {@link DivergenceException}
 */
@Deprecated(forRemoval = true)
public final class NonFiniteException extends DivergenceException {
    /** @param message the one-line message */
    public NonFiniteException(String message) {
        super(-1, null, message);
    }
}
