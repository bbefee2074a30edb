package org.snn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snn4j.util.InputException;

/** .npy: a written file reads back; numpy's other dtypes and byte orders convert; damaged files are one line. */
class NpyTest {
    @TempDir
    Path dir;

    /** A .npy as numpy writes it (version 1.0 header padded to 64 bytes). */
    private Path npy(String name, String descr, String shape, byte[] data) throws Exception {
        StringBuilder h = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }");
        while ((10 + h.length() + 1) % 64 != 0) h.append(' ');
        h.append('\n');
        byte[] hb = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + hb.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) hb.length).put(hb).put(data);
        Path f = dir.resolve(name);
        Files.write(f, b.array());
        return f;
    }

    @Test
    void writtenArraysReadBack() throws Exception {
        Path f = dir.resolve("a.npy");
        float[] v = {1.5f, -2f, 0f, 3.25f, 7f, 8f};
        Npy.write(f, new int[]{2, 3}, v);
        Npy.Array a = Npy.read(f);
        assertArrayEquals(new int[]{2, 3}, a.shape());
        assertArrayEquals(v, a.data());
        Npy.write(f, new int[]{6}, v);
        assertArrayEquals(new int[]{6}, Npy.read(f).shape());
    }

    @Test
    void otherDtypesConvert() throws Exception {
        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putDouble(0.5).putDouble(-3);
        assertArrayEquals(new float[]{0.5f, -3f}, Npy.read(npy("f8.npy", ">f8", "(2,)", d.array())).data());
        assertArrayEquals(new float[]{-1f, 200f - 256f, 3f}, Npy.read(npy("i1.npy", "|i1", "(3,)", new byte[]{-1, (byte) 200, 3})).data());
        assertArrayEquals(new float[]{255f, 1f}, Npy.read(npy("u1.npy", "|u1", "(2,)", new byte[]{(byte) 255, 1})).data());
        assertArrayEquals(new float[]{1f, 0f}, Npy.read(npy("b1.npy", "|b1", "(2,)", new byte[]{1, 0})).data());
        ByteBuffer i8 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(7).putLong(-2);
        assertArrayEquals(new float[]{7f, -2f}, Npy.read(npy("i8.npy", "<i8", "(1, 2)", i8.array())).data());
    }

    @Test
    void damagedFilesAreOneLine() throws Exception {
        Path text = dir.resolve("t.npy");
        Files.writeString(text, "hello, not numpy");
        for (Path f : new Path[]{text, npy("trunc.npy", "<f4", "(10,)", new byte[8]), npy("c.npy", "<c8", "(1,)", new byte[8]),
                npy("huge.npy", "<f4", "(100000, 100000)", new byte[0]), dir.resolve("missing.npy")}) {
            InputException e = assertThrows(InputException.class, () -> Npy.read(f), f.toString());
            assertTrue(e.getMessage().contains(f.getFileName().toString()) && !e.getMessage().contains("\n"), e.getMessage());
        }
    }
}
