package org.snn4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snn4j.util.AtomicFiles;
import org.snn4j.util.InputException;
import org.snn4j.util.Json;

/**
 * Tensors in the safetensors layout, the one file format of snn4j's models and checkpoints:
 * <pre>
 *   8 bytes   N, unsigned little-endian 64-bit: length of the header
 *   N bytes   UTF-8 JSON header, padded with spaces to a multiple of 8:
 *             {"__metadata__": {string: string, ...},
 *              NAME: {"dtype": "F32", "shape": [d0, d1, ...], "data_offsets": [begin, end]}, ...}
 *   rest      the tensors' raw little-endian bytes, row-major; offsets count from the end of the header
 * </pre>
 * Dtypes: F32, F64, I32, I64, U8 and BOOL (one byte, 0 or 1). Tensors are written in the order
 * they were added, back to back. numpy alone reads such a file (see docs/model-files.md), and so
 * does the {@code safetensors} Python package.
 *
 * <p>An instance is one read or built file: its tensors by name and its metadata. Reading checks the
 * whole layout (header size against the file size before allocating, JSON, dtypes, shapes against
 * byte counts, offsets inside the data and not overlapping) and reports any defect as one
 * {@link InputException} line naming the file.
 */
public final class SafeTensors {
    /** The largest header this reader accepts (the reference implementation's limit). */
    public static final long MAX_HEADER = 100L << 20;

    /** Element types. */
    public enum DType {
        /** 32-bit IEEE-754 float. */
        F32(4),
        /** 64-bit IEEE-754 float. */
        F64(8),
        /** 32-bit signed integer. */
        I32(4),
        /** 64-bit signed integer. */
        I64(8),
        /** Unsigned byte. */
        U8(1),
        /** Boolean, one byte 0 or 1. */
        BOOL(1);

        /** Bytes per element. */
        public final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }
    }

    /** One tensor: element type, shape and raw little-endian bytes (not copied: treat as read-only). */
    public static final class Tensor {
        private final DType dtype;
        private final long[] shape;
        private final byte[] data;

        Tensor(DType dtype, long[] shape, byte[] data) {
            this.dtype = dtype;
            this.shape = shape;
            this.data = data;
        }

        /** @return the element type */
        public DType dtype() {
            return dtype;
        }

        /** @return a copy of the shape (empty for a scalar) */
        public long[] shape() {
            return shape.clone();
        }

        /** @return the number of elements */
        public long size() {
            return data.length / dtype.bytes;
        }

        ByteBuffer buffer() {
            return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private final String source;
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    private SafeTensors(String source, Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.source = source;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** @return a builder for a new file */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the tensors by name, in file order */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** @return the {@code __metadata__} strings */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** @return where this was read from (for messages) */
    public String source() {
        return source;
    }

    /**
     * @param name a tensor name
     * @return whether the file has it
     */
    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /**
     * @param name a tensor name
     * @return the tensor; a missing one is an {@link InputException}
     */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new InputException(source + ": tensor '" + name + "' is missing");
        return t;
    }

    private ByteBuffer typed(String name, DType want, int count) {
        Tensor t = tensor(name);
        if (t.dtype != want) throw new InputException(source + ": tensor '" + name + "' is " + t.dtype + ", expected " + want);
        if (count >= 0 && t.size() != count)
            throw new InputException(source + ": tensor '" + name + "' has " + t.size() + " values, expected " + count);
        return t.buffer();
    }

    /**
     * @param name an F32 tensor
     * @return its values, row-major
     */
    public float[] floats(String name) {
        ByteBuffer b = typed(name, DType.F32, -1);
        float[] a = new float[b.remaining() / 4];
        b.asFloatBuffer().get(a);
        return a;
    }

    /**
     * Copies an F32 tensor into {@code dst}, which must have exactly its number of values.
     *
     * @param name the tensor
     * @param dst where its values go
     */
    public void floats(String name, float[] dst) {
        typed(name, DType.F32, dst.length).asFloatBuffer().get(dst);
    }

    /**
     * @param name an F64 tensor
     * @return its values, row-major
     */
    public double[] doubles(String name) {
        ByteBuffer b = typed(name, DType.F64, -1);
        double[] a = new double[b.remaining() / 8];
        b.asDoubleBuffer().get(a);
        return a;
    }

    /**
     * Copies an F64 tensor into {@code dst}, which must have exactly its number of values.
     *
     * @param name the tensor
     * @param dst where its values go
     */
    public void doubles(String name, double[] dst) {
        typed(name, DType.F64, dst.length).asDoubleBuffer().get(dst);
    }

    /**
     * @param name an I32 tensor
     * @return its values
     */
    public int[] ints(String name) {
        ByteBuffer b = typed(name, DType.I32, -1);
        int[] a = new int[b.remaining() / 4];
        b.asIntBuffer().get(a);
        return a;
    }

    /**
     * @param name an I64 tensor
     * @return its values
     */
    public long[] longs(String name) {
        ByteBuffer b = typed(name, DType.I64, -1);
        long[] a = new long[b.remaining() / 8];
        b.asLongBuffer().get(a);
        return a;
    }

    /**
     * @param name a U8 tensor
     * @return its bytes
     */
    public byte[] bytes(String name) {
        return typed(name, DType.U8, -1).array().clone();
    }

    /**
     * @param name a BOOL tensor
     * @return its values
     */
    public boolean[] booleans(String name) {
        byte[] b = typed(name, DType.BOOL, -1).array();
        boolean[] a = new boolean[b.length];
        for (int k = 0; k < b.length; k++) a[k] = b[k] != 0;
        return a;
    }

    // ------------------------------------------------------------------ reading

    /**
     * Reads a file; any defect is one {@link InputException} line naming it.
     *
     * @param file the file
     * @return its tensors and metadata
     */
    public static SafeTensors read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch, file.toString());
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": no such file");
        } catch (IOException e) {
            throw new InputException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /**
     * Parses the bytes of a file.
     *
     * @param bytes the whole file
     * @param source names it in messages
     * @return its tensors and metadata
     */
    public static SafeTensors parse(byte[] bytes, String source) {
        try {
            return read(new ByteArrayChannel(bytes), source);
        } catch (IOException e) {
            throw new InputException(source + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** What {@link #read(FileChannel, String)} needs of a file: its size and positioned reads. */
    private interface Source {
        long size() throws IOException;

        void readFully(ByteBuffer dst, long position) throws IOException;
    }

    private static SafeTensors read(FileChannel ch, String source) throws IOException {
        return read(new Source() {
            @Override
            public long size() throws IOException {
                return ch.size();
            }

            @Override
            public void readFully(ByteBuffer dst, long position) throws IOException {
                while (dst.hasRemaining()) {
                    int n = ch.read(dst, position);
                    if (n < 0) throw new IOException("unexpected end of file");
                    position += n;
                }
            }
        }, source);
    }

    private record ByteArrayChannel(byte[] bytes) implements Source {
        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public void readFully(ByteBuffer dst, long position) {
            dst.put(bytes, (int) position, dst.remaining());
        }
    }

    private static InputException bad(String source, String what) {
        return new InputException(source + ": not a valid safetensors file (" + what + ")");
    }

    private static SafeTensors read(Source in, String source) throws IOException {
        long size = in.size();
        if (size < 8) throw bad(source, "truncated: " + size + " bytes, no header length");
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        in.readFully(lenBuf, 0);
        long n = lenBuf.flip().getLong();
        // Checked before allocating: a corrupt length must not ask for gigabytes.
        if (n < 2 || n > MAX_HEADER) throw bad(source, "header length " + Long.toUnsignedString(n) + " bytes is absurd");
        if (n > size - 8) throw bad(source, "truncated: header of " + n + " bytes, only " + (size - 8) + " follow");
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        in.readFully(hb, 8);
        String header;
        try {
            header = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(hb.flip()).toString();
        } catch (CharacterCodingException e) {
            throw bad(source, "header is not UTF-8");
        }
        Map<String, Object> h;
        try {
            h = Json.parseObject(header.stripTrailing(), source);
        } catch (InputException e) {
            throw bad(source, "header is not a JSON object");
        }
        long dataLen = size - 8 - n;
        Map<String, String> meta = new LinkedHashMap<>();
        Map<String, long[]> offsets = new LinkedHashMap<>();
        Map<String, DType> dtypes = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : h.entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                if (!(e.getValue() instanceof Map<?, ?> m)) throw bad(source, "__metadata__ is not an object");
                for (Map.Entry<?, ?> me : m.entrySet()) {
                    if (!(me.getValue() instanceof String s)) throw bad(source, "__metadata__ value '" + me.getKey() + "' is not a string");
                    meta.put((String) me.getKey(), s);
                }
                continue;
            }
            if (!(e.getValue() instanceof Map<?, ?> t)) throw bad(source, "entry '" + name + "' is not an object");
            DType dt;
            try {
                dt = DType.valueOf(String.valueOf(t.get("dtype")));
            } catch (IllegalArgumentException ex) {
                throw bad(source, "tensor '" + name + "' has unsupported dtype " + t.get("dtype"));
            }
            long[] shape = longList(t.get("shape"), source, name, "shape", -1);
            long[] off = longList(t.get("data_offsets"), source, name, "data_offsets", 2);
            long count = 1;
            try {
                for (long d : shape) {
                    if (d < 0) throw bad(source, "tensor '" + name + "' has a negative dimension");
                    count = Math.multiplyExact(count, d);
                }
                count = Math.multiplyExact(count, (long) dt.bytes);
            } catch (ArithmeticException ex) {
                throw bad(source, "tensor '" + name + "' has an absurd shape");
            }
            if (off[0] < 0 || off[1] < off[0]) throw bad(source, "tensor '" + name + "' has bad data_offsets");
            if (off[1] - off[0] != count)
                throw bad(source, "tensor '" + name + "' is " + dt + " " + java.util.Arrays.toString(shape) + " (" + count
                        + " bytes) but its data_offsets span " + (off[1] - off[0]));
            if (off[1] > dataLen)
                throw bad(source, "truncated: tensor '" + name + "' ends at byte " + off[1] + " of the data, the file has " + dataLen);
            dtypes.put(name, dt);
            shapes.put(name, shape);
            offsets.put(name, off);
        }
        List<long[]> spans = new ArrayList<>(offsets.values());
        spans.sort((a, b) -> Long.compare(a[0], b[0]));
        long end = 0;
        for (long[] s : spans) {
            if (s[0] < end) throw bad(source, "tensors overlap");
            end = s[1];
        }
        Map<String, Tensor> ts = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : offsets.entrySet()) {
            long[] off = e.getValue();
            if (off[1] - off[0] > Integer.MAX_VALUE - 8) throw bad(source, "tensor '" + e.getKey() + "' is over 2 GiB");
            ByteBuffer b = ByteBuffer.allocate((int) (off[1] - off[0]));
            in.readFully(b, 8 + n + off[0]);
            ts.put(e.getKey(), new Tensor(dtypes.get(e.getKey()), shapes.get(e.getKey()), b.array()));
        }
        return new SafeTensors(source, ts, meta);
    }

    private static long[] longList(Object v, String source, String name, String key, int len) {
        if (!(v instanceof List<?> l) || (len >= 0 && l.size() != len)) throw bad(source, "tensor '" + name + "' has no valid " + key);
        long[] a = new long[l.size()];
        for (int k = 0; k < a.length; k++) {
            if (!(l.get(k) instanceof Long x)) throw bad(source, "tensor '" + name + "' has no valid " + key);
            a[k] = x;
        }
        return a;
    }

    // ------------------------------------------------------------------ writing

    /** Collects tensors and metadata and writes them as one file. */
    public static final class Builder {
        private final Map<String, Tensor> tensors = new LinkedHashMap<>();
        private final Map<String, String> metadata = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Adds a metadata string.
         *
         * @param key the key
         * @param value the value
         * @return this
         */
        public Builder metadata(String key, String value) {
            metadata.put(key, value);
            return this;
        }

        private Builder put(String name, DType dt, long count, long[] shape, ByteBuffer data) {
            if (name == null || name.isEmpty() || name.equals("__metadata__")) throw new IllegalArgumentException("bad tensor name '" + name + "'");
            if (tensors.containsKey(name)) throw new IllegalArgumentException("tensor '" + name + "' added twice");
            long[] s = shape.length == 0 ? new long[] {count} : shape.clone();
            long prod = 1;
            for (long d : s) prod *= d;
            if (prod != count) throw new IllegalArgumentException("tensor '" + name + "': shape " + java.util.Arrays.toString(s) + " does not hold " + count + " values");
            tensors.put(name, new Tensor(dt, s, data.array()));
            return this;
        }

        private static ByteBuffer le(long bytes) {
            return ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
        }

        /**
         * Adds an F32 tensor.
         *
         * @param name its name
         * @param a its values, row-major (copied)
         * @param shape its shape (none: one dimension of {@code a.length})
         * @return this
         */
        public Builder f32(String name, float[] a, long... shape) {
            ByteBuffer b = le(4L * a.length);
            b.asFloatBuffer().put(a);
            return put(name, DType.F32, a.length, shape, b);
        }

        /**
         * Adds an F64 tensor.
         *
         * @param name its name
         * @param a its values, row-major (copied)
         * @param shape its shape (none: one dimension of {@code a.length})
         * @return this
         */
        public Builder f64(String name, double[] a, long... shape) {
            ByteBuffer b = le(8L * a.length);
            b.asDoubleBuffer().put(a);
            return put(name, DType.F64, a.length, shape, b);
        }

        /**
         * Adds an I32 tensor.
         *
         * @param name its name
         * @param a its values (copied)
         * @param shape its shape (none: one dimension)
         * @return this
         */
        public Builder i32(String name, int[] a, long... shape) {
            ByteBuffer b = le(4L * a.length);
            b.asIntBuffer().put(a);
            return put(name, DType.I32, a.length, shape, b);
        }

        /**
         * Adds an I64 tensor.
         *
         * @param name its name
         * @param a its values (copied)
         * @param shape its shape (none: one dimension)
         * @return this
         */
        public Builder i64(String name, long[] a, long... shape) {
            ByteBuffer b = le(8L * a.length);
            b.asLongBuffer().put(a);
            return put(name, DType.I64, a.length, shape, b);
        }

        /**
         * Adds a U8 tensor.
         *
         * @param name its name
         * @param a its bytes (copied)
         * @param shape its shape (none: one dimension)
         * @return this
         */
        public Builder u8(String name, byte[] a, long... shape) {
            return put(name, DType.U8, a.length, shape, ByteBuffer.wrap(a.clone()));
        }

        /**
         * Adds a BOOL tensor.
         *
         * @param name its name
         * @param a its values
         * @param shape its shape (none: one dimension)
         * @return this
         */
        public Builder bool(String name, boolean[] a, long... shape) {
            byte[] b = new byte[a.length];
            for (int k = 0; k < a.length; k++) b[k] = (byte) (a[k] ? 1 : 0);
            return put(name, DType.BOOL, a.length, shape, ByteBuffer.wrap(b));
        }

        /** @return the header: JSON padded with spaces to a multiple of 8 bytes */
        private byte[] header() {
            Map<String, Object> h = new LinkedHashMap<>();
            if (!metadata.isEmpty()) h.put("__metadata__", metadata);
            long off = 0;
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                Tensor t = e.getValue();
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("dtype", t.dtype.name());
                List<Long> shape = new ArrayList<>();
                for (long x : t.shape) shape.add(x);
                d.put("shape", shape);
                d.put("data_offsets", List.of(off, off + t.data.length));
                off += t.data.length;
                h.put(e.getKey(), d);
            }
            byte[] json = Json.write(h).getBytes(StandardCharsets.UTF_8);
            int padded = (json.length + 7) & ~7;
            byte[] out = java.util.Arrays.copyOf(json, padded);
            java.util.Arrays.fill(out, json.length, padded, (byte) ' ');
            return out;
        }

        /**
         * The file's bytes.
         *
         * @return header length, header, data
         */
        public byte[] toBytes() {
            java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
            try {
                writeTo(bo);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return bo.toByteArray();
        }

        private void writeTo(java.io.OutputStream out) throws IOException {
            byte[] h = header();
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            out.write(h);
            for (Tensor t : tensors.values()) out.write(t.data);
        }

        /**
         * Writes the file atomically ({@link AtomicFiles}).
         *
         * @param file the target
         * @throws IOException if it cannot be written
         */
        public void write(Path file) throws IOException {
            AtomicFiles.write(file, out -> {
                java.io.BufferedOutputStream bo = new java.io.BufferedOutputStream(out, 1 << 16);
                writeTo(bo);
                bo.flush();
            });
        }

        /** @return what was built, as if read back (no file involved) */
        public SafeTensors build() {
            return new SafeTensors("(in memory)", new LinkedHashMap<>(tensors), new LinkedHashMap<>(metadata));
        }
    }
}
