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

    /** "cannot read FILE: no such file" and the like, for a file the user named. */
    public static InputException unreadable(String what, java.nio.file.Path file, java.io.IOException e) {
        String why;
        if (e instanceof java.nio.file.NoSuchFileException) why = "no such file";
        else if (e instanceof java.nio.file.AccessDeniedException) why = "permission denied";
        else if (e instanceof java.nio.charset.CharacterCodingException) why = "not UTF-8 text";
        else why = e.getMessage() == null ? "I/O error" : e.getMessage();
        if (java.nio.file.Files.isDirectory(file)) why = "it is a directory";
        return new InputException("cannot read " + what + " " + file + ": " + why, e);
    }
}
