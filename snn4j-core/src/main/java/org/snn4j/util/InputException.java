package org.snn4j.util;

/**
 * A problem with what the user gave snn4j (a config, an option, a data file): reported as one clear
 * line and exit code 2, never as a stack trace.
 */
public class InputException extends RuntimeException {
    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
