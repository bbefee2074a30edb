package org.snn4j.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {
    /** Every item runs exactly once, on the member whose contiguous range holds it. */
    @Test
    void itemsRunOnceInContiguousRanges() {
        for (int threads = 1; threads <= 4; threads++) {
            try (Parallel team = new Parallel(threads)) {
                for (int n : new int[] {0, 1, 3, 7, 100}) {
                    AtomicIntegerArray count = new AtomicIntegerArray(Math.max(1, n));
                    int[] member = new int[Math.max(1, n)];
                    team.forEachMember(n, (m, i) -> {
                        count.incrementAndGet(i);
                        member[i] = m;
                    });
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, count.get(i));
                        if (n > 1) assertEquals(expectedMember(i, threads, n), member[i], "item " + i);
                    }
                }
            }
        }
    }

    private static int expectedMember(int i, int k, int n) {
        for (int m = 0; m < k; m++) if (i >= Parallel.from(m, k, n) && i < Parallel.from(m + 1, k, n)) return m;
        throw new AssertionError();
    }

    /** Spinning loops give the same results as parked ones, for any team size. */
    @Test
    void spinningLoopsAreDeterministic() {
        double[] ref = null;
        for (int threads = 1; threads <= 3; threads++) {
            double[] out = new double[64];
            try (Parallel team = new Parallel(threads)) {
                team.spinning(() -> {
                    for (int step = 0; step < 2000; step++) team.forEach(out.length, i -> out[i] = out[i] * 0.5 + Math.sin(i));
                });
                team.forEach(out.length, i -> out[i] += 1);   // parked again afterwards
            }
            if (ref == null) ref = out;
            else assertArrayEquals(ref, out);
        }
    }

    /** A loop started inside a loop of the same team runs on the calling member, not deadlocking. */
    @Test
    void nestedLoopsRunInline() {
        try (Parallel team = new Parallel(2)) {
            int[] sums = new int[4];
            team.forEach(4, i -> team.forEach(10, j -> sums[i] += j));
            assertArrayEquals(new int[] {45, 45, 45, 45}, sums);
        }
    }

    @Test
    void firstFailureIsRethrown() {
        try (Parallel team = new Parallel(3)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> team.forEach(9, i -> { if (i == 7) throw new IllegalStateException("item 7"); }));
            assertEquals("item 7", e.getMessage());
            int[] after = new int[9];
            team.forEach(9, i -> after[i] = i);   // the team still works
            assertEquals(8, after[8]);
        }
    }

    @Test
    void defaultThreadsIsChosenOnce() {
        try {
            Parallel.setDefaultThreads(3);
            assertEquals(3, Parallel.defaultThreads());
            assertEquals(3, Parallel.common().threads());
            try (Parallel team = new Parallel(0)) {
                assertEquals(3, team.threads());
            }
            assertThrows(IllegalArgumentException.class, () -> Parallel.setDefaultThreads(-1));
        } finally {
            Parallel.setDefaultThreads(0);
        }
        assertEquals(Runtime.getRuntime().availableProcessors(), Parallel.defaultThreads());
    }
}
