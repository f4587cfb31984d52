package dev.uploadkit.bench;

import dev.uploadkit.core.DataSize;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The "Uploads at full speed" table, every row measured side by side in one run and reported as a ratio.
 * Servers under test run in their own JVMs on 127.0.0.1 (the {@code java} this runs on), so the load
 * generator shares neither heap nor GC with them:
 *
 * <ol>
 *   <li><b>Small uploads</b>: 4 KiB multipart uploads (distinct random bytes and name each) from 32 keep-alive
 *   clients to the standalone jar ({@code -Xmx256m}, H2 + local folder, fresh data dir) versus the same load
 *   as {@code PUT /bucket/key} to S3Proxy (filesystem-nio2 backend, no auth, {@link S3ProxyMain}, -Xmx256m);
 *   uploads/s, p50, p99, ratio; and the standalone jar's uploads/s at 1, 4 and 32 clients (1 and 4 run
 *   first, warming the server up, so the compared pair runs back to back).</li>
 *   <li><b>Large upload</b>: a 1 GiB file with {@code curl -F file=@… -F folder=bench} to the standalone jar
 *   ({@code -Xmx128m}) versus {@code curl -T} into a JDK HttpServer writing the raw body to a file with SHA-256
 *   ({@link RawSinkMain}, -Xmx128m); MiB/s, ratio, and each server's heap peak ({@link RemoteHeap}).</li>
 *   <li><b>S3 store</b> (row 7, run after row 2 as in the issue's table; {@link S3Row}): a 512 MiB file with
 *   {@code curl -F} to the standalone jar storing into S3Proxy in another JVM versus {@code curl -T} of the same
 *   bytes straight to S3Proxy, folder before and after the file, three rounds on one server; MiB/s, ratios, heap
 *   peak.</li>
 *   <li><b>kill -9 durability</b>: 150 small uploads from 6 clients, SIGKILL right after the last 201,
 *   restart on the same data dir and database: "lost N of 150". H2 by default; {@code --database-url} runs it
 *   on a fresh PostgreSQL schema or MariaDB database.</li>
 *   <li><b>Seed curl</b>: {@code curl -F file=@x.pdf -F folder=uploads}; prints the answer's object_key
 *   (the target is {@code uploads/x.pdf}).</li>
 * </ol>
 *
 * <p>Run from the repository root after {@code mvn -B -q -pl bench -am package -DskipTests}:
 *
 * <pre>java -cp bench/target/uploadkit-bench.jar dev.uploadkit.bench.UploadSpeedBenchmark [--rows 1,2,7,3,4]
 *     [--warmup 5] [--duration 15] [--large-mib 1024]
 *     [--database-url jdbc:postgresql://127.0.0.1:5432/test?user=postgres]</pre>
 *
 * ({@code --help} lists every option; each also works as {@code -Dbench.<option>=…}). Needs a JDK (for the
 * attach API) and curl.
 */
public final class UploadSpeedBenchmark {
    static final Pattern S3_LISTENING = Pattern.compile("S3Proxy listening on port (\\d+)");
    private static final Pattern RAW_LISTENING = Pattern.compile("RawSink listening on port (\\d+)");
    private static final Pattern OBJECT_KEY = Pattern.compile("\"object_key\":\"([^\"]*)\"");
    private static final String BUCKET = "bench";

    private final BenchOptions options;
    private final Path jar;
    private final Path work;
    /** Each spawned server's name and log, for the report at the end. */
    private final Map<String, Path> serverLogs = new LinkedHashMap<>();

    private UploadSpeedBenchmark(BenchOptions options, Path jar, Path work) {
        this.options = options;
        this.jar = jar;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        Path jar;
        try {
            if (List.of(args).contains("--help")) {
                System.out.print(BenchOptions.USAGE);
                return;
            }
            options = BenchOptions.parse(args);
            jar = options.standaloneJar();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Path work = options.text("work-dir").map(Path::of).orElse(null);
        work = work == null ? Files.createTempDirectory("uploadkit-speed") : Files.createDirectories(work);
        System.out.printf("Uploads at full speed — %s, %d cores, Java %s%n", LocalDate.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.printf("settings: %s%nstandalone: %s%nwork dir: %s%n", options.describe(), jar, work);
        UploadSpeedBenchmark bench = new UploadSpeedBenchmark(options, jar, work);
        try {
            if (options.row(1)) {
                bench.smallUploads();
            }
            if (options.row(2)) {
                bench.largeUpload();
            }
            if (options.row(7)) {
                new S3Row(jar, work, options.serverJvmOptions("-Xmx128m"), bench::log)
                        .run(options.integer("s3-mib"), options.integer("s3-rounds"));
            }
            if (options.row(3)) {
                bench.durability();
            }
            if (options.row(4)) {
                bench.seedCurl();
            }
            if (options.row(5)) {
                bench.limiterCost();
            }
            if (options.row(6)) {
                new JarComparison(options.baselineJar(), jar, options.serverJvmOptions("-Xmx256m"), work,
                        options.text("folder-after").orElse(null))
                        .run(options.integer("small-kib") * 1024, options.integer("clients"), options.seconds("warmup"),
                                options.seconds("duration"), options.integer("pairs"));
            }
            bench.reportServerLogs();
        } finally {
            if (!options.keep()) {
                deleteTree(work);
            }
        }
    }

    private void smallUploads() throws Exception {
        int size = options.integer("small-kib") * 1024;
        int clients = options.integer("clients");
        var warmup = options.seconds("warmup");
        var duration = options.seconds("duration");
        System.out.printf("%n== 1. Small uploads: %d KiB each, %d clients, %d s warm-up + %d s measured per run%n",
                size / 1024, clients, warmup.toSeconds(), duration.toSeconds());
        try (UploadkitProcess uploadkit = startUploadkit("uploadkit (small uploads)", "-Xmx256m", "small-uploadkit");
             SpawnedJvm s3 = SpawnedJvm.startMain("S3Proxy", List.of("-Xmx256m"), S3ProxyMain.class,
                     List.of(work.resolve("s3proxy").toString()), log("S3Proxy", "s3proxy.log"))) {
            int s3Port = Integer.parseInt(s3.await(S3_LISTENING).group(1));
            createBucket(s3Port, BUCKET);
            Duration s3Start = cpu(s3.pid());
            RequestTemplate uploadkitRequest = RequestTemplate.multipart(uploadkit.port(),
                    uploadkit.mount() + "/files/upload", uploadkit.adminKey(), size);
            RequestTemplate s3Request = RequestTemplate.s3Put(s3Port, BUCKET, size);

            // The other client counts first: they warm the server up, so the compared pair runs back to back.
            Map<Integer, LoadGenerator.Result> byClients = new TreeMap<>();
            for (int n : options.ints("scaling")) {
                if (n != clients) {
                    byClients.put(n, LoadGenerator.run(uploadkit.port(), uploadkitRequest, n, warmup, duration));
                }
            }
            Duration u0 = cpu(uploadkit.jvm().pid());
            LoadGenerator.Result uk = LoadGenerator.run(uploadkit.port(), uploadkitRequest, clients, warmup, duration);
            Duration u1 = cpu(uploadkit.jvm().pid());
            LoadGenerator.Result s3Result = LoadGenerator.run(s3Port, s3Request, clients, warmup, duration);
            Duration s1 = cpu(s3.pid());
            byClients.put(clients, uk);
            // CPU per upload is steadier than throughput on a shared machine (see limiterCost); S3Proxy's CPU before
            // its run is only its start-up, so its run's CPU is read as a difference from the uploadkit run's end.
            double ukCpu = cpuPerUpload(u1.minus(u0), uk, warmup.plus(duration));
            double s3Cpu = cpuPerUpload(s1.minus(s3Start), s3Result, warmup.plus(duration));
            System.out.printf("uploadkit  POST files/upload (multipart)  %s  server CPU %.2f ms/upload%n",
                    uk.describe(), ukCpu);
            System.out.printf("S3Proxy    PUT /%s/<key>              %s  server CPU %.2f ms/upload%n", BUCKET,
                    s3Result.describe(), s3Cpu);
            System.out.printf("ratio uploadkit/S3Proxy: uploads/s %.2f, p50 %.2f, p99 %.2f, server CPU per upload %.2f%n",
                    uk.perSecond() / s3Result.perSecond(), (double) uk.p50Nanos() / s3Result.p50Nanos(),
                    (double) uk.p99Nanos() / s3Result.p99Nanos(), ukCpu / s3Cpu);
            printFailures("uploadkit", uk);
            printFailures("S3Proxy", s3Result);
            System.out.printf("uploadkit by clients (%d is the run above; the others ran before it):%n", clients);
            byClients.forEach((n, r) -> {
                System.out.printf("  %3d clients  %s%n", n, r.describe());
                printFailures("uploadkit", r);
            });
        }
    }

    private void largeUpload() throws Exception {
        long bytes = options.integer("large-mib") * 1024L * 1024L;
        System.out.printf("%n== 2. Large upload: %d MiB, curl on 127.0.0.1, both servers -Xmx128m%n",
                bytes >> 20);
        Path file = work.resolve("large.bin");
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha);
             InputStream in = new IngestBenchmark.GeneratedStream(bytes)) {
            in.transferTo(out);
        }
        String hex = HexFormat.of().formatHex(sha.digest());
        try (SpawnedJvm raw = SpawnedJvm.startMain("RawSink", List.of("-Xmx128m"), RawSinkMain.class,
                     List.of(work.resolve("rawsink").toString()), log("RawSink", "rawsink.log"));
             UploadkitProcess uploadkit = startUploadkit("uploadkit (large upload)", "-Xmx128m", "large-uploadkit")) {
            int rawPort = Integer.parseInt(raw.await(RAW_LISTENING).group(1));
            Curl.Result rawResult;
            long rawPeak;
            try (RemoteHeap heap = RemoteHeap.attach(raw.pid())) {
                heap.reset();
                rawResult = Curl.run("-T", file.toString(), "http://127.0.0.1:" + rawPort + "/raw");
                rawPeak = heap.peak();
            }
            Curl.Result ukResult;
            long ukPeak;
            long ukLive;
            try (RemoteHeap heap = RemoteHeap.attach(uploadkit.jvm().pid())) {
                heap.reset();
                ukResult = Curl.run("-H", "X-API-Key: " + uploadkit.adminKey(), "-F", "file=@" + file,
                        "-F", "folder=bench", uploadkit.baseUrl() + "/files/upload");
                ukPeak = heap.peak();
                ukLive = heap.live();
            }
            System.out.printf("raw sink   curl -T   %7.1f MiB/s   peak heap %s%s%n", rawResult.mibPerSecond(),
                    DataSize.ofBytes(rawPeak).format(), rawResult.body().trim().equals(hex) ? "" : "   SHA-256 MISMATCH");
            System.out.printf("uploadkit  curl -F   %7.1f MiB/s   peak heap %s, live after GC %s%s%n",
                    ukResult.mibPerSecond(), DataSize.ofBytes(ukPeak).format(), DataSize.ofBytes(ukLive).format(),
                    ukResult.body().contains("sha256:" + hex) ? "" : "   SHA-256 MISMATCH: " + ukResult.body());
            System.out.printf("ratio uploadkit/raw: %.2f   (peak heap = sum of heap pool peaks, garbage included)%n",
                    ukResult.mibPerSecond() / rawResult.mibPerSecond());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private void durability() throws Exception {
        int uploads = options.integer("durability-uploads");
        int clients = options.integer("durability-clients");
        try (BenchDatabase database = BenchDatabase.prepare(options.text("database-url"),
                options.text("database-user"), options.text("database-password"))) {
            System.out.printf("%n== 3. kill -9 durability: %d uploads of %d KiB from %d clients, database %s%n",
                    uploads, options.integer("small-kib"), clients, database.description());
            DurabilityCheck.Result r = DurabilityCheck.run(jar, work.resolve("durability"), database, uploads,
                    clients, options.integer("small-kib") * 1024, work);
            System.out.printf("lost %d of %d   (SIGKILL %.1f ms after the last 201; %d refused before the kill)%n",
                    r.lost(), r.acknowledged(), r.killDelayMillis(), r.refused());
            r.reasons().forEach(reason -> System.out.println("  missing " + reason));
            log("uploadkit (before kill -9)", "durability-1.log");
            log("uploadkit (after kill -9)", "durability-2.log");
        }
    }

    private void seedCurl() throws Exception {
        System.out.printf("%n== 4. Seed curl: curl -F file=@x.pdf -F folder=uploads%n");
        Path pdf = work.resolve("x.pdf");
        Files.writeString(pdf, "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
                StandardCharsets.US_ASCII);
        try (UploadkitProcess uploadkit = startUploadkit("uploadkit (seed curl)", "-Xmx256m", "seed-uploadkit")) {
            Curl.Result r = Curl.run("-H", "X-API-Key: " + uploadkit.adminKey(), "-F", "file=@" + pdf,
                    "-F", "folder=uploads", uploadkit.baseUrl() + "/files/upload");
            Matcher m = OBJECT_KEY.matcher(r.body());
            String key = m.find() ? m.group(1) : "(none; HTTP " + r.status() + ": " + r.body() + ")";
            System.out.printf("object_key %s   (target uploads/x.pdf: %s)%n", key,
                    key.equals("uploads/x.pdf") ? "met" : "not met");
        }
    }

    /**
     * Row 5: the small-upload load on one server, alternately with the admin key (plan {@code unlimited}: nothing
     * counted) and with a key of a project on plan {@code bench}, whose limits are too high to trip (so every
     * request goes through the Bucket4j limiter, the plan lookup and the headers). Pairs alternate so both sides
     * see the same machine load.
     */
    private void limiterCost() throws Exception {
        int size = options.integer("small-kib") * 1024;
        int clients = options.integer("clients");
        var warmup = options.seconds("warmup");
        var duration = options.seconds("duration");
        int pairs = options.integer("pairs");
        try (BenchDatabase database = BenchDatabase.prepare(options.text("database-url"),
                options.text("database-user"), options.text("database-password"))) {
            System.out.printf("%n== 5. Rate limiter cost: %d KiB uploads, %d clients, %d s warm-up + %d s measured, "
                    + "%d alternating pairs, %s%n", size / 1024, clients, warmup.toSeconds(), duration.toSeconds(),
                    pairs, database.description());
            limiterCost(database, size, clients, warmup, duration, pairs);
        }
    }

    private void limiterCost(BenchDatabase database, int size, int clients, Duration warmup, Duration duration,
                             int pairs) throws Exception {
        try (UploadkitProcess uploadkit = UploadkitProcess.start("uploadkit (limiter cost)", jar,
                options.serverJvmOptions("-Xmx256m"),
                work.resolve("limiter-uploadkit"), database.serverArgs(),
                Map.of("UPLOADKIT_PLANS", "bench:1000000000000:1000000000"), Optional.empty(),
                log("uploadkit (limiter cost)", "limiter-uploadkit.log"))) {
            String base = "http://127.0.0.1:" + uploadkit.port() + uploadkit.mount();
            Curl.Result project = Curl.run("-X", "POST", "-H", "X-API-Key: " + uploadkit.adminKey(), "-H",
                    "Content-Type: application/json", "-d", "{\"name\":\"bench\",\"plan\":\"bench\"}",
                    base + "/admin/projects");
            Matcher id = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(project.body());
            if (!id.find()) {
                throw new IllegalStateException("could not create the bench project: " + project.body());
            }
            Curl.Result key = Curl.run("-X", "POST", "-H", "X-API-Key: " + uploadkit.adminKey(), "-H",
                    "Content-Type: application/json", "-d", "{\"name\":\"bench\",\"permissions\":[\"files:write\"]}",
                    base + "/admin/projects/" + id.group(1) + "/api-keys");
            Matcher k = Pattern.compile("\"key\":\"([^\"]+)\"").matcher(key.body());
            if (!k.find()) {
                throw new IllegalStateException("could not create the bench key: " + key.body());
            }
            RequestTemplate unlimited = RequestTemplate.multipart(uploadkit.port(), uploadkit.mount() + "/files/upload",
                    uploadkit.adminKey(), size);
            RequestTemplate limited = RequestTemplate.multipart(uploadkit.port(), uploadkit.mount() + "/files/upload",
                    k.group(1), size);
            double sumWithout = 0;
            double sumWith = 0;
            double cpuWithout = 0;
            double cpuWith = 0;
            Duration runTime = warmup.plus(duration);
            for (int pair = 1; pair <= pairs; pair++) {
                // Odd pairs run the unlimited side first, even pairs the limited one: a server still warming up
                // favours whichever side runs second.
                boolean limitedFirst = pair % 2 == 0;
                Duration c0 = cpu(uploadkit);
                LoadGenerator.Result first = LoadGenerator.run(uploadkit.port(), limitedFirst ? limited : unlimited,
                        clients, warmup, duration);
                Duration c1 = cpu(uploadkit);
                LoadGenerator.Result second = LoadGenerator.run(uploadkit.port(), limitedFirst ? unlimited : limited,
                        clients, warmup, duration);
                Duration c2 = cpu(uploadkit);
                LoadGenerator.Result without = limitedFirst ? second : first;
                LoadGenerator.Result with = limitedFirst ? first : second;
                sumWithout += without.perSecond();
                sumWith += with.perSecond();
                // The server's CPU per upload is steadier than throughput on a machine shared with other jobs: it
                // does not count time spent waiting for a core or the disk.
                double msFirst = cpuPerUpload(c1.minus(c0), first, runTime);
                double msSecond = cpuPerUpload(c2.minus(c1), second, runTime);
                double msWithout = limitedFirst ? msSecond : msFirst;
                double msWith = limitedFirst ? msFirst : msSecond;
                cpuWithout += msWithout;
                cpuWith += msWith;
                System.out.printf("pair %d  (%s first)%n", pair, limitedFirst ? "limited" : "unlimited");
                System.out.printf("pair %d  no limits (plan unlimited)  %s  server CPU %.2f ms/upload%n", pair,
                        without.describe(), msWithout);
                System.out.printf("pair %d  limited (plan bench)        %s  server CPU %.2f ms/upload%n", pair,
                        with.describe(), msWith);
                System.out.printf("pair %d  ratio limited/unlimited uploads/s %.3f, CPU per upload %.3f%n", pair,
                        with.perSecond() / without.perSecond(), msWith / msWithout);
                printFailures("no limits", without);
                printFailures("limited", with);
            }
            System.out.printf("mean ratio limited/unlimited: uploads/s %.3f (limiter cost %.1f %%), server CPU per "
                    + "upload %.3f%n", sumWith / sumWithout, 100 * (1 - sumWith / sumWithout), cpuWith / cpuWithout);
        }
    }

    /** The CPU time the server's process has used so far. */
    private static Duration cpu(UploadkitProcess server) {
        return cpu(server.jvm().pid());
    }

    /** The CPU time process {@code pid} has used so far; zero if it is gone or does not say. */
    static Duration cpu(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).orElse(Duration.ZERO);
    }

    /** {@link #cpu(long)} in seconds. */
    static double cpuSeconds(long pid) {
        return cpu(pid).toNanos() / 1e9;
    }

    /** Milliseconds of CPU per upload over a run whose warm-up uploads are estimated at the measured rate. */
    static double cpuPerUpload(Duration cpu, LoadGenerator.Result result, Duration runTime) {
        return cpu.toNanos() / 1e6 / (result.perSecond() * runTime.toSeconds());
    }

    private UploadkitProcess startUploadkit(String name, String xmx, String dir) throws IOException {
        return UploadkitProcess.start(name, jar, options.serverJvmOptions(xmx), work.resolve(dir), List.of(),
                Optional.empty(), log(name, dir + ".log"));
    }

    /** Registers a server log for the report at the end and returns its path. */
    private Path log(String server, String file) {
        Path log = work.resolve(file);
        serverLogs.put(server, log);
        return log;
    }

    static void createBucket(int port, String bucket) throws IOException {
        try (HttpConnection c = new HttpConnection("127.0.0.1", port)) {
            HttpConnection.Response r = c.exchange(("PUT /" + bucket + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            if (r.status() != 200) {
                throw new IllegalStateException("S3Proxy refused to create the bucket: " + r.status() + " " + r.text());
            }
        }
    }

    private static void printFailures(String side, LoadGenerator.Result r) {
        r.failures().forEach((status, detail) -> System.out.printf("  %s failure %s: %s%n", side,
                status < 0 ? "I/O" : "HTTP " + status, detail.replace('\n', ' ')));
    }

    private void reportServerLogs() throws IOException {
        System.out.printf("%n== Server logs: warning and error lines%n");
        for (Map.Entry<String, Path> server : serverLogs.entrySet()) {
            if (!Files.exists(server.getValue())) {
                continue;
            }
            System.out.printf("%-28s %d%n", server.getKey(), SpawnedJvm.problemCount(server.getValue()));
            for (String line : SpawnedJvm.problems(server.getValue(), 5)) {
                System.out.println("    " + line);
            }
        }
    }

    /** Deletes {@code dir} and everything under it. */
    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
