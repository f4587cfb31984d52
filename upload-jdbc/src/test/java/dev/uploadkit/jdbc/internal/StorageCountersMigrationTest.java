package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.storage.StorageStats;
import dev.uploadkit.core.testing.TestUploads;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import static dev.uploadkit.core.testing.TestUploads.t;
import static dev.uploadkit.core.testing.TestUploads.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Migration V13 counts the uploads that exist when it runs into the storage and folder counters. */
class StorageCountersMigrationTest {

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void theMigrationCountsTheExistingUploads(TestDatabases.Kind kind) throws Exception {
        try (TestDatabase db = kind.open()) {
            Project project = TestUploads.project("main");
            db.projects().insertProject(project);
            String storageId = "conn-1";
            db.catalog().inTransaction(tx -> {
                tx.uploads().insert(upload(project.id()).storageId(storageId).folder("a").sizeBytes(3).build());
                tx.uploads().insert(upload(project.id()).storageId(storageId).folder("a").sizeBytes(4).build());
                tx.uploads().insert(upload(project.id()).storageId(storageId).folder("").sizeBytes(5).build());
                tx.uploads().insert(upload(project.id()).storageId(storageId).folder("a").sizeBytes(6)
                        .deletedAt(t(1)).build());
                tx.uploads().insert(upload(project.id()).storageId(storageId).folder("b")
                        .status(UploadStatus.FAILED).build());
                tx.uploads().insert(upload(project.id()).storageId("other").folder("a").sizeBytes(7).build());
                return null;
            });
            StorageStats expected = new StorageStats(storageId, 3, 12,
                    List.of(new StorageStats.Folder("", 1, 5), new StorageStats.Folder("a", 2, 7)), false);
            assertEquals(expected, stats(db, project, storageId));

            Vendor vendor = Vendor.fromProductName(productName(db));
            // Back to the schema before V13 (and the migrations after it), then forward again.
            db.execute("DROP TABLE storage_counters");
            db.execute("DROP TABLE folder_counters");
            db.execute("DROP TABLE remote_copies");
            db.execute("DROP TABLE purged_uploads");
            MigrationRewind.undoAfterV15(db, vendor, "13", "13.1", "14", "15"); // 14: H2 only
            Migrations.migrate(db.dataSource(), vendor);

            assertEquals(expected, stats(db, project, storageId));
            assertEquals(1, stats(db, project, "other").files());
        }
    }

    private static StorageStats stats(TestDatabase db, Project project, String storageId) {
        return db.catalog().inTransaction(tx -> tx.storage().stats(project.id(), storageId));
    }

    private static String productName(TestDatabase db) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            return c.getMetaData().getDatabaseProductName();
        }
    }
}
