package org.snn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.snn4j.cli.Main;
import org.snn4j.util.Json;

/**
 * A real Spark standalone cluster on 127.0.0.1: a master and two workers as separate JVMs (no
 * mocks), a sweep run on it from this JVM as the driver, one worker killed with its executor and
 * runs (SIGKILL) in the middle of the sweep. The sweep must complete, and its results must equal
 * those of the same sweep on {@code local[1]}. Every process is stopped at the end.
 */
class StandaloneClusterTest {
    @TempDir
    Path tmp;

    private final List<Process> cluster = new ArrayList<>();

    /** The sweep: six short exact-xor trainings (each checkpoints, so a killed one resumes). */
    static List<String> sweep(String master, Path out) {
        return List.of("sweep", "exact-xor", "--quick", "--seeds", "1-6", "--set", "iterations=40", "--set", "save_every=5",
                "--set", "test_trials=20", "--set", "neurons=40", "--master", master, "--parallel", "2", "--out", out.toString());
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void sweepSurvivesAKilledWorkerAndMatchesLocal() throws Exception {
        Path home = sparkHome();
        int port = freePort();
        String url = "spark://127.0.0.1:" + port;
        try {
            start(home, "master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", Integer.toString(port),
                    "--webui-port", Integer.toString(freePort()));
            waitForLog(tmp.resolve("master.log"), "I have been elected leader", 60);
            for (int w = 1; w <= 2; w++) {
                Path work = Files.createDirectories(tmp.resolve("work" + w));
                start(home, "worker" + w, "org.apache.spark.deploy.worker.Worker", url, "--host", "127.0.0.1", "--cores", "1", "--memory", "1g",
                        "--webui-port", Integer.toString(freePort()), "--work-dir", work.toString());
                waitForLog(tmp.resolve("worker" + w + ".log"), "Successfully registered with master", 60);
            }

            Path onCluster = tmp.resolve("cluster-sweep");
            CompletableFuture<Integer> sweep = CompletableFuture.supplyAsync(() -> Main.execute(sweep(url, onCluster).toArray(String[]::new)));
            // kill worker 1 with its executor and the run it is running (SIGKILL), once a run has finished
            Process worker1 = cluster.get(1);
            long deadline = System.nanoTime() + 180_000_000_000L;
            Path cut = null;   // the run folder of worker 1's run, once it has written a checkpoint
            while (cut == null && !sweep.isDone() && System.nanoTime() < deadline) {
                if (finished(onCluster) >= 1)
                    cut = worker1.descendants().map(StandaloneClusterTest::commandLine).filter(c -> c.contains("org.snn4j.cli.Main run"))
                            .map(c -> Path.of(c.substring(c.indexOf("--out ") + 6).trim().split(" ")[0]))
                            .filter(d -> Files.exists(d.resolve("train-checkpoint.safetensors")) && !Files.exists(d.resolve("report.md")))
                            .findFirst().orElse(null);
                if (cut == null) Thread.sleep(10);
            }
            assertTrue(cut != null, "the sweep ended before worker 1 ran a run that could be killed");
            worker1.descendants().forEach(ProcessHandle::destroyForcibly);
            worker1.destroyForcibly();
            worker1.waitFor();
            String cutRun = cut.getFileName().toString();
            int code = sweep.get(240, TimeUnit.SECONDS);
            assertEquals(0, code, "the sweep completes on the surviving worker");
            assertEquals(6, finished(onCluster));
            String log = Files.readString(onCluster.resolve("logs").resolve(cutRun + ".log"));
            assertTrue(log.split("training 40 neurons", -1).length == 3 && log.contains("resumed from"),
                    "the killed run " + cutRun + " ran again on the other worker, from its checkpoint:\n" + log);

            Path local = tmp.resolve("local-sweep");
            assertEquals(0, Main.execute(sweep("local[1]", local).toArray(String[]::new)));
            assertEquals(results(local), results(onCluster), "the same results on the cluster (one worker killed) as on local[1]");
        } finally {
            for (Process p : cluster) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            for (Process p : cluster) p.waitFor(20, TimeUnit.SECONDS);
            if (System.getProperty("snn4j.keep") != null) {   // debugging: keep the logs and run folders
                Path keep = Path.of(System.getProperty("snn4j.keep"));
                try (Stream<Path> all = Files.walk(tmp)) {
                    for (Path f : all.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".json") || f.getFileName().toString().equals("stderr")).toList()) {
                        Path to = keep.resolve(tmp.relativize(f).toString());
                        Files.createDirectories(to.getParent());
                        Files.copy(f, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    /** Each grid point's statistics, timings left out. */
    static Map<String, Object> results(Path sweep) throws IOException {
        Map<String, Object> all = new TreeMap<>();
        Map<String, Object> s = Json.parseObject(Files.readString(sweep.resolve("sweep.json")), "sweep.json");
        for (Object p : (List<?>) s.get("points")) {
            Map<?, ?> point = (Map<?, ?>) p;
            Map<String, Object> m = new TreeMap<>();
            ((Map<?, ?>) point.get("metrics")).forEach((k, v) -> {
                String key = (String) k;
                if (!key.endsWith("_s") && !key.endsWith("_per_s") && !key.equals("threads")) m.put(key, v);
            });
            all.put(String.valueOf(point.get("point")), m);
        }
        return all;
    }

    static long finished(Path sweep) throws IOException {
        return runDirs(sweep).stream().filter(d -> Files.exists(d.resolve("report.md"))).count();
    }

    static long running(Path sweep) throws IOException {
        return runDirs(sweep).stream().filter(d -> Files.exists(d.resolve("config.json")) && !Files.exists(d.resolve("report.md"))).count();
    }

    static List<Path> runDirs(Path sweep) throws IOException {
        if (!Files.isDirectory(sweep)) return List.of();
        try (Stream<Path> s = Files.list(sweep)) {
            return s.filter(d -> d.getFileName().toString().startsWith("seed=")).toList();
        }
    }

    /**
     * A SPARK_HOME whose jars/ holds this test's class path (Spark from Maven, snn4j's classes packed
     * into jars): what a standalone worker starts its executors from.
     */
    Path sparkHome() throws IOException {
        Path jars = Files.createDirectories(tmp.resolve("spark-home").resolve("jars"));
        int k = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isRegularFile(p) && entry.endsWith(".jar")) Files.createSymbolicLink(jars.resolve(k++ + "-" + p.getFileName()), p.toAbsolutePath());
            else if (Files.isDirectory(p)) packDirectory(p, jars.resolve(k++ + "-classes.jar"));
        }
        return tmp.resolve("spark-home");
    }

    static void packDirectory(Path dir, Path jar) throws IOException {
        try (OutputStream o = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(o); Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                j.putNextEntry(new JarEntry(dir.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, j);
                j.closeEntry();
            }
        }
    }

    void start(Path home, String name, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        for (String o : System.getProperty("snn4j.spark.opens", "").trim().split("\\s+")) if (!o.isEmpty()) cmd.add(o);
        // INFO to the log, so that the test sees the master elected and the workers registered
        Path log4j = tmp.resolve("log4j2-cluster.properties");
        if (!Files.exists(log4j))
            Files.writeString(log4j, "rootLogger.level = info\nrootLogger.appenderRef.stdout.ref = console\nappender.console.type = Console\n"
                    + "appender.console.name = console\nappender.console.layout.type = PatternLayout\nappender.console.layout.pattern = %d %p %c{1}: %m%n\n");
        cmd.addAll(List.of("-Dslf4j.provider=org.apache.logging.slf4j.SLF4JServiceProvider", "-Dlog4j2.configurationFile=" + log4j));
        cmd.addAll(List.of("-cp", home.resolve("jars") + File.separator + "*", mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        cluster.add(pb.start());
    }

    static void waitForLog(Path log, String line, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(line)) return;
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + line + "' in " + log + " within " + seconds + " s:\n" + (Files.exists(log) ? Files.readString(log) : ""));
    }

    /** A process's whole command line (ProcessHandle.Info cuts long ones), from /proc. */
    static String commandLine(ProcessHandle h) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
