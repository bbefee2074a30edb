package org.snn4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snn4j.util.AtomicFiles;
import org.snn4j.util.InputException;

/**
 * numpy's {@code .npy} arrays (format versions 1–3), the way Python tools hand tensors to snn4j: input
 * spike trains for {@code snn4j nir run}, recorded traces back. Reading accepts little- or big-endian
 * float32/float64, signed and unsigned integers of 1–8 bytes and bool, in C order, and converts to float;
 * Fortran order, object arrays and sizes over {@value #MAX_ELEMENTS} values are refused with one line.
 * Writing produces float32, C order, version 1.0, atomically.
 */
public final class Npy {
    /** The most values a file may hold (2^30, 4 GiB of floats). */
    public static final long MAX_ELEMENTS = 1L << 30;
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** An array: its shape and its values in C order. */
    public record Array(int[] shape, float[] data) {
        /** Number of values. */
        public long size() {
            long n = 1;
            for (int d : shape) n *= d;
            return n;
        }
    }

    private Npy() {
    }

    /** Reads a .npy file; every defect is one {@link InputException} line naming the file. */
    public static Array read(Path file) {
        String name = String.valueOf(file.getFileName());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, pre, name);
            pre.flip();
            for (byte m : MAGIC)
                if (pre.get() != m) throw new InputException(name + ": not a .npy file (no \\x93NUMPY magic)");
            int major = pre.get() & 0xff;
            pre.get();
            long headerLen;
            int headerStart;
            if (major == 1) {
                headerLen = pre.getShort(8) & 0xffff;
                headerStart = 10;
            } else if (major == 2 || major == 3) {
                headerLen = pre.getInt(8) & 0xffffffffL;
                headerStart = 12;
            } else throw new InputException(name + ": .npy format version " + major + " is not supported");
            if (headerLen > 1 << 20 || headerStart + headerLen > fileSize)
                throw new InputException(name + ": damaged .npy header (length " + headerLen + ")");
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            ch.position(headerStart);
            readFully(ch, hb, name);
            String header = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            String descr = field(header, "descr", "'([^']*)'", name);
            if (field(header, "fortran_order", "(True|False)", name).equals("True"))
                throw new InputException(name + ": Fortran-ordered arrays are not supported; save with np.ascontiguousarray");
            int[] shape = shape(field(header, "shape", "\\(([^)]*)\\)", name), name);
            long n = 1;
            for (int d : shape) n *= d;
            if (n > MAX_ELEMENTS) throw new InputException(name + ": " + n + " values is more than snn4j reads (" + MAX_ELEMENTS + ")");
            if (descr.length() < 3) throw new InputException(name + ": unsupported dtype '" + descr + "'");
            char order = descr.charAt(0), kind = descr.charAt(1);
            int bytes;
            try {
                bytes = Integer.parseInt(descr.substring(2));
            } catch (NumberFormatException e) {
                throw new InputException(name + ": unsupported dtype '" + descr + "'");
            }
            boolean ok = switch (kind) {
                case 'f' -> bytes == 4 || bytes == 8;
                case 'i', 'u' -> bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8;
                case 'b' -> bytes == 1;
                default -> false;
            };
            if (!ok) throw new InputException(name + ": unsupported dtype '" + descr + "' (float, int, uint or bool)");
            long dataStart = headerStart + headerLen;
            if (fileSize - dataStart < n * bytes)
                throw new InputException(name + ": truncated: shape " + java.util.Arrays.toString(shape) + " of " + descr + " needs "
                        + n * bytes + " bytes, the file holds " + (fileSize - dataStart));
            ByteOrder bo = order == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            float[] data = new float[(int) n];
            ch.position(dataStart);
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(bo);
            int per = (1 << 16) / bytes, done = 0;
            while (done < n) {
                int k = (int) Math.min(per, n - done);
                buf.clear().limit(k * bytes);
                readFully(ch, buf, name);
                buf.flip();
                for (int i = 0; i < k; i++) data[done + i] = value(buf, kind, bytes);
                done += k;
            }
            return new Array(shape, data);
        } catch (IOException e) {
            throw InputException.unreadable(".npy file", file, e);
        }
    }

    private static float value(ByteBuffer b, char kind, int bytes) {
        return switch (kind) {
            case 'f' -> bytes == 4 ? b.getFloat() : (float) b.getDouble();
            case 'b' -> b.get() != 0 ? 1f : 0f;
            case 'i' -> switch (bytes) {
                case 1 -> b.get();
                case 2 -> b.getShort();
                case 4 -> b.getInt();
                default -> b.getLong();
            };
            default -> switch (bytes) {
                case 1 -> b.get() & 0xff;
                case 2 -> b.getShort() & 0xffff;
                case 4 -> b.getInt() & 0xffffffffL;
                default -> {
                    long v = b.getLong();
                    yield v >= 0 ? (float) v : (float) (v >>> 1) * 2f;   // unsigned 64-bit
                }
            };
        };
    }

    private static void readFully(FileChannel ch, ByteBuffer b, String name) throws IOException {
        while (b.hasRemaining())
            if (ch.read(b) < 0) throw new InputException(name + ": truncated .npy file");
    }

    private static String field(String header, String key, String valueRegex, String name) {
        Matcher m = Pattern.compile("['\"]" + key + "['\"]\\s*:\\s*" + valueRegex).matcher(header);
        if (!m.find()) throw new InputException(name + ": .npy header has no '" + key + "': " + header.trim());
        return m.group(1);
    }

    private static int[] shape(String s, String name) {
        List<Integer> dims = new ArrayList<>();
        for (String part : s.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            try {
                long d = Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
                if (d < 0 || d > Integer.MAX_VALUE) throw new NumberFormatException();
                dims.add((int) d);
            } catch (NumberFormatException e) {
                throw new InputException(name + ": bad .npy shape (" + s + ")");
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Writes float32 values of the given shape (C order) atomically. */
    public static void write(Path file, int[] shape, float[] data) throws IOException {
        long n = 1;
        StringBuilder sh = new StringBuilder();
        for (int d : shape) {
            n *= d;
            sh.append(d).append(", ");
        }
        if (n != data.length) throw new IllegalArgumentException("shape holds " + n + " values, data has " + data.length);
        String dims = shape.length == 1 ? shape[0] + "," : shape.length == 0 ? "" : sh.substring(0, sh.length() - 2);
        StringBuilder header = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }");
        while ((10 + header.length() + 1) % 64 != 0) header.append(' ');
        header.append('\n');
        byte[] h = header.toString().getBytes(StandardCharsets.ISO_8859_1);
        AtomicFiles.write(file, out -> {
            ByteBuffer pre = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
            pre.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length);
            out.write(pre.array());
            out.write(h);
            ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < data.length; ) {
                b.clear();
                while (b.remaining() >= 4 && i < data.length) b.putFloat(data[i++]);
                out.write(b.array(), 0, b.position());
            }
        });
    }
}
