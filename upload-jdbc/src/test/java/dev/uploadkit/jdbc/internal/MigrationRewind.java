package dev.uploadkit.jdbc.internal;

import dev.uploadkit.jdbc.testing.TestDatabase;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Takes a test database's schema back to before a migration, so that a test can migrate it forward again over
 * existing rows: the test drops what that migration and the ones up to V15 made, this undoes the later ones.
 */
final class MigrationRewind {
    private MigrationRewind() {
    }

    /**
     * Undoes the migrations after V15 (V16, MySQL only: the object-key prefix index; V17: server secrets; V18: move
     * reservations) and removes their history rows with those of {@code versions}.
     */
    static void undoAfterV15(TestDatabase db, Vendor vendor, String... versions) throws SQLException {
        if (vendor == Vendor.MYSQL) {
            db.execute("DROP INDEX idx_blobs_key_prefix ON blobs");
        }
        db.execute("DROP TABLE server_secrets");
        db.execute("ALTER TABLE uploads DROP COLUMN move_blob_id");
        List<String> all = new ArrayList<>(List.of(versions));
        all.addAll(List.of("16", "17", "18"));
        String q = vendor == Vendor.H2 ? "\"" : "";
        db.execute("DELETE FROM " + q + Migrations.HISTORY_TABLE + q + " WHERE " + q + "version" + q + " IN ("
                + all.stream().map(v -> "'" + v + "'").collect(Collectors.joining(", ")) + ")");
    }
}
