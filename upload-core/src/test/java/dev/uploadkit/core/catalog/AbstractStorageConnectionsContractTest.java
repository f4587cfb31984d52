package dev.uploadkit.core.catalog;

import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.storage.StorageConnection;
import dev.uploadkit.core.storage.StorageProvider;
import dev.uploadkit.core.storage.StorageStats;
import dev.uploadkit.core.testing.CatalogTestSupport;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import static dev.uploadkit.core.testing.TestUploads.t;
import static dev.uploadkit.core.testing.TestUploads.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of {@link StorageConnections}: connections round-trip with every field, are found only in their
 * project, keep one default when asked, know whether anything lives in them, and count their live files per folder.
 */
public abstract class AbstractStorageConnectionsContractTest extends CatalogTestSupport {

    private StorageConnection connection(UUID projectId, int n, boolean isDefault) {
        return new StorageConnection(new UUID(0x01, n), projectId, "conn " + n, StorageProvider.MINIO,
                "http://127.0.0.1:9000", "us-east-1", "bucket-" + n, "access-" + n, "uk1.abcd1234.nonce.cipher" + n,
                n % 2 == 0 ? null : "https://cdn.example.com/b" + n, n % 2 == 1, isDefault, t(n), t(n + 1));
    }

    private boolean is(Function<CatalogTransaction, Boolean> work) {
        return tx(work);
    }

    @Test
    void aConnectionRoundTripsAndIsFoundOnlyInItsProject() {
        StorageConnection a = connection(project, 1, false);
        StorageConnection b = connection(project, 2, true);
        run(tx -> {
            tx.storage().insert(a);
            tx.storage().insert(b);
        });
        assertEquals(a, tx(tx -> tx.storage().find(project, a.id())).orElseThrow());
        assertEquals(b, tx(tx -> tx.storage().lock(project, b.id())).orElseThrow());
        assertEquals(List.of(a, b), tx(tx -> tx.storage().list(project)));
        assertTrue(tx(tx -> tx.storage().find(otherProject, a.id())).isEmpty());
        assertTrue(tx(tx -> tx.storage().list(otherProject)).isEmpty());
        assertEquals(b, tx(tx -> tx.storage().findDefault(project)).orElseThrow());
        assertTrue(tx(tx -> tx.storage().findDefault(otherProject)).isEmpty());
        assertFalse(is(tx -> tx.storage().delete(otherProject, a.id())));
        assertFalse(is(tx -> tx.storage().update(new StorageConnection(a.id(), otherProject, "x", a.provider(),
                null, null, null, null, null, null, false, false, t(1), t(2)))));
    }

    @Test
    void updatesReplaceTheFieldsAndDefaultsCanBeCleared() {
        StorageConnection a = connection(project, 1, true);
        StorageConnection b = connection(project, 3, false);
        run(tx -> {
            tx.storage().insert(a);
            tx.storage().insert(b);
        });
        StorageConnection changed = new StorageConnection(a.id(), project, "renamed", a.provider(), "https://x.test",
                "auto", "other-bucket", "k2", "uk1.abcd1234.n2.c2", null, false, true, a.createdAt(), t(50));
        assertTrue(is(tx -> tx.storage().update(changed)));
        assertEquals(changed, tx(tx -> tx.storage().find(project, a.id())).orElseThrow());
        run(tx -> tx.storage().clearDefault(project, b.id()));
        assertTrue(tx(tx -> tx.storage().findDefault(project)).isEmpty());
        run(tx -> tx.storage().update(b.withDefault(true, t(60))));
        run(tx -> tx.storage().clearDefault(project, b.id()));
        assertEquals(b.id(), tx(tx -> tx.storage().findDefault(project)).orElseThrow().id());
        run(tx -> tx.storage().clearDefault(project, null));
        assertTrue(tx(tx -> tx.storage().findDefault(project)).isEmpty());
        assertTrue(is(tx -> tx.storage().delete(project, a.id())));
        assertEquals(List.of(b.id()), tx(tx -> tx.storage().list(project)).stream().map(StorageConnection::id).toList());
    }

    @Test
    void listAllPagesThroughEveryProjectById() {
        for (int n = 1; n <= 5; n++) {
            StorageConnection c = connection(n % 2 == 0 ? project : otherProject, n, false);
            run(tx -> tx.storage().insert(c));
        }
        List<StorageConnection> first = tx(tx -> tx.storage().listAll(null, 3));
        assertEquals(3, first.size());
        List<StorageConnection> rest = tx(tx -> tx.storage().listAll(first.get(2).id(), 3));
        assertEquals(2, rest.size());
        assertEquals(new UUID(0x01, 5), rest.get(1).id());
    }

    @Test
    void aStorageIsInUseWhileAnUploadOrABlobOfTheProjectIsInIt() {
        String storageId = new UUID(0x01, 7).toString();
        assertFalse(is(tx -> tx.storage().inUse(project, storageId)));
        reserve(project, storageId, "k.bin");
        assertTrue(is(tx -> tx.storage().inUse(project, storageId)));
        assertFalse(is(tx -> tx.storage().inUse(otherProject, storageId)));
        String second = new UUID(0x01, 8).toString();
        insert(upload(project).storageId(second).deletedAt(t(3)).build());
        assertTrue(is(tx -> tx.storage().inUse(project, second)), "trashed uploads count");
    }

    @Test
    void statsCountLiveCompletedFilesPerFolder() {
        String storageId = new UUID(0x01, 9).toString();
        insert(upload(project).storageId(storageId).folder("docs").sizeBytes(10).build());
        insert(upload(project).storageId(storageId).folder("docs").sizeBytes(5).build());
        insert(upload(project).storageId(storageId).folder("").sizeBytes(7).build());
        insert(upload(project).storageId(storageId).folder("docs").sizeBytes(100).deletedAt(t(4)).build());
        insert(upload(project).storageId(storageId).folder("docs").sizeBytes(1000).status(UploadStatus.FAILED).build());
        insert(upload(project).storageId("default").folder("docs").sizeBytes(10000).build());
        insert(upload(otherProject).storageId(storageId).folder("docs").sizeBytes(100000).build());
        StorageStats stats = tx(tx -> tx.storage().stats(project, storageId));
        assertEquals(3, stats.files());
        assertEquals(22, stats.bytes());
        assertEquals(List.of(new StorageStats.Folder("", 1, 7), new StorageStats.Folder("docs", 2, 15)),
                stats.folders());
        assertFalse(stats.foldersTruncated());
        assertEquals(0, tx(tx -> tx.storage().stats(project, "nothing")).files());
    }
}
