package dev.uploadkit.core;

import dev.uploadkit.core.catalog.Blob;
import dev.uploadkit.core.catalog.DedupStats;
import dev.uploadkit.core.event.UploadEvent;
import dev.uploadkit.core.store.ByteRange;
import dev.uploadkit.core.store.JcloudsFileStore;
import dev.uploadkit.core.testing.FailingFileStore;
import dev.uploadkit.core.testing.TestContent;
import dev.uploadkit.core.store.FileStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Uploading: streaming, hashing, type detection, limits, failure paths and deduplication. */
public abstract class AbstractUploadServiceTest extends UploadServiceTestBase {
    @TempDir
    Path otherDir;

    @Test
    void storesBytesWithHashSizeAndDetectedType() {
        byte[] png = TestContent.png(3, 2);
        Upload u = upload(projectA, "uploads", "photo.txt", png);

        assertEquals(UploadStatus.COMPLETED, u.status());
        assertEquals("image/png", u.mimeType(), "type comes from the bytes, not the name");
        assertEquals(new ContentInfo("image/png", new ContentInfo.ImageInfo(3, 2)), u.contentInfo());
        assertEquals(png.length, u.sizeBytes());
        assertEquals(TestContent.sha256(png), u.sha256());
        assertEquals("uploads/photo.txt", u.objectKey());
        assertFalse(u.deduplicated());
        assertArrayEquals(png, read(projectA, u.uuid()));
        assertEquals(u, service.get(projectA, u.uuid()));
        assertEquals(List.of(UploadEvent.COMPLETED), deliveredEvents().stream().map(UploadEvent::type).toList());
    }

    @Test
    void theLongestValidNamesFitTheLocalStoreEvenWhenTheKeyIsTaken() {
        String longest = "a".repeat(255);
        Upload first = upload(projectA, "", longest, TestContent.random(50, 100));
        Upload second = upload(projectA, "", longest, TestContent.random(51, 100));
        assertNotEquals(first.objectKey(), second.objectKey());
        assertEquals(longest, second.filename(), "the name is kept; only the key is shortened");
        Upload wide = upload(projectA, "日".repeat(200), "é".repeat(200), TestContent.random(52, 100));
        assertEquals("é".repeat(200), wide.filename());
        assertArrayEquals(TestContent.random(52, 100), read(projectA, wide.uuid()));
    }

    @Test
    void detectsTypeFromMagicBytesWhateverTheName() {
        assertEquals("application/pdf", upload(projectA, "", "invoice.jpg", TestContent.pdf()).mimeType());
        assertEquals("application/octet-stream", upload(projectA, "", "empty.bin", new byte[0]).mimeType());
    }

    @Test
    void streamsLargeFileOfUnknownLength() throws IOException {
        long size = 9L * 1024 * 1024 + 7;
        Upload u = service.upload(UploadRequest.of(projectA, "big.bin"), TestContent.randomStream(1, size));
        assertEquals(size, u.sizeBytes());
        try (Download d = service.open(projectA, u.uuid(), Optional.empty())) {
            assertEquals(size, d.content().contentLength());
            byte[] all = d.content().content().readAllBytes();
            assertEquals(TestContent.sha256(all), u.sha256());
        }
    }

    @Test
    void readsByteRanges() throws IOException {
        byte[] bytes = TestContent.random(2, 1000);
        Upload u = upload(projectA, "", "r.bin", bytes);
        try (Download d = service.open(projectA, u.uuid(), Optional.of(new ByteRange(10, 19)))) {
            assertArrayEquals(Arrays.copyOfRange(bytes, 10, 20), d.content().content().readAllBytes());
            assertEquals(1000, d.content().totalSize());
        }
        UploadException e = assertThrows(UploadException.class,
                () -> service.open(projectA, u.uuid(), Optional.of(new ByteRange(10, 1000))));
        assertEquals(ErrorCode.VALIDATION_ERROR, e.code());
    }

    @Test
    void refusesOversizedStreamWhileStreamingAndLeavesNothing() {
        UploadService limited = rebuild(b -> b.maxFileSize(DataSize.ofMebibytes(1)));
        // An endless stream can only be refused by counting while streaming.
        UploadException e = assertThrows(UploadException.class,
                () -> limited.upload(UploadRequest.of(projectA, "endless.bin"), TestContent.endless()));
        assertEquals(ErrorCode.FILE_TOO_LARGE, e.code());
        assertNothingLeft(projectA);

        UploadException perRequest = assertThrows(UploadException.class, () -> service.upload(
                UploadRequest.of(projectA, "x.bin").withMaxSize(DataSize.ofBytes(10)),
                new ByteArrayInputStream(new byte[11])));
        assertEquals(ErrorCode.FILE_TOO_LARGE, perRequest.code());
        assertEquals(10, service.upload(UploadRequest.of(projectA, "ok.bin").withMaxSize(DataSize.ofBytes(10)),
                new ByteArrayInputStream(new byte[10])).sizeBytes());
    }

    @Test
    void refusesDisallowedTypeBeforeWritingAnything() {
        UploadService imagesOnly = rebuild(b -> b.allowedTypes(List.of("image/*")));
        UploadException e = assertThrows(UploadException.class,
                () -> imagesOnly.upload(UploadRequest.of(projectA, "fake.png"), new ByteArrayInputStream(TestContent.pdf())));
        assertEquals(ErrorCode.INVALID_FILE_TYPE, e.code());
        assertNothingLeft(projectA);
        assertEquals("image/png", imagesOnly.upload(UploadRequest.of(projectA, "real.png"),
                new ByteArrayInputStream(TestContent.png(1, 1))).mimeType());
    }

    @Test
    void storeFailingMidStreamLeavesNothing() {
        UploadService f = UploadService.builder().catalog(db.catalog()).store(new FailingFileStore(store, 100_000))
                .webhookSink(events::add).build();
        UploadException e = assertThrows(UploadException.class,
                () -> f.upload(UploadRequest.of(projectA, "a.bin"), TestContent.randomStream(3, 1_000_000)));
        assertEquals(ErrorCode.STORAGE_ERROR, e.code());
        assertNothingLeft(projectA);
        assertEquals(List.of(UploadEvent.FAILED), deliveredEvents().stream().map(UploadEvent::type).toList());
        assertEquals(UploadError.STORAGE_ERROR, deliveredEvents().get(0).upload().error().code(), "it says why");
    }

    @Test
    void clientStreamBreakingMidwayLeavesNothing() {
        UploadException e = assertThrows(UploadException.class, () -> service.upload(UploadRequest.of(projectA, "a.bin"),
                TestContent.failingAfter(TestContent.random(4, 200_000))));
        assertEquals(ErrorCode.PAYLOAD_MALFORMED, e.code());
        assertNothingLeft(projectA);
    }

    @Test
    void identicalBytesAreStoredOnceAndFreedWithTheLastReference() {
        byte[] bytes = TestContent.random(5, 50_000);
        Upload first = upload(projectA, "a", "one.bin", bytes);
        Upload second = upload(projectA, "b", "two.bin", bytes);

        assertTrue(second.deduplicated());
        assertEquals(first.objectKey(), second.objectKey());
        assertEquals(first.blobId(), second.blobId());
        assertEquals(1, storedFiles().size());
        assertEquals(new DedupStats(2, 1, 100_000, 50_000), service.dedupStats(projectA));
        assertEquals(1, service.dedupStats(projectA).duplicateFiles());
        assertEquals(50.0, service.dedupStats(projectA).savingsPercent());

        service.forceDelete(projectA, first.uuid());
        assertArrayEquals(bytes, read(projectA, second.uuid()), "still referenced by the second upload");
        service.trash(projectA, second.uuid());
        assertEquals(1, storedFiles().size(), "a trashed upload still references its blob");

        EmptyTrashResult emptied = service.emptyTrash(projectA);
        assertEquals(new EmptyTrashResult(1, 50_000), emptied);
        assertNothingLeft(projectA);
    }

    @Test
    void deduplicatesPerProjectSoNoProjectLearnsAnothersFiles() {
        byte[] bytes = TestContent.random(6, 1000);
        Upload a = upload(projectA, "", "same.bin", bytes);
        Upload b = upload(projectB, "", "same.bin", bytes);
        assertFalse(b.deduplicated());
        assertNotEquals(a.objectKey(), b.objectKey(), "keys are unique per store");
        assertEquals(2, storedFiles().size());
        assertEquals(1, service.dedupStats(projectB).uniqueBlobs());
    }

    @Test
    void sameNameWithDifferentBytesGetsItsOwnKey() {
        Upload one = upload(projectA, "docs", "report.pdf", TestContent.random(7, 100));
        Upload two = upload(projectA, "docs", "report.pdf", TestContent.random(8, 100));
        assertNotEquals(one.objectKey(), two.objectKey());
        assertTrue(two.objectKey().startsWith("docs/report"));
        assertTrue(two.objectKey().endsWith(".pdf"));
        assertArrayEquals(TestContent.random(7, 100), read(projectA, one.uuid()));
        assertArrayEquals(TestContent.random(8, 100), read(projectA, two.uuid()));
    }

    @Test
    void concurrentUploadsOfSameAndDifferentBytesKeepExactCounts() throws Exception {
        int same = 12;
        int different = 12;
        byte[] shared = TestContent.random(9, 64 * 1024);
        ExecutorService pool = Executors.newFixedThreadPool(same + different);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Upload>> futures = new ArrayList<>();
            for (int i = 0; i < same + different; i++) {
                int n = i;
                byte[] bytes = n < same ? shared : TestContent.random(100 + n, 64 * 1024);
                futures.add(pool.submit(() -> {
                    start.await();
                    return upload(projectA, "c", "f" + n + ".bin", bytes);
                }));
            }
            start.countDown();
            List<Upload> uploads = new ArrayList<>();
            for (Future<Upload> f : futures) {
                uploads.add(f.get(60, TimeUnit.SECONDS));
            }

            List<Upload> sharedUploads = uploads.subList(0, same);
            assertEquals(1, sharedUploads.stream().map(Upload::blobId).distinct().count());
            assertEquals(same - 1, sharedUploads.stream().filter(Upload::deduplicated).count());
            Blob blob = db.catalog().inTransaction(tx -> tx.blobs()
                    .findStored(projectA, store.id(), TestContent.sha256(shared))).orElseThrow();
            assertEquals(same, blob.refCount());
            assertEquals(new DedupStats(same + different, 1 + different, (same + different) * 65536L,
                    (1 + different) * 65536L), service.dedupStats(projectA));
            assertEquals(1 + different, storedFiles().size());
            for (Upload u : uploads) {
                assertNotNull(u.objectKey());
            }

            List<Future<?>> deletes = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (Upload u : sharedUploads) {
                deletes.add(pool.submit(() -> {
                    go.await();
                    service.forceDelete(projectA, u.uuid());
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : deletes) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertEquals(different, storedFiles().size());
            assertEquals(Optional.empty(), db.catalog().inTransaction(tx -> tx.blobs()
                    .findStored(projectA, store.id(), TestContent.sha256(shared))));
            assertEquals(different, service.dedupStats(projectA).uniqueBlobs());
            Set<String> keys = uploads.subList(same, uploads.size()).stream().map(Upload::objectKey)
                    .collect(Collectors.toSet());
            assertEquals(different, keys.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void uploadDeletedWhileStreamingIsRolledBackAndLeavesNothing() throws Exception {
        CountDownLatch streaming = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        byte[] first = TestContent.random(11, 100_000);
        java.io.InputStream gated = new java.io.SequenceInputStream(new ByteArrayInputStream(first), new java.io.InputStream() {
            private final java.io.InputStream rest = new ByteArrayInputStream(TestContent.random(12, 100_000));

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                streaming.countDown();
                try {
                    resume.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
                return rest.read(b, off, len);
            }
        });
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Upload> upload = pool.submit(() -> service.upload(UploadRequest.of(projectA, "slow.bin"), gated));
            assertTrue(streaming.await(30, TimeUnit.SECONDS));
            Upload processing = awaitProcessing();
            assertEquals("slow.bin", processing.filename());
            service.forceDelete(projectA, processing.uuid());
            resume.countDown();

            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> upload.get(30, TimeUnit.SECONDS));
            assertEquals(ErrorCode.CONFLICT, ((UploadException) e.getCause()).code());
            assertNothingLeft(projectA);
        } finally {
            resume.countDown();
            pool.shutdownNow();
        }
    }

    private Upload awaitProcessing() {
        UploadQuery processing = UploadQuery.builder().status(UploadStatus.PROCESSING).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            List<Upload> found = service.list(projectA, processing, PageRequest.first(10)).items();
            if (!found.isEmpty()) {
                return found.get(0);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        throw new AssertionError("no upload reached status processing within 30 s");
    }

    @Test
    void aReceivedUploadCompletedUnderALaterFolderAndNameMovesItsObjectThere() {
        byte[] bytes = TestContent.random(40, 70_000);
        ReceivedUpload received = service.receive(UploadRequest.of(projectA, "x.pdf"), new ByteArrayInputStream(bytes));
        assertEquals(UploadStatus.PROCESSING, service.get(projectA, received.uuid()).status());

        Upload done = received.complete(UploadRequest.of(projectA, "report.bin").withFolder("uploads")
                .withMetadata(new Metadata(Map.of("order", "42"))));

        assertEquals(UploadStatus.COMPLETED, done.status());
        assertEquals("uploads/report.bin", done.objectKey());
        assertEquals("uploads", done.folder());
        assertEquals("report.bin", done.filename());
        assertEquals(Map.of("order", "42"), done.metadata().entries());
        assertEquals(done, service.get(projectA, done.uuid()));
        assertEquals(List.of("uploads/report.bin"), storedKeys());
        assertArrayEquals(bytes, read(projectA, done.uuid()));
    }

    @Test
    void aLaterNameOfBytesTheProjectAlreadyHoldsMovesNothing() {
        byte[] bytes = TestContent.random(41, 5_000);
        Upload first = upload(projectA, "a", "one.bin", bytes);
        ReceivedUpload received = service.receive(UploadRequest.of(projectA, "two.bin"), new ByteArrayInputStream(bytes));

        Upload second = received.complete(UploadRequest.of(projectA, "two.bin").withFolder("b"));

        assertTrue(second.deduplicated());
        assertEquals(first.objectKey(), second.objectKey());
        assertEquals("b", second.folder());
        assertEquals(List.of("a/one.bin"), storedKeys());
    }

    @Test
    void anAbortedReceivedUploadLeavesNothing() {
        ReceivedUpload received = service.receive(UploadRequest.of(projectA, "gone.bin"),
                new ByteArrayInputStream(TestContent.random(42, 3_000)));
        received.abort();
        assertThrows(IllegalStateException.class, () -> received.complete(UploadRequest.of(projectA, "gone.bin")));
        assertNothingLeft(projectA);
    }

    @Test
    void anUploadTrashedBeforeItCompletesCompletesInTrash() {
        byte[] bytes = TestContent.random(45, 2_000);
        ReceivedUpload received = service.receive(UploadRequest.of(projectA, "t.bin"), new ByteArrayInputStream(bytes));
        service.trash(projectA, received.uuid());

        Upload done = received.complete(UploadRequest.of(projectA, "t.bin"));

        assertEquals(UploadStatus.COMPLETED, done.status());
        assertTrue(done.isTrashed());
        assertEquals(done, service.get(projectA, done.uuid()));
        service.restore(projectA, done.uuid());
        assertArrayEquals(bytes, read(projectA, done.uuid()));
    }

    @Test
    void anUploadDeletedBeforeItCompletesIsAConflictAndLeavesNothing() {
        ReceivedUpload received = service.receive(UploadRequest.of(projectA, "d.bin"),
                new ByteArrayInputStream(TestContent.random(46, 2_000)));
        service.forceDelete(projectA, received.uuid());
        assertEquals(ErrorCode.CONFLICT, assertThrows(UploadException.class,
                () -> received.complete(UploadRequest.of(projectA, "d.bin"))).code());
        assertNothingLeft(projectA);
    }

    @Test
    void completingInAnotherStoreCopiesTheBytesThereAndLeavesNoneInTheFirst() {
        try (FileStore other = JcloudsFileStore.filesystem("other", otherDir)) {
            UploadService two = rebuild(b -> b.store(other));
            byte[] bytes = TestContent.random(43, 300_000);
            ReceivedUpload received = two.receive(UploadRequest.of(projectA, "here.bin"), new ByteArrayInputStream(bytes));
            assertEquals(1, storedFiles().size(), "staged in the default store");

            Upload done = received.complete(new UploadRequest(projectA, "there.bin", "uploads", false, null, null,
                    "other", true, null));

            assertEquals("other", done.storageId());
            assertEquals("uploads/there.bin", done.objectKey());
            assertEquals(TestContent.sha256(bytes), done.sha256());
            assertFalse(done.deduplicated());
            assertEquals(done, two.get(projectA, done.uuid()));
            assertArrayEquals(bytes, read(two, projectA, done.uuid()));
            assertEquals(List.of(), storedFiles(), "the staged copy is removed");
            assertEquals(1, TestContent.filesUnder(otherDir).size());
            assertEquals(List.of(), db.catalog().inTransaction(tx -> tx.blobs().abandoned(
                    java.time.Instant.now().plusSeconds(3600), 10)), "no reservation left behind");
            assertEquals(1, two.dedupStats(projectA).uniqueBlobs());

            two.forceDelete(projectA, done.uuid());
            assertEquals(List.of(), TestContent.filesUnder(otherDir));
            assertNothingLeft(projectA);
        }
    }

    @Test
    void completingInAnotherStoreThatHoldsTheBytesCopiesNothing() {
        try (FileStore other = JcloudsFileStore.filesystem("other", otherDir)) {
            UploadService two = rebuild(b -> b.store(other));
            byte[] bytes = TestContent.random(44, 100_000);
            Upload first = two.upload(new UploadRequest(projectA, "one.bin", "a", false, null, null, "other", true,
                    null), new ByteArrayInputStream(bytes));
            ReceivedUpload received = two.receive(UploadRequest.of(projectA, "two.bin"), new ByteArrayInputStream(bytes));

            Upload second = received.complete(new UploadRequest(projectA, "two.bin", "b", false, null, null, "other",
                    true, null));

            assertTrue(second.deduplicated());
            assertEquals(first.objectKey(), second.objectKey());
            assertEquals(first.blobId(), second.blobId());
            assertEquals(List.of(), storedFiles());
            assertEquals(1, TestContent.filesUnder(otherDir).size());
            assertEquals(2, two.dedupStats(projectA).totalFiles());
            assertEquals(1, two.dedupStats(projectA).uniqueBlobs());
        }
    }

    @Test
    void completingInAStorageTheProjectDoesNotHaveIsNotFoundAndLeavesNothing() {
        ReceivedUpload received = service.receive(UploadRequest.of(projectA, "here.bin"),
                new ByteArrayInputStream(TestContent.random(43, 3_000)));
        UploadRequest elsewhere = new UploadRequest(projectA, "here.bin", "", false, null, null, "elsewhere", true, null);
        assertEquals(ErrorCode.NOT_FOUND, assertThrows(UploadException.class,
                () -> received.complete(elsewhere)).code());
        assertNothingLeft(projectA);
    }

    private List<String> storedKeys() {
        Path container = storeDir.resolve(JcloudsFileStore.DEFAULT_CONTAINER);
        return storedFiles().stream().map(f -> container.relativize(f).toString()).sorted().toList();
    }

    @Test
    void aStorageTheProjectDoesNotHaveIsNotFound() {
        UploadRequest r = new UploadRequest(projectA, "a.bin", "", false, null, null, "nope", true, null);
        UploadException e = assertThrows(UploadException.class, () -> service.upload(r, new ByteArrayInputStream(new byte[1])));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
    }
}
