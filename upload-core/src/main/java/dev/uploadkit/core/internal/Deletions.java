package dev.uploadkit.core.internal;

import dev.uploadkit.core.EmptyTrashResult;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.catalog.Blob;
import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.catalog.CatalogTransaction;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Deleting upload records for good, one or in batches, and releasing their blobs by the dedup rules: a blob's
 * object is removed once no record references it, after the transaction that released it committed. Every record
 * deleted here leaves a tombstone ({@code tx.purged()}) written in the same transaction, so that a restore answers
 * {@code CONFLICT} rather than {@code NOT_FOUND} for {@link #PURGED_RETENTION}.
 */
public final class Deletions {
    /** Records deleted per transaction. */
    public static final int BATCH = 100;
    /**
     * How long a tombstone is kept after its upload was deleted for good. A fixed time rather than the trash
     * retention: a short retention ({@code 5s}) would otherwise forget a purge before anyone could ask about it.
     */
    public static final Duration PURGED_RETENTION = Duration.ofDays(30);
    /** Tombstones expired per transaction. */
    private static final int EXPIRE_BATCH = 1000;

    private final Catalog catalog;
    private final BlobReaper reaper;
    private final Events events;
    private final Supplier<Instant> clock;

    public Deletions(Catalog catalog, BlobReaper reaper, Events events, Supplier<Instant> clock) {
        this.catalog = catalog;
        this.reaper = reaper;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Deletes one upload and releases its blob; a {@code processing} upload whose instance has shown no heartbeat
     * since {@code aliveSince} also loses its reservation and partial bytes. Returns the deleted upload. Every
     * deletion for good is reported {@code upload.deleted} in its transaction, from trash or not (a move to trash
     * was reported {@code upload.deleted} already; the trash purge and emptying the trash report each upload too).
     *
     * @throws UploadException {@code NOT_FOUND}
     */
    public Upload forceDelete(UUID projectId, UUID uuid, Instant aliveSince) {
        Instant now = clock.get();
        Deleted deleted = catalog.inTransaction(tx -> {
            Upload current = tx.uploads().lock(projectId, uuid)
                    .orElseThrow(() -> UploadException.notFound("File"));
            List<Blob> unreferenced = new ArrayList<>();
            if (current.status() == UploadStatus.PROCESSING) {
                tx.uploads().findInterrupted(projectId, uuid, aliveSince)
                        .ifPresent(p -> unreferenced.addAll(CrashSweep.reservations(tx.blobs(), p)));
            }
            deleteRecord(tx, current, now).ifPresent(unreferenced::add);
            events.appendGone(tx, current, now);
            return new Deleted(current, unreferenced);
        });
        deleted.unreferenced().stream().filter(b -> Long.valueOf(b.id()).equals(deleted.upload().blobId())).findFirst()
                .ifPresent(blob -> reaper.removeStaged(blob, deleted.upload()));
        reaper.removeObjects(deleted.unreferenced());
        return deleted.upload();
    }

    /**
     * Deletes the uploads {@code lockBatch} locks, a transaction per batch, until a batch has fewer than
     * {@link #BATCH}.
     */
    public EmptyTrashResult deleteTrashed(Function<CatalogTransaction, List<Upload>> lockBatch) {
        Instant now = clock.get();
        long deleted = 0;
        long bytesFreed = 0;
        while (true) {
            Batch batch = catalog.inTransaction(tx -> {
                List<Upload> trashed = lockBatch.apply(tx);
                List<Blob> unreferenced = new ArrayList<>();
                for (Upload u : trashed) {
                    deleteRecord(tx, u, now).ifPresent(unreferenced::add);
                    events.appendGone(tx, u, now);
                }
                return new Batch(trashed.size(), unreferenced);
            });
            deleted += batch.records();
            bytesFreed += batch.unreferenced().stream().mapToLong(Blob::sizeBytes).sum();
            reaper.removeObjects(batch.unreferenced());
            if (batch.records() < BATCH) {
                return new EmptyTrashResult(deleted, bytesFreed);
            }
        }
    }

    /**
     * Deletes, in every project, the uploads trashed longer than {@code retention} ago (as {@link #deleteTrashed}),
     * then the tombstones and the finished remote-copy jobs older than {@link #PURGED_RETENTION}: the trash purge
     * job.
     */
    public EmptyTrashResult purgeTrash(Duration retention) {
        Instant now = clock.get();
        Instant before = now.minus(retention);
        EmptyTrashResult result = deleteTrashed(tx -> tx.uploads().lockTrashedBefore(before, BATCH));
        Instant forgetBefore = now.minus(PURGED_RETENTION);
        int expired;
        do {
            expired = catalog.inTransaction(tx -> tx.purged().expire(forgetBefore, EXPIRE_BATCH));
        } while (expired == EXPIRE_BATCH);
        do {
            expired = catalog.inTransaction(tx -> tx.remoteCopies().expire(forgetBefore, EXPIRE_BATCH));
        } while (expired == EXPIRE_BATCH);
        return result;
    }

    /**
     * Deletes a record, leaving its tombstone, and drops its blob reference; returns the blob if that was its last
     * reference.
     */
    private static Optional<Blob> deleteRecord(CatalogTransaction tx, Upload upload, Instant now) {
        tx.uploads().delete(upload.projectId(), upload.uuid());
        tx.purged().add(upload.projectId(), upload.uuid(), now);
        return upload.blobId() == null ? Optional.empty() : tx.blobs().release(upload.blobId());
    }

    private record Deleted(Upload upload, List<Blob> unreferenced) {
    }

    private record Batch(int records, List<Blob> unreferenced) {
    }
}
