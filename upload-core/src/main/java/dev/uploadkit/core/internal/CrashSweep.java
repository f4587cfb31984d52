package dev.uploadkit.core.internal;

import dev.uploadkit.core.SweepResult;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadError;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.catalog.Blob;
import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.catalog.UploadRecords;
import dev.uploadkit.core.event.UploadEvent;
import dev.uploadkit.core.store.FileStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Heartbeats of this instance, and the sweep that finishes off what crashed instances left: {@code processing}
 * uploads become {@code failed} with error {@code INTERRUPTED} and lose their partial bytes, {@code deleting} blobs
 * are removed, temporary files of cut-off writes are deleted, unfinished multipart uploads that no write owns
 * are aborted, and the webhook deliveries they held leases on are freed for another instance to send.
 */
public final class CrashSweep {
    private static final Logger LOG = LoggerFactory.getLogger(CrashSweep.class);
    private static final int BATCH = 500;

    private final Catalog catalog;
    private final BlobReaper reaper;
    private final Supplier<Instant> clock;
    private final String instanceId;
    private final Supplier<Collection<FileStore>> stores;
    private final Events events;

    public CrashSweep(Catalog catalog, BlobReaper reaper, Supplier<Instant> clock, String instanceId,
                      Supplier<Collection<FileStore>> stores, Events events) {
        this.catalog = catalog;
        this.reaper = reaper;
        this.clock = clock;
        this.instanceId = instanceId;
        this.stores = stores;
        this.events = events;
    }

    /**
     * Returns the key that staged bytes under {@code stagingKey} belong under: that of the upload they were staged
     * for ({@link BlobKeys#staging}), if it committed, in this store, referencing bytes of its own (a deduplicated
     * upload names another blob's key, which holds the bytes already; the store then removes the staged copy).
     */
    private Optional<String> committedKey(FileStore store, String stagingKey) {
        return BlobKeys.staged(stagingKey).flatMap(staged -> catalog.inTransaction(
                        tx -> tx.uploads().find(staged.projectId(), staged.uuid())))
                .filter(u -> u.objectKey() != null && store.id().equals(u.storageId()))
                .map(Upload::objectKey);
    }

    /** Records that this instance is alive now. */
    public void heartbeat() {
        Instant now = clock.get();
        catalog.inTransaction(tx -> {
            tx.instances().heartbeat(instanceId, now);
            return null;
        });
    }

    /**
     * Frees the webhook delivery leases of instances with no heartbeat for {@code staleAfter}, so that what a dead
     * instance was sending goes out again now rather than when the leases run out; returns how many. A failure is
     * logged, not thrown: the leases then run out as usual.
     */
    public int releaseDeadLeases(Duration staleAfter) {
        Instant aliveSince = clock.get().minus(staleAfter);
        try {
            int released = catalog.inTransaction(tx -> tx.webhooks().releaseLeasesOfDeadInstances(aliveSince));
            if (released > 0) {
                LOG.info("Freed {} webhook deliveries leased by instances without heartbeats since {}", released,
                        aliveSince);
            }
            return released;
        } catch (RuntimeException e) {
            LOG.warn("Could not free the webhook deliveries of dead instances: {}", e.toString());
            return 0;
        }
    }

    /**
     * Runs one sweep: uploads whose instance has shown no heartbeat for {@code staleAfter}, then {@code deleting}
     * blobs and temporary files older than {@code grace}.
     */
    public SweepResult sweep(Duration staleAfter, Duration grace) {
        Instant now = clock.get();
        Instant aliveSince = now.minus(staleAfter);
        List<UploadRecords.Processing> candidates =
                catalog.inTransaction(tx -> tx.uploads().listInterrupted(aliveSince, BATCH));
        int failed = 0;
        for (UploadRecords.Processing candidate : candidates) {
            if (failInterrupted(candidate.upload(), aliveSince, now)) {
                failed++;
            }
        }
        // Webhook deliveries a dead instance was sending go out again now, not when their leases run out.
        releaseDeadLeases(staleAfter);
        Instant old = now.minus(grace);
        // created_at of a deleting blob is when it was written, not when it was released: a blob released this
        // very moment may be listed, and then both this sweep and the releasing caller remove it, which is harmless.
        List<Blob> deleting = catalog.inTransaction(tx -> tx.blobs().deleting(old, BATCH));
        reaper.removeObjects(deleting);
        int tempFiles = 0;
        int multipart = 0;
        for (FileStore store : stores.get()) {
            try {
                tempFiles += store.removeStaleTemporaryFiles(old, key -> committedKey(store, key));
            } catch (RuntimeException e) {
                LOG.warn("Could not remove the temporary files of store {}", store.id(), e);
            }
            try {
                // A WRITING blob holds the key of a write in progress (or of one a crash cut off, which the
                // first part of this sweep fails; its upload is aborted by a later sweep).
                multipart += store.abortStaleMultipartUploads(old, key -> catalog.inTransaction(
                        tx -> tx.blobs().writing(store.id(), key)));
            } catch (RuntimeException e) {
                LOG.warn("Could not abort the stale multipart uploads of store {}", store.id(), e);
            }
        }
        if (failed + deleting.size() + tempFiles + multipart > 0) {
            LOG.info("Crash sweep: {} interrupted uploads failed or (imports) queued again, {} deleting blobs "
                    + "removed, {} temporary files removed, {} unfinished multipart uploads aborted", failed,
                    deleting.size(), tempFiles, multipart);
        }
        return new SweepResult(failed, deleting.size(), tempFiles);
    }

    private boolean failInterrupted(Upload candidate, Instant aliveSince, Instant now) {
        Optional<Failed> failed = catalog.inTransaction(tx -> {
            Optional<Upload> current = tx.uploads().lock(candidate.projectId(), candidate.uuid())
                    .filter(u -> u.status() == UploadStatus.PROCESSING);
            Optional<UploadRecords.Processing> interrupted = current.isEmpty() ? Optional.empty()
                    : tx.uploads().findInterrupted(candidate.projectId(), candidate.uuid(), aliveSince);
            if (interrupted.isEmpty()) {
                return Optional.empty();
            }
            List<Blob> reservation = reservations(tx.blobs(), interrupted.get());
            // An import cut off by a crash starts over on any instance, a few times at most.
            if (current.get().sourceUrl() != null && tx.imports().requeue(candidate.projectId(), candidate.uuid(),
                    UrlImports.IMPORT_ATTEMPTS - 1, now)) {
                return Optional.of(new Failed(current.get(), reservation));
            }
            Upload next = current.get().toBuilder().status(UploadStatus.FAILED).error(UploadError.interrupted())
                    .updatedAt(now).build();
            tx.uploads().update(next);
            events.append(tx, UploadEvent.FAILED, next);
            return Optional.of(new Failed(next, reservation));
        });
        // Its partial bytes go now (temporary files, multipart parts), not when the grace period ends.
        failed.ifPresent(f -> reaper.removeUnfinished(f.reservation()));
        return failed.isPresent();
    }

    /**
     * Returns the reservations of an interrupted upload whose bytes are still being (or were) written: the first
     * one, and the one they were moving or being copied to when the form had ended.
     */
    public static List<Blob> reservations(dev.uploadkit.core.catalog.DedupIndex blobs,
                                          UploadRecords.Processing interrupted) {
        return java.util.stream.Stream.of(interrupted.reservationBlobId(), interrupted.moveBlobId())
                .filter(java.util.Objects::nonNull)
                .flatMap(id -> blobs.find(id).filter(b -> b.state() == Blob.State.WRITING).stream())
                .toList();
    }

    private record Failed(Upload upload, List<Blob> reservation) {
    }
}
