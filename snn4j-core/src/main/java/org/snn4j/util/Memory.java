package org.snn4j.util;

/**
 * The one memory check before a large allocation: an absurd size is refused in well under a second
 * with what it needs and what the JVM has, instead of an OutOfMemoryError after minutes of work.
 */
public final class Memory {
    /** Share of the JVM's maximum heap a run may plan to use (the rest is the JVM's and the collector's). */
    static final double USABLE = 0.9;

    private Memory() {
    }

    /**
     * Refuses work whose estimated memory exceeds the heap.
     *
     * @param what  what is being sized, for the message ("sg-mlp: 784-100000000-10, batch 128, T 25")
     * @param bytes the estimate in bytes
     * @throws InputException "WHAT needs ≈ X GB, the JVM has Y GB (SNN4J_JAVA_OPTS=-Xmx…)"
     */
    public static void require(String what, double bytes) {
        double have = Runtime.getRuntime().maxMemory();
        if (!(bytes <= USABLE * have))
            throw new InputException(String.format("%s needs ≈ %s, the JVM has %s (raise it with SNN4J_JAVA_OPTS=-Xmx...)",
                    what, gb(bytes), gb(have)));
    }

    static String gb(double bytes) {
        String[] units = {"GB", "TB", "PB", "EB"};
        double v = bytes / 1e9;
        int u = 0;
        while (v >= 999.5 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(v < 10 ? "%.2f %s" : "%.0f %s", v, units[u]);
    }
}
