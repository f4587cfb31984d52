package dev.uploadkit.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Bulk-loads a project's catalog in SQL, as a migrated standalone server left it: {@code files} uploads
 * ({@code file-<n>.<ext>}, 100 folders, five types of which two are images, sizes up to 10 MB, one second
 * apart, every 100th in trash since less than 20 minutes, so the trash purge leaves it), referencing
 * {@code files * 9 / 10} stored blobs (the first tenth twice), then
 * the project's counters recomputed and the tables analysed. PostgreSQL drops the uploads table's secondary
 * indexes for the load and builds them again after it; MariaDB and H2 insert with their indexes in place.
 */
final class CatalogSeed {
    private final String url;
    private final Properties credentials;

    CatalogSeed(String url, Properties credentials) {
        this.url = url;
        this.credentials = credentials;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, credentials);
    }

    /** Loads the rows into the only project of the database and returns its id. */
    String load(int files) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            String project = one(s, "SELECT id FROM projects ORDER BY created_at LIMIT 1");
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT);
            int blobs = files / 10 * 9;
            if (product.contains("postgres")) {
                loadPostgres(s, project, files, blobs);
            } else if (product.contains("maria") || product.contains("mysql")) {
                loadMariaDb(s, project, files, blobs);
            } else {
                loadH2(s, project, files, blobs);
            }
            s.execute("DELETE FROM upload_counters WHERE project_id = '" + project + "'");
            s.execute("INSERT INTO upload_counters (project_id, shard, live_files, live_bytes, trash_files, trash_bytes,"
                    + " ref_files, ref_bytes, blob_count, blob_bytes)"
                    + " SELECT '" + project + "', 0,"
                    + " SUM(CASE WHEN deleted_at IS NULL THEN 1 ELSE 0 END), SUM(CASE WHEN deleted_at IS NULL THEN size_bytes ELSE 0 END),"
                    + " SUM(CASE WHEN deleted_at IS NULL THEN 0 ELSE 1 END), SUM(CASE WHEN deleted_at IS NULL THEN 0 ELSE size_bytes END),"
                    + " COUNT(*), SUM(size_bytes), " + blobs + ", (SELECT SUM(size_bytes) FROM blobs WHERE project_id = '"
                    + project + "') FROM uploads WHERE project_id = '" + project + "'");
            if (product.contains("postgres")) {
                s.execute("VACUUM ANALYZE blobs");
                s.execute("VACUUM ANALYZE uploads");
                s.execute("VACUUM ANALYZE upload_counters");
            } else if (product.contains("maria") || product.contains("mysql")) {
                s.execute("ANALYZE TABLE blobs, uploads, upload_counters");
            } else {
                s.execute("ANALYZE");
            }
            return project;
        }
    }

    private static void loadPostgres(Statement s, String project, int files, int blobs) throws SQLException {
        s.execute("INSERT INTO blobs (id, project_id, storage_id, object_key, sha256, size_bytes, mime_type, ref_count,"
                + " state, created_at) SELECT g, '" + project + "', 'local', 'bench/file-' || g || '.bin',"
                + " encode(sha256(g::text::bytea), 'hex'), (g::bigint * 7919) % 10000000 + 1, " + mime("g") + ","
                + " CASE WHEN g <= " + (files - blobs) + " THEN 2 ELSE 1 END, 'stored',"
                + " timestamptz '2025-01-01 00:00:00+00' + g * interval '1 second' FROM generate_series(1, " + blobs + ") g");
        s.execute("SELECT setval(pg_get_serial_sequence('blobs', 'id'), " + blobs + ")");
        List<String> indexes = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'uploads'"
                + " AND schemaname = current_schema() AND indexname <> 'uploads_pkey'")) {
            while (rs.next()) {
                indexes.add(rs.getString(2));
                s.getConnection().createStatement().execute("DROP INDEX " + rs.getString(1));
            }
        }
        s.execute("INSERT INTO uploads (uuid, project_id, filename, search_name, folder, blob_id, size_bytes, mime_type,"
                + " sha256, is_public, content_disposition, status, storage_id, is_stored, metadata, content_mime,"
                + " deduplicated, upload_time_ms, created_at, updated_at, deleted_at)"
                + " SELECT md5(n::text)::uuid, '" + project + "', f, f, 'folder-' || (n % 100), b,"
                + " (b::bigint * 7919) % 10000000 + 1, " + mime("b") + ", encode(sha256(b::text::bytea), 'hex'),"
                + " n % 3 = 0, 'attachment', 'completed', 'local', true, '{}', " + mime("b") + ", n > " + blobs + ", 5,"
                + " timestamptz '2025-01-01 00:00:00+00' + n * interval '1 second',"
                + " timestamptz '2025-01-01 00:00:00+00' + n * interval '1 second',"
                + " CASE WHEN n % 100 = 0 THEN now() - n * interval '1 millisecond' END"
                + " FROM (SELECT n, 'file-' || n || " + ext("n") + " AS f, (n - 1) % " + blobs + " + 1 AS b"
                + " FROM generate_series(1, " + files + ") n) rows");
        for (String index : indexes) {
            s.execute(index);
        }
    }

    private static void loadMariaDb(Statement s, String project, int files, int blobs) throws SQLException {
        s.execute("SET SESSION unique_checks = 0");
        s.execute("SET SESSION foreign_key_checks = 0");
        s.execute("INSERT INTO blobs (id, project_id, storage_id, object_key, sha256, size_bytes, mime_type, ref_count,"
                + " state, created_at) SELECT seq, '" + project + "', 'local', CONCAT('bench/file-', seq, '.bin'),"
                + " SHA2(seq, 256), (seq * 7919) % 10000000 + 1, " + mime("seq") + ","
                + " CASE WHEN seq <= " + (files - blobs) + " THEN 2 ELSE 1 END, 'stored',"
                + " TIMESTAMP '2025-01-01 00:00:00' + INTERVAL seq SECOND FROM seq_1_to_" + blobs);
        for (int from = 1; from <= files; from += 100_000) {
            int to = Math.min(files, from + 99_999);
            s.execute("INSERT INTO uploads (uuid, project_id, filename, search_name, folder, blob_id, size_bytes, mime_type,"
                    + " sha256, is_public, content_disposition, status, storage_id, is_stored, metadata, content_mime,"
                    + " deduplicated, upload_time_ms, created_at, updated_at, deleted_at)"
                    + " SELECT INSERT(INSERT(INSERT(INSERT(MD5(n), 9, 0, '-'), 14, 0, '-'), 19, 0, '-'), 24, 0, '-'),"
                    + " '" + project + "', f, f, CONCAT('folder-', n % 100), b, (b * 7919) % 10000000 + 1, " + mime("b")
                    + ", SHA2(b, 256), n % 3 = 0, 'attachment', 'completed', 'local', TRUE, '{}', " + mime("b") + ", n > "
                    + blobs + ", 5, TIMESTAMP '2025-01-01 00:00:00' + INTERVAL n SECOND,"
                    + " TIMESTAMP '2025-01-01 00:00:00' + INTERVAL n SECOND,"
                    + " CASE WHEN n % 100 = 0 THEN UTC_TIMESTAMP(6) - INTERVAL n * 1000 MICROSECOND END"
                    + " FROM (SELECT seq AS n, CONCAT('file-', seq, " + ext("seq") + ") AS f, (seq - 1) % " + blobs
                    + " + 1 AS b FROM seq_" + from + "_to_" + to + ") r");
        }
        s.execute("SET SESSION foreign_key_checks = 1");
    }

    private static void loadH2(Statement s, String project, int files, int blobs) throws SQLException {
        s.execute("INSERT INTO blobs (id, project_id, storage_id, object_key, sha256, size_bytes, mime_type, ref_count,"
                + " state, created_at) SELECT X, '" + project + "', 'local', CONCAT('bench/file-', X, '.bin'),"
                + " RAWTOHEX(HASH('SHA-256', CAST(X AS VARCHAR))), MOD(CAST(X AS BIGINT) * 7919, 10000000) + 1, " + mimeH2("X") + ","
                + " CASE WHEN X <= " + (files - blobs) + " THEN 2 ELSE 1 END, 'stored',"
                + " TIMESTAMP WITH TIME ZONE '2025-01-01 00:00:00+00' + X * INTERVAL '1' SECOND"
                + " FROM SYSTEM_RANGE(1, " + blobs + ")");
        s.execute("ALTER TABLE blobs ALTER COLUMN id RESTART WITH " + (blobs + 1));
        for (int from = 1; from <= files; from += 100_000) {
            int to = Math.min(files, from + 99_999);
            s.execute("INSERT INTO uploads (uuid, project_id, filename, search_name, folder, blob_id, size_bytes, mime_type,"
                    + " sha256, is_public, content_disposition, status, storage_id, is_stored, metadata, content_mime,"
                    + " deduplicated, upload_time_ms, created_at, updated_at, deleted_at)"
                    + " SELECT RANDOM_UUID(), '" + project + "', f, f, CONCAT('folder-', MOD(n, 100)), b,"
                    + " MOD(CAST(b AS BIGINT) * 7919, 10000000) + 1, " + mimeH2("b") + ", RAWTOHEX(HASH('SHA-256', CAST(b AS VARCHAR))),"
                    + " MOD(n, 3) = 0, 'attachment', 'completed', 'local', TRUE, '{}', " + mimeH2("b") + ", n > " + blobs
                    + ", 5, TIMESTAMP WITH TIME ZONE '2025-01-01 00:00:00+00' + n * INTERVAL '1' SECOND,"
                    + " TIMESTAMP WITH TIME ZONE '2025-01-01 00:00:00+00' + n * INTERVAL '1' SECOND,"
                    + " CASE WHEN MOD(n, 100) = 0 THEN CURRENT_TIMESTAMP - n * INTERVAL '0.001' SECOND END"
                    + " FROM (SELECT X AS n, CONCAT('file-', X, " + extH2("X") + ") AS f, MOD(X - 1, " + blobs
                    + ") + 1 AS b FROM SYSTEM_RANGE(" + from + ", " + to + ")) r");
        }
    }

    private static String mime(String n) {
        return "CASE " + n + " % 5 WHEN 0 THEN 'image/jpeg' WHEN 1 THEN 'image/png' WHEN 2 THEN 'application/pdf'"
                + " WHEN 3 THEN 'text/plain' ELSE 'video/mp4' END";
    }

    private static String ext(String n) {
        return "CASE " + n + " % 5 WHEN 0 THEN '.jpg' WHEN 1 THEN '.png' WHEN 2 THEN '.pdf' WHEN 3 THEN '.txt'"
                + " ELSE '.mp4' END";
    }

    private static String mimeH2(String n) {
        return mime("MOD(" + n + ", 5)").replace("MOD(" + n + ", 5) % 5", "MOD(" + n + ", 5)");
    }

    private static String extH2(String n) {
        return ext("MOD(" + n + ", 5)").replace("MOD(" + n + ", 5) % 5", "MOD(" + n + ", 5)");
    }

    static String one(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new IllegalStateException("No row: " + sql);
            }
            return rs.getString(1);
        }
    }
}
