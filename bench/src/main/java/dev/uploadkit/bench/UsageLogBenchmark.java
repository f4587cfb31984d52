package dev.uploadkit.bench;

import dev.uploadkit.core.usage.LogQuery;
import dev.uploadkit.core.usage.RequestLogEntry;
import dev.uploadkit.core.usage.RequestLogStore;
import dev.uploadkit.core.usage.UsageDelta;
import dev.uploadkit.jdbc.UploadkitDatabase;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * {@code GET usage} and {@code GET logs} on a big log: fills {@code request_log} with N million entries of one
 * project spread over a year (with the daily roll-ups the writer would add), then times a year of usage and the first
 * page of the log unfiltered and with selective filters. Prints medians of 20 calls.
 *
 * <pre>java -cp bench/target/uploadkit-bench.jar dev.uploadkit.bench.UsageLogBenchmark [millions=10] [jdbc-url]</pre>
 */
public final class UsageLogBenchmark {
    private static final int BATCH = 10_000;

    private UsageLogBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        double millions = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        long rows = (long) (millions * 1_000_000);
        Path dir = null;
        String url;
        if (args.length > 1) {
            url = args[1];
        } else {
            dir = Files.createTempDirectory("uploadkit-usage-bench");
            url = "jdbc:h2:file:" + dir.resolve("db");
        }
        try (UploadkitDatabase db = UploadkitDatabase.connect(url, args.length > 1 ? null : "sa",
                args.length > 1 ? null : "")) {
            RequestLogStore store = db.requestLog();
            UUID project = UUID.randomUUID();
            UUID key = UUID.randomUUID();
            LocalDate first = LocalDate.parse("2025-12-01");
            Instant start = first.atStartOfDay().toInstant(ZoneOffset.UTC);
            long spacingMicros = Duration.ofDays(365).toNanos() / 1000 / rows;
            long began = System.nanoTime();
            List<RequestLogEntry> batch = new ArrayList<>(BATCH);
            for (long i = 0; i < rows; i++) {
                Instant at = start.plusNanos(i * spacingMicros * 1000);
                int status = i % 1000 == 0 ? 500 : (i % 10 == 0 ? 404 : 200);
                String path = i % 4 == 0 ? "/files/upload" : "/files/" + (i % 97);
                batch.add(new RequestLogEntry(0, project, at, i % 4 == 0 ? "POST" : "GET", path, status,
                        status == 200 ? null : "NOT_FOUND", 5, i % 3 == 0 ? key : null, null, "203.0.113.9",
                        i % 4 == 0 ? 4096 : -1, -1));
                if (batch.size() == BATCH || i == rows - 1) {
                    LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
                    store.append(batch, List.of(new UsageDelta(project, day, batch.size(), batch.size() / 4,
                            batch.size() / 4 * 4096L, 0, 0)));
                    batch.clear();
                }
            }
            System.out.printf("filled %,d log entries over 365 days in %.1f s (%s)%n", rows,
                    (System.nanoTime() - began) / 1e9, url.replaceAll("password=[^&;]*", "password=…"));
            // As autovacuum (or MariaDB's persistent statistics) would soon after a bulk load: without statistics,
            // PostgreSQL plans a filtered page as a bitmap scan of the project's whole log (6-9 s at 10M).
            analyze(db.dataSource());
            LocalDate last = first.plusDays(364);
            report("usage, 365 days (roll-ups)", () -> store.usage(project, first, last).size());
            report("logs, first page of 50, no filter", () -> store.find(query(project, null, null, null, 51)).size());
            report("logs, status=500 (1 in 1000)", () -> store.find(query(project, 500, null, null, 51)).size());
            report("logs, path prefix /files/upload", () -> store.find(query(project, null, "/files/upload", null,
                    51)).size());
            report("logs, key filter", () -> store.find(query(project, null, null, key, 51)).size());
        } finally {
            if (dir != null) {
                try (var files = Files.walk(dir)) {
                    files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static void analyze(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (product.contains("postgres")) {
                s.execute("ANALYZE request_log");
                s.execute("ANALYZE usage_daily");
            } else if (product.contains("maria") || product.contains("mysql")) {
                s.execute("ANALYZE TABLE request_log, usage_daily");
            } else {
                s.execute("ANALYZE");
            }
        }
    }

    private static LogQuery query(UUID project, Integer status, String path, UUID key, int limit) {
        return new LogQuery(project, status, null, path, key, null, null, null, limit);
    }

    private static void report(String what, Supplier<Integer> call) {
        call.get();
        long[] nanos = new long[20];
        int size = 0;
        for (int i = 0; i < nanos.length; i++) {
            long t = System.nanoTime();
            size = call.get();
            nanos[i] = System.nanoTime() - t;
        }
        Arrays.sort(nanos);
        System.out.printf("%-40s median %8.2f ms  max %8.2f ms  (%d rows)%n", what, nanos[10] / 1e6,
                nanos[nanos.length - 1] / 1e6, size);
    }
}
