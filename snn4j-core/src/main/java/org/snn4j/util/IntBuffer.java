package org.snn4j.util;

import java.util.Arrays;

/** A growable array of primitive ints (no boxing); reused across steps with {@link #clear()}. */
public final class IntBuffer {
    private int[] data;
    private int size;

    public IntBuffer() {
        this(16);
    }

    public IntBuffer(int capacity) {
        data = new int[Math.max(1, capacity)];
    }

    public void add(int value) {
        if (size == data.length) data = Arrays.copyOf(data, Math.max(8, data.length + (data.length >> 1)));
        data[size++] = value;
    }

    public int get(int k) {
        return data[k];
    }

    public int size() {
        return size;
    }

    public void clear() {
        size = 0;
    }

    /** The backing array; valid entries are [0, size()). */
    public int[] raw() {
        return data;
    }

    public int[] toArray() {
        return Arrays.copyOf(data, size);
    }
}
