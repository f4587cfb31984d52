package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.Upload;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.testing.TestUploads;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.SQLException;

import static dev.uploadkit.core.testing.TestUploads.t;
import static dev.uploadkit.core.testing.TestUploads.upload;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Migration V15 adds the tombstones of purged uploads to a database that already holds uploads. */
class PurgedUploadsMigrationTest {

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void theMigrationAppliesToAnExistingDatabase(TestDatabases.Kind kind) throws Exception {
        try (TestDatabase db = kind.open()) {
            Project project = TestUploads.project("main");
            db.projects().insertProject(project);
            Upload kept = upload(project.id()).build();
            Upload purged = upload(project.id()).build();
            db.catalog().inTransaction(tx -> {
                tx.uploads().insert(kept);
                tx.uploads().insert(purged);
                return null;
            });

            Vendor vendor = vendor(db);
            // Back to the schema before V15 (and the migrations after it), then forward again.
            db.execute("DROP TABLE purged_uploads");
            MigrationRewind.undoAfterV15(db, vendor, "15");
            assertThrows(RuntimeException.class,
                    () -> db.catalog().inTransaction(tx -> tx.purged().contains(project.id(), purged.uuid())));
            Migrations.migrate(db.dataSource(), vendor);

            db.catalog().inTransaction(tx -> {
                tx.uploads().delete(project.id(), purged.uuid());
                tx.purged().add(project.id(), purged.uuid(), t(1));
                return null;
            });
            assertTrue(purged(db, project, purged));
            assertFalse(purged(db, project, kept));
            assertTrue(db.catalog().inTransaction(tx -> tx.uploads().find(project.id(), kept.uuid())).isPresent());
        }
    }

    private static boolean purged(TestDatabase db, Project project, Upload upload) {
        return db.catalog().inTransaction(tx -> tx.purged().contains(project.id(), upload.uuid()));
    }

    private static Vendor vendor(TestDatabase db) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            return Vendor.fromProductName(c.getMetaData().getDatabaseProductName());
        }
    }
}
