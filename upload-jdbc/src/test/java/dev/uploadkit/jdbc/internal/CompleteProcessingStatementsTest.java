package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.catalog.Blob;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The statements an upload's completion costs (H2's query statistics): a row still as staged is completed by one
 * guarded UPDATE, without the locking read of its counted fields; any other processing row still gets that read.
 */
class CompleteProcessingStatementsTest {
    private static final String LOCKING_READ = "SELECT deleted_at, size_bytes, blob_id, status, storage_id, folder";
    private static final String UPDATE = "UPDATE uploads SET";

    private TestDatabase db;

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void aRowAsStagedIsCompletedByOneUpdateAndAnyOtherIsReadFirst() throws SQLException {
        db = TestDatabases.h2();
        UUID project = UUID.randomUUID();
        db.projects().insertProject(new Project(project, "p", "free", Instant.now()));
        db.execute("SET QUERY_STATISTICS TRUE");

        Upload staged = processing(project, 0);
        Blob first = stage(staged, "a.bin");
        long reads = executions(LOCKING_READ);
        long updates = executions(UPDATE);
        complete(staged, first, 1);
        assertEquals(0, executions(LOCKING_READ) - reads, "no read before the update of a row as staged");
        assertEquals(1, executions(UPDATE) - updates);

        Upload counted = processing(project, 7);
        Blob second = stage(counted, "b.bin");
        reads = executions(LOCKING_READ);
        updates = executions(UPDATE);
        complete(counted, second, 2);
        assertEquals(1, executions(LOCKING_READ) - reads, "a row not as staged is read and locked first");
        assertEquals(2, executions(UPDATE) - updates, "the guarded update that missed, then the update");
    }

    private static Upload processing(UUID project, long sizeBytes) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new Upload.Builder().uuid(UUID.randomUUID()).projectId(project).filename("f.bin").folder("")
                .mimeType("application/octet-stream").status(UploadStatus.PROCESSING).storageId("default")
                .sizeBytes(sizeBytes).createdAt(now).updatedAt(now).build();
    }

    /** Reserves a key and records the upload as processing, as an upload's staging does. */
    private Blob stage(Upload upload, String key) {
        return db.catalog().inTransaction(tx -> {
            Blob blob = tx.blobs().reserve(upload.projectId(), "default", key, upload.createdAt());
            tx.uploads().insertProcessing(upload, "instance-1", blob.id());
            return blob;
        });
    }

    /** Commits distinct bytes ({@code content} names them) to the reservation and completes the upload. */
    private void complete(Upload upload, Blob reservation, int content) {
        String sha256 = String.format("%064x", content);
        Boolean completed = db.catalog().inTransaction(tx -> {
            Blob blob = tx.blobs().commit(reservation, sha256, 40, "text/plain").blob();
            return tx.uploads().completeProcessing(upload.toBuilder().status(UploadStatus.COMPLETED).sizeBytes(40)
                    .blobId(blob.id()).sha256(sha256).build());
        });
        assertTrue(completed);
    }

    /** How often statements starting with {@code prefix} ran since the statistics were switched on. */
    private long executions(String prefix) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT SQL_STATEMENT, EXECUTION_COUNT FROM INFORMATION_SCHEMA"
                     + ".QUERY_STATISTICS")) {
            long count = 0;
            while (rs.next()) {
                if (rs.getString(1).startsWith(prefix)) {
                    count += rs.getLong(2);
                }
            }
            return count;
        }
    }
}
