package dev.uploadkit.core.catalog;

import dev.uploadkit.core.Page;
import dev.uploadkit.core.PageRequest;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadQuery;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.testing.CatalogTestSupport;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.uploadkit.core.testing.TestUploads.sha;
import static dev.uploadkit.core.testing.TestUploads.t;
import static dev.uploadkit.core.testing.TestUploads.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of the project counters ({@link UploadRecords#totals}) and of list totals (SPEC §2): exact for
 * unfiltered lists, counted up to a limit for filtered ones, and kept exact by every change in its own
 * transaction, concurrent ones included. Each catalog implementation runs it by subclassing.
 */
public abstract class AbstractCountersContractTest extends CatalogTestSupport {

    @Test
    void everyChangeOfARecordKeepsTheCountersExact() {
        Upload a = insert(upload(project).sizeBytes(10).build());
        Upload b = insert(upload(project).sizeBytes(20).deletedAt(t(1)).build());
        insert(upload(otherProject).sizeBytes(1000).build());
        assertTotals(new ProjectTotals(1, 10, 1, 20, 0, 0, 0, 0));

        update(a.toBuilder().sizeBytes(15).deletedAt(t(2)).build());
        assertTotals(new ProjectTotals(0, 0, 2, 35, 0, 0, 0, 0));
        update(b.toBuilder().deletedAt(null).build());
        assertTotals(new ProjectTotals(1, 20, 1, 15, 0, 0, 0, 0));
        assertTrue(delete(project, a.uuid()));
        assertFalse(delete(project, a.uuid()));
        assertTotals(new ProjectTotals(1, 20, 0, 0, 0, 0, 0, 0));
        assertFalse(update(a));
        assertTotals(new ProjectTotals(1, 20, 0, 0, 0, 0, 0, 0));
        assertEquals(1000, tx(t -> t.uploads().totals(otherProject)).liveBytes());
    }

    @Test
    void uploadsAndBlobsKeepTheDedupCountersExact() {
        Blob first = completeUpload(sha(1), 100).blob();
        DedupIndex.CommitResult second = completeUpload(sha(1), 100);
        completeUpload(sha(2), 50);
        assertTrue(second.deduplicated());
        assertTotals(new ProjectTotals(3, 250, 0, 0, 3, 250, 2, 150));
        DedupStats stats = tx(t -> t.blobs().stats(project));
        assertEquals(new DedupStats(3, 2, 250, 150), stats);

        List<Upload> all = list(UploadQuery.live(), PageRequest.first(100)).items();
        for (Upload u : all) {
            if (u.blobId() == first.id()) {
                run(t -> {
                    t.uploads().delete(project, u.uuid());
                    t.blobs().release(u.blobId());
                });
            }
        }
        assertTotals(new ProjectTotals(1, 50, 0, 0, 1, 50, 1, 50));
    }

    @Test
    void processingUploadsCountOnceAndGainTheirSizeOnCompletion() {
        Upload processing = upload(project).status(UploadStatus.PROCESSING).build();
        Blob reservation = reserve(project, "default", "p.bin");
        run(t -> t.uploads().insertProcessing(processing, "instance-1", reservation.id()));
        assertTotals(new ProjectTotals(1, 0, 0, 0, 0, 0, 0, 0));
        completeWith40Bytes(processing, reservation, 7);
        assertTotals(new ProjectTotals(1, 40, 0, 0, 1, 40, 1, 40));
        boolean again = tx(t -> t.uploads().completeProcessing(processing.toBuilder().sizeBytes(99).build()));
        assertFalse(again);
        assertTotals(new ProjectTotals(1, 40, 0, 0, 1, 40, 1, 40));
    }

    @Test
    void aProcessingRowNoLongerAsStagedStillCompletesWithExactCounters() {
        // Staged with a size already counted: the completion cannot assume the staged state, so it reads it.
        Upload processing = upload(project).status(UploadStatus.PROCESSING).sizeBytes(7).build();
        Blob reservation = reserve(project, "default", "q.bin");
        run(t -> t.uploads().insertProcessing(processing, "instance-1", reservation.id()));
        assertTotals(new ProjectTotals(1, 7, 0, 0, 0, 0, 0, 0));
        completeWith40Bytes(processing, reservation, 8);
        assertTotals(new ProjectTotals(1, 40, 0, 0, 1, 40, 1, 40));
    }

    /** Commits 40 bytes (named by {@code content}) to the reservation and completes the processing upload. */
    private void completeWith40Bytes(Upload processing, Blob reservation, int content) {
        run(t -> {
            Blob blob = t.blobs().commit(reservation, sha(content), 40, "text/plain").blob();
            assertTrue(t.uploads().completeProcessing(processing.toBuilder().status(UploadStatus.COMPLETED)
                    .sizeBytes(40).blobId(blob.id()).sha256(sha(content)).build()));
        });
    }

    @Test
    void aRolledBackChangeLeavesTheCountersAlone() {
        try {
            run(t -> {
                t.uploads().insert(upload(project).sizeBytes(5).build());
                throw new IllegalStateException("roll back");
            });
        } catch (IllegalStateException expected) {
            // the transaction rolled back
        }
        assertTotals(new ProjectTotals(0, 0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void unfilteredTotalsAreExactAndFilteredOnesStopAtTheLimit() {
        for (int i = 0; i < 7; i++) {
            insert(upload(project).folder("a").createdAt(t(i)).build());
        }
        insert(upload(project).folder("b").build());
        insert(upload(project).folder("a").deletedAt(t(9)).build());

        Page<Upload> all = tx(t -> t.uploads().list(project, UploadQuery.live(), PageRequest.first(2), 3));
        assertEquals(8, all.total());
        assertTrue(all.totalExact());
        assertEquals(1, tx(t -> t.uploads().list(project, UploadQuery.trashed(), PageRequest.first(2), 3)).total());
        UploadQuery all9 = UploadQuery.builder().view(UploadQuery.View.ALL).build();
        assertEquals(9, tx(t -> t.uploads().list(project, all9, PageRequest.first(2), 3)).total());

        UploadQuery folderA = UploadQuery.builder().view(UploadQuery.View.LIVE).folder("a").build();
        Page<Upload> capped = tx(t -> t.uploads().list(project, folderA, PageRequest.first(2), 3));
        assertFalse(capped.totalExact());
        assertEquals(3, capped.total());
        assertEquals(2, capped.items().size());
        Page<Upload> deep = tx(t -> t.uploads().list(project, folderA, new PageRequest(3, 2, null), 3));
        assertFalse(deep.totalExact());
        assertEquals(6, deep.items().size() + 4);
        assertTrue(deep.total() >= 7, "a page past the limit reports at least what was seen: " + deep.total());

        Page<Upload> exact = tx(t -> t.uploads().list(project, folderA, PageRequest.first(2), Long.MAX_VALUE));
        assertTrue(exact.totalExact());
        assertEquals(7, exact.total());
        Page<Upload> atLimit = tx(t -> t.uploads().list(project, folderA, PageRequest.first(2), 7));
        assertTrue(atLimit.totalExact());
        assertEquals(7, atLimit.total());
    }

    @Test
    void numberedPagesDeepInTheListMatchCursorPages() {
        List<UUID> expected = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            expected.add(0, insert(upload(project).createdAt(t(i)).build()).uuid());
        }
        List<UUID> byNumber = new ArrayList<>();
        for (int p = 1; p <= 9; p++) {
            int n = p;
            byNumber.addAll(tx(t -> t.uploads().list(project, UploadQuery.live(), new PageRequest(n, 3, null), 10))
                    .items().stream().map(Upload::uuid).toList());
        }
        assertEquals(expected, byNumber);
    }

    @Test
    void concurrentUploadsTrashRestoresAndDeletesKeepTheCountersExact() throws Exception {
        int threads = 12;
        int perThread = 6;
        runConcurrently(threads, n -> {
            for (int i = 0; i < perThread; i++) {
                // Half the threads upload the same bytes, so commits race on one blob's references.
                String hash = sha(n % 2 == 0 ? 1000 : 2000 + n * 100 + i);
                Upload done = uploadThrough(hash, 10 + n + i);
                if (i % 3 == 1) {
                    run(t -> t.uploads().lock(project, done.uuid()).ifPresent(u ->
                            t.uploads().update(u.toBuilder().deletedAt(Instant.now()).build())));
                }
                if (i % 3 == 2) {
                    run(t -> t.uploads().lock(project, done.uuid()).ifPresent(u -> {
                        t.uploads().delete(project, u.uuid());
                        t.blobs().release(u.blobId());
                    }));
                }
            }
            return null;
        });
        ProjectTotals counted = recount();
        assertEquals(counted, tx(t -> t.uploads().totals(project)));
        assertEquals(threads * perThread * 2 / 3, counted.liveFiles() + counted.trashFiles());
    }

    /** Counts the project's records and blobs by reading them all. */
    private ProjectTotals recount() {
        long[] c = new long[6];
        UploadQuery everything = UploadQuery.builder().view(UploadQuery.View.ALL).build();
        String cursor = null;
        List<Long> blobs = new ArrayList<>();
        do {
            String at = cursor;
            Page<Upload> page = tx(t -> t.uploads().list(project, everything, new PageRequest(1, 100, at)));
            for (Upload u : page.items()) {
                int base = u.isTrashed() ? 2 : 0;
                c[base]++;
                c[base + 1] += u.sizeBytes();
                if (u.blobId() != null) {
                    c[4]++;
                    c[5] += u.sizeBytes();
                    if (!blobs.contains(u.blobId())) {
                        blobs.add(u.blobId());
                    }
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        long blobBytes = 0;
        for (long id : blobs) {
            blobBytes += findBlob(id).orElseThrow().sizeBytes();
        }
        return new ProjectTotals(c[0], c[1], c[2], c[3], c[4], c[5], blobs.size(), blobBytes);
    }

    private Upload uploadThrough(String hash, long size) {
        Upload processing = upload(project).status(UploadStatus.PROCESSING).filename("f" + size + ".bin").build();
        // Every thread stores the same bytes under one hash with one size, as identical content would have.
        return uploadThrough(processing, "default", hash, hash.equals(sha(1000)) ? 77 : size);
    }

    private DedupIndex.CommitResult completeUpload(String hash, long size) {
        Upload processing = upload(project).status(UploadStatus.PROCESSING).build();
        Blob reservation = tx(t -> {
            Blob blob = t.blobs().reserve(project, "default", "x.bin", t(0));
            t.uploads().insertProcessing(processing, "instance-1", blob.id());
            return blob;
        });
        return tx(t -> {
            DedupIndex.CommitResult result = t.blobs().commit(reservation, hash, size, "text/plain");
            t.uploads().completeProcessing(processing.toBuilder().status(UploadStatus.COMPLETED).sizeBytes(size)
                    .blobId(result.blob().id()).sha256(hash).build());
            return result;
        });
    }

    private void assertTotals(ProjectTotals expected) {
        assertEquals(expected, tx(t -> t.uploads().totals(project)));
    }
}
