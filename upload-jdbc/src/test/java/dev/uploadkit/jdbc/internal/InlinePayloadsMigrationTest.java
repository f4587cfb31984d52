package dev.uploadkit.jdbc.internal;

import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Migration V14 (H2 only) keeps event and delivery payloads in their rows ({@code CHARACTER VARYING}) rather than as
 * LOBs, which H2 stores apart from the row, in maps of their own, once longer than 256 bytes.
 */
class InlinePayloadsMigrationTest {
    private static final String LARGE = "{\"metadata\":\"" + "x".repeat(40_000) + "\"}";

    @TempDir
    Path directory;

    @Test
    void payloadsAreCharacterVaryingAndKeepTheirNotNull() throws SQLException {
        try (TestDatabase db = TestDatabases.h2File(directory)) {
            assertEquals(List.of("EVENTS.PAYLOAD CHARACTER VARYING 1000000 NO",
                    "WEBHOOK_DELIVERIES.PAYLOAD CHARACTER VARYING 1000000 NO"), payloadColumns(db));
        }
    }

    @Test
    void anEventStoredAsALobBeforeTheMigrationKeepsItsPayload() throws SQLException {
        try (TestDatabase db = TestDatabases.h2File(directory)) {
            // Back to the schema before V14, with an event written then, and forward again.
            execute(db, "ALTER TABLE events ALTER COLUMN payload SET DATA TYPE CHARACTER LARGE OBJECT");
            execute(db, "ALTER TABLE webhook_deliveries ALTER COLUMN payload SET DATA TYPE CHARACTER LARGE OBJECT");
            execute(db, "DELETE FROM \"" + Migrations.HISTORY_TABLE + "\" WHERE \"version\" = '14'");
            try (Connection c = db.dataSource().getConnection();
                 PreparedStatement insert = c.prepareStatement("INSERT INTO events (project_id, type, payload,"
                         + " created_at) VALUES (RANDOM_UUID(), 'upload.completed', ?, CURRENT_TIMESTAMP)")) {
                insert.setString(1, LARGE);
                insert.executeUpdate();
                if (!c.getAutoCommit()) {
                    c.commit();
                }
            }
            assertEquals(List.of("EVENTS.PAYLOAD CHARACTER LARGE OBJECT NO",
                    "WEBHOOK_DELIVERIES.PAYLOAD CHARACTER LARGE OBJECT NO"), payloadColumns(db));

            Migrations.migrate(db.dataSource(), Vendor.H2);

            assertEquals(List.of("EVENTS.PAYLOAD CHARACTER VARYING 1000000 NO",
                    "WEBHOOK_DELIVERIES.PAYLOAD CHARACTER VARYING 1000000 NO"), payloadColumns(db));
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT payload FROM events")) {
                rs.next();
                assertEquals(LARGE, rs.getString(1));
            }
        }
    }

    private static List<String> payloadColumns(TestDatabase db) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH,"
                     + " IS_NULLABLE FROM INFORMATION_SCHEMA.COLUMNS WHERE COLUMN_NAME = 'PAYLOAD'"
                     + " AND TABLE_NAME IN ('EVENTS', 'WEBHOOK_DELIVERIES') ORDER BY TABLE_NAME")) {
            while (rs.next()) {
                String type = rs.getString(3);
                columns.add(rs.getString(1) + "." + rs.getString(2) + " " + type
                        + (type.equals("CHARACTER VARYING") ? " " + rs.getLong(4) : "") + " " + rs.getString(5));
            }
        }
        return columns;
    }

    private static void execute(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }
}
