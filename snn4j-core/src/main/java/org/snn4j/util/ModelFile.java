package org.snn4j.util;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model and checkpoint file format of snn4j's trained networks: one JSON object
 * <pre>
 *   {"format": NAME, "format_version": V, "provenance": {"snn4j_version", "git_commit", "saved_at", ...}, ...body}
 * </pre>
 * written atomically ({@link AtomicFiles}). Large float tensors go in as base64 strings of their
 * little-endian IEEE-754 bytes ({@link #floats(float[])}, {@link #doubles(double[])}): exact, and smaller
 * than decimal text.
 * Reading checks the format name and version and turns every defect (missing, truncated or
 * corrupt file, wrong format, wrong sizes) into one {@link InputException} line naming the file.
 */
public final class ModelFile {
    private ModelFile() {
    }

    /** The standard provenance block (version, git commit, time) plus {@code extra}. */
    public static Map<String, Object> provenance(Map<String, Object> extra) {
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("snn4j_version", Provenance.version());
        prov.put("git_commit", Provenance.gitCommit());
        prov.put("saved_at", java.time.Instant.now().toString());
        if (extra != null) prov.putAll(extra);
        return prov;
    }

    /** Writes {format, format_version, provenance, body...} atomically. */
    public static void write(Path file, String format, long version, Map<String, Object> provenance, Map<String, Object> body)
            throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", format);
        m.put("format_version", version);
        m.put("provenance", provenance(provenance));
        m.putAll(body);
        AtomicFiles.writeString(file, Json.write(m) + "\n");
    }

    /**
     * Reads a file written by {@link #write} with the given format name and a version ≤
     * {@code maxVersion}; {@code what} names the kind of file in messages ("sg model").
     */
    public static Map<String, Object> read(Path file, String format, long maxVersion, String what) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": no such " + what + " file");
        } catch (IOException | RuntimeException e) {
            throw new InputException(file + ": cannot read the " + what + " file (" + e.getMessage() + ")");
        }
        Map<String, Object> m;
        try {
            m = Json.parseObject(text, file.toString());
        } catch (InputException e) {
            throw new InputException(file + ": not a valid " + what + " file (corrupt or truncated JSON)");
        }
        Object f = m.get("format");
        if (!format.equals(f)) throw new InputException(file + ": not an snn4j " + what + " file (format " + f + ", expected " + format + ")");
        long v = (long) num(m, "format_version", file);
        if (v > maxVersion) throw new InputException(file + ": " + what + " file version " + v + " is newer than this snn4j reads (" + maxVersion + ")");
        return m;
    }

    /** The base64 text of a float array (little-endian IEEE-754). */
    public static String floats(float[] a) {
        return encode(4 * a.length, bb -> bb.asFloatBuffer().put(a));
    }

    /** Base64 of {@code bytes} little-endian bytes that {@code fill} writes. */
    private static String encode(int bytes, java.util.function.Consumer<ByteBuffer> fill) {
        ByteBuffer bb = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(bb);
        return Base64.getEncoder().encodeToString(bb.array());
    }

    /** Decodes {@link #floats(float[])} into {@code dst}, which must have exactly its length. */
    public static void floats(Object text, float[] dst, Path file, String name) {
        decode(text, 4, dst.length, file, name).asFloatBuffer().get(dst);
    }

    /** The little-endian bytes of base64 tensor {@code name}, checked to hold exactly {@code count} values of {@code width} bytes. */
    private static ByteBuffer decode(Object text, int width, int count, Path file, String name) {
        if (!(text instanceof String s)) throw new InputException(file + ": tensor '" + name + "' is missing");
        byte[] b;
        try {
            b = Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new InputException(file + ": tensor '" + name + "' is corrupt (bad base64)");
        }
        if (b.length != (long) width * count)
            throw new InputException(file + ": tensor '" + name + "' has " + b.length / width + " values, the network needs " + count);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The base64 text of a double array (little-endian IEEE-754): exact, for weights that must round-trip bit for bit. */
    public static String doubles(double[] a) {
        return encode(8 * a.length, bb -> bb.asDoubleBuffer().put(a));
    }

    /** Decodes {@link #doubles(double[])} into {@code dst}, which must have exactly its length. */
    public static void doubles(Object text, double[] dst, Path file, String name) {
        decode(text, 8, dst.length, file, name).asDoubleBuffer().get(dst);
    }

    /** A required number. */
    public static double num(Map<String, Object> m, String key, Path file) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) throw new InputException(file + ": missing number '" + key + "'");
        return n.doubleValue();
    }

    /** A required string. */
    public static String str(Map<String, Object> m, String key, Path file) {
        Object v = m.get(key);
        if (!(v instanceof String s)) throw new InputException(file + ": missing text '" + key + "'");
        return s;
    }

    /** A required list. */
    @SuppressWarnings("unchecked")
    public static List<Object> list(Map<String, Object> m, String key, Path file) {
        Object v = m.get(key);
        if (!(v instanceof List)) throw new InputException(file + ": missing list '" + key + "'");
        return (List<Object>) v;
    }

    /** A required object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object v, Path file, String what) {
        if (!(v instanceof Map)) throw new InputException(file + ": " + what + " is not an object");
        return (Map<String, Object>) v;
    }
}
