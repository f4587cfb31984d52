package dev.uploadkit.jdbc.internal;

import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Migration V14 (H2 only) keeps event and delivery payloads in their rows ({@code CHARACTER VARYING}) rather than as
 * LOBs, which H2 stores apart from the row, in maps of their own, once longer than 256 bytes.
 */
class InlinePayloadsMigrationTest {
    private static final String LARGE = "{\"metadata\":\"" + "x".repeat(40_000) + "\"}";
    private static final Set<String> INLINE = Set.of("EVENTS.PAYLOAD CHARACTER VARYING 1000000 NO",
            "WEBHOOK_DELIVERIES.PAYLOAD CHARACTER VARYING 1000000 NO");

    @TempDir
    Path directory;

    @Test
    void payloadsAreCharacterVaryingAndKeepTheirNotNull() throws SQLException {
        try (TestDatabase db = TestDatabases.h2File(directory)) {
            assertEquals(INLINE, payloadColumns(db));
        }
    }

    @Test
    void anEventStoredAsALobBeforeTheMigrationKeepsItsPayload() throws SQLException {
        try (TestDatabase db = TestDatabases.h2File(directory)) {
            // Back to the schema before V14 (and the migrations after it), with an event written then, and forward.
            db.execute("ALTER TABLE events ALTER COLUMN payload SET DATA TYPE CHARACTER LARGE OBJECT");
            db.execute("ALTER TABLE webhook_deliveries ALTER COLUMN payload SET DATA TYPE CHARACTER LARGE OBJECT");
            db.execute("DROP TABLE purged_uploads");
            MigrationRewind.undoAfterV15(db, Vendor.H2, "14", "15");
            db.execute("INSERT INTO events (project_id, type, payload, created_at) VALUES (RANDOM_UUID(),"
                    + " 'upload.completed', '" + LARGE + "', CURRENT_TIMESTAMP)");
            assertEquals(Set.of("EVENTS.PAYLOAD CHARACTER LARGE OBJECT NO",
                    "WEBHOOK_DELIVERIES.PAYLOAD CHARACTER LARGE OBJECT NO"), payloadColumns(db));

            Migrations.migrate(db.dataSource(), Vendor.H2);

            assertEquals(INLINE, payloadColumns(db));
            assertEquals(Set.of(LARGE), db.strings("SELECT payload FROM events"));
        }
    }

    private static Set<String> payloadColumns(TestDatabase db) throws SQLException {
        return db.strings("SELECT TABLE_NAME || '.' || COLUMN_NAME || ' ' || DATA_TYPE || CASE WHEN DATA_TYPE"
                + " = 'CHARACTER VARYING' THEN ' ' || CHARACTER_MAXIMUM_LENGTH ELSE '' END || ' ' || IS_NULLABLE"
                + " FROM INFORMATION_SCHEMA.COLUMNS WHERE COLUMN_NAME = 'PAYLOAD'"
                + " AND TABLE_NAME IN ('EVENTS', 'WEBHOOK_DELIVERIES')");
    }
}
