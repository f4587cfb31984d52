package dev.uploadkit.core.catalog;

import dev.uploadkit.core.Page;
import dev.uploadkit.core.PageRequest;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadQuery;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.storage.StorageConnection;
import dev.uploadkit.core.storage.StorageProvider;
import dev.uploadkit.core.storage.StorageStats;
import dev.uploadkit.core.testing.CatalogTestSupport;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

import static dev.uploadkit.core.testing.TestUploads.sha;
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

    @Test
    void everyChangeOfAnUploadKeepsTheStatsExact() {
        String a = new UUID(0x01, 10).toString();
        String b = new UUID(0x01, 11).toString();
        Upload x = insert(upload(project).storageId(a).folder("docs").sizeBytes(10).build());
        Upload processing = upload(project).storageId(a).folder("docs").status(UploadStatus.PROCESSING).build();
        Blob reservation = reserve(project, a, "p.bin");
        run(t -> t.uploads().insertProcessing(processing, "instance-1", reservation.id()));
        assertStats(a, 1, 10, new StorageStats.Folder("docs", 1, 10));

        run(t -> {
            Blob blob = t.blobs().commit(reservation, sha(3), 40, "text/plain").blob();
            assertTrue(t.uploads().completeProcessing(processing.toBuilder().status(UploadStatus.COMPLETED)
                    .sizeBytes(40).blobId(blob.id()).sha256(sha(3)).build()));
        });
        assertStats(a, 2, 50, new StorageStats.Folder("docs", 2, 50));

        update(x.toBuilder().folder("moved").build());
        assertStats(a, 2, 50, new StorageStats.Folder("docs", 1, 40), new StorageStats.Folder("moved", 1, 10));
        update(x.toBuilder().folder("moved").deletedAt(t(5)).build());
        assertStats(a, 1, 40, new StorageStats.Folder("docs", 1, 40));
        update(x.toBuilder().folder("moved").build());
        assertStats(a, 2, 50, new StorageStats.Folder("docs", 1, 40), new StorageStats.Folder("moved", 1, 10));
        update(x.toBuilder().storageId(b).folder("moved").build());
        assertStats(a, 1, 40, new StorageStats.Folder("docs", 1, 40));
        assertStats(b, 1, 10, new StorageStats.Folder("moved", 1, 10));
        assertTrue(delete(project, x.uuid()));
        assertStats(b, 0, 0);
        assertStats(a, 1, 40, new StorageStats.Folder("docs", 1, 40));

        Upload failed = insert(upload(project).storageId(a).folder("f").status(UploadStatus.FAILED).build());
        update(failed.toBuilder().sizeBytes(99).build());
        assertStats(a, 1, 40, new StorageStats.Folder("docs", 1, 40));
    }

    @Test
    void statsListTheFirstThousandFoldersByName() {
        String storageId = new UUID(0x01, 12).toString();
        run(t -> {
            for (int i = 0; i <= StorageStats.MAX_FOLDERS; i++) {
                t.uploads().insert(upload(project).storageId(storageId).folder(String.format("f%05d", i)).sizeBytes(i)
                        .build());
            }
        });
        StorageStats stats = tx(t -> t.storage().stats(project, storageId));
        assertEquals(StorageStats.MAX_FOLDERS + 1, stats.files());
        assertEquals(StorageStats.MAX_FOLDERS, stats.folders().size());
        assertEquals("f00000", stats.folders().get(0).folder());
        assertEquals(String.format("f%05d", StorageStats.MAX_FOLDERS - 1), stats.folders().get(999).folder());
        assertTrue(stats.foldersTruncated());
    }

    @Test
    void concurrentUploadsTrashRestoresCopiesAndPurgesKeepTheStatsExact() throws Exception {
        String[] storages = {new UUID(0x01, 13).toString(), new UUID(0x01, 14).toString()};
        int threads = 12;
        int perThread = 6;
        runConcurrently(threads, n -> {
            for (int i = 0; i < perThread; i++) {
                String storageId = storages[(n + i) % 2];
                String folder = "folder-" + (i % 3);
                // Half the threads upload the same bytes into one storage, so commits race on one blob.
                String hash = sha(n % 2 == 0 ? 1000 : 2000 + n * 100 + i);
                Upload done = uploadThrough(storageId, folder, hash, 10 + n + i);
                switch (i % 4) {
                    case 0 -> insert(done.toBuilder().uuid(UUID.randomUUID()).folder("copies").build());
                    case 1 -> lockAndUpdate(done.uuid(), u -> u.toBuilder().deletedAt(Instant.now()).build());
                    case 2 -> {
                        lockAndUpdate(done.uuid(), u -> u.toBuilder().deletedAt(Instant.now()).build());
                        lockAndUpdate(done.uuid(), u -> u.toBuilder().deletedAt(null).folder("restored").build());
                    }
                    default -> run(t -> t.uploads().lock(project, done.uuid()).ifPresent(u -> {
                        t.uploads().delete(project, u.uuid());
                        t.blobs().release(u.blobId());
                    }));
                }
            }
            return null;
        });
        for (String storageId : storages) {
            assertEquals(recount(storageId), tx(t -> t.storage().stats(project, storageId)), storageId);
        }
        long live = tx(t -> t.storage().stats(project, storages[0])).files()
                + tx(t -> t.storage().stats(project, storages[1])).files();
        // Per thread: two uploads copied (4 live files), two trashed, one restored, one deleted.
        assertEquals(threads * 5, live);
    }

    private void lockAndUpdate(UUID uuid, java.util.function.UnaryOperator<Upload> change) {
        run(t -> t.uploads().lock(project, uuid).ifPresent(u -> t.uploads().update(change.apply(u))));
    }

    private Upload uploadThrough(String storageId, String folder, String hash, long size) {
        Upload processing = upload(project).status(UploadStatus.PROCESSING).storageId(storageId).folder(folder)
                .build();
        // Every thread stores the same bytes under one hash with one size, as identical content would have.
        return uploadThrough(processing, storageId, hash, hash.equals(sha(1000)) ? 77 : size);
    }

    /** Counts the project's live completed files in the storage by reading every record. */
    private StorageStats recount(String storageId) {
        Map<String, long[]> folders = new TreeMap<>();
        UploadQuery live = UploadQuery.builder().view(UploadQuery.View.LIVE).build();
        String cursor = null;
        do {
            String at = cursor;
            Page<Upload> page = tx(t -> t.uploads().list(project, live, new PageRequest(1, 100, at)));
            for (Upload u : page.items()) {
                if (u.storageId().equals(storageId) && u.status() == UploadStatus.COMPLETED) {
                    long[] f = folders.computeIfAbsent(u.folder(), k -> new long[2]);
                    f[0]++;
                    f[1] += u.sizeBytes();
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        List<StorageStats.Folder> list = new ArrayList<>();
        long files = 0;
        long bytes = 0;
        for (Map.Entry<String, long[]> e : folders.entrySet()) {
            list.add(new StorageStats.Folder(e.getKey(), e.getValue()[0], e.getValue()[1]));
            files += e.getValue()[0];
            bytes += e.getValue()[1];
        }
        return new StorageStats(storageId, files, bytes, list, false);
    }

    private void assertStats(String storageId, long files, long bytes, StorageStats.Folder... folders) {
        assertEquals(new StorageStats(storageId, files, bytes, List.of(folders), false),
                tx(t -> t.storage().stats(project, storageId)));
    }
}
