package org.snn4j.sim;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A reusable barrier for a few threads that meet thousands of times per second: it spins (a step
 * takes microseconds, far less than a park/unpark round trip), then yields if a party is late. The
 * arrival counter and the generation live in the middle of their own padded arrays, so that they
 * share no cache line with each other or with the simulation's data.
 */
final class SpinBarrier {
    private static final int SLOT = 32;   // 128 bytes into a 256-byte array
    private final int parties;
    /** Spins before yielding: long when every party has a core, short when threads outnumber cores. */
    private final int spinLimit;
    private final AtomicIntegerArray arrived = new AtomicIntegerArray(2 * SLOT);
    private final AtomicIntegerArray generation = new AtomicIntegerArray(2 * SLOT);

    SpinBarrier(int parties) {
        this.parties = parties;
        this.spinLimit = parties <= Runtime.getRuntime().availableProcessors() ? 50_000 : 50;
    }

    void await() {
        int g = generation.get(SLOT);
        if (arrived.incrementAndGet(SLOT) == parties) {
            arrived.set(SLOT, 0);
            generation.set(SLOT, g + 1);
            return;
        }
        int spins = 0;
        while (generation.get(SLOT) == g) {
            if (++spins < spinLimit) Thread.onSpinWait();
            else Thread.yield();
        }
    }
}
