package dev.uploadkit.bench;

import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.JcloudsFileStore;
import dev.uploadkit.core.store.S3Settings;
import dev.uploadkit.standalone.StandaloneConfig;
import dev.uploadkit.standalone.StandaloneServer;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Uploads one large file, in the same run, (a) with {@code curl -T} straight to S3Proxy as one PUT, (b) with the
 * S3 {@link FileStore} alone (a {@code put} of the file, so multipart through jclouds with this JVM as client),
 * once with {@code signPayload(true)} (bodies hashed into the V4 signature, the default for an {@code http} endpoint
 * that is not loopback) and once with {@code signPayload(false)} (the default for this loopback endpoint, and for
 * {@code https}), and (c) with {@code curl -F} to the standalone Uploadkit server storing into that S3Proxy
 * (multipart form parsing, hashing, type detection, catalog, then the S3 store with its defaults: unsigned here).
 * S3Proxy runs without authentication on a filesystem backend in a JVM of its own; the Uploadkit server runs in
 * this one, so run it under the heap the server is meant to have:
 *
 * <pre>java -Xmx128m -cp bench/target/uploadkit-bench.jar dev.uploadkit.bench.S3Benchmark [MiB] [rounds] [cold]</pre>
 *
 * <p>Then, {@code cold} times (default 1), {@link S3ColdStarts} (d): the first upload into a freshly started
 * standalone jar in its own JVM ({@code -Dbench.standalone-jar}, else the build's), folder before and after the file.
 *
 * <p>All traffic stays on 127.0.0.1. Each round's objects are deleted before the next.
 */
public final class S3Benchmark {
    private static final String CLASSPATH_RESOURCE = "s3proxy.classpath";
    private static final String S3PROXY_HEAP = "-Xmx1g";
    private static final String ACCESS_KEY = "bench";
    private static final String SECRET_KEY = "bench-secret-not-checked";

    private S3Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 512;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int coldStarts = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        Path dir = Files.createTempDirectory("uploadkit-s3-bench");
        Process s3proxy = null;
        try {
            Path file = dir.resolve("upload.bin");
            try (OutputStream out = Files.newOutputStream(file);
                 InputStream in = new IngestBenchmark.GeneratedStream(mib * 1024 * 1024)) {
                in.transferTo(out);
            }
            long size = Files.size(file);
            System.out.printf("file          %s%n", DataSize.ofBytes(size).format());

            s3proxy = startS3Proxy(dir);
            String endpoint = "http://127.0.0.1:" + readPort(s3proxy, dir);
            ServerBenchmark.curl("-X", "PUT", endpoint + "/raw");

            Map<String, String> env = Map.of("UPLOADKIT_S3_ENDPOINT", endpoint, "UPLOADKIT_S3_BUCKET", "uploadkit",
                    "UPLOADKIT_S3_ACCESS_KEY", ACCESS_KEY, "UPLOADKIT_S3_SECRET_KEY", SECRET_KEY,
                    "UPLOADKIT_S3_REGION", "us-east-1");
            StandaloneConfig config = StandaloneConfig.from(
                    new String[] {"--port", "0", "--data-dir", dir.resolve("uploadkit").toString()}, env);
            ByteArrayOutputStream banner = new ByteArrayOutputStream();
            S3Settings storeSettings = S3Settings.builder().endpoint(endpoint).bucket("store").accessKey(ACCESS_KEY)
                    .secretKey(SECRET_KEY).pathStyle(true).signPayload(true).build();
            try (StandaloneServer uploadkit = StandaloneServer.start(config,
                    new PrintStream(banner, true, StandardCharsets.UTF_8));
                 FileStore store = JcloudsFileStore.s3("bench", storeSettings);
                 FileStore unsigned = JcloudsFileStore.s3("bench-unsigned",
                         storeSettings.toBuilder().signPayload(false).build())) {
                Matcher m = Pattern.compile("Admin API key: (\\S+)").matcher(banner.toString(StandardCharsets.UTF_8));
                if (!m.find()) {
                    throw new IllegalStateException("no admin key printed");
                }
                String key = m.group(1);
                long s3pid = s3proxy.pid();
                for (int round = 1; round <= rounds; round++) {
                    CpuSplit cpuA = CpuSplit.now(s3pid);
                    double raw = ServerBenchmark.curl("-T", file.toString(), endpoint + "/raw/upload.bin");
                    CpuSplit cpuB = CpuSplit.now(s3pid);

                    HeapMeter.reset();
                    double storeSpeed = put(store, file);
                    long storePeak = HeapMeter.peak();
                    CpuSplit cpuU = CpuSplit.now(s3pid);
                    HeapMeter.reset();
                    double unsignedSpeed = put(unsigned, file);
                    long unsignedPeak = HeapMeter.peak();
                    CpuSplit cpuC = CpuSplit.now(s3pid);

                    HeapMeter.reset();
                    // The folder goes first: sent after the file it would cost a server-side copy of the object
                    // to its final key, which is what a client that cares avoids (SPEC, files/upload).
                    double server = ServerBenchmark.curl("-H", "X-API-Key: " + key, "-F", "folder=bench-" + round,
                            "-F", "file=@" + file, uploadkit.baseUrl() + "/files/upload");
                    long serverPeak = HeapMeter.peak();
                    CpuSplit cpuEnd = CpuSplit.now(s3pid);
                    ServerBenchmark.curl("-X", "DELETE", endpoint + "/raw/upload.bin");

                    System.out.printf("round %d%n", round);
                    System.out.printf("  (a) curl -T to S3Proxy      %6.1f MB/s (MiB/s)%n", raw);
                    print("(b) S3 FileStore.put, signed", storeSpeed, raw, storePeak);
                    print("    same, unsigned (default)", unsignedSpeed, raw, unsignedPeak);
                    print("(c) curl -F to Uploadkit", server, raw, serverPeak);
                    System.out.printf("  CPU seconds (this JVM / S3Proxy / curl): (a) %s, (b) %s, unsigned %s, (c) %s%n",
                            cpuB.minus(cpuA), cpuU.minus(cpuB), cpuC.minus(cpuU), cpuEnd.minus(cpuC));
                }
                System.out.printf("max heap      %s (-Xmx)%n",
                        DataSize.ofBytes(Runtime.getRuntime().maxMemory()).format());
            }
            if (coldStarts > 0) {
                new S3ColdStarts(S3ColdStarts.jar(), file, endpoint, s3proxy.pid(), env, dir).run(coldStarts);
            }
        } finally {
            if (s3proxy != null) {
                s3proxy.getOutputStream().close();
                if (!s3proxy.waitFor(30, TimeUnit.SECONDS)) {
                    s3proxy.destroy();
                }
            }
            UploadSpeedBenchmark.deleteTree(dir);
        }
    }

    /**
     * CPU used so far by this JVM (client of (b), server of (c)), by S3Proxy, and by the curl processes this JVM has
     * waited for (the children's time in {@code /proc/self/stat}; Linux only, else zero).
     */
    private record CpuSplit(double self, double s3proxy, double curl) {
        static CpuSplit now(long s3pid) {
            return new CpuSplit(UploadSpeedBenchmark.cpuSeconds(ProcessHandle.current().pid()),
                    UploadSpeedBenchmark.cpuSeconds(s3pid), childCpuSeconds());
        }

        String minus(CpuSplit before) {
            return String.format("%.2f / %.2f / %.2f", self - before.self, s3proxy - before.s3proxy,
                    curl - before.curl);
        }
    }

    /** CPU seconds of the child processes this JVM has waited for (Linux only, else zero). */
    static double childCpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // Fields 16 and 17 (cutime, cstime) in clock ticks of 1/100 s; counted from field 3, after the name.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static void print(String what, double speed, double raw, long peak) {
        System.out.printf("  %-26s %6.1f MB/s (MiB/s)   %.2fx of (a)   peak heap %s%n", what, speed, speed / raw,
                DataSize.ofBytes(peak).format());
    }

    /** Puts {@code file} into {@code store}, deletes it again, and returns the put's speed in MiB/s. */
    private static double put(FileStore store, Path file) throws IOException {
        long start = System.nanoTime();
        try (InputStream in = Files.newInputStream(file)) {
            store.put("upload.bin", in, "application/octet-stream");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        store.delete("upload.bin");
        return Files.size(file) / 1048576.0 / seconds;
    }

    /** Starts {@link S3ProxyMain} in a new JVM on S3Proxy's classpath, as recorded by the build. */
    private static Process startS3Proxy(Path dir) throws IOException {
        String classpath;
        try (InputStream in = S3Benchmark.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(CLASSPATH_RESOURCE + " is missing; build the jar with "
                        + "mvn -B -pl bench -am package -DskipTests");
            }
            classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        // Only the main class goes on the child's classpath: this jar's shaded libraries would clash with S3Proxy's.
        Path classes = dir.resolve("s3proxy-main");
        Path target = classes.resolve(S3ProxyMain.class.getName().replace('.', '/') + ".class");
        Files.createDirectories(target.getParent());
        try (InputStream in = S3ProxyMain.class.getResourceAsStream(S3ProxyMain.class.getSimpleName() + ".class")) {
            Files.copy(in, target);
        }
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(javaBin.toString(), S3PROXY_HEAP, "-cp",
                classes + File.pathSeparator + classpath, S3ProxyMain.class.getName(),
                dir.resolve("s3proxy-data").toString()));
        return new ProcessBuilder(command).redirectError(dir.resolve("s3proxy.log").toFile()).start();
    }

    private static int readPort(Process s3proxy, Path dir) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(s3proxy.getInputStream(),
                StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith(S3ProxyMain.LISTENING)) {
            throw new IllegalStateException("S3Proxy did not start: " + Files.readString(dir.resolve("s3proxy.log")));
        }
        return Integer.parseInt(line.substring(S3ProxyMain.LISTENING.length()).strip());
    }
}
