package org.snn4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import org.snn4j.util.InputException;

/** Turns an exception into one line on standard error and an exit code. */
final class Errors {
    private Errors() {
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
        } else if (t instanceof IOException) {
            code = 2;
            msg = "I/O error: " + t.getMessage();
        } else if (t instanceof OutOfMemoryError) {
            code = 1;
            msg = "out of memory (raise the heap with SNN4J_JAVA_OPTS=-Xmx...)";
        } else {
            code = 1;
            msg = "internal error: " + t + " (set SNN4J_DEBUG=1 for the stack trace)";
        }
        err.println("snn4j: error: " + Main.oneLine(msg));
        if (System.getenv("SNN4J_DEBUG") != null) t.printStackTrace(err);
        err.flush();
        return code;
    }
}
