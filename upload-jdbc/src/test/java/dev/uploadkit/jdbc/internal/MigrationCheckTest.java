package dev.uploadkit.jdbc.internal;

import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The start-up shortcut past Flyway: taken only when every shipped migration is applied unchanged. */
class MigrationCheckTest {

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aMigratedSchemaIsUpToDateAndAChangedOrMissingMigrationIsNot(TestDatabases.Kind kind) throws Exception {
        try (TestDatabase db = kind.open()) {
            Vendor vendor = Vendor.fromProductName(productName(db));
            assertTrue(MigrationCheck.upToDate(db.dataSource(), vendor), "Flyway's checksums are computed alike");
            String q = vendor == Vendor.H2 ? "\"" : "";
            String table = q + Migrations.HISTORY_TABLE + q;
            String checksum = q + "checksum" + q;
            String version = q + "version" + q;
            db.execute("UPDATE " + table + " SET " + checksum + " = " + checksum + " + 1 WHERE " + version + " = '1'");
            assertFalse(MigrationCheck.upToDate(db.dataSource(), vendor));
            db.execute("UPDATE " + table + " SET " + checksum + " = " + checksum + " - 1 WHERE " + version + " = '1'");
            assertTrue(MigrationCheck.upToDate(db.dataSource(), vendor));
            db.execute("DELETE FROM " + table + " WHERE " + version + " = '5'");
            assertFalse(MigrationCheck.upToDate(db.dataSource(), vendor));
        }
    }

    private static String productName(TestDatabase db) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            return c.getMetaData().getDatabaseProductName();
        }
    }
}
