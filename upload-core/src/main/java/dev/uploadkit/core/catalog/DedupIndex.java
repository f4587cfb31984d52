package dev.uploadkit.core.catalog;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The registry of blobs: which keys are taken in which store, which bytes are stored once per project and
 * store, and how many upload records reference each blob.
 *
 * <p>Bytes are written under a key reserved beforehand ({@link #reserve}); once their hash is known,
 * {@link #commit} either keeps them as a new blob or, when the same bytes are already stored, takes a
 * reference on that blob and marks the reservation for removal. A blob's object is removed only after its
 * last reference is released. Concurrent commits of identical bytes end with exactly one stored blob.
 */
public interface DedupIndex {

    /**
     * Reserves a key in {@code storageId} for bytes about to be written: {@code preferredKey} when it is
     * free, otherwise a unique variant of it. The reservation is a blob in state {@code WRITING}.
     */
    Blob reserve(UUID projectId, String storageId, String preferredKey, Instant now);

    /**
     * Records the written bytes of reservation {@code blobId} and takes one reference for a new upload.
     *
     * <p>If the project already has a stored blob with {@code sha256} in the same store, that blob gains the
     * reference and the reservation moves to {@code DELETING} (the caller removes its object, then
     * {@link #forget}s it); otherwise the reservation becomes that stored blob with one reference.
     */
    CommitResult commit(long blobId, String sha256, long sizeBytes, String mimeType);

    /**
     * Like {@link #commit(long, String, long, String)} for a reservation the caller holds as returned by
     * {@link #reserve}, which saves reading it again.
     */
    default CommitResult commit(Blob reservation, String sha256, long sizeBytes, String mimeType) {
        return commit(reservation.id(), sha256, sizeBytes, mimeType);
    }

    /** The outcome of {@link #commit}. */
    record CommitResult(Blob blob, Optional<Blob> discarded) {
        public boolean deduplicated() {
            return discarded.isPresent();
        }
    }

    /** Adds one reference to a stored blob (a copy of an upload). */
    Blob addReference(long blobId);

    /**
     * Drops one reference. When it was the last, the blob moves to {@code DELETING}, stops being found by
     * hash, and is returned so the caller can remove its object after commit and then {@link #forget} it.
     */
    Optional<Blob> release(long blobId);

    /** Deletes the row of a {@code WRITING} or {@code DELETING} blob once its object is gone. */
    void forget(long blobId);

    /**
     * Turns a {@code WRITING} reservation whose bytes are no longer wanted into a {@code DELETING} blob: the caller
     * removes its object after commit and then {@link #forget}s it, or a crash sweep does.
     *
     * @throws dev.uploadkit.core.UploadException {@code CONFLICT} if the blob is not {@code WRITING}
     */
    void discard(long blobId);

    /** Returns the project's stored blob with these bytes in this store. */
    Optional<Blob> findStored(UUID projectId, String storageId, String sha256);

    /** Returns the blob with this id, in any state. */
    Optional<Blob> find(long blobId);

    /** Returns up to {@code limit} blobs in {@code WRITING} or {@code DELETING} created before {@code before}. */
    List<Blob> abandoned(Instant before, int limit);

    /**
     * Returns up to {@code limit} blobs in {@code DELETING} created before {@code before}, oldest first: those a crash
     * sweep removes. Unlike {@link #abandoned}, reservations still {@code WRITING} (long uploads in flight) never take
     * the places of the blobs to remove.
     */
    List<Blob> deleting(Instant before, int limit);

    /**
     * Returns whether a blob in state {@code WRITING} holds {@code objectKey} in {@code storageId}: bytes are (or
     * were, until a crash) being written there, so the store's unfinished multipart upload of that key is owned.
     */
    boolean writing(String storageId, String objectKey);

    /** Returns the project's deduplication figures, trashed uploads included. */
    DedupStats stats(UUID projectId);
}
