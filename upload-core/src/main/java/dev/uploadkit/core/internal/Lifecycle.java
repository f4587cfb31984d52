package dev.uploadkit.core.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadError;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.catalog.Blob;
import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.event.EventType;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Cancelling uploads, storing unstored ones, and removing what the unstored lifecycle lets go: unstored, failed and
 * cancelled uploads older than the time to live.
 */
public final class Lifecycle {
    private static final int BATCH = 100;

    private final Catalog catalog;
    private final BlobReaper reaper;
    private final Supplier<Instant> clock;
    private final Events events;
    private final InFlight inFlight;

    public Lifecycle(Catalog catalog, BlobReaper reaper, Supplier<Instant> clock, Events events, InFlight inFlight) {
        this.catalog = catalog;
        this.reaper = reaper;
        this.clock = clock;
        this.events = events;
        this.inFlight = inFlight;
    }

    /**
     * Cancels a {@code pending} or {@code processing} upload: it becomes {@code cancelled} with error
     * {@code CANCELLED}, and its stream, when this instance holds it, is aborted at once (another instance's is
     * aborted by its watcher, see {@link #abortCancelledStreams()}).
     *
     * @throws UploadException {@code NOT_FOUND}; {@code CONFLICT} if it is completed, failed or already cancelled
     */
    public Upload cancel(UUID projectId, UUID uuid) {
        Instant now = clock.get();
        Upload cancelled = catalog.inTransaction(tx -> {
            Upload current = tx.uploads().lock(projectId, uuid).orElseThrow(() -> UploadException.notFound("File"));
            if (current.status() != UploadStatus.PENDING && current.status() != UploadStatus.PROCESSING) {
                throw new UploadException(ErrorCode.CONFLICT, "Only a pending or processing upload can be "
                        + "cancelled; this one is " + current.status().wireName() + ".");
            }
            Upload next = current.toBuilder().status(UploadStatus.CANCELLED).error(UploadError.cancelled())
                    .updatedAt(now).build();
            tx.uploads().update(next);
            tx.imports().remove(projectId, uuid);
            return next;
        });
        inFlight.abort(uuid);
        return cancelled;
    }

    /**
     * Aborts the streams this instance holds whose uploads another instance cancelled. Returns how many. A
     * background watcher calls it a few times a second.
     */
    public int abortCancelledStreams() {
        Set<UUID> streaming = inFlight.uuids();
        if (streaming.isEmpty()) {
            return 0;
        }
        List<UUID> cancelled = catalog.inTransaction(tx -> tx.uploads().cancelledAmong(streaming));
        cancelled.forEach(inFlight::abort);
        return cancelled.size();
    }

    /**
     * Makes an upload stored ({@code is_stored: true}), so the unstored lifecycle keeps it; reports
     * {@code upload.stored} when it changed.
     *
     * @throws UploadException {@code NOT_FOUND}; {@code CONFLICT} for a failed or cancelled upload (it has no bytes)
     */
    public Upload store(UUID projectId, UUID uuid) {
        Instant now = clock.get();
        return catalog.inTransaction(tx -> {
            Upload current = tx.uploads().lock(projectId, uuid).orElseThrow(() -> UploadException.notFound("File"));
            if (current.status() == UploadStatus.FAILED || current.status() == UploadStatus.CANCELLED) {
                throw new UploadException(ErrorCode.CONFLICT, "A " + current.status().wireName()
                        + " upload holds no file to store.");
            }
            if (current.isStored()) {
                return current;
            }
            Upload next = current.toBuilder().isStored(true).updatedAt(now).build();
            tx.uploads().update(next);
            events.append(tx, EventType.UPLOAD_STORED, next);
            return next;
        });
    }

    /**
     * Deletes for good, in every project, the uploads the unstored lifecycle lets go once created more than
     * {@code ttl} ago: unstored completed ones (reported {@code upload.deleted} unless already in trash), failed and
     * cancelled ones. Their blobs are released as when emptying the trash. A completed one leaves a tombstone, as a
     * forced deletion does (a restore of it is {@code CONFLICT}); a failed or cancelled one held no file and leaves
     * none. Returns how many were deleted.
     */
    public long removeExpired(Duration ttl) {
        Instant now = clock.get();
        Instant before = now.minus(ttl);
        long deleted = 0;
        while (true) {
            record Batch(int records, List<Blob> unreferenced) {
            }
            Batch batch = catalog.inTransaction(tx -> {
                List<Upload> expired = tx.uploads().lockExpired(before, BATCH);
                List<Blob> unreferenced = new ArrayList<>();
                for (Upload u : expired) {
                    tx.uploads().delete(u.projectId(), u.uuid());
                    if (u.blobId() != null) {
                        tx.blobs().release(u.blobId()).ifPresent(unreferenced::add);
                    }
                    if (u.status() == UploadStatus.COMPLETED) {
                        tx.purged().add(u.projectId(), u.uuid(), now);
                    }
                    if (u.status() == UploadStatus.COMPLETED && !u.isTrashed()) {
                        events.appendGone(tx, u, now);
                    }
                }
                return new Batch(expired.size(), unreferenced);
            });
            deleted += batch.records();
            reaper.removeObjects(batch.unreferenced());
            if (batch.records() < BATCH) {
                return deleted;
            }
        }
    }
}
