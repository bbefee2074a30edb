package org.snn4j.util;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** Where a result came from: snn4j's version, the git commit of the sources, data checksums. */
public final class Provenance {
    private static String version;
    private static String commit;

    private Provenance() {
    }

    /** snn4j's version (from the build). */
    public static synchronized String version() {
        if (version == null) {
            Properties p = new Properties();
            try (InputStream in = Provenance.class.getResourceAsStream("/org/snn4j/version.properties")) {
                if (in != null) p.load(in);
            } catch (IOException ignored) {
                // the version stays unknown
            }
            String v = p.getProperty("version", "unknown");
            version = v.startsWith("${") ? "dev" : v;
        }
        return version;
    }

    /**
     * The git commit of the source tree ({@code SNN4J_HOME}, set by the launcher, or the working
     * directory), with "-dirty" when it has uncommitted changes; "unknown" outside a repository.
     */
    public static synchronized String gitCommit() {
        if (commit == null) {
            String home = System.getenv().getOrDefault("SNN4J_HOME", ".");
            String head = run(home, "git", "rev-parse", "HEAD");
            if (head == null || head.isEmpty()) commit = "unknown";
            else {
                String status = run(home, "git", "status", "--porcelain", "--untracked-files=no");
                commit = head + (status != null && !status.isEmpty() ? "-dirty" : "");
            }
        }
        return commit;
    }

    private static String run(String dir, String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).directory(new java.io.File(dir)).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            return out;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    /** SHA-256 of a file, hex. */
    public static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Peak resident memory of this process in MB (VmHWM), or NaN where /proc is unavailable. */
    public static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String[] f = line.trim().split("\\s+");
                    return Long.parseLong(f[1]) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux
        }
        return Double.NaN;
    }
}
