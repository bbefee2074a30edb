package org.snn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snn4j.util.InputException;

/** The safetensors layout: exact round trips, the bytes against a hand-built file, numpy, corrupt files. */
class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsEveryBitOfEveryDtype() throws Exception {
        float[] f = {0f, -0f, 1.5f, Float.NaN, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0x7fc00123)};
        double[] d = {Math.PI, -0.0, Double.MIN_VALUE, Double.NaN, Double.longBitsToDouble(0x7ff8000000000abcL), 1e300};
        int[] i = {Integer.MIN_VALUE, -1, 0, 7};
        long[] l = {Long.MIN_VALUE, Long.MAX_VALUE, 3};
        byte[] u = {0, 1, (byte) 255};
        boolean[] b = {true, false, true};
        Path p = dir.resolve("all.safetensors");
        SafeTensors.builder().metadata("snn4j", "{\"x\":1}").f32("f", f, 2, 4).f64("d", d).i32("i", i).i64("l", l).u8("u", u).bool("b", b)
                .f32("empty", new float[0], 0, 3).write(p);
        SafeTensors r = SafeTensors.read(p);
        float[] f2 = r.floats("f");
        for (int k = 0; k < f.length; k++) assertEquals(Float.floatToRawIntBits(f[k]), Float.floatToRawIntBits(f2[k]));
        double[] d2 = new double[d.length];
        r.doubles("d", d2);
        for (int k = 0; k < d.length; k++) assertEquals(Double.doubleToRawLongBits(d[k]), Double.doubleToRawLongBits(d2[k]));
        assertArrayEquals(i, r.ints("i"));
        assertArrayEquals(l, r.longs("l"));
        assertArrayEquals(u, r.bytes("u"));
        assertArrayEquals(b, r.booleans("b"));
        assertArrayEquals(new long[] {2, 4}, r.tensor("f").shape());
        assertArrayEquals(new long[] {0, 3}, r.tensor("empty").shape());
        assertEquals("{\"x\":1}", r.metadata().get("snn4j"));
        assertEquals(java.util.List.of("f", "d", "i", "l", "u", "b", "empty"), java.util.List.copyOf(r.tensors().keySet()));
        // the wrong dtype or size is one line
        assertTrue(assertThrows(InputException.class, () -> r.doubles("f")).getMessage().contains("'f' is F32, expected F64"));
        assertTrue(assertThrows(InputException.class, () -> r.floats("f", new float[3])).getMessage().contains("8 values, expected 3"));
        assertTrue(assertThrows(InputException.class, () -> r.floats("nope")).getMessage().contains("'nope' is missing"));
    }

    /** The file built by hand from the specification, byte for byte. */
    @Test
    void bytesAreTheSafetensorsLayout() throws Exception {
        byte[] got = SafeTensors.builder().metadata("k", "v").f32("a", new float[] {1f, 2f}, 1, 2).i64("n", new long[] {-2}).toBytes();
        String json = "{\"__metadata__\":{\"k\":\"v\"},\"a\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]},"
                + "\"n\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
        int padded = (json.length() + 7) / 8 * 8;
        ByteArrayOutputStream want = new ByteArrayOutputStream();
        want.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
        want.write((json + " ".repeat(padded - json.length())).getBytes(StandardCharsets.US_ASCII));
        want.write(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, 0x40});           // 1.0f, 2.0f little-endian
        want.write(new byte[] {(byte) 0xfe, -1, -1, -1, -1, -1, -1, -1});          // -2L little-endian
        assertArrayEquals(want.toByteArray(), got);
        assertEquals(0, (got.length - 16 - 8) % 8);
        // and what was built by hand reads back
        SafeTensors r = SafeTensors.parse(want.toByteArray(), "hand");
        assertArrayEquals(new float[] {1f, 2f}, r.floats("a"));
        assertArrayEquals(new long[] {-2}, r.longs("n"));
    }

    @Test
    void corruptAndTruncatedFilesAreOneLineErrors() throws Exception {
        byte[] good = SafeTensors.builder().f64("w", new double[] {1, 2, 3}).toBytes();
        String[][] cases = {
                {"empty", "truncated"}, {"short", "truncated"}, {"huge", "absurd"}, {"header", "truncated"}, {"data", "truncated"},
                {"json", "not a JSON object"}, {"dtype", "unsupported dtype"}, {"span", "data_offsets span"}};
        for (String[] c : cases) {
            byte[] b = switch (c[0]) {
                case "empty" -> new byte[0];
                case "short" -> Arrays.copyOf(good, 5);
                case "huge" -> { byte[] x = good.clone(); x[7] = 0x7f; yield x; }       // 2^62-byte header: refused before allocating
                case "header" -> Arrays.copyOf(good, 20);
                case "data" -> Arrays.copyOf(good, good.length - 1);
                case "json" -> { byte[] x = good.clone(); x[8] = 'x'; yield x; }
                case "dtype" -> replace(good, "F64", "F99");
                case "span" -> replace(good, "[3]", "[4]");
                default -> throw new AssertionError();
            };
            Path p = dir.resolve(c[0] + ".safetensors");
            Files.write(p, b);
            InputException e = assertThrows(InputException.class, () -> SafeTensors.read(p), c[0]);
            assertTrue(e.getMessage().startsWith(p.toString()) && e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        assertTrue(assertThrows(InputException.class, () -> SafeTensors.read(dir.resolve("missing"))).getMessage().contains("no such file"));
    }

    private static byte[] replace(byte[] b, String from, String to) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        assertTrue(s.contains(from));
        return s.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The reader shown in docs/model-files.md (the test below checks that the page shows exactly these lines). */
    static final String READER = """
            import json, struct, numpy as np

            def load(path):
                \"""The tensors (numpy arrays by name) and the snn4j metadata of a .safetensors file.\"""
                with open(path, 'rb') as f:
                    n = struct.unpack('<Q', f.read(8))[0]
                    header = json.loads(f.read(n))
                    data = f.read()
                meta = json.loads(header.pop('__metadata__', {}).get('snn4j', '{}'))
                dt = {'F32': '<f4', 'F64': '<f8', 'I32': '<i4', 'I64': '<i8', 'U8': 'u1', 'BOOL': '?'}
                return {k: np.frombuffer(data[v['data_offsets'][0]:v['data_offsets'][1]], dtype=dt[v['dtype']]).reshape(v['shape'])
                        for k, v in header.items()}, meta
            """;

    @Test
    void docsShowTheTestedReader() throws Exception {
        Path doc = Path.of("..", "docs", "model-files.md");
        assumeTrue(Files.exists(doc), "docs/model-files.md not beside the module");
        assertTrue(Files.readString(doc).contains(READER), "docs/model-files.md must show SafeTensorsTest.READER verbatim");
    }

    /** The reader of docs/model-files.md: numpy alone reads what Java wrote. */
    @Test
    void numpyAloneReadsTheFile() throws Exception {
        String py = pythonWithNumpy();
        assumeTrue(py != null, "no python3 with numpy (tried python3 on the PATH and /usr/bin/python3)");
        Path f = dir.resolve("m.safetensors");
        SafeTensors.builder().metadata("snn4j", "{\"format\":\"test\"}").f32("w", new float[] {1.25f, -2f, 3f, 0.1f, 5f, 6f}, 2, 3)
                .f64("d", new double[] {Math.PI}).i64("n", new long[] {-7, 8}).write(f);
        String reader = READER + "\nt, meta = load('" + f + "')\n"
                + "print(meta['format'], t['w'].shape, t['w'][0, 0], t['w'][1, 2], repr(float(t['d'][0])), t['n'].tolist(), t['w'].dtype)\n";
        Process p = new ProcessBuilder(py, "-c", reader).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("test (2, 3) 1.25 6.0 3.141592653589793 [-7, 8] float32", out);
    }

    /** The first of python3 (PATH) and /usr/bin/python3 that imports numpy, or null. */
    private static String pythonWithNumpy() {
        for (String py : new String[] {"python3", "/usr/bin/python3"}) {
            try {
                Process p = new ProcessBuilder(py, "-c", "import numpy").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) return py;
            } catch (java.io.IOException | InterruptedException e) {
                // not there: try the next
            }
        }
        return null;
    }
}
