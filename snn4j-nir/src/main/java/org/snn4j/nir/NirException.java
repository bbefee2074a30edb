package org.snn4j.nir;

/**
 * A NIR file or graph that snn4j cannot read, check or run: the message is one line that names the
 * file part, node or edge at fault (the CLI prints it and exits with status 2).
 */
public final class NirException extends org.snn4j.util.InputException {
    public NirException(String message) {
        super(message);
    }

    public NirException(String message, Throwable cause) {
        super(message, cause);
    }
}
