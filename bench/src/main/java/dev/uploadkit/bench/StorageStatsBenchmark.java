package dev.uploadkit.bench;

import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.storage.StorageConnection;
import dev.uploadkit.core.storage.StorageRequest;
import dev.uploadkit.core.storage.StorageSettings;
import dev.uploadkit.core.storage.StorageStats;
import dev.uploadkit.core.store.JcloudsFileStore;
import dev.uploadkit.jdbc.UploadkitDatabase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * {@code GET storage/{id}/stats} at scale on PostgreSQL: a storage connection holding N live files in 200 folders
 * (default 1,000,000), among as many rows of another storage and another project, bulk-loaded in SQL and counted into
 * {@code storage_counters} / {@code folder_counters} with migration V13's statements. Times {@code StorageService.stats}
 * as shipped (it reads the counters) against, in the same run, the aggregate over the uploads it replaced.
 *
 * <pre>java -cp bench/target/uploadkit-bench.jar dev.uploadkit.bench.StorageStatsBenchmark [files] [jdbc-url]</pre>
 */
public final class StorageStatsBenchmark {
    private static final int RUNS = 21;
    private static final String SHARD = "get_byte(uuid_send(uuid), 15) % 16";

    private StorageStatsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        String url = args.length > 1 ? args[1] : "jdbc:postgresql://127.0.0.1:5432/test";
        String schema = "bench_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        try (Connection admin = DriverManager.getConnection(url, "postgres", "");
             Statement s = admin.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        Path dir = Files.createTempDirectory("uploadkit-stats-bench");
        try (UploadkitDatabase db = UploadkitDatabase.connect(schemaUrl, "postgres", "");
             JcloudsFileStore local = JcloudsFileStore.filesystem("local", dir.resolve("local"));
             UploadService uploads = UploadService.builder().catalog(db.catalog()).store(local)
                     .storageSettings(StorageSettings.defaults().withFilesystemRoots(List.of(dir.resolve("roots"))))
                     .build()) {
            UUID project = UUID.randomUUID();
            UUID other = UUID.randomUUID();
            db.projects().insertProject(new Project(project, "bench", "unlimited", Instant.now()));
            db.projects().insertProject(new Project(other, "other", "unlimited", Instant.now()));
            StorageConnection c = uploads.storage().add(project, new StorageRequest("bench", "filesystem", null, null,
                    "bucket", null, null, null, null, false));
            long t = System.nanoTime();
            try (Connection conn = DriverManager.getConnection(schemaUrl, "postgres", "")) {
                insert(conn, project, c.storageId(), files);
                insert(conn, project, "local", files / 2);
                insert(conn, other, c.storageId(), files / 2);
                try (Statement s = conn.createStatement()) {
                    s.execute("DELETE FROM storage_counters");
                    s.execute("DELETE FROM folder_counters");
                    // Spread over all 16 shards, as a long-running server's counters are (the migration uses one).
                    s.execute("INSERT INTO storage_counters (project_id, storage_id, shard, files, bytes)"
                            + " SELECT project_id, storage_id, " + SHARD + ", COUNT(*), SUM(size_bytes) FROM uploads"
                            + " WHERE deleted_at IS NULL AND status = 'completed' GROUP BY 1, 2, 3");
                    s.execute("INSERT INTO folder_counters (project_id, storage_id, folder, shard, files, bytes)"
                            + " SELECT project_id, storage_id, folder, " + SHARD + ", COUNT(*), SUM(size_bytes)"
                            + " FROM uploads WHERE deleted_at IS NULL AND status = 'completed' GROUP BY 1, 2, 3, 4");
                    s.execute("VACUUM ANALYZE uploads");
                    s.execute("VACUUM ANALYZE storage_counters");
                    s.execute("VACUUM ANALYZE folder_counters");
                }
                System.out.printf("Inserted %,d rows in %.1f s%n", files * 2, (System.nanoTime() - t) / 1e9);
                double[] counters = time(() -> uploads.storage().stats(project, c.id()));
                double[] aggregate = time(() -> aggregate(conn, project, c.storageId()));
                System.out.printf("%-52s %12s %12s%n", "stats of " + String.format("%,d", files) + " files",
                        "median ms", "best ms");
                System.out.printf("%-52s %12.2f %12.2f%n", "as shipped: StorageService.stats (counters)", counters[0],
                        counters[1]);
                System.out.printf("%-52s %12.2f %12.2f%n", "before: aggregate over the uploads (JDBC)", aggregate[0],
                        aggregate[1]);
                System.out.printf("speed-up (aggregate / counters, median): %.0fx%n", aggregate[0] / counters[0]);
            }
        } finally {
            try (Connection admin = DriverManager.getConnection(url, "postgres", "");
                 Statement s = admin.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static void insert(Connection conn, UUID project, String storageId, int n) throws Exception {
        try (PreparedStatement p = conn.prepareStatement("INSERT INTO uploads (uuid, project_id, filename, search_name,"
                + " folder, size_bytes, mime_type, is_public, content_disposition, status, storage_id, is_stored,"
                + " metadata, deduplicated, upload_time_ms, created_at, updated_at)"
                + " SELECT gen_random_uuid(), ?, 'f' || g || '.bin', 'f' || g || '.bin', 'folder-' || (g % 200),"
                + " g % 10000, 'application/octet-stream', false, 'attachment', 'completed', ?, true, '{}', false, 1,"
                + " now(), now() FROM generate_series(1, ?) g")) {
            p.setObject(1, project);
            p.setString(2, storageId);
            p.setInt(3, n);
            p.executeUpdate();
        }
    }

    /** The statement {@code storage/{id}/stats} ran before the counters. */
    private static StorageStats aggregate(Connection conn, UUID project, String storageId) {
        try (PreparedStatement p = conn.prepareStatement("SELECT folder, COUNT(*) AS files, SUM(size_bytes) AS bytes"
                + " FROM uploads WHERE project_id = ? AND storage_id = ? AND in_trash = FALSE AND status = 'completed'"
                + " GROUP BY folder ORDER BY folder")) {
            p.setObject(1, project);
            p.setString(2, storageId);
            List<StorageStats.Folder> folders = new ArrayList<>();
            long files = 0;
            long bytes = 0;
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    folders.add(new StorageStats.Folder(rs.getString(1), rs.getLong(2), rs.getLong(3)));
                    files += rs.getLong(2);
                    bytes += rs.getLong(3);
                }
            }
            return new StorageStats(storageId, files, bytes, folders, false);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Returns the median and the best of {@link #RUNS} timed calls, after one warm-up call. */
    private static double[] time(Supplier<StorageStats> call) {
        StorageStats stats = call.get();
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t = System.nanoTime();
            stats = call.get();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        System.out.printf("  (%,d files, %,d bytes, %d folders)%n", stats.files(), stats.bytes(), stats.folders().size());
        Arrays.sort(ms);
        return new double[] {ms[RUNS / 2], ms[0]};
    }
}
