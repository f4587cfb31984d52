package dev.uploadkit.core;

import dev.uploadkit.core.catalog.Blob;
import dev.uploadkit.core.catalog.DedupStats;
import dev.uploadkit.core.event.UploadEvent;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.testing.ForwardingFileStore;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Uploads held whole in memory ({@link UploadService#upload(UploadRequest, byte[])}) on a filesystem store: bytes
 * staged under a temporary name, one transaction for key, deduplication and record, then a rename.
 */
public abstract class AbstractWholeUploadTest extends UploadServiceTestBase {

    private Upload whole(UploadService on, String folder, String filename, byte[] bytes) {
        return on.upload(UploadRequest.of(projectA, filename).withFolder(folder), bytes);
    }

    @Test
    void storesUnderItsKeyWithOneRecordAndNoStagedFileLeft() {
        byte[] png = TestContent.png(4, 3);
        Upload u = whole(service, "uploads", "photo.txt", png);

        assertEquals(UploadStatus.COMPLETED, u.status());
        assertEquals("uploads/photo.txt", u.objectKey());
        assertEquals("image/png", u.mimeType());
        assertEquals(TestContent.sha256(png), u.sha256());
        assertEquals(png.length, u.sizeBytes());
        assertFalse(u.deduplicated());
        assertEquals(u, service.get(projectA, u.uuid()));
        assertArrayEquals(png, read(projectA, u.uuid()));
        assertEquals(List.of(storeDir.resolve("files/uploads/photo.txt")), storedFiles(), "no staged file left");
        assertEquals(List.of(UploadEvent.COMPLETED), deliveredEvents().stream().map(UploadEvent::type).toList());
        assertEquals(1, service.totals(projectA).liveFiles());
    }

    @Test
    void theSameBytesAgainReferenceTheStoredBlobAndLeaveNoCopy() {
        byte[] bytes = TestContent.random(21, 4096);
        Upload first = whole(service, "a", "one.bin", bytes);
        Upload second = whole(service, "b", "two.bin", bytes);
        Upload named = whole(service, "a", "one.bin", TestContent.random(22, 4096));

        assertTrue(second.deduplicated());
        assertEquals(first.blobId(), second.blobId());
        assertEquals(first.objectKey(), second.objectKey());
        assertTrue(named.objectKey().startsWith("a/one-") && named.objectKey().endsWith(".bin"), named.objectKey());
        assertEquals(2, storedFiles().size(), () -> "one file per distinct content: " + storedFiles());
        assertEquals(new DedupStats(3, 2, 3 * 4096L, 2 * 4096L), service.dedupStats(projectA));

        service.forceDelete(projectA, first.uuid());
        service.forceDelete(projectA, second.uuid());
        service.forceDelete(projectA, named.uuid());
        assertNothingLeft(projectA);
    }

    @Test
    void aTooLargeOrRefusedFileLeavesNothing() {
        UploadService limited = rebuild(b -> b.maxFileSize(DataSize.ofBytes(1000)).allowedTypes(List.of("image/*")));
        UploadException tooLarge = assertThrows(UploadException.class,
                () -> whole(limited, "", "big.bin", TestContent.random(26, 1001)));
        assertEquals(ErrorCode.FILE_TOO_LARGE, tooLarge.code());
        UploadException refused = assertThrows(UploadException.class,
                () -> whole(limited, "", "a.bin", TestContent.random(23, 100)));
        assertEquals(ErrorCode.INVALID_FILE_TYPE, refused.code());
        assertNothingLeft(projectA);
    }

    /** A store failing to write, or to move the staged bytes after the commit, leaves no record, blob or file. */
    @Test
    void aStoreFailingToWriteOrToMoveLeavesNothingAndReportsTheFailure() {
        for (boolean failMove : new boolean[] {false, true}) {
            FileStore failing = new ForwardingFileStore(store) {
                @Override
                public long put(String key, java.io.InputStream content, String contentType) {
                    if (!failMove) {
                        throw new UploadException(ErrorCode.STORAGE_ERROR, "disk full");
                    }
                    return super.put(key, content, contentType);
                }

                @Override
                public void move(String fromKey, String toKey) {
                    throw new UploadException(ErrorCode.STORAGE_ERROR, "rename refused");
                }

                @Override
                public boolean movesByRename() {
                    return true;
                }
            };
            UploadService on = UploadService.builder().catalog(db.catalog()).store(failing).webhookSink(events::add)
                    .build();
            UploadException e = assertThrows(UploadException.class,
                    () -> whole(on, "", "x.bin", TestContent.random(24, 100)));
            assertEquals(ErrorCode.STORAGE_ERROR, e.code());
            assertNothingLeft(projectA);
        }
        List<dev.uploadkit.core.event.EventType> types = deliveredEvents().stream().map(UploadEvent::type).toList();
        assertEquals(List.of(UploadEvent.FAILED, UploadEvent.COMPLETED, UploadEvent.FAILED), types,
                "a failed write is reported failed; a failed move, completed then failed");
    }

    /**
     * A force delete between an upload's commit and the rename of its staged bytes (here run by the store as the
     * rename starts) removes the staged file before the blob's object, so the rename finds nothing and no file is
     * left without a blob.
     */
    @Test
    void aDeleteBetweenTheCommitAndTheRenameLeavesNothing() {
        FileStore deletedFirst = new ForwardingFileStore(store) {
            @Override
            public void move(String fromKey, String toKey) {
                service.forceDelete(projectA, dev.uploadkit.core.internal.BlobKeys.staged(fromKey).orElseThrow().uuid());
                super.move(fromKey, toKey);
            }

            @Override
            public boolean movesByRename() {
                return true;
            }
        };
        UploadService on = UploadService.builder().catalog(db.catalog()).store(deletedFirst).webhookSink(events::add)
                .build();
        Upload u = whole(on, "d", "gone.bin", TestContent.random(27, 100));
        assertEquals("d/gone.bin", u.objectKey());
        assertThrows(UploadException.class, () -> service.get(projectA, u.uuid()));
        assertNothingLeft(projectA);
    }

    /** A crash sweep (of another instance) that renames the staged bytes first leaves the upload's rename nothing to do. */
    @Test
    void bytesPutInPlaceByASweepBeforeTheRenameAreNoFailure() {
        FileStore sweptFirst = new ForwardingFileStore(store) {
            @Override
            public void move(String fromKey, String toKey) {
                super.move(fromKey, toKey); // as the sweep would
                super.move(fromKey, toKey);
            }

            @Override
            public boolean movesByRename() {
                return true;
            }
        };
        UploadService on = UploadService.builder().catalog(db.catalog()).store(sweptFirst).build();
        byte[] bytes = TestContent.random(28, 300);
        Upload u = whole(on, "s", "swept.bin", bytes);
        assertArrayEquals(bytes, read(projectA, u.uuid()));
        assertEquals(List.of(storeDir.resolve("files/s/swept.bin")), storedFiles());
    }

    /** The same bytes racing through both upload paths end as one blob with exact reference counts. */
    @Test
    void sameBytesRacingThroughBothPathsAreStoredOnceWithExactCounts() throws Exception {
        int racers = 16;
        byte[] shared = TestContent.random(25, 64 * 1024);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Upload>> futures = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return n % 2 == 0 ? whole(service, "c", "f" + n + ".bin", shared)
                            : upload(projectA, "c", "f" + n + ".bin", shared);
                }));
            }
            start.countDown();
            List<Upload> uploads = new ArrayList<>();
            for (Future<Upload> f : futures) {
                uploads.add(f.get(60, TimeUnit.SECONDS));
            }
            assertEquals(1, uploads.stream().map(Upload::blobId).distinct().count());
            assertEquals(racers - 1, uploads.stream().filter(Upload::deduplicated).count());
            Blob blob = db.catalog().inTransaction(tx -> tx.blobs()
                    .findStored(projectA, store.id(), TestContent.sha256(shared))).orElseThrow();
            assertEquals(racers, blob.refCount());
            assertEquals(1, storedFiles().size(), () -> "one file, nothing staged left: " + storedFiles());
            assertEquals(racers, service.totals(projectA).liveFiles());
            for (Upload u : uploads) {
                assertArrayEquals(shared, read(projectA, u.uuid()));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
