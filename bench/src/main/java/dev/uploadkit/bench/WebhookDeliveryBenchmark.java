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
 * <p>{@code --steady-rate N} replaces the uploads: this JVM commits N events a second straight into the outbox
 * ({@link SteadyEventLoad}: copies of one real {@code upload.completed} row, one transaction every
 * {@code --period-ms}), so N × {@code --webhooks} deliveries a second are due, and latency is measured from each
 * event's commit to each receipt. {@code --standalone-jar a.jar,b.jar} with {@code --repeat R} runs the jars
 * alternately, each on a fresh schema, and ends with one table of all runs (with the load average before and
 * after each).
 *
 * <pre>java -cp bench/target/uploadkit-bench.jar dev.uploadkit.bench.WebhookDeliveryBenchmark [--webhooks 4]
 *     [--clients 16] [--warmup 5] [--duration 20] [--database-url jdbc:postgresql://127.0.0.1:5432/test]
 *     [--steady-rate 500 --backlog 0] [--standalone-jar a.jar,b.jar --repeat 2]</pre>
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
        DEFAULTS.put("steady-rate", "0");
        DEFAULTS.put("period-ms", "10");
        DEFAULTS.put("repeat", "1");
        DEFAULTS.put("server-jvm-args", "");
    }

    /** One run's figures, for the closing table. */
    private record Summary(String jar, String load, String rate, double deliveries, double p50, double p99,
                           double max, long missing, long duplicates, long badSignatures, String backlog) {
    }

    private final Map<String, String> options;
    /** Upload id → {@link System#nanoTime()} of its 201 (uploads) or of its event's commit (steady rate). */
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
        List<Path> jars = new ArrayList<>();
        for (String name : options.get("standalone-jar").split(",")) {
            Path jar = Path.of(name.trim()).toAbsolutePath();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("no standalone jar at " + jar + "; mvn -B -q -pl bench -am package "
                        + "-DskipTests, or --standalone-jar");
            }
            jars.add(jar);
        }
        Path work = options.get("work-dir").isBlank() ? Files.createTempDirectory("uploadkit-webhooks")
                : Files.createDirectories(Path.of(options.get("work-dir")));
        System.out.printf("Webhook deliveries — %s, %d cores, Java %s%nsettings: %s%nwork dir: %s%n", LocalDate.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), options, work);
        List<Summary> summaries = new ArrayList<>();
        int run = 0;
        for (int r = 0; r < integer("repeat"); r++) {
            for (Path jar : jars) {
                run++;
                System.out.printf("%n=== run %d: %s%n", run, jar);
                summaries.add(runOnce(jar, jars.size() > 1 || integer("repeat") > 1 ? work.resolve("run-" + run) : work));
            }
        }
        boolean steady = integer("steady-rate") > 0;
        System.out.printf("%n| jar | load before → after | %s | deliveries/s | %s→receipt p50 / p99 / max "
                + "| missing / duplicates / bad signatures | backlog |%n|---|---|---|---|---|---|---|%n",
                steady ? "events/s committed" : "uploads/s", steady ? "commit" : "201");
        for (Summary s : summaries) {
            System.out.printf("| %s | %s | %s | %.1f | %.0f / %.0f / %.0f ms | %d / %d / %d | %s |%n", s.jar(), s.load(),
                    s.rate(), s.deliveries(), s.p50(), s.p99(), s.max(), s.missing(), s.duplicates(),
                    s.badSignatures(), s.backlog());
        }
    }

    private Summary runOnce(Path jar, Path work) throws Exception {
        Files.createDirectories(work);
        acknowledged.clear();
        int webhooks = integer("webhooks");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("UPLOADKIT_OUTBOUND_ALLOW", "127.0.0.1/32");
        for (String pair : options.get("server-env").split(",")) {
            if (pair.contains("=")) {
                env.put(pair.substring(0, pair.indexOf('=')).trim(), pair.substring(pair.indexOf('=') + 1).trim());
            }
        }
        List<String> jvmOptions = new ArrayList<>(List.of("-Xmx" + options.get("server-xmx")));
        for (String arg : options.get("server-jvm-args").trim().split("\\s+")) {
            if (!arg.isEmpty()) {
                jvmOptions.add(arg.replace("{work}", work.toString()));
            }
        }
        Optional<String> password = Optional.of(options.get("database-password")).filter(p -> !p.isEmpty());
        try (BenchDatabase db = BenchDatabase.prepare(Optional.of(options.get("database-url")),
                Optional.of(options.get("database-user")).filter(u -> !u.isEmpty()), password);
             LoopbackReceiver receiver = new LoopbackReceiver(integer("receiver-threads"));
             UploadkitProcess server = UploadkitProcess.start("uploadkit (webhooks)", jar, jvmOptions,
                     work.resolve("data"), db.serverArgs(), env, Optional.empty(), work.resolve("server.log"))) {
            System.out.printf("database: %s%n", db.description());
            for (int n = 0; n < webhooks; n++) {
                receiver.secret(n, createWebhook(server, receiver.url(n)));
            }
            String loadBefore = loadAverage();
            Summary summary = integer("steady-rate") > 0 ? steady(db, server, receiver, webhooks, work, jar)
                    : measure(server, receiver, webhooks, work, jar);
            String backlog = "—";
            if (integer("backlog") > 0) {
                backlog = backlog(db, receiver, integer("backlog"), work, server.jvm().pid());
            }
            String load = loadBefore + " → " + loadAverage();
            System.out.printf("load average (1 min) before → after: %s%n", load);
            List<String> problems = SpawnedJvm.problems(server.jvm().log(), 10);
            System.out.printf("server log: %s (%d warning/error lines)%n", server.jvm().log(),
                    SpawnedJvm.problemCount(server.jvm().log()));
            problems.forEach(p -> System.out.println("  " + p));
            return new Summary(summary.jar(), load, summary.rate(), summary.deliveries(), summary.p50(), summary.p99(),
                    summary.max(), summary.missing(), summary.duplicates(), summary.badSignatures(), backlog);
        }
    }

    /**
     * The steady-rate mode: one real upload gives the template event (and warms the path up), then
     * {@link SteadyEventLoad} commits {@code --steady-rate} events a second for warm-up + duration.
     */
    private Summary steady(BenchDatabase db, UploadkitProcess server, LoopbackReceiver receiver, int webhooks,
                           Path work, Path jar) throws Exception {
        String uploadId = uploadOne(server);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(integer("drain-timeout"));
        while (receiver.distinct() < webhooks && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000);
        }
        long before = receiver.distinct();
        double rate = Double.parseDouble(options.get("steady-rate"));
        long start = System.nanoTime();
        long from = start + (long) (Double.parseDouble(options.get("warmup")) * 1e9);
        long until = from + (long) (Double.parseDouble(options.get("duration")) * 1e9);
        try (java.sql.Connection c = connect(db)) {
            SteadyEventLoad load = SteadyEventLoad.from(c, uploadId);
            Exception[] failure = new Exception[1];
            Thread writer = new Thread(() -> {
                try {
                    load.run(rate, TimeUnit.MILLISECONDS.toNanos(integer("period-ms")), until);
                } catch (Exception e) {
                    failure[0] = e;
                }
            }, "steady-events");
            writer.start();
            dumps(server, work, from, until - from);
            writer.join();
            if (failure[0] != null) {
                throw failure[0];
            }
            acknowledged.putAll(load.committed());
            long loadEnded = System.nanoTime();
            long expected = before + load.written() * webhooks;
            while (receiver.distinct() < expected && System.nanoTime() < loadEnded
                    + TimeUnit.SECONDS.toNanos(integer("drain-timeout"))) {
                LockSupport.parkNanos(10_000_000);
            }
            stages(c, java.time.Instant.now().minusNanos(System.nanoTime() - from),
                    java.time.Instant.now().minusNanos(System.nanoTime() - until));
            long committedInWindow = acknowledged.values().stream().filter(t -> t >= from && t < until).count();
            double seconds = (until - from) / 1e9;
            System.out.printf("%n%.0f events/s × %d webhooks, one transaction every %s ms, %.0f s measured%n", rate,
                    webhooks, options.get("period-ms"), seconds);
            System.out.printf("events       %8.1f /s committed in the window (%d in all, %d transactions, commit "
                    + "p50 %.1f ms p99 %.1f ms)%n", committedInWindow / seconds, load.written(), load.transactions(),
                    load.commitMillis(0.5), load.commitMillis(0.99));
            return report(receiver, webhooks, from, until, loadEnded, System.nanoTime(), expected, jar,
                    String.format("%.1f", committedInWindow / seconds), "commit→receipt");
        }
    }

    /**
     * Where the time went, from the rows (PostgreSQL's clock, the same machine's): an event's insert (its
     * transaction's start) to the relay's fan-out (its {@code delivered_at}), and a delivery's fan-out
     * ({@code created_at}) to the end of its successful attempt ({@code delivered_at}); rows created in the window.
     */
    private static void stages(java.sql.Connection c, java.time.Instant from, java.time.Instant until)
            throws java.sql.SQLException {
        String[][] stages = {
                {"outbox → relay fan-out", "SELECT delivered_at - created_at AS d FROM events"},
                {"fan-out → attempt done", "SELECT delivered_at - created_at AS d FROM webhook_deliveries"}};
        for (String[] stage : stages) {
            try (java.sql.PreparedStatement st = c.prepareStatement(
                    "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d)),"
                            + " percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM d)),"
                            + " max(extract(epoch FROM d)) FROM (" + stage[1] + " WHERE delivered_at IS NOT NULL"
                            + " AND created_at >= ? AND created_at < ?) s")) {
                st.setObject(1, java.time.OffsetDateTime.ofInstant(from, java.time.ZoneOffset.UTC));
                st.setObject(2, java.time.OffsetDateTime.ofInstant(until, java.time.ZoneOffset.UTC));
                java.sql.ResultSet rs = st.executeQuery();
                rs.next();
                System.out.printf("stage %-24s p50 %7.1f ms   p99 %7.1f ms   max %7.1f ms%n", stage[0],
                        rs.getDouble(1) * 1000, rs.getDouble(2) * 1000, rs.getDouble(3) * 1000);
            }
            c.commit();
        }
    }

    private String uploadOne(UploadkitProcess server) throws IOException {
        RequestTemplate template = RequestTemplate.multipart(server.port(), server.mount() + "/files/upload",
                server.adminKey(), integer("kib") * 1024);
        try (HttpConnection connection = new HttpConnection("127.0.0.1", server.port())) {
            HttpConnection.Response response = connection.exchange(template.next(1, new SplittableRandom(1)));
            Matcher m = UUID_FIELD.matcher(response.text());
            if (response.status() != 201 || !m.find()) {
                throw new IllegalStateException("the template upload answered " + response.status() + ": "
                        + response.text());
            }
            return m.group(1);
        }
    }

    private java.sql.Connection connect(BenchDatabase db) throws java.sql.SQLException {
        String url = db.serverArgs().get(db.serverArgs().indexOf("--database-url") + 1);
        java.util.Properties credentials = new java.util.Properties();
        credentials.setProperty("user", options.get("database-user"));
        if (!options.get("database-password").isEmpty()) {
            credentials.setProperty("password", options.get("database-password"));
        }
        return java.sql.DriverManager.getConnection(url, credentials);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private void dumps(UploadkitProcess server, Path work, long from, long duration) throws Exception {
        int dumps = integer("dumps");
        for (int d = 1; d <= dumps; d++) {
            LockSupport.parkNanos(from + duration * d / (dumps + 1) - System.nanoTime());
            threadDump(server.jvm().pid(), work.resolve("threads-" + d + ".txt"));
        }
    }

    private Summary measure(UploadkitProcess server, LoopbackReceiver receiver, int webhooks, Path work, Path jar)
            throws Exception {
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
        dumps(server, work, from, duration.toNanos());
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
        double seconds = (until - from) / 1e9;
        long uploadsInWindow = acknowledged.values().stream().filter(t -> t >= from && t < until).count();
        System.out.printf("%n%d webhooks, %d clients, %.0f s measured%n", webhooks, integer("clients"), seconds);
        System.out.printf("uploads      %8.1f /s acknowledged (%d failed uploads)%n", uploadsInWindow / seconds,
                failures.get());
        return report(receiver, webhooks, from, until, loadEnded, drained, expected, jar,
                String.format("%.1f", uploadsInWindow / seconds), "ack→receipt");
    }

    private Summary report(LoopbackReceiver receiver, int webhooks, long from, long until, long loadEnded,
                           long drained, long expected, Path jar, String rate, String latencyName) {
        double seconds = (until - from) / 1e9;
        long deliveriesInWindow = 0;
        List<Long> latencies = new ArrayList<>();
        Map<Long, List<Long>> slices = new java.util.TreeMap<>();
        for (LoopbackReceiver.Receipt r : receiver.receipts()) {
            if (r.nanos() >= from && r.nanos() < until) {
                deliveriesInWindow++;
            }
            Long acked = acknowledged.get(r.uploadId());
            if (acked != null && acked >= from && acked < until) {
                latencies.add(r.nanos() - acked);
                slices.computeIfAbsent((acked - from) / 5_000_000_000L, k -> new ArrayList<>()).add(r.nanos() - acked);
            }
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        StringBuilder bySlice = new StringBuilder();
        slices.forEach((k, v) -> bySlice.append(String.format(" %d–%d s: %.0f", k * 5, k * 5 + 5,
                percentile(v.stream().mapToLong(Long::longValue).sorted().toArray(), 0.99) / 1e6)));
        System.out.printf("p99 (ms) by 5 s of the window:%s%n", bySlice);
        double perSecond = deliveriesInWindow / seconds;
        double p50 = percentile(sorted, 0.50) / 1e6;
        double p99 = percentile(sorted, 0.99) / 1e6;
        long duplicates = receiver.received() - receiver.distinct();
        long missing = Math.max(0, expected - receiver.distinct());
        System.out.printf("deliveries   %8.1f /s received in the window   (target ≥ %.0f: %s)%n", perSecond,
                TARGET_PER_SECOND, perSecond >= TARGET_PER_SECOND ? "met" : "NOT met");
        double max = sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6;
        System.out.printf("%s  p50 %7.1f ms   p99 %7.1f ms   max %7.1f ms   over %d deliveries   "
                        + "(target p99 < %.0f ms: %s)%n", latencyName, p50, p99, max, sorted.length, TARGET_P99_MS,
                p99 < TARGET_P99_MS && sorted.length > 0 ? "met" : "NOT met");
        System.out.printf("after the load: backlog drained in %.1f s; %d of %d deliveries missing; %d duplicates; "
                + "%d bad signatures%n", (drained - loadEnded) / 1e9, missing, expected, duplicates,
                receiver.badSignatures());
        String name = jar.toString();
        int examples = name.lastIndexOf("/examples/");
        name = examples > 0 ? name.substring(name.lastIndexOf('/', examples - 1) + 1, examples) : name;
        return new Summary(name, "", rate, perSecond, p50, p99, max, missing, duplicates, receiver.badSignatures(), "");
    }

    /**
     * Pure dispatcher throughput: {@code n} copies of the deliveries sent so far are written as due at once (one
     * INSERT … SELECT, so neither uploads nor the relay compete), and the time until the receiver got them all is
     * measured.
     */
    private String backlog(BenchDatabase db, LoopbackReceiver receiver, int n, Path work, long pid) throws Exception {
        long before = receiver.distinct();
        long duplicatesBefore = receiver.received() - before;
        long start;
        try (java.sql.Connection c = connect(db);
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
        return String.format("%d in %.1f s = %.0f/s", got, seconds, got / seconds);
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
