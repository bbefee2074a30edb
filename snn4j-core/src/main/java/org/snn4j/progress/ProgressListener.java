package org.snn4j.progress;

/**
 * Receives progress reports: {@link #update} as a task advances (as often as the producer likes;
 * a listener throttles its own output), {@link #end} when it finishes, and free-form
 * {@link #message} lines ("resumed from …", "epoch 2: test accuracy 0.87"). Every trainer and
 * experiment reports through one; {@link ConsoleProgress} draws a live bar on a terminal and plain
 * lines otherwise. Listeners never write to standard output (it is reserved for benchmark lines).
 */
public interface ProgressListener {
    /** @param e where the task stands */
    void update(ProgressEvent e);

    /** @param e the task's final state */
    default void end(ProgressEvent e) {
        update(e);
    }

    /** @param line a message to show (one line) */
    default void message(String line) {
    }

    /** @return a listener that ignores everything */
    static ProgressListener none() {
        return e -> { };
    }
}
