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

    /** The longest piece of the user's input an error message quotes. */
    public static final int MAX_QUOTE = 100;

    /**
     * Quotes a piece of the user's input for a message, cut to {@link #MAX_QUOTE} characters (a 50 MB
     * value is named by its start and its length, not echoed).
     *
     * @param input what the user gave
     * @return the input, or its first characters and the number left out
     */
    public static String quote(String input) {
        if (input == null) return "null";
        if (input.length() <= MAX_QUOTE) return input;
        return input.substring(0, MAX_QUOTE - 20) + "… (" + input.length() + " characters)";
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
