package dev.uploadkit.bench;

import dev.uploadkit.core.UploadQuery;
import dev.uploadkit.core.catalog.ListCursor;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * The issue "The catalog at a million files" in one run: a standalone jar on a database holding one project with
 * {@code --files} uploads (bulk-loaded in SQL by {@link CatalogSeed}, not over HTTP), then each request of the
 * issue's list sent {@code --iterations} times, one after another over one keep-alive connection, after
 * {@code --warmup} unmeasured rounds of every request in turn, with p50 and p99 printed beside the figures before the work; then
 * start → first answer of the jar on that data dir and database, {@code --starts} times.
 *
 * <pre>java -cp bench/target/uploadkit-bench.jar dev.uploadkit.bench.CatalogScaleBenchmark
 *     [--database-url jdbc:postgresql://127.0.0.1:5432/test] [--database-user postgres] [--files 1000000]</pre>
 *
 * An H2 URL ({@code jdbc:h2:file:/tmp/x}) or none at all ({@code --database-url h2}: the default file in the data
 * dir) runs it on H2; {@code jdbc:mariadb://127.0.0.1:3306/test} on MariaDB (a fresh database, dropped after).
 */
public final class CatalogScaleBenchmark {
    /** The figures before the work (PostgreSQL, 1M uploads): p50 and p99 in ms. */
    private static final Map<String, String> BASELINE = Map.ofEntries(
            Map.entry("first page", "107–138 / 138–184"), Map.entry("folder filter", "107–138 / 138–184"),
            Map.entry("mime_type=image/*", "107–138 / 138–184"), Map.entry("sort=size_bytes desc", "107–138 / 138–184"),
            Map.entry("sort=filename", "107–138 / 138–184"), Map.entry("page=100", "107–138 / 138–184"),
            Map.entry("cursor mid-depth", "107–138 / 138–184"), Map.entry("search=file-4242", "318 / 343"),
            Map.entry("trash", "42 / 49"), Map.entry("per_page=1", "130 / 143"), Map.entry("check-hash", "0.9 / 6"),
            Map.entry("deduplication-stats", "—"), Map.entry("start → first answer", "1600–2300"));
    private static final Map<String, String> TARGET = Map.ofEntries(
            Map.entry("search=file-4242", "< 10"), Map.entry("trash", "< 10"), Map.entry("per_page=1", "< 5"),
            Map.entry("check-hash", "< 2"), Map.entry("deduplication-stats", "< 10"),
            Map.entry("start → first answer", "< 1000"));

    private CatalogScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options options = new Options(args);
        if (options.has("help")) {
            System.out.println("options: --database-url URL|h2 --database-user U --database-password P --files N"
                    + " --iterations N --warmup N --starts N --jar PATH --xmx 256m --keep (leave the database and data dir)"
                    + " --aot-java PATH (a JDK 25+ java: also start with its AOT cache)"
                    + " --skip 'search=file-4242,...' (requests not sent, by name)");
            return;
        }
        int files = options.integer("files", 1_000_000);
        int iterations = options.integer("iterations", 500);
        int warmup = options.integer("warmup", 100);
        int starts = options.integer("starts", 3);
        String xmx = options.string("xmx", "256m");
        Path jar = Path.of(options.string("jar", "examples/standalone/target/uploadkit-standalone.jar"));
        String url = options.string("database-url", "jdbc:postgresql://127.0.0.1:5432/test");
        Optional<String> user = Optional.ofNullable(options.string("database-user", url.startsWith("jdbc:postgresql")
                ? "postgres" : url.startsWith("jdbc:mariadb") ? "root" : null));
        Optional<String> password = Optional.ofNullable(options.string("database-password", null));
        Path dataDir = Files.createTempDirectory("uploadkit-scale");
        BenchDatabase db = BenchDatabase.prepare(url.equals("h2") ? Optional.empty() : Optional.of(url), user, password);
        try {
            List<String> serverArgs = db.serverArgs();
            String jdbcUrl = serverArgs.isEmpty()
                    ? "jdbc:h2:file:" + dataDir.resolve("db").resolve("uploadkit").toAbsolutePath() : serverArgs.get(1);
            List<String> jvm = List.of("-Xmx" + xmx);
            System.out.printf("Catalog at scale: %,d uploads on %s, %d measured requests each (after %d)%n", files,
                    db.description(), iterations, warmup);
            String key;
            try (UploadkitProcess first = UploadkitProcess.start("first start", jar, jvm, dataDir, serverArgs,
                    Optional.empty(), dataDir.resolve("first.log"))) {
                key = first.adminKey();
            }
            Properties credentials = new Properties();
            user.ifPresent(u -> credentials.setProperty("user", u));
            password.ifPresent(p -> credentials.setProperty("password", p));
            if (serverArgs.isEmpty()) {
                credentials.setProperty("user", "sa");
                credentials.setProperty("password", "");
            }
            CatalogSeed seed = new CatalogSeed(jdbcUrl, credentials);
            long loadStart = System.nanoTime();
            seed.load(files);
            System.out.printf("bulk load: %.1f s%n", (System.nanoTime() - loadStart) / 1e9);
            Map<String, String> samples = samples(seed, files * 2 / 5);

            List<String[]> table = new ArrayList<>();
            try (UploadkitProcess server = UploadkitProcess.start("server", jar, jvm, dataDir, serverArgs,
                    Optional.of(key), dataDir.resolve("server.log"));
                 HttpConnection http = new HttpConnection("127.0.0.1", server.port())) {
                String m = server.mount();
                Map<String, byte[]> requests = new LinkedHashMap<>();
                String list = m + "/files?per_page=100";
                requests.put("first page", get(server, list, key));
                requests.put("folder filter", get(server, list + "&folder=folder-7", key));
                requests.put("mime_type=image/*", get(server, list + "&mime_type=image/*", key));
                requests.put("sort=size_bytes desc", get(server, list + "&sort=size_bytes&order=desc", key));
                requests.put("sort=filename", get(server, list + "&sort=filename", key));
                requests.put("page=100", get(server, list + "&page=100", key));
                requests.put("cursor mid-depth", get(server, list + "&cursor=" + samples.get("cursor"), key));
                requests.put("search=file-4242", get(server, list + "&search=file-4242", key));
                requests.put("trash", get(server, m + "/files/trash?per_page=100", key));
                requests.put("per_page=1", get(server, m + "/files?per_page=1", key));
                requests.put("check-hash", post(server, m + "/files/check-hash", key,
                        "{\"hash\":\"" + samples.get("hash") + "\"}"));
                requests.put("deduplication-stats", get(server, m + "/files/deduplication-stats", key));
                // A request that takes seconds on a database (search without a trigram index) would make the run
                // last hours; its statements are measured on their own instead.
                requests.keySet().removeAll(List.of(options.string("skip", "").split(",")));
                // Every shape in turn first, as a server in service sees them: otherwise the shape measured first
                // carries the JIT's work for all of them (its p50 was 3x the others' on a quiet machine).
                for (int round = 0; round < warmup; round++) {
                    for (Map.Entry<String, byte[]> r : requests.entrySet()) {
                        check(http.exchange(r.getValue()), r.getKey());
                    }
                }
                for (Map.Entry<String, byte[]> r : requests.entrySet()) {
                    double[] ms = measure(http, r.getValue(), Math.min(warmup, 10), iterations, r.getKey());
                    table.add(new String[] {r.getKey(), String.format("%.2f / %.2f", p(ms, 50), p(ms, 99)),
                            BASELINE.get(r.getKey()), TARGET.getOrDefault(r.getKey(), "< 10"), meta(http,
                            r.getValue())});
                }
            }
            // Starts of the jar as it is, with a class-data-sharing archive (JDK 17's two-step dump), and, given
            // --aot-java (a JDK 25+), with that JDK's AOT cache; each archive is written by one training run on this
            // data, and the variants take turns so that the machine's load falls on all of them alike.
            Path jdk = Path.of(System.getProperty("java.home"), "bin", "java");
            List<StartVariant> variants = new ArrayList<>();
            variants.add(new StartVariant("start → first answer", jdk, jvm, "start"));
            Path archive = dataDir.resolve("uploadkit.jsa");
            variants.add(new StartVariant("start → first answer, CDS archive", jdk,
                    with(jvm, "-XX:SharedArchiveFile=" + archive), "cds"));
            if (starts > 0) {
                startToFirstAnswer(jdk, jar, with(jvm, "-XX:ArchiveClassesAtExit=" + archive), dataDir, serverArgs,
                        key, dataDir.resolve("cds-training.log"));
            }
            if (starts > 0 && options.has("aot-java")) {
                Path aotJava = Path.of(options.string("aot-java", null));
                Path cache = dataDir.resolve("uploadkit.aot");
                variants.add(new StartVariant("start → first answer, JDK 25 AOT cache", aotJava,
                        with(jvm, "-XX:AOTCache=" + cache), "aot"));
                startToFirstAnswer(aotJava, jar, with(jvm, "-XX:AOTCacheOutput=" + cache), dataDir, serverArgs, key,
                        dataDir.resolve("aot-training.log"));
            }
            double[][] startMs = new double[variants.size()][starts];
            for (int i = 0; i < starts; i++) {
                for (int v = 0; v < variants.size(); v++) {
                    StartVariant variant = variants.get(v);
                    startMs[v][i] = startToFirstAnswer(variant.java(), jar, variant.options(), dataDir, serverArgs,
                            key, dataDir.resolve(variant.log() + i + ".log"));
                }
            }
            for (int v = 0; starts > 0 && v < variants.size(); v++) {
                table.add(new String[] {variants.get(v).name(), String.format("%.0f (runs: %s)", p(startMs[v], 50),
                        Arrays.toString(Arrays.stream(startMs[v]).mapToLong(Math::round).toArray())),
                        BASELINE.get("start → first answer"), TARGET.get("start → first answer"),
                        phases(dataDir.resolve(variants.get(v).log() + "0.log"))});
            }
            System.out.printf("load average at the end: %.1f%n",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.printf("%n| request | p50 / p99 ms now | before (issue) | target p99 | meta |%n|---|---|---|---|---|%n");
            for (String[] row : table) {
                System.out.printf("| %s | %s | %s | %s | %s |%n", (Object[]) row);
            }
        } finally {
            if (options.has("keep")) {
                System.out.println("kept: " + db.description() + " and " + dataDir);
            } else {
                db.close();
            }
        }
    }

    /** A mid-depth cursor of the default sort, and the hash of an upload, read from the database. */
    private static Map<String, String> samples(CatalogSeed seed, int depth) throws SQLException {
        try (Connection c = seed.connect(); Statement s = c.createStatement()) {
            Map<String, String> out = new LinkedHashMap<>();
            try (ResultSet rs = s.executeQuery("SELECT uuid, created_at, sha256 FROM uploads WHERE deleted_at IS NULL"
                    + " ORDER BY created_at DESC, uuid DESC LIMIT 1 OFFSET " + depth)) {
                rs.next();
                Instant created;
                try {
                    created = rs.getObject(2, java.time.OffsetDateTime.class).toInstant();
                } catch (SQLException | RuntimeException notWithOffset) {
                    created = rs.getObject(2, java.time.LocalDateTime.class).toInstant(java.time.ZoneOffset.UTC);
                }
                UUID uuid = UUID.fromString(rs.getString(1));
                out.put("cursor", new ListCursor(UploadQuery.Sort.CREATED_AT, UploadQuery.Order.DESC, created.toString(),
                        uuid).encode());
                out.put("hash", rs.getString(3).strip());
            }
            return out;
        }
    }

    private static double[] measure(HttpConnection http, byte[] request, int warmup, int iterations, String name)
            throws IOException {
        for (int i = 0; i < warmup; i++) {
            check(http.exchange(request), name);
        }
        double[] ms = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            HttpConnection.Response r = http.exchange(request);
            ms[i] = (System.nanoTime() - t0) / 1e6;
            check(r, name);
        }
        return ms;
    }

    /** The total and its relation from a list's meta block, or the data of another answer, shortened. */
    private static String meta(HttpConnection http, byte[] request) throws IOException {
        String body = http.exchange(request).text();
        int at = body.indexOf("\"meta\"");
        String shown = at >= 0 ? body.substring(at) : body;
        shown = shown.replaceAll("\"next_cursor\":\"[^\"]*\"", "\"next_cursor\":…");
        return (shown.length() > 160 ? shown.substring(0, 160) + "…" : shown).replace("|", "\\|");
    }

    private static void check(HttpConnection.Response r, String name) {
        if (r.status() != 200) {
            throw new IllegalStateException(name + ": HTTP " + r.status() + " " + r.text());
        }
    }

    private static byte[] get(UploadkitProcess server, String path, String key) {
        return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nX-API-Key: " + key
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] post(UploadkitProcess server, String path, String key, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nX-API-Key: " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n" + json)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Spawns the jar on a free port and returns the milliseconds until its first 200 answer. */
    /** A way of starting the jar: which JDK, which options, and the prefix of its logs. */
    private record StartVariant(String name, Path java, List<String> options, String log) {
    }

    private static List<String> with(List<String> options, String option) {
        List<String> all = new ArrayList<>(options);
        all.add(option);
        return all;
    }

    static double startToFirstAnswer(Path javaCommand, Path jar, List<String> jvm, Path dataDir, List<String> serverArgs, String key,
                                     Path log) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        List<String> program = new ArrayList<>(List.of("-jar", jar.toString(), "--port", Integer.toString(port),
                "--data-dir", dataDir.toString()));
        program.addAll(serverArgs);
        byte[] request = ("GET /v1/external/files?per_page=1 HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nX-API-Key: "
                + key + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        long t0 = System.nanoTime();
        try (SpawnedJvm process = SpawnedJvm.start("start", javaCommand, jvm, program, Map.of(), log)) {
            long deadline = t0 + 300_000_000_000L;
            while (System.nanoTime() < deadline) {
                try (HttpConnection http = new HttpConnection("127.0.0.1", port)) {
                    HttpConnection.Response r = http.exchange(request);
                    if (r.status() == 200) {
                        double ms = (System.nanoTime() - t0) / 1e6;
                        awaitStarted(log, deadline);
                        return ms;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
            }
            throw new IllegalStateException("No answer within 300 s; see " + log);
        }
    }

    /** Waits for the server's "Started: …" line (its phases), written once the rest of its start is done. */
    private static void awaitStarted(Path log, long deadline) throws IOException {
        while (System.nanoTime() < deadline && Files.readString(log).lines().noneMatch(l -> l.contains("Started: "))) {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
    }

    /** {@code --name value} pairs and {@code --help}. */
    private static final class Options {
        private final Map<String, String> values = new LinkedHashMap<>();

        Options(String[] args) {
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--")) {
                    throw new IllegalArgumentException("Unexpected argument " + args[i] + "; see --help");
                }
                String name = args[i].substring(2);
                values.put(name, i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : "");
            }
        }

        boolean has(String name) {
            return values.containsKey(name);
        }

        String string(String name, String fallback) {
            return values.getOrDefault(name, fallback);
        }

        int integer(String name, int fallback) {
            return has(name) ? Integer.parseInt(values.get(name).replace("_", "")) : fallback;
        }
    }

    /** The server's own account of its start ("Started: …"), from its log. */
    private static String phases(Path log) throws IOException {
        return Files.readAllLines(log).stream().filter(l -> l.contains("Started: ")).findFirst()
                .map(l -> l.substring(l.indexOf("Started: ") + 9)).orElse("");
    }

    private static double p(double[] values, int percentile) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
