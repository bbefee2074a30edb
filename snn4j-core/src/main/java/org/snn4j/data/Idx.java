package org.snn4j.data;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.snn4j.util.AtomicFiles;
import org.snn4j.util.InputException;

/**
 * The IDX file format of MNIST and Fashion-MNIST (LeCun et al.), plain or gzipped.
 *
 * <p>Layout (big-endian): two zero bytes, a type byte (0x08 unsigned byte, 0x09 signed byte,
 * 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64), a byte with the number of dimensions d, then
 * d int32 sizes, then the values in row-major order. A file is gzipped when it starts with the gzip
 * magic bytes 1f 8b (whatever its name).
 *
 * <p>Every problem with a file (missing, truncated, corrupt gzip, wrong magic number, trailing
 * bytes, sizes that do not fit) is an {@link InputException} with one line naming the file.
 */
public final class Idx {
    public static final int UBYTE = 0x08, BYTE = 0x09, SHORT = 0x0B, INT = 0x0C, FLOAT = 0x0D, DOUBLE = 0x0E;

    /**
     * The content of an IDX file.
     *
     * @param type   the type code (e.g. {@link #UBYTE})
     * @param dims   the sizes of the dimensions
     * @param ubytes the values when type is UBYTE or BYTE (raw bytes), else null
     * @param values the values as doubles for the other types, else null
     */
    public record Array(int type, int[] dims, byte[] ubytes, double[] values) {
        /** Number of values: the product of dims. */
        public long count() {
            long n = 1;
            for (int d : dims) n *= d;
            return n;
        }

        /** Value k as a double (unsigned for UBYTE). */
        public double get(int k) {
            if (ubytes != null) return type == UBYTE ? (ubytes[k] & 0xFF) : ubytes[k];
            return values[k];
        }
    }

    private Idx() {
    }

    /** Reads an IDX file (gzipped or not). */
    public static Array read(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InputException("IDX file not found: " + file);
        } catch (IOException e) {
            throw new InputException("cannot read IDX file " + file + ": " + e.getMessage());
        }
        if (raw.length >= 2 && (raw[0] & 0xFF) == 0x1f && (raw[1] & 0xFF) == 0x8b) raw = gunzip(raw, file);
        return parse(raw, file.toString());
    }

    private static byte[] gunzip(byte[] gz, Path file) {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz), 1 << 16)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(gz.length * 4);
            in.transferTo(out);
            return out.toByteArray();
        } catch (EOFException e) {
            throw new InputException("IDX file " + file + " is truncated (the gzip stream ends early)");
        } catch (ZipException e) {
            throw new InputException("IDX file " + file + " is not a valid gzip file: " + e.getMessage());
        } catch (IOException e) {
            throw new InputException("cannot decompress IDX file " + file + ": " + e.getMessage());
        }
    }

    /** Parses the bytes of an (uncompressed) IDX file; {@code name} is used in error messages. */
    public static Array parse(byte[] b, String name) {
        if (b.length < 4) throw new InputException("IDX file " + name + " is truncated: " + b.length + " bytes, no header");
        if (b[0] != 0 || b[1] != 0)
            throw new InputException(String.format("IDX file %s has a wrong magic number 0x%02x%02x%02x%02x (expected 0x0000TTDD)",
                    name, b[0] & 0xFF, b[1] & 0xFF, b[2] & 0xFF, b[3] & 0xFF));
        int type = b[2] & 0xFF, nd = b[3] & 0xFF;
        int width = width(type);
        if (width < 0) throw new InputException(String.format("IDX file %s has an unknown type code 0x%02x", name, type));
        if (nd == 0) throw new InputException("IDX file " + name + " declares 0 dimensions");
        if (b.length < 4 + 4 * nd)
            throw new InputException("IDX file " + name + " is truncated in its header (" + nd + " dimensions declared)");
        int[] dims = new int[nd];
        long count = 1;
        for (int d = 0; d < nd; d++) {
            dims[d] = readInt(b, 4 + 4 * d);
            if (dims[d] < 0) throw new InputException("IDX file " + name + " has a negative size in dimension " + d);
            count *= dims[d];
            if (count > Integer.MAX_VALUE) throw new InputException("IDX file " + name + " is too large: dims " + Arrays.toString(dims));
        }
        long need = 4L + 4L * nd + count * width;
        if (b.length < need)
            throw new InputException("IDX file " + name + " is truncated: " + b.length + " bytes, " + need + " needed for dims "
                    + Arrays.toString(dims));
        if (b.length > need)
            throw new InputException("IDX file " + name + " has " + (b.length - need) + " bytes after the data of dims "
                    + Arrays.toString(dims) + " (corrupt or wrong dimensions)");
        int off = 4 + 4 * nd, n = (int) count;
        if (width == 1) return new Array(type, dims, Arrays.copyOfRange(b, off, off + n), null);
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            int p = off + k * width;
            switch (type) {
                case SHORT -> v[k] = (short) (((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF));
                case INT -> v[k] = readInt(b, p);
                case FLOAT -> v[k] = Float.intBitsToFloat(readInt(b, p));
                default -> v[k] = Double.longBitsToDouble(((long) readInt(b, p) << 32) | (readInt(b, p + 4) & 0xFFFFFFFFL));
            }
        }
        return new Array(type, dims, null, v);
    }

    private static int width(int type) {
        return switch (type) {
            case UBYTE, BYTE -> 1;
            case SHORT -> 2;
            case INT, FLOAT -> 4;
            case DOUBLE -> 8;
            default -> -1;
        };
    }

    private static int readInt(byte[] b, int p) {
        return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }

    /**
     * Writes an unsigned-byte IDX file atomically, gzipped when {@code gzip} (by convention the name
     * then ends in .gz).
     */
    public static void writeUbyte(Path file, int[] dims, byte[] data, boolean gzip) throws IOException {
        long count = 1;
        for (int d : dims) count *= d;
        if (count != data.length)
            throw new IllegalArgumentException("dims " + Arrays.toString(dims) + " hold " + count + " values, data has " + data.length);
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        AtomicFiles.write(file, raw -> {
            OutputStream out = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw;
            byte[] h = new byte[4 + 4 * dims.length];
            h[2] = UBYTE;
            h[3] = (byte) dims.length;
            for (int d = 0; d < dims.length; d++) {
                int v = dims[d], p = 4 + 4 * d;
                h[p] = (byte) (v >>> 24);
                h[p + 1] = (byte) (v >>> 16);
                h[p + 2] = (byte) (v >>> 8);
                h[p + 3] = (byte) v;
            }
            out.write(h);
            out.write(data);
            if (gzip) ((GZIPOutputStream) out).finish();
        });
    }
}
