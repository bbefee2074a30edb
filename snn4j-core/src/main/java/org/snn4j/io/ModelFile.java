package org.snn4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snn4j.util.InputException;
import org.snn4j.util.Json;
import org.snn4j.util.Provenance;

/**
 * The one entry point for snn4j's model and checkpoint files: a {@link SafeTensors} file whose
 * {@code __metadata__} holds, under the key {@value #META_KEY}, one JSON object
 * <pre>
 *   {"format": NAME, "format_version": V, "provenance": {...}, ...body}
 * </pre>
 * The body describes what the tensors are (architecture, recipe, counters) and names them; the
 * tensors hold every number that must round-trip exactly. Written atomically.
 *
 * <p>Reading checks the format name and version and turns every defect (missing, truncated or
 * corrupt file, wrong format, wrong sizes) into one {@link InputException} line naming the file.
 * For compatibility only, {@link #read} also accepts the JSON model files of snn4j before the
 * safetensors layout (format version 1: one JSON object with tensors as base64 text); their
 * tensors are read with the same {@link Contents#floats} / {@link Contents#doubles} calls.
 */
public final class ModelFile {
    /** The {@code __metadata__} key of the snn4j JSON. */
    public static final String META_KEY = "snn4j";

    private ModelFile() {
    }

    /**
     * The standard provenance block (snn4j version, git commit, time) plus {@code extra}.
     *
     * @param extra more entries (may be null)
     * @return a new map
     */
    public static Map<String, Object> provenance(Map<String, Object> extra) {
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("snn4j_version", Provenance.version());
        prov.put("git_commit", Provenance.gitCommit());
        prov.put("saved_at", java.time.Instant.now().toString());
        if (extra != null) prov.putAll(extra);
        return prov;
    }

    /**
     * Writes {@code tensors} with the metadata {format, format_version, provenance, body...} atomically.
     *
     * @param file the target ({@code *.safetensors})
     * @param format the format name
     * @param version its version
     * @param provenance the provenance block, written as given
     * @param body the rest of the JSON metadata
     * @param tensors the tensors
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, String format, long version, Map<String, Object> provenance, Map<String, Object> body,
                             SafeTensors.Builder tensors) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", format);
        m.put("format_version", version);
        m.put("provenance", provenance);
        m.putAll(body);
        tensors.metadata(META_KEY, Json.write(m)).write(file);
    }

    /**
     * Reads a file written by {@link #write} with the given format name and a version ≤
     * {@code maxVersion} (or a JSON file of format version 1, see the class comment).
     *
     * @param file the file
     * @param format the expected format name
     * @param maxVersion the newest version this code reads
     * @param what names the kind of file in messages ("sg model")
     * @return its metadata and tensors
     */
    public static Contents read(Path file, String format, long maxVersion, String what) {
        Map<String, Object> m;
        SafeTensors t = null;
        if (isLegacyJson(file, what)) {
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException | RuntimeException e) {
                throw new InputException(file + ": cannot read the " + what + " file (" + e.getMessage() + ")");
            }
            try {
                m = Json.parseObject(text, file.toString());
            } catch (InputException e) {
                throw new InputException(file + ": not a valid " + what + " file (corrupt or truncated JSON)");
            }
        } else {
            try {
                t = SafeTensors.read(file);
            } catch (InputException e) {
                throw new InputException(e.getMessage().replace("not a valid safetensors file", "not a valid " + what + " file"));
            }
            String meta = t.metadata().get(META_KEY);
            if (meta == null) throw new InputException(file + ": not an snn4j " + what + " file (no '" + META_KEY + "' metadata)");
            try {
                m = Json.parseObject(meta, file.toString());
            } catch (InputException e) {
                throw new InputException(file + ": not a valid " + what + " file (corrupt metadata JSON)");
            }
        }
        Object f = m.get("format");
        if (!format.equals(f)) throw new InputException(file + ": not an snn4j " + what + " file (format " + f + ", expected " + format + ")");
        long v = (long) num(m, "format_version", file);
        if (v > maxVersion) throw new InputException(file + ": " + what + " file version " + v + " is newer than this snn4j reads (" + maxVersion + ")");
        if (t == null && v != 1) throw new InputException(file + ": not a valid " + what + " file (JSON, but format version " + v + ")");
        return new Contents(file, m, t);
    }

    /** A JSON file starts with '{'; a safetensors file with its header length. */
    private static boolean isLegacyJson(Path file, String what) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == '{';
        } catch (NoSuchFileException e) {
            throw new InputException(file + ": no such " + what + " file");
        } catch (IOException e) {
            throw new InputException(file + ": cannot read the " + what + " file (" + e.getMessage() + ")");
        }
    }

    /** What {@link #read} found: the JSON metadata and the tensors. */
    public static final class Contents {
        private final Path file;
        private final Map<String, Object> meta;
        private final SafeTensors tensors;

        Contents(Path file, Map<String, Object> meta, SafeTensors tensors) {
            this.file = file;
            this.meta = meta;
            this.tensors = tensors;
        }

        /** @return the file read */
        public Path file() {
            return file;
        }

        /** @return the JSON metadata: format, format_version, provenance and the body */
        public Map<String, Object> meta() {
            return meta;
        }

        /** @return the tensors (null for a legacy JSON file) */
        public SafeTensors tensors() {
            if (tensors == null) throw new InputException(file + ": a JSON model file of an older snn4j has no tensor table");
            return tensors;
        }

        /** @return whether this is a JSON file of format version 1 */
        public boolean legacy() {
            return tensors == null;
        }

        /** @return the provenance block */
        public Map<String, Object> provenance() {
            return object(meta.get("provenance"), file, "provenance");
        }

        /**
         * Copies a float tensor into {@code dst} (exactly its length).
         *
         * @param ref the metadata value naming it: a tensor name (base64 text in a legacy file)
         * @param dst where the values go
         * @param what names it in messages
         */
        public void floats(Object ref, float[] dst, String what) {
            if (tensors == null) legacy(ref, 4, dst.length, what).asFloatBuffer().get(dst);
            else tensors.floats(name(ref, what), dst);
        }

        /**
         * Copies a double tensor into {@code dst} (exactly its length).
         *
         * @param ref the metadata value naming it: a tensor name (base64 text in a legacy file)
         * @param dst where the values go
         * @param what names it in messages
         */
        public void doubles(Object ref, double[] dst, String what) {
            if (tensors == null) legacy(ref, 8, dst.length, what).asDoubleBuffer().get(dst);
            else tensors.doubles(name(ref, what), dst);
        }

        private String name(Object ref, String what) {
            if (!(ref instanceof String s)) throw new InputException(file + ": tensor '" + what + "' is missing");
            return s;
        }

        /** The little-endian bytes of base64 tensor text, checked to hold exactly {@code count} values of {@code width} bytes. */
        private ByteBuffer legacy(Object text, int width, int count, String what) {
            byte[] b;
            try {
                b = Base64.getDecoder().decode(name(text, what));
            } catch (IllegalArgumentException e) {
                throw new InputException(file + ": tensor '" + what + "' is corrupt (bad base64)");
            }
            if (b.length != (long) width * count)
                throw new InputException(file + ": tensor '" + what + "' has " + b.length / width + " values, the network needs " + count);
            return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /**
     * @param m a JSON object
     * @param key a key
     * @param file names the file in messages
     * @return the required number under {@code key}
     */
    public static double num(Map<String, Object> m, String key, Path file) {
        Object v = m.get(key);
        if (!(v instanceof Number n)) throw new InputException(file + ": missing number '" + key + "'");
        return n.doubleValue();
    }

    /**
     * @param m a JSON object
     * @param key a key
     * @param file names the file in messages
     * @return the required string under {@code key}
     */
    public static String str(Map<String, Object> m, String key, Path file) {
        Object v = m.get(key);
        if (!(v instanceof String s)) throw new InputException(file + ": missing text '" + key + "'");
        return s;
    }

    /**
     * @param m a JSON object
     * @param key a key
     * @param file names the file in messages
     * @return the required list under {@code key}
     */
    @SuppressWarnings("unchecked")
    public static List<Object> list(Map<String, Object> m, String key, Path file) {
        Object v = m.get(key);
        if (!(v instanceof List)) throw new InputException(file + ": missing list '" + key + "'");
        return (List<Object>) v;
    }

    /**
     * @param v a JSON value
     * @param file names the file in messages
     * @param what names the value in messages
     * @return {@code v} as a JSON object
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object v, Path file, String what) {
        if (!(v instanceof Map)) throw new InputException(file + ": " + what + " is not an object");
        return (Map<String, Object>) v;
    }
}
