package dev.uploadkit.core.catalog;

import dev.uploadkit.core.Page;
import dev.uploadkit.core.PageRequest;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadQuery;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Upload records, always scoped to one project: nothing of another project is ever returned or changed.
 */
public interface UploadRecords {

    /** Inserts a new record; its uuid must be new. */
    void insert(Upload upload);

    /**
     * Inserts a new {@code processing} record owned by {@code instanceId}, whose bytes are being written to
     * reservation {@code reservationBlobId}, so that a crash sweep or a forced delete can remove them; null when no
     * bytes are written yet (an import still contacting its source).
     */
    void insertProcessing(Upload upload, String instanceId, Long reservationBlobId);

    /**
     * A {@code processing} upload, the blob reserved for its bytes (null if unknown) and the one they are moving to
     * once its form has ended (null if none: {@link #reserveMove}).
     */
    record Processing(Upload upload, Long reservationBlobId, Long moveBlobId) {
    }

    /**
     * Records on a {@code processing} upload the blob its bytes are moving or being copied to, so that a crash sweep
     * or a forced delete removes it too; returns false (nothing recorded) if the upload is not {@code processing}.
     */
    boolean reserveMove(UUID projectId, UUID uuid, long moveBlobId);

    /**
     * Returns the reservation of the project's upload if it is {@code processing} and its instance has not
     * shown a heartbeat at or after {@code aliveSince} (or it has no instance): an upload cut off by a crash.
     */
    Optional<Processing> findInterrupted(UUID projectId, UUID uuid, java.time.Instant aliveSince);

    /**
     * Returns up to {@code limit} uploads of any project that are {@code processing}, were created before
     * {@code aliveSince}, and whose instance has not shown a heartbeat at or after {@code aliveSince}.
     */
    List<Processing> listInterrupted(java.time.Instant aliveSince, int limit);

    /** Returns up to {@code limit} uploads of any project trashed before {@code before}, locked, oldest first. */
    List<Upload> lockTrashedBefore(java.time.Instant before, int limit);

    /** Returns the upload, trashed or not. */
    Optional<Upload> find(UUID projectId, UUID uuid);

    /** Like {@link #find} but locks the row until the transaction ends, for read-modify-write. */
    Optional<Upload> lock(UUID projectId, UUID uuid);

    /**
     * Replaces the mutable fields of an existing record (all but uuid, project and created_at).
     *
     * @return false if there is no such record
     */
    boolean update(Upload upload);

    /**
     * Replaces the mutable fields of a record that is still {@code processing} and not in trash: the commit of an
     * upload. A record still as staged (no size, no blob) takes one statement, without reading it first. Its trash
     * state is left as it is.
     *
     * @return false, changing nothing, if there is no such record or it is no longer processing or is in trash
     */
    boolean completeProcessing(Upload upload);

    /** Deletes the record for good. Returns false if there was none. */
    boolean delete(UUID projectId, UUID uuid);

    /**
     * Returns one page of the project's uploads matching {@code query}, in its sort order with uuid as the
     * tie-breaker. With a cursor, continues after it (a keyset scan); {@code nextCursor} is set when more
     * items follow.
     *
     * @throws dev.uploadkit.core.UploadException {@code VALIDATION_ERROR} for a malformed cursor
     */
    default Page<Upload> list(UUID projectId, UploadQuery query, PageRequest page) {
        return list(projectId, query, page, Long.MAX_VALUE);
    }

    /**
     * Like {@link #list(UUID, UploadQuery, PageRequest)}, but a filtered list is counted only up to
     * {@code countLimit}: past it, {@link Page#total()} is at least {@code countLimit} and
     * {@link Page#totalExact()} false. An unfiltered list's total is always exact, read from the project's
     * counters ({@link #totals}); {@code Long.MAX_VALUE} counts every filtered list exactly. A page never costs a
     * scan of all of the project's records unless a filter (a filename search) needs one.
     *
     * @throws IllegalArgumentException if {@code countLimit} is negative
     */
    Page<Upload> list(UUID projectId, UploadQuery query, PageRequest page, long countLimit);

    /** Returns the project's counters as of this transaction's last statement; costs no scan of its records. */
    ProjectTotals totals(UUID projectId);

    /** Returns up to {@code limit} trashed uploads of the project, locked, oldest trash first. */
    List<Upload> lockTrashed(UUID projectId, int limit);

    /** Returns the most recent live, completed upload of the project with these bytes. */
    Optional<Upload> findByHash(UUID projectId, String sha256);

    /**
     * Makes an existing {@code pending} or {@code processing} record {@code processing} on {@code instanceId}, writing
     * {@code reservationBlobId} (may be null) and the mutable fields of {@code upload}: the start of an import.
     * {@code is_stored} is only ever turned on here, so a store made while the import waited is kept.
     *
     * @return false, changing nothing, if there is no such record or it is neither pending nor processing (cancelled)
     */
    boolean markProcessing(Upload upload, String instanceId, Long reservationBlobId);

    /** Returns those of {@code uuids}, of any project, whose upload is {@code cancelled}. */
    List<UUID> cancelledAmong(java.util.Collection<UUID> uuids);

    /**
     * Returns up to {@code limit} uploads of any project, locked, created before {@code createdBefore}, that are
     * {@code failed} or {@code cancelled}, or {@code completed} with {@code is_stored} false: those the unstored
     * lifecycle removes.
     */
    List<Upload> lockExpired(java.time.Instant createdBefore, int limit);
}
