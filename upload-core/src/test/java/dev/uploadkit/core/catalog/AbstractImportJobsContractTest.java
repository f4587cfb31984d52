package dev.uploadkit.core.catalog;

import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadError;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.testing.CatalogTestSupport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static dev.uploadkit.core.testing.TestUploads.t;
import static dev.uploadkit.core.testing.TestUploads.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of {@link ImportJobs} and of the lifecycle queries of {@link UploadRecords}: jobs are claimed once
 * however many instances race for them, requeued a bounded number of times, and go with their upload;
 * {@code markProcessing}, {@code cancelledAmong} and {@code lockExpired} select exactly what they promise.
 */
public abstract class AbstractImportJobsContractTest extends CatalogTestSupport {

    private Upload pendingImport(int n, String url, boolean filenameGiven) {
        Upload pending = upload(project).filename("import-" + n + ".bin").status(UploadStatus.PENDING).mimeType(null)
                .sourceUrl(url).createdAt(t(n)).updatedAt(t(n)).build();
        run(tx -> {
            tx.uploads().insert(pending);
            tx.imports().add(project, pending.uuid(), url, filenameGiven, t(n));
        });
        return pending;
    }

    @Test
    void aJobIsClaimedOnceOldestFirstWithItsUpload() {
        Upload first = pendingImport(1, "https://example.com/a.bin", true);
        Upload second = pendingImport(2, "https://example.com/b.bin", false);
        insert(upload(project).status(UploadStatus.PENDING).build()); // pending without a job: not an import
        assertEquals(2L, this.<Long>tx(tx -> tx.imports().countUnfinished()));

        List<ImportJobs.Job> claimed = tx(tx -> tx.imports().claim("instance-a", t(10), 1));
        assertEquals(1, claimed.size());
        ImportJobs.Job job = claimed.get(0);
        assertEquals(first.uuid(), job.upload().uuid());
        assertEquals(UploadStatus.PROCESSING, job.upload().status());
        assertEquals("https://example.com/a.bin", job.url());
        assertEquals("https://example.com/a.bin", job.upload().sourceUrl());
        assertTrue(job.filenameGiven());
        assertEquals(0, job.attempts());

        List<ImportJobs.Job> rest = tx(tx -> tx.imports().claim("instance-b", t(11), 10));
        assertEquals(List.of(second.uuid()), rest.stream().map(j -> j.upload().uuid()).toList());
        assertFalse(rest.get(0).filenameGiven());
        assertEquals(List.of(), tx(tx -> tx.imports().claim("instance-a", t(12), 10)));
        assertEquals(2L, this.<Long>tx(tx -> tx.imports().countUnfinished()), "running imports are not finished");
        run(tx -> tx.imports().remove(project, first.uuid()));
        assertEquals(1L, this.<Long>tx(tx -> tx.imports().countUnfinished()));
    }

    @Test
    void racingInstancesNeverClaimTheSameJob() throws Exception {
        Set<UUID> expected = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            expected.add(pendingImport(i, "https://example.com/" + i, false).uuid());
        }
        List<List<ImportJobs.Job>> claims = runConcurrently(4,
                n -> tx(tx -> tx.imports().claim("instance-" + n, t(100), 20)));
        List<UUID> all = new ArrayList<>();
        claims.forEach(c -> c.forEach(j -> all.add(j.upload().uuid())));
        assertEquals(all.size(), new HashSet<>(all).size(), "no job claimed twice: " + all);
        List<UUID> more = tx(tx -> tx.imports().claim("late", t(101), 20)).stream().map(j -> j.upload().uuid()).toList();
        all.addAll(more);
        assertEquals(expected, new HashSet<>(all));
    }

    @Test
    void requeueGivesAnInterruptedImportABoundedNumberOfRuns() {
        Upload pending = pendingImport(1, "https://example.com/x", false);
        tx(tx -> tx.imports().claim("crashed", t(2), 1));
        assertEquals(true, tx(tx -> tx.imports().requeue(project, pending.uuid(), 2, t(3))));
        assertEquals(UploadStatus.PENDING, find(project, pending.uuid()).orElseThrow().status());
        ImportJobs.Job again = tx(tx -> tx.imports().claim("other", t(4), 1)).get(0);
        assertEquals(1, again.attempts());
        assertEquals(true, tx(tx -> tx.imports().requeue(project, pending.uuid(), 2, t(5))));
        tx(tx -> tx.imports().claim("other", t(6), 1));
        assertEquals(false, tx(tx -> tx.imports().requeue(project, pending.uuid(), 2, t(7))), "attempts used up");
        assertEquals(UploadStatus.PROCESSING, find(project, pending.uuid()).orElseThrow().status());
        assertEquals(false, tx(tx -> tx.imports().requeue(otherProject, pending.uuid(), 5, t(8))), "another project's");
    }

    @Test
    void releaseGivesBackAProcessingImportWithoutCountingAnAttempt() {
        Upload pending = pendingImport(1, "https://example.com/x", false);
        assertEquals(false, tx(tx -> tx.imports().release(project, pending.uuid(), t(2))), "not processing yet");
        tx(tx -> tx.imports().claim("stopping", t(3), 1));
        assertEquals(true, tx(tx -> tx.imports().release(project, pending.uuid(), t(4))));
        assertEquals(UploadStatus.PENDING, find(project, pending.uuid()).orElseThrow().status());
        ImportJobs.Job again = tx(tx -> tx.imports().claim("next", t(5), 1)).get(0);
        assertEquals(0, again.attempts(), "a release is not an attempt");
        assertEquals(false, tx(tx -> tx.imports().release(otherProject, pending.uuid(), t(6))), "another project's");
        update(again.upload().toBuilder().status(UploadStatus.CANCELLED).error(UploadError.cancelled()).build());
        assertEquals(false, tx(tx -> tx.imports().release(project, pending.uuid(), t(7))), "cancelled");
        assertEquals(UploadStatus.CANCELLED, find(project, pending.uuid()).orElseThrow().status());
        Upload plain = insert(upload(project).status(UploadStatus.PROCESSING).build());
        assertEquals(false, tx(tx -> tx.imports().release(project, plain.uuid(), t(8))), "not an import");
    }

    @Test
    void aJobGoesWithItsUploadOrWhenRemoved() {
        Upload one = pendingImport(1, "https://example.com/1", false);
        Upload two = pendingImport(2, "https://example.com/2", false);
        assertTrue(tx(tx -> tx.imports().find(project, one.uuid())).isPresent());
        run(tx -> tx.imports().remove(project, one.uuid()));
        assertEquals(Optional.empty(), tx(tx -> tx.imports().find(project, one.uuid())));
        delete(project, two.uuid());
        assertEquals(Optional.empty(), tx(tx -> tx.imports().find(project, two.uuid())));
        assertEquals(List.of(), tx(tx -> tx.imports().claim("a", t(9), 10)));
    }

    @Test
    void markProcessingTakesOverAPendingOrProcessingUploadOnly() {
        Upload pending = insert(upload(project).status(UploadStatus.PENDING).build());
        Upload named = pending.toBuilder().status(UploadStatus.PROCESSING).filename("named.txt").updatedAt(t(5)).build();
        assertEquals(true, tx(tx -> tx.uploads().markProcessing(named, "me", null)));
        assertEquals(named, find(project, pending.uuid()).orElseThrow());
        assertEquals(true, named.isStored());
        Upload unstored = named.toBuilder().isStored(false).build();
        assertEquals(true, tx(tx -> tx.uploads().markProcessing(unstored, "me", null)));
        assertEquals(named, find(project, pending.uuid()).orElseThrow(), "a store made meanwhile is kept");
        Upload cancelled = named.toBuilder().status(UploadStatus.CANCELLED).error(UploadError.cancelled()).build();
        update(cancelled);
        assertEquals(false, tx(tx -> tx.uploads().markProcessing(named, "me", null)));
        assertEquals(cancelled, find(project, pending.uuid()).orElseThrow());
    }

    @Test
    void cancelledAmongNamesOnlyCancelledUploads() {
        Upload live = insert(upload(project).status(UploadStatus.PROCESSING).build());
        Upload cancelled = insert(upload(project).status(UploadStatus.CANCELLED).error(UploadError.cancelled()).build());
        Upload elsewhere = insert(upload(otherProject).status(UploadStatus.CANCELLED).error(UploadError.cancelled())
                .build());
        assertEquals(Set.of(cancelled.uuid(), elsewhere.uuid()), Set.copyOf(tx(tx -> tx.uploads().cancelledAmong(
                List.of(live.uuid(), cancelled.uuid(), elsewhere.uuid(), UUID.randomUUID())))));
        assertEquals(List.of(), tx(tx -> tx.uploads().cancelledAmong(List.of())));
    }

    @Test
    void lockExpiredSelectsOldUnstoredFailedAndCancelledUploads() {
        Upload unstored = insert(upload(project).isStored(false).createdAt(t(1)).build());
        Upload failed = insert(upload(project).status(UploadStatus.FAILED).error(UploadError.interrupted())
                .createdAt(t(2)).build());
        Upload cancelled = insert(upload(otherProject).status(UploadStatus.CANCELLED).error(UploadError.cancelled())
                .createdAt(t(3)).build());
        insert(upload(project).createdAt(t(1)).build()); // stored
        insert(upload(project).isStored(false).status(UploadStatus.PROCESSING).createdAt(t(1)).build()); // running
        insert(upload(project).isStored(false).createdAt(t(50)).build()); // too young
        List<UUID> expired = tx(tx -> tx.uploads().lockExpired(t(10), 100)).stream().map(Upload::uuid).toList();
        assertEquals(List.of(unstored.uuid(), failed.uuid(), cancelled.uuid()), expired);
        assertEquals(1, tx(tx -> tx.uploads().lockExpired(t(10), 1)).size());
    }
}
