package org.snn4j.data;

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

    /**
     * Reads an IDX file (gzipped or not). The file is streamed (decompressed on the fly when it is
     * gzipped): apart from a 64 KB buffer, the only memory used is the returned array, so a 47 MB
     * image file needs 47 MB, not the compressed bytes plus a decompression buffer plus a copy.
     */
    /**
     * Opens an IDX file for reading, gzip-compressed or not (told by its first two bytes).
     *
     * @param file the file
     * @return the uncompressed stream (buffered)
     * @throws IOException if it cannot be opened
     */
    public static InputStream open(Path file) throws IOException {
        InputStream raw = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            raw.mark(2);
            int m0 = raw.read(), m1 = raw.read();
            raw.reset();
            return m0 == 0x1f && m1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
        } catch (IOException e) {
            raw.close();
            throw e;
        }
    }

    public static Array read(Path file) {
        String name = file.toString();
        try (InputStream in = open(file)) {
            return readStream(in, name);
        } catch (NoSuchFileException e) {
            throw new InputException("IDX file not found: " + file);
        } catch (EOFException e) {
            throw new InputException("IDX file " + file + " is truncated (the gzip stream ends early)");
        } catch (ZipException e) {
            throw new InputException("IDX file " + file + " is not a valid gzip file: " + e.getMessage());
        } catch (IOException e) {
            throw new InputException("cannot read IDX file " + file + ": " + e.getMessage());
        }
    }

    /** Reads an IDX stream (already decompressed): the header, then exactly the declared values. */
    private static Array readStream(InputStream in, String name) throws IOException {
        byte[] h = in.readNBytes(4);
        if (h.length < 4) throw new InputException("IDX file " + name + " is truncated: " + h.length + " bytes, no header");
        int nd = checkMagic(h, name);
        byte[] dimBytes = in.readNBytes(4 * nd);
        if (dimBytes.length < 4 * nd)
            throw new InputException("IDX file " + name + " is truncated in its header (" + nd + " dimensions declared)");
        int[] dims = new int[nd];
        long count = dims(dimBytes, 0, dims, name);
        int type = h[2] & 0xFF, width = width(type);
        long header = 4L + 4L * nd, need = header + count * width;
        if (count * width > Integer.MAX_VALUE - 16)
            throw new InputException("IDX file " + name + " is too large: dims " + Arrays.toString(dims));
        byte[] data = new byte[(int) (count * width)];   // read in place (readNBytes(int) would buffer and copy)
        int got = in.readNBytes(data, 0, data.length);
        if (got < data.length)
            throw new InputException("IDX file " + name + " is truncated: " + (header + got) + " bytes, " + need
                    + " needed for dims " + Arrays.toString(dims));
        long extra = 0;
        byte[] skip = new byte[8192];
        for (int r; (r = in.read(skip)) > 0; ) extra += r;
        if (extra > 0)
            throw new InputException("IDX file " + name + " has " + extra + " bytes after the data of dims " + Arrays.toString(dims)
                    + " (corrupt or wrong dimensions)");
        if (width == 1) return new Array(type, dims, data, null);
        return new Array(type, dims, null, decode(data, 0, (int) count, type));
    }

    /** Checks the magic number and type code of a 4-byte header; returns the number of dimensions. */
    private static int checkMagic(byte[] b, String name) {
        if (b[0] != 0 || b[1] != 0)
            throw new InputException(String.format("IDX file %s has a wrong magic number 0x%02x%02x%02x%02x (expected 0x0000TTDD)",
                    name, b[0] & 0xFF, b[1] & 0xFF, b[2] & 0xFF, b[3] & 0xFF));
        int type = b[2] & 0xFF, nd = b[3] & 0xFF;
        if (width(type) < 0) throw new InputException(String.format("IDX file %s has an unknown type code 0x%02x", name, type));
        if (nd == 0) throw new InputException("IDX file " + name + " declares 0 dimensions");
        return nd;
    }

    /** Reads the dimension sizes at b[off ..] into dims; returns their product. */
    private static long dims(byte[] b, int off, int[] dims, String name) {
        long count = 1;
        for (int d = 0; d < dims.length; d++) {
            dims[d] = readInt(b, off + 4 * d);
            if (dims[d] < 0) throw new InputException("IDX file " + name + " has a negative size in dimension " + d);
            count *= dims[d];
            if (count > Integer.MAX_VALUE) throw new InputException("IDX file " + name + " is too large: dims " + Arrays.toString(dims));
        }
        return count;
    }

    /** Big-endian values of a multi-byte type from b[off ..] as doubles. */
    private static double[] decode(byte[] b, int off, int n, int type) {
        int width = width(type);
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
        return v;
    }

    /** Parses the bytes of an (uncompressed) IDX file; {@code name} is used in error messages. */
    public static Array parse(byte[] b, String name) {
        if (b.length < 4) throw new InputException("IDX file " + name + " is truncated: " + b.length + " bytes, no header");
        int nd = checkMagic(b, name);
        int type = b[2] & 0xFF, width = width(type);
        if (b.length < 4 + 4 * nd)
            throw new InputException("IDX file " + name + " is truncated in its header (" + nd + " dimensions declared)");
        int[] dims = new int[nd];
        long count = dims(b, 4, dims, name);
        long need = 4L + 4L * nd + count * width;
        if (b.length < need)
            throw new InputException("IDX file " + name + " is truncated: " + b.length + " bytes, " + need + " needed for dims "
                    + Arrays.toString(dims));
        if (b.length > need)
            throw new InputException("IDX file " + name + " has " + (b.length - need) + " bytes after the data of dims "
                    + Arrays.toString(dims) + " (corrupt or wrong dimensions)");
        int off = 4 + 4 * nd, n = (int) count;
        if (width == 1) return new Array(type, dims, Arrays.copyOfRange(b, off, off + n), null);
        return new Array(type, dims, null, decode(b, off, n, type));
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
