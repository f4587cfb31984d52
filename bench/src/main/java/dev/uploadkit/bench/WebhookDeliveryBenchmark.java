package dev.uploadkit.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Webhook deliveries at full speed (issue 7's benchmark: at least 2,000 deliveries/s to a loopback receiver, p99
 * from commit to delivery under 500 ms, on PostgreSQL, duplicates reported). The standalone jar runs in its own JVM
 * on a fresh PostgreSQL schema with {@code UPLOADKIT_OUTBOUND_ALLOW=127.0.0.1/32}; this JVM runs the receiver
 * ({@link LoopbackReceiver}) and closed-loop upload clients. The project has {@code --webhooks} webhooks, each
 * subscribed to {@code upload.completed}, so every upload is that many deliveries.
 *
 * <p>Figures: uploads/s and deliveries/s received within the measured window; latency from the upload's
 * acknowledgement (its 201, which follows the commit of the upload and its event) to the receipt of each of its
 * deliveries, p50/p99/max, for uploads acknowledged in the window; after the load, how long the backlog took to
 * drain, deliveries missing, duplicates (POSTs of a delivery id already received) and bad signatures. Then
 * {@code --backlog N} copies of the deliveries sent so far are written due at once, and the rate at which the
 * dispatcher alone (no uploads, no relay competing) delivers them is reported. Optionally
 * thread dumps of the server ({@code --dumps N}, via jcmd, into the work dir) during the measured window.
 *
 * <pre>java -cp bench/target/uploadkit-bench.jar dev.uploadkit.bench.WebhookDeliveryBenchmark [--webhooks 4]
 *     [--clients 16] [--warmup 5] [--duration 20] [--database-url jdbc:postgresql://127.0.0.1:5432/test]</pre>
 */
public final class WebhookDeliveryBenchmark {
    private static final Pattern UUID_FIELD = Pattern.compile("\"uuid\":\"([^\"]+)\"");
    private static final Pattern SECRET_FIELD = Pattern.compile("\"secret\":\"([^\"]+)\"");
    private static final double TARGET_PER_SECOND = 2000;
    private static final double TARGET_P99_MS = 500;
    private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put("webhooks", "4");
        DEFAULTS.put("clients", "16");
        DEFAULTS.put("warmup", "5");
        DEFAULTS.put("duration", "20");
        DEFAULTS.put("kib", "1");
        DEFAULTS.put("receiver-threads", "32");
        DEFAULTS.put("server-xmx", "512m");
        DEFAULTS.put("drain-timeout", "120");
        DEFAULTS.put("dumps", "0");
        DEFAULTS.put("backlog", "20000");
        DEFAULTS.put("database-url", "jdbc:postgresql://127.0.0.1:5432/test");
        DEFAULTS.put("database-user", "postgres");
        DEFAULTS.put("database-password", "");
        DEFAULTS.put("server-env", "");
        DEFAULTS.put("standalone-jar", "examples/standalone/target/uploadkit-standalone.jar");
        DEFAULTS.put("work-dir", "");
    }

    private final Map<String, String> options;
    private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();

    private WebhookDeliveryBenchmark(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(DEFAULTS);
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : "";
            if (!DEFAULTS.containsKey(name) || i + 1 >= args.length) {
                System.err.println("bad argument '" + args[i] + "'; options (defaults): " + DEFAULTS);
                System.exit(2);
            }
            options.put(name, args[i + 1]);
        }
        new WebhookDeliveryBenchmark(options).run();
    }

    private int integer(String name) {
        return Integer.parseInt(options.get(name).trim());
    }

    private void run() throws Exception {
        Path jar = Path.of(options.get("standalone-jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no standalone jar at " + jar + "; mvn -B -q -pl bench -am package "
                    + "-DskipTests, or --standalone-jar");
        }
        Path work = options.get("work-dir").isBlank() ? Files.createTempDirectory("uploadkit-webhooks")
                : Files.createDirectories(Path.of(options.get("work-dir")));
        int webhooks = integer("webhooks");
        System.out.printf("Webhook deliveries — %s, %d cores, Java %s%nsettings: %s%nwork dir: %s%n", LocalDate.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), options, work);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("UPLOADKIT_OUTBOUND_ALLOW", "127.0.0.1/32");
        for (String pair : options.get("server-env").split(",")) {
            if (pair.contains("=")) {
                env.put(pair.substring(0, pair.indexOf('=')).trim(), pair.substring(pair.indexOf('=') + 1).trim());
            }
        }
        Optional<String> password = Optional.of(options.get("database-password")).filter(p -> !p.isEmpty());
        try (BenchDatabase db = BenchDatabase.prepare(Optional.of(options.get("database-url")),
                Optional.of(options.get("database-user")).filter(u -> !u.isEmpty()), password);
             LoopbackReceiver receiver = new LoopbackReceiver(integer("receiver-threads"));
             UploadkitProcess server = UploadkitProcess.start("uploadkit (webhooks)", jar,
                     List.of("-Xmx" + options.get("server-xmx")), work.resolve("data"), db.serverArgs(), env,
                     Optional.empty(), work.resolve("server.log"))) {
            System.out.printf("database: %s%n", db.description());
            for (int n = 0; n < webhooks; n++) {
                receiver.secret(n, createWebhook(server, receiver.url(n)));
            }
            measure(server, receiver, webhooks, work);
            if (integer("backlog") > 0) {
                backlog(db, receiver, integer("backlog"), work, server.jvm().pid());
            }
            List<String> problems = SpawnedJvm.problems(server.jvm().log(), 10);
            System.out.printf("server log: %s (%d warning/error lines)%n", server.jvm().log(),
                    SpawnedJvm.problemCount(server.jvm().log()));
            problems.forEach(p -> System.out.println("  " + p));
        }
    }

    private void measure(UploadkitProcess server, LoopbackReceiver receiver, int webhooks, Path work) throws Exception {
        Duration warmup = Duration.ofMillis((long) (Double.parseDouble(options.get("warmup")) * 1000));
        Duration duration = Duration.ofMillis((long) (Double.parseDouble(options.get("duration")) * 1000));
        int clients = integer("clients");
        long start = System.nanoTime();
        long from = start + warmup.toNanos();
        long until = from + duration.toNanos();
        RequestTemplate template = RequestTemplate.multipart(server.port(), server.mount() + "/files/upload",
                server.adminKey(), integer("kib") * 1024);
        AtomicLong failures = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        long runId = (System.currentTimeMillis() / 1000) & 0xFFFFFF;
        for (int c = 0; c < clients; c++) {
            long firstId = (runId << 36) | ((long) c << 28);
            RequestTemplate mine = template.copy();
            Thread t = new Thread(() -> upload(server.port(), mine, firstId, until, failures), "upload-" + c);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        int dumps = integer("dumps");
        for (int d = 1; d <= dumps; d++) {
            LockSupport.parkNanos(from + duration.toNanos() * d / (dumps + 1) - System.nanoTime());
            threadDump(server.jvm().pid(), work.resolve("threads-" + d + ".txt"));
        }
        for (Thread t : threads) {
            t.join();
        }
        long loadEnded = System.nanoTime();
        long expected = (long) acknowledged.size() * webhooks;
        long drainDeadline = loadEnded + TimeUnit.SECONDS.toNanos(integer("drain-timeout"));
        while (receiver.distinct() < expected && System.nanoTime() < drainDeadline) {
            LockSupport.parkNanos(20_000_000);
        }
        long drained = System.nanoTime();
        report(receiver, webhooks, from, until, loadEnded, drained, failures.get(), expected);
    }

    private void report(LoopbackReceiver receiver, int webhooks, long from, long until, long loadEnded, long drained,
                        long failures, long expected) {
        double seconds = (until - from) / 1e9;
        long uploadsInWindow = acknowledged.values().stream().filter(t -> t >= from && t < until).count();
        long deliveriesInWindow = 0;
        List<Long> latencies = new ArrayList<>();
        for (LoopbackReceiver.Receipt r : receiver.receipts()) {
            if (r.nanos() >= from && r.nanos() < until) {
                deliveriesInWindow++;
            }
            Long acked = acknowledged.get(r.uploadId());
            if (acked != null && acked >= from && acked < until) {
                latencies.add(r.nanos() - acked);
            }
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        double perSecond = deliveriesInWindow / seconds;
        double p50 = percentile(sorted, 0.50) / 1e6;
        double p99 = percentile(sorted, 0.99) / 1e6;
        long duplicates = receiver.received() - receiver.distinct();
        long missing = Math.max(0, expected - receiver.distinct());
        System.out.printf("%n%d webhooks, %d clients, %.0f s measured%n", webhooks, integer("clients"), seconds);
        System.out.printf("uploads      %8.1f /s acknowledged (%d failed uploads)%n", uploadsInWindow / seconds,
                failures);
        System.out.printf("deliveries   %8.1f /s received in the window   (target ≥ %.0f: %s)%n", perSecond,
                TARGET_PER_SECOND, perSecond >= TARGET_PER_SECOND ? "met" : "NOT met");
        System.out.printf("ack→receipt  p50 %7.1f ms   p99 %7.1f ms   max %7.1f ms   over %d deliveries   "
                        + "(target p99 < %.0f ms: %s)%n", p50, p99, sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6,
                sorted.length, TARGET_P99_MS, p99 < TARGET_P99_MS && sorted.length > 0 ? "met" : "NOT met");
        System.out.printf("after the load: backlog drained in %.1f s; %d of %d deliveries missing; %d duplicates; "
                + "%d bad signatures%n", (drained - loadEnded) / 1e9, missing, expected, duplicates,
                receiver.badSignatures());
    }

    /**
     * Pure dispatcher throughput: {@code n} copies of the deliveries sent so far are written as due at once (one
     * INSERT … SELECT, so neither uploads nor the relay compete), and the time until the receiver got them all is
     * measured.
     */
    private void backlog(BenchDatabase db, LoopbackReceiver receiver, int n, Path work, long pid) throws Exception {
        String url = db.serverArgs().get(db.serverArgs().indexOf("--database-url") + 1);
        java.util.Properties credentials = new java.util.Properties();
        credentials.setProperty("user", options.get("database-user"));
        if (!options.get("database-password").isEmpty()) {
            credentials.setProperty("password", options.get("database-password"));
        }
        long before = receiver.distinct();
        long duplicatesBefore = receiver.received() - before;
        long start;
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, credentials);
             java.sql.Statement st = c.createStatement()) {
            int existing = 0;
            try (java.sql.ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM webhook_deliveries")) {
                rs.next();
                existing = rs.getInt(1);
            }
            int copies = (n + existing - 1) / Math.max(1, existing);
            start = System.nanoTime();
            st.executeUpdate("INSERT INTO webhook_deliveries (id, webhook_id, project_id, event_id, event_type, payload,"
                    + " status, attempts, next_attempt_at, created_at, updated_at) SELECT gen_random_uuid(), webhook_id,"
                    + " project_id, event_id, event_type, payload, 'pending', 0, now(), now(), now()"
                    + " FROM webhook_deliveries d, generate_series(1, " + copies + ") LIMIT " + n);
        }
        long deadline = start + TimeUnit.SECONDS.toNanos(integer("drain-timeout"));
        boolean dumped = integer("dumps") == 0;
        while (receiver.distinct() - before < n && System.nanoTime() < deadline) {
            if (!dumped && receiver.distinct() - before > n / 2) {
                threadDump(pid, work.resolve("threads-backlog.txt"));
                dumped = true;
            }
            LockSupport.parkNanos(20_000_000);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long got = receiver.distinct() - before;
        System.out.printf("backlog: %d due deliveries written at once; %d received in %.1f s = %.1f deliveries/s "
                        + "(target ≥ %.0f: %s); %d duplicates%n", n, got, seconds, got / seconds, TARGET_PER_SECOND,
                got / seconds >= TARGET_PER_SECOND ? "met" : "NOT met",
                receiver.received() - receiver.distinct() - duplicatesBefore);
    }

    private void upload(int port, RequestTemplate template, long firstId, long until, AtomicLong failures) {
        SplittableRandom random = new SplittableRandom(firstId);
        long id = firstId;
        try (HttpConnection connection = new HttpConnection("127.0.0.1", port)) {
            while (System.nanoTime() < until) {
                try {
                    HttpConnection.Response response = connection.exchange(template.next(id++, random));
                    long now = System.nanoTime();
                    Matcher m = UUID_FIELD.matcher(response.text());
                    if (response.status() == 201 && m.find()) {
                        acknowledged.put(m.group(1), now);
                    } else {
                        failures.incrementAndGet();
                    }
                } catch (IOException | RuntimeException e) {
                    failures.incrementAndGet();
                    LockSupport.parkNanos(10_000_000);
                }
            }
        }
    }

    private static String createWebhook(UploadkitProcess server, String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.baseUrl() + "/webhooks")).header("X-API-Key", server.adminKey())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"url\": \"" + url + "\", \"events\": [\"upload.completed\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = SECRET_FIELD.matcher(r.body());
        if (r.statusCode() != 201 || !m.find()) {
            throw new IllegalStateException("creating the webhook answered " + r.statusCode() + ": " + r.body());
        }
        return m.group(1);
    }

    private static void threadDump(long pid, Path file) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print").redirectErrorStream(true)
                .redirectOutput(file.toFile()).start();
        p.waitFor(30, TimeUnit.SECONDS);
        System.out.println("thread dump: " + file);
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
