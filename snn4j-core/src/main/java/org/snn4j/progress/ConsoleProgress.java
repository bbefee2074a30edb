package org.snn4j.progress;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Progress on standard error (never standard output): on a terminal a live single-line bar
 * redrawn in place with {@code \r} at most ten times a second; when the output is piped, in CI or
 * on a dumb terminal, plain lines — one per 5 % of the task or every 10 s, and one at the end.
 * Messages print as lines in both modes (a live bar is cleared first and redrawn after).
 * {@code SNN4J_PROGRESS=bar|lines|none} overrides the choice.
 */
public final class ConsoleProgress implements ProgressListener {
    /** How progress is shown. */
    public enum Mode {
        /** A live bar redrawn in place (terminals). */
        BAR,
        /** Plain lines every 5 % or 10 s (pipes, CI, logs). */
        LINES,
        /** Only messages, no progress. */
        NONE
    }

    static final long BAR_NS = 100_000_000L, LINE_NS = 10_000_000_000L;
    static final double LINE_STEP = 0.05;
    private static final int WIDTH = 20;

    private final PrintStream out;
    private final Mode mode;
    private final Supplier<String> prefix;
    private final LongSupplier clock;
    private long lastDraw = Long.MIN_VALUE;
    private double lastFraction = Double.NaN;
    private String lastTask;
    private String bar;   // the bar on screen (BAR mode), or null

    /**
     * @param out    where to write (standard error)
     * @param mode   bar, lines or none
     * @param prefix text in front of every line (e.g. "[sg-mlp   12.3s] "), evaluated when printing
     * @param clock  nanosecond clock (tests pass a fake one)
     */
    public ConsoleProgress(PrintStream out, Mode mode, Supplier<String> prefix, LongSupplier clock) {
        this.out = out;
        this.mode = mode;
        this.prefix = prefix == null ? () -> "" : prefix;
        this.clock = clock;
    }

    /**
     * Progress on standard error, as a bar when it is a terminal, else as lines.
     *
     * @param prefix text in front of every line, evaluated when printing
     * @return the listener
     */
    public static ConsoleProgress stderr(Supplier<String> prefix) {
        return new ConsoleProgress(System.err, autoMode(), prefix, System::nanoTime);
    }

    /** @return the mode for standard error: SNN4J_PROGRESS if set, else BAR on a terminal, LINES otherwise */
    public static Mode autoMode() {
        String env = System.getenv("SNN4J_PROGRESS");
        if (env != null) {
            switch (env.toLowerCase()) {
                case "bar": return Mode.BAR;
                case "lines": return Mode.LINES;
                case "none": return Mode.NONE;
                default: break;
            }
        }
        return stderrIsTerminal() ? Mode.BAR : Mode.LINES;
    }

    /** True when standard error is an interactive terminal (and this is not CI or a dumb terminal). */
    static boolean stderrIsTerminal() {
        if (System.console() == null || System.getenv("CI") != null || "dumb".equals(System.getenv("TERM"))) return false;
        try {
            String t = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return t.startsWith("/dev/pts/") || t.startsWith("/dev/tty");
        } catch (Exception e) {
            return true;   // no /proc (not Linux): trust System.console()
        }
    }

    /** @return the mode in use */
    public Mode mode() {
        return mode;
    }

    @Override
    public synchronized void update(ProgressEvent e) {
        if (mode == Mode.NONE) return;
        long now = clock.getAsLong();
        boolean newTask = !e.task().equals(lastTask);
        if (newTask) {
            lastTask = e.task();
            lastFraction = 0;
        }
        if (mode == Mode.BAR) {
            if (!newTask && now - lastDraw < BAR_NS) return;
            draw(barLine(e));
        } else {
            if (newTask) lastDraw = now;   // the 10 s of a new task count from its start
            double f = e.fraction();
            boolean due = Double.isFinite(f) && f - lastFraction >= LINE_STEP - 1e-12 || now - lastDraw >= LINE_NS;
            if (!due) return;
            out.println(prefix.get() + e.line());
            out.flush();
            if (Double.isFinite(f)) lastFraction = f;
        }
        lastDraw = now;
    }

    @Override
    public synchronized void end(ProgressEvent e) {
        if (mode == Mode.NONE) return;
        if (mode == Mode.BAR) {
            draw(barLine(e));
            out.println();
            bar = null;
        } else {
            out.println(prefix.get() + e.line());
        }
        out.flush();
        lastTask = null;
        lastFraction = Double.NaN;
    }

    @Override
    public synchronized void message(String line) {
        if (bar != null) out.print("\r\033[2K");
        out.println(prefix.get() + line);
        if (bar != null) out.print(bar);
        out.flush();
    }

    private void draw(String line) {
        bar = "\r\033[2K" + prefix.get() + line;
        out.print(bar);
        out.flush();
    }

    /** "task [#######.............] 35% 350/1000 samples, 1.2e3 samples/s, ETA 42 s, status" */
    static String barLine(ProgressEvent e) {
        StringBuilder sb = new StringBuilder(e.task()).append(' ');
        if (e.total() > 0) {
            int filled = (int) Math.round(WIDTH * e.fraction());
            sb.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ")
                    .append(String.format("%3d%%", Math.round(100 * e.fraction()))).append(' ')
                    .append(e.done()).append('/').append(e.total()).append(' ').append(e.unit());
        } else {
            sb.append(e.done()).append(' ').append(e.unit());
        }
        if (e.rate() > 0) sb.append(", ").append(Progress.number(e.rate())).append(' ').append(e.unit()).append("/s");
        if (Double.isFinite(e.etaS()) && e.done() < e.total()) sb.append(", ETA ").append(Progress.duration(e.etaS()));
        else if (e.total() > 0 && e.done() >= e.total()) sb.append(" in ").append(Progress.duration(e.elapsedS()));
        if (!e.status().isEmpty()) sb.append(", ").append(e.status());
        return sb.toString();
    }
}
