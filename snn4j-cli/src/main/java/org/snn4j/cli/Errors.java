package org.snn4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import org.snn4j.util.InputException;

/** Turns an exception into one line on standard error and an exit code. */
final class Errors {
    private Errors() {
    }

    /** The longest error line printed: a message quoting a huge input (a 50 MB config value) is cut, saying how much was left out. */
    static final int MAX_LINE = 400;

    static String bounded(String line) {
        if (line.length() <= MAX_LINE) return line;
        return line.substring(0, MAX_LINE - 60) + " … (" + (line.length() - (MAX_LINE - 60)) + " more characters) … "
                + line.substring(line.length() - 40);
    }

    /** An --out given as an empty string (it would mean the current folder) is an input error. */
    static void checkOut(java.nio.file.Path out) {
        if (out == null) return;
        if (out.toString().isBlank()) throw new InputException("--out must name a folder, not an empty string");
        if (java.nio.file.Files.exists(out) && !java.nio.file.Files.isDirectory(out))
            throw new InputException("--out " + out + " is a file, not a folder");
    }

    static int report(Throwable ex, PrintWriter err) {
        Throwable t = ex;
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) t = t.getCause();
        int code;
        String msg;
        if (t instanceof InputException || t instanceof IllegalArgumentException) {
            code = 2;
            msg = t.getMessage();
        } else if (t instanceof NoSuchFileException nf) {
            code = 2;
            msg = "no such file: " + nf.getFile();
        } else if (t instanceof IOException) {   // a full disk or a read-only folder: not the input's fault (inputs fail as InputException)
            code = 1;
            msg = "I/O error: " + (t instanceof java.nio.file.AccessDeniedException ? "permission denied: " : "") + t.getMessage();
        } else if (t instanceof OutOfMemoryError) {
            code = 1;
            msg = "out of memory (raise the heap with SNN4J_JAVA_OPTS=-Xmx...)";
        } else {
            code = 1;
            msg = "internal error: " + t + " (set SNN4J_DEBUG=1 for the stack trace)";
        }
        err.println("snn4j: error: " + bounded(Main.oneLine(msg)));
        if (System.getenv("SNN4J_DEBUG") != null) t.printStackTrace(err);
        err.flush();
        return code;
    }
}
