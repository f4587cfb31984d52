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
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code GET storage/{id}/stats} at scale on PostgreSQL: a storage connection holding N live files in 200 folders
 * (default 1,000,000), among as many rows of another storage and another project, timed through
 * {@code StorageService.stats} as shipped (the aggregate finds the rows through {@code idx_uploads_storage} and reads
 * each from the heap), then, in the same run, with a covering index over every column the query reads, to show
 * whether one would pay for its cost on every upload.
 *
 * <pre>java -cp bench/target/uploadkit-bench.jar dev.uploadkit.bench.StorageStatsBenchmark [files] [jdbc-url]</pre>
 */
public final class StorageStatsBenchmark {
    private static final int RUNS = 5;

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
                    s.execute("VACUUM ANALYZE uploads");
                }
                System.out.printf("Inserted %,d rows in %.1f s%n", files * 2, (System.nanoTime() - t) / 1e9);
                double[] without = time(uploads, project, c);
                try (Statement s = conn.createStatement()) {
                    s.execute("CREATE INDEX idx_uploads_storage_live ON uploads"
                            + " (project_id, storage_id, in_trash, status, folder, size_bytes)");
                    s.execute("VACUUM ANALYZE uploads");
                }
                double[] with = time(uploads, project, c);
                System.out.printf("%-44s %12s %12s%n", "stats of " + String.format("%,d", files) + " files", "median ms",
                        "best ms");
                System.out.printf("%-44s %12.1f %12.1f%n", "with a covering index (not shipped)", with[0],
                        with[1]);
                System.out.printf("%-44s %12.1f %12.1f%n", "as shipped: idx_uploads_storage + heap", without[0],
                        without[1]);
                System.out.printf("ratio (as shipped / covering index, median): %.2f%n", without[0] / with[0]);
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

    /** Returns the median and the best of {@link #RUNS} timed calls, after one warm-up call. */
    private static double[] time(UploadService uploads, UUID project, StorageConnection c) {
        StorageStats stats = uploads.storage().stats(project, c.id());
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t = System.nanoTime();
            stats = uploads.storage().stats(project, c.id());
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        System.out.printf("  (%,d files, %,d bytes, %d folders)%n", stats.files(), stats.bytes(), stats.folders().size());
        Arrays.sort(ms);
        return new double[] {ms[RUNS / 2], ms[0]};
    }
}
