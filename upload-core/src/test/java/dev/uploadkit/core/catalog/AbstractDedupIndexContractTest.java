package dev.uploadkit.core.catalog;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.testing.CatalogTestSupport;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
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
import java.util.stream.LongStream;

import static dev.uploadkit.core.testing.TestUploads.T0;
import static dev.uploadkit.core.testing.TestUploads.sha;
import static dev.uploadkit.core.testing.TestUploads.t;
import static dev.uploadkit.core.testing.TestUploads.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of {@link DedupIndex}: key reservations and their unique variants, committing bytes once per project
 * and store, reference counting, and all of it under concurrency. Each implementation runs it by subclassing and
 * supplying a fresh catalog per test.
 */
public abstract class AbstractDedupIndexContractTest extends CatalogTestSupport {
    private static final String KEY_SUFFIX = "-[0-9a-f]{8}";

    @Test
    void reserveTakesThePreferredKeyWhenItIsFree() {
        Blob blob = reserve(project, "default", "uploads/photo.jpg");
        assertEquals(new Blob(blob.id(), project, "default", "uploads/photo.jpg", null, 0, null, 0, Blob.State.WRITING, T0),
                blob);
        assertEquals(Optional.of(blob), findBlob(blob.id()));
    }

    @Test
    void takenKeysGetUniqueVariantsWhicheverProjectTookThem() {
        String first = reserve(project, "default", "uploads/photo.jpg").objectKey();
        String second = reserve(project, "default", "uploads/photo.jpg").objectKey();
        String third = reserve(otherProject, "default", "uploads/photo.jpg").objectKey();
        assertEquals("uploads/photo.jpg", first);
        assertTrue(second.matches("uploads/photo" + KEY_SUFFIX + "\\.jpg"), second);
        assertTrue(third.matches("uploads/photo" + KEY_SUFFIX + "\\.jpg"), third);
        assertEquals(3, Set.of(first, second, third).size());
        assertEquals("uploads/photo.jpg", reserve(otherProject, "archive", "uploads/photo.jpg").objectKey());
    }

    @Test
    void variantsGoBeforeTheExtensionOfTheLastSegment() {
        Map<String, String> patterns = Map.of("a.b/c", "a\\.b/c" + KEY_SUFFIX, ".env", "\\.env" + KEY_SUFFIX,
                "dir/archive.tar.gz", "dir/archive\\.tar" + KEY_SUFFIX + "\\.gz", "noext", "noext" + KEY_SUFFIX);
        patterns.forEach((key, pattern) -> {
            reserve(project, "default", key);
            String variant = reserve(project, "default", key).objectKey();
            assertTrue(variant.matches(pattern), variant);
        });
    }

    @Test
    void aKeyUnderAnotherBlobsKeyGetsThatFolderVaried() {
        reserve(otherProject, "default", "report");
        reserve(project, "default", "a/b");
        String under = reserve(project, "default", "report/p2.txt").objectKey();
        assertTrue(under.matches("report" + KEY_SUFFIX + "/p2\\.txt"), under);
        String deeper = reserve(project, "default", "a/b/c/d.txt").objectKey();
        assertTrue(deeper.matches("a/b" + KEY_SUFFIX + "/c/d\\.txt"), deeper);
        assertEquals("report/p2.txt", reserve(project, "archive", "report/p2.txt").objectKey());
    }

    @Test
    void aKeyThatIsAnotherBlobsFolderGetsVaried() {
        reserve(otherProject, "default", "docs/2024/a.txt");
        String file = reserve(project, "default", "docs").objectKey();
        assertTrue(file.matches("docs" + KEY_SUFFIX), file);
        String inner = reserve(project, "default", "docs/2024").objectKey();
        assertTrue(inner.matches("docs/2024" + KEY_SUFFIX), inner);
        assertEquals("docs", reserve(project, "archive", "docs").objectKey());
    }

    @Test
    void keysThatOnlyStartAlikeDoNotClash() {
        reserve(project, "default", "notes");
        reserve(project, "default", "x/y.txt");
        for (String key : List.of("notes2/a.txt", "notes.txt", "notes-x/a", "x/y.txt.d", "x/y", "xy/z", "x0")) {
            assertEquals(key, reserve(project, "default", key).objectKey());
        }
    }

    @Test
    void aKeyCollisionLeavesTheTransactionUsable() {
        reserve(project, "default", "k.txt");
        Upload upload = upload(project).build();
        Blob variant = tx(t -> {
            Blob blob = t.blobs().reserve(project, "default", "k.txt", T0);
            t.uploads().insert(upload);
            return blob;
        });
        assertNotEquals("k.txt", variant.objectKey());
        assertTrue(find(project, upload.uuid()).isPresent());
        assertEquals(Optional.of(variant), findBlob(variant.id()));
    }

    @Test
    void committingNewBytesStoresTheReservation() {
        Blob reservation = reserve(project, "default", "new.png");
        DedupIndex.CommitResult result = tx(t -> t.blobs().commit(reservation.id(), sha(1), 100, "image/png"));
        Blob expected = new Blob(reservation.id(), project, "default", "new.png", sha(1), 100, "image/png", 1,
                Blob.State.STORED, T0);
        assertFalse(result.deduplicated());
        assertEquals(expected, result.blob());
        assertEquals(Optional.of(expected), findBlob(reservation.id()));
        assertEquals(Optional.of(expected), tx(t -> t.blobs().findStored(project, "default", sha(1))));
    }

    @Test
    void committingKnownBytesReferencesTheStoredBlobAndDiscardsTheReservation() {
        Blob stored = storedBlob(project, "default", "a.bin", sha(1), 100);
        Blob reservation = reserve(project, "default", "b.bin");
        DedupIndex.CommitResult result = commit(reservation.id(), sha(1), 100);
        assertTrue(result.deduplicated());
        assertEquals(stored.id(), result.blob().id());
        assertEquals(2, result.blob().refCount());
        Blob discarded = result.discarded().orElseThrow();
        assertEquals(List.of(reservation.id(), "b.bin", Blob.State.DELETING),
                List.of(discarded.id(), discarded.objectKey(), discarded.state()));
        assertNull(discarded.sha256());
        assertEquals(2, findBlob(stored.id()).orElseThrow().refCount());
        assertEquals(Blob.State.DELETING, findBlob(reservation.id()).orElseThrow().state());
        run(t -> t.blobs().forget(reservation.id()));
        assertEquals(Optional.empty(), findBlob(reservation.id()));
        assertEquals("b.bin", reserve(project, "default", "b.bin").objectKey());
    }

    @Test
    void bytesAreSharedOnlyWithinOneProjectAndStore() {
        Blob mine = storedBlob(project, "default", "a", sha(1), 10);
        DedupIndex.CommitResult theirs = commit(reserve(otherProject, "default", "a").id(), sha(1), 10);
        DedupIndex.CommitResult archived = commit(reserve(project, "archive", "a").id(), sha(1), 10);
        assertFalse(theirs.deduplicated());
        assertFalse(archived.deduplicated());
        assertEquals(3, Set.of(mine.id(), theirs.blob().id(), archived.blob().id()).size());
        assertEquals(Optional.of(theirs.blob()), tx(t -> t.blobs().findStored(otherProject, "default", sha(1))));
        assertEquals(Optional.of(archived.blob()), tx(t -> t.blobs().findStored(project, "archive", sha(1))));
    }

    @Test
    void theLastReleaseRetiresTheBlobButKeepsItsKey() {
        Blob blob = storedBlob(project, "default", "r.bin", sha(1), 10);
        assertEquals(2, tx(t -> t.blobs().addReference(blob.id())).refCount());
        assertEquals(3, tx(t -> t.blobs().addReference(blob.id())).refCount());
        assertEquals(Optional.empty(), tx(t -> t.blobs().release(blob.id())));
        assertEquals(Optional.empty(), tx(t -> t.blobs().release(blob.id())));
        Blob retired = tx(t -> t.blobs().release(blob.id())).orElseThrow();
        assertEquals(new Blob(blob.id(), project, "default", "r.bin", null, 10, blob.mimeType(), 0,
                Blob.State.DELETING, T0), retired);
        assertEquals(Optional.of(retired), findBlob(blob.id()));
        assertEquals(Optional.empty(), tx(t -> t.blobs().findStored(project, "default", sha(1))));
        assertNotEquals("r.bin", reserve(project, "default", "r.bin").objectKey());
        DedupIndex.CommitResult again = commit(reserve(project, "default", "s.bin").id(), sha(1), 10);
        assertFalse(again.deduplicated());
        assertCode(ErrorCode.CONFLICT, () -> tx(t -> t.blobs().addReference(blob.id())));
        assertCode(ErrorCode.CONFLICT, () -> tx(t -> t.blobs().release(blob.id())));
    }

    @Test
    void onlyUnreferencedBlobsCanBeForgottenOrCommitted() {
        Blob stored = storedBlob(project, "default", "s.bin", sha(1), 10);
        assertCode(ErrorCode.CONFLICT, () -> run(t -> t.blobs().forget(stored.id())));
        assertEquals(Optional.of(stored), findBlob(stored.id()));
        assertCode(ErrorCode.CONFLICT, () -> commit(stored.id(), sha(2), 10));
        assertCode(ErrorCode.NOT_FOUND, () -> commit(stored.id() + 1000, sha(2), 10));
        Blob writing = reserve(project, "default", "w.bin");
        run(t -> t.blobs().forget(writing.id()));
        run(t -> t.blobs().forget(writing.id()));
        assertEquals(Optional.empty(), findBlob(writing.id()));
    }

    @Test
    void aDiscardedReservationIsDeletingUntilForgotten() {
        Blob writing = reserve(project, "default", "copied.bin");
        run(t -> t.blobs().discard(writing.id()));
        assertEquals(Blob.State.DELETING, findBlob(writing.id()).orElseThrow().state());
        boolean writingNow = tx(t -> t.blobs().writing("default", "copied.bin"));
        assertFalse(writingNow, "its key is no longer a write in progress");
        assertEquals(List.of(writing.id()), tx(t -> t.blobs().abandoned(writing.createdAt().plusSeconds(1), 10))
                .stream().map(Blob::id).toList(), "a sweep removes it if its caller does not");
        assertCode(ErrorCode.CONFLICT, () -> run(t -> t.blobs().discard(writing.id())));
        Blob stored = storedBlob(project, "default", "kept.bin", sha(3), 10);
        assertCode(ErrorCode.CONFLICT, () -> run(t -> t.blobs().discard(stored.id())));
        assertEquals(Optional.of(stored), findBlob(stored.id()));
        run(t -> t.blobs().forget(writing.id()));
        assertEquals(Optional.empty(), findBlob(writing.id()));
    }

    @Test
    void abandonedListsOldReservationsAndRetiredBlobsOldestFirst() {
        long old = reserve(project, "default", "w1", t(10)).id();
        long discarded = reserve(otherProject, "default", "d", t(20)).id();
        long later = reserve(project, "default", "w2", t(30)).id();
        commit(reserve(otherProject, "default", "s", t(5)).id(), sha(1), 1);
        commit(discarded, sha(1), 1);
        reserve(project, "default", "w3", t(100));
        List<Long> abandoned = tx(t -> t.blobs().abandoned(t(50), 10)).stream().map(Blob::id).toList();
        assertEquals(List.of(old, discarded, later), abandoned);
        assertEquals(List.of(old, discarded), tx(t -> t.blobs().abandoned(t(50), 2)).stream().map(Blob::id).toList());
    }

    /** Reservations still being written, however old and many, never crowd out the blobs a sweep must remove. */
    @Test
    void deletingListsOnlyRetiredBlobsOldestFirst() {
        reserve(project, "default", "w1", t(10));
        long first = reserve(otherProject, "default", "d1", t(20)).id();
        long second = reserve(project, "default", "d2", t(30)).id();
        run(t -> t.blobs().discard(second));
        commit(reserve(otherProject, "default", "s", t(5)).id(), sha(1), 1);
        commit(first, sha(1), 1);
        run(t -> t.blobs().discard(reserve(project, "default", "d3", t(100)).id()));

        assertEquals(List.of(first), tx(t -> t.blobs().deleting(t(50), 1)).stream().map(Blob::id).toList());
        assertEquals(List.of(first, second), tx(t -> t.blobs().deleting(t(50), 10)).stream().map(Blob::id).toList());
    }

    @Test
    void writingAnswersForReservationsOnlyInTheirStore() {
        Blob reserved = reserve(project, "default", "w/a.bin");
        Blob stored = reserve(project, "default", "w/b.bin");
        commit(stored.id(), sha(7), 1);
        assertTrue((boolean) tx(t -> t.blobs().writing("default", reserved.objectKey())));
        assertFalse((boolean) tx(t -> t.blobs().writing("archive", reserved.objectKey())));
        assertFalse((boolean) tx(t -> t.blobs().writing("default", stored.objectKey())));
        assertFalse((boolean) tx(t -> t.blobs().writing("default", "w/none.bin")));
    }

    @Test
    void statsCountRecordsTrashIncludedAndStoredBlobs() {
        Blob shared = storedBlob(project, "default", "a", sha(1), 100);
        commit(reserve(project, "default", "a2").id(), sha(1), 100);
        Blob single = storedBlob(project, "default", "b", sha(2), 50);
        insert(upload(project).blobId(shared.id()).sizeBytes(100).build());
        insert(upload(project).blobId(shared.id()).sizeBytes(100).deletedAt(t(1)).build());
        insert(upload(project).blobId(single.id()).sizeBytes(50).build());
        insert(upload(project).sizeBytes(7).status(UploadStatus.PENDING).build());
        Blob theirs = storedBlob(otherProject, "default", "c", sha(3), 1000);
        insert(upload(otherProject).blobId(theirs.id()).sizeBytes(1000).build());
        DedupStats stats = tx(t -> t.blobs().stats(project));
        assertEquals(new DedupStats(3, 2, 250, 150), stats);
        assertEquals(1, stats.duplicateFiles());
    }

    @Test
    void concurrentCommitsOfIdenticalBytesEndWithOneBlob() throws Exception {
        int threads = 16;
        // Several rounds, because a race that is lost once in a while must still fail this test.
        for (int round = 0; round < 5; round++) {
            String hash = sha(100 + round);
            List<Blob> reservations = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                reservations.add(reserve(project, "default", "same.bin"));
            }
            List<DedupIndex.CommitResult> results = runConcurrently(threads,
                    i -> commit(reservations.get(i).id(), hash, 42));
            Blob stored = tx(t -> t.blobs().findStored(project, "default", hash)).orElseThrow();
            assertEquals(threads, stored.refCount());
            assertEquals(1, results.stream().filter(r -> !r.deduplicated()).count());
            assertEquals(Set.of(stored.id()), results.stream().map(r -> r.blob().id()).collect(Collectors.toSet()));
            assertEquals(LongStream.rangeClosed(1, threads).boxed().collect(Collectors.toSet()),
                    results.stream().map(r -> r.blob().refCount()).collect(Collectors.toSet()));
            assertEquals(round + 1, tx(t -> t.blobs().stats(project)).uniqueBlobs());
        }
    }

    @Test
    void commitsOfDifferentBytesInOneProjectDoNotWaitForEachOther() throws Exception {
        Blob first = reserve(project, "default", "first.bin");
        Blob second = reserve(project, "default", "second.bin");
        CountDownLatch committed = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        ExecutorService holder = Executors.newSingleThreadExecutor();
        try {
            Future<DedupIndex.CommitResult> open = holder.submit(() -> tx(t -> {
                DedupIndex.CommitResult result = t.blobs().commit(first.id(), sha(7), 7, null);
                committed.countDown();
                awaitUninterruptibly(finish);
                return result;
            }));
            assertTrue(committed.await(30, TimeUnit.SECONDS), "the first commit did not run");
            // The first transaction is still open: a project-wide lock would hold this one until it ends.
            DedupIndex.CommitResult result = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> commit(second.id(), sha(8), 8));
            assertFalse(result.deduplicated());
            finish.countDown();
            assertFalse(open.get(30, TimeUnit.SECONDS).deduplicated());
            assertEquals(2, tx(t -> t.blobs().stats(project)).uniqueBlobs());
        } finally {
            finish.countDown();
            holder.shutdown();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void concurrentReservationsOfOneKeyGetDistinctKeys() throws Exception {
        List<Blob> blobs = runConcurrently(16, i -> reserve(i % 2 == 0 ? project : otherProject, "default", "race/f.txt"));
        Set<String> keys = blobs.stream().map(Blob::objectKey).collect(Collectors.toSet());
        assertEquals(16, keys.size());
        assertTrue(keys.contains("race/f.txt"));
    }

    @Test
    void concurrentReferenceChangesAreNotLost() throws Exception {
        Blob blob = storedBlob(project, "default", "refs.bin", sha(1), 10);
        runConcurrently(16, i -> tx(t -> t.blobs().addReference(blob.id())));
        assertEquals(17, findBlob(blob.id()).orElseThrow().refCount());
        List<Optional<Blob>> released = runConcurrently(16, i -> tx(t -> t.blobs().release(blob.id())));
        assertTrue(released.stream().allMatch(Optional::isEmpty));
        assertEquals(1, findBlob(blob.id()).orElseThrow().refCount());
    }
}
