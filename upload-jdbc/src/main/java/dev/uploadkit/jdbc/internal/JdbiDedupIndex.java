package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.catalog.Blob;
import dev.uploadkit.core.catalog.DedupIndex;
import dev.uploadkit.core.catalog.DedupStats;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link DedupIndex} on the {@code blobs} table, within one transaction.
 *
 * <p>No lock wider than one blob row: two transactions committing the same bytes are told apart by the unique
 * content key {@code (project_id, storage_id, sha256)} of stored blobs. {@link #commit} first tries to reference
 * a stored blob and otherwise stores its reservation under that key; the loser of a race gets a unique violation
 * and takes a reference on the winner's blob instead. Reference changes lock only the blob they change.
 */
final class JdbiDedupIndex implements DedupIndex {
    private static final int MAX_RESERVE_ATTEMPTS = 16;
    private static final int MAX_COMMIT_ATTEMPTS = 50;
    private static final String STORE_SAVEPOINT = "uploadkit_store_blob";

    private final Tx tx;
    private final Vendor vendor;
    private final RowMapper<Blob> mapper;

    JdbiDedupIndex(Tx tx) {
        this.tx = tx;
        this.vendor = tx.vendor();
        this.mapper = Rows.blob(vendor);
    }

    @Override
    public Blob reserve(UUID projectId, String storageId, String preferredKey, Instant now) {
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(storageId, "storageId");
        Objects.requireNonNull(now, "now");
        if (preferredKey == null || preferredKey.isEmpty()
                || preferredKey.length() > ObjectKeys.MAX_LENGTH - ObjectKeys.SUFFIX_LENGTH) {
            throw new IllegalArgumentException("preferredKey must be 1 to "
                    + (ObjectKeys.MAX_LENGTH - ObjectKeys.SUFFIX_LENGTH) + " characters, was "
                    + (preferredKey == null ? "null" : preferredKey.length() + " characters"));
        }
        return tx.run(h -> {
            String key = preferredKey;
            int lastSegment = KeyClashes.segments(preferredKey) - 1;
            for (int attempt = 0; attempt < MAX_RESERVE_ATTEMPTS; attempt++) {
                OptionalInt clash = KeyClashes.find(h, vendor, storageId, key);
                if (clash.isEmpty()) {
                    Optional<Long> id = tryInsert(h, projectId, storageId, key, now);
                    if (id.isPresent()) {
                        return new Blob(id.get(), projectId, storageId, key, null, 0, null, 0, Blob.State.WRITING,
                                now.truncatedTo(ChronoUnit.MICROS));
                    }
                }
                key = ObjectKeys.variant(preferredKey, key, clash.orElse(lastSegment), ThreadLocalRandom.current());
            }
            throw new UploadException(ErrorCode.INTERNAL_ERROR,
                    "No free object key found after " + MAX_RESERVE_ATTEMPTS + " attempts.");
        });
    }

    /**
     * Inserts a WRITING blob under {@code key}, which {@link KeyClashes} found free; empty if the key was taken in
     * that store meanwhile.
     */
    private Optional<Long> tryInsert(Handle h, UUID projectId, String storageId, String key, Instant now) {
        try {
            return h.createUpdate("INSERT INTO blobs (project_id, storage_id, object_key, sha256, size_bytes, mime_type,"
                            + " ref_count, state, created_at) VALUES (:project_id, :storage_id, :object_key, NULL, 0,"
                            + " NULL, 0, 'writing', :created_at)" + vendor.onKeyConflictDoNothing())
                    .bind("project_id", vendor.uuid(projectId))
                    .bind("storage_id", storageId)
                    .bind("object_key", key)
                    .bind("created_at", vendor.instant(now))
                    .executeAndReturnGeneratedKeys("id")
                    .mapTo(Long.class)
                    .findOne();
        } catch (UnableToExecuteStatementException e) {
            if (SqlErrors.sqlCause(e).filter(vendor::isUniqueViolation).isPresent()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public CommitResult commit(long blobId, String sha256, long sizeBytes, String mimeType) {
        Blob reservation = tx.run(h -> findBlob(h, blobId, false)).orElseThrow(() -> UploadException.notFound("Blob"));
        return commit(reservation, sha256, sizeBytes, mimeType);
    }

    @Override
    public CommitResult commit(Blob reservation, String sha256, long sizeBytes, String mimeType) {
        String hash = checkSha256(sha256);
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes must be >= 0, was " + sizeBytes);
        }
        long blobId = reservation.id();
        return tx.run(h -> {
            for (int attempt = 1; ; attempt++) {
                Optional<Blob> referenced = reference(h, reservation, hash);
                if (referenced.isPresent()) {
                    markDiscarded(h, blobId, sizeBytes, mimeType);
                    Blob discarded = new Blob(reservation.id(), reservation.projectId(), reservation.storageId(),
                            reservation.objectKey(), null, sizeBytes, mimeType, 0, Blob.State.DELETING,
                            reservation.createdAt());
                    return new CommitResult(referenced.get(), Optional.of(discarded));
                }
                if (tryStore(h, blobId, hash, sizeBytes, mimeType)) {
                    tx.counters().storedBlob(reservation.projectId(), 1, sizeBytes);
                    return new CommitResult(new Blob(reservation.id(), reservation.projectId(),
                            reservation.storageId(), reservation.objectKey(), hash, sizeBytes, mimeType, 1,
                            Blob.State.STORED, reservation.createdAt()), Optional.empty());
                }
                // Another transaction stored the same bytes between our lookup and our update: once it has
                // committed, the next lookup finds its blob. The content key's unique constraint settles the
                // race, so no lock wider than one blob row is ever taken.
                if (attempt == MAX_COMMIT_ATTEMPTS) {
                    throw new UploadException(ErrorCode.SERVICE_UNAVAILABLE,
                            "Too many concurrent commits of the same bytes; try again.");
                }
                LockSupport.parkNanos(Math.min(attempt, 20) * 1_000_000L);
            }
        });
    }

    /**
     * Takes one reference on the project's stored blob with these bytes in the reservation's store, if there is
     * one. The update locks that blob row, so a concurrent release cannot drop it to zero in between.
     */
    private Optional<Blob> reference(Handle h, Blob reservation, String hash) {
        // Only stored blobs have a sha256, so the whole unique content key selects the row: a condition on state
        // would let InnoDB pick the state index and wait on unrelated rows being committed.
        int updated = h.createUpdate("UPDATE blobs SET ref_count = ref_count + 1 WHERE project_id = :project_id"
                        + " AND storage_id = :storage_id AND sha256 = :sha256")
                .bind("project_id", vendor.uuid(reservation.projectId()))
                .bind("storage_id", reservation.storageId())
                .bind("sha256", hash)
                .execute();
        if (updated == 0) {
            return Optional.empty();
        }
        return h.createQuery("SELECT " + Rows.BLOB_COLUMNS + " FROM blobs WHERE project_id = :project_id"
                        + " AND storage_id = :storage_id AND sha256 = :sha256")
                .bind("project_id", vendor.uuid(reservation.projectId()))
                .bind("storage_id", reservation.storageId())
                .bind("sha256", hash)
                .map(mapper)
                .findOne();
    }

    /** Turns the reservation into a DELETING blob whose object the caller removes; it must still be WRITING. */
    private void markDiscarded(Handle h, long blobId, long sizeBytes, String mimeType) {
        int updated = h.createUpdate("UPDATE blobs SET state = 'deleting', size_bytes = :size_bytes,"
                        + " mime_type = :mime_type WHERE id = :id AND state = 'writing'")
                .bind("id", blobId)
                .bind("size_bytes", sizeBytes)
                .bind("mime_type", Where.nullableText(mimeType))
                .execute();
        if (updated == 0) {
            throw notWriting(blobId);
        }
    }

    /**
     * Makes the reservation the stored blob of these bytes with one reference. Returns false, with nothing
     * changed, if the content key is taken by a blob committed concurrently.
     */
    private boolean tryStore(Handle h, long blobId, String hash, long sizeBytes, String mimeType) {
        // PostgreSQL aborts the whole transaction on a failed statement unless it ran inside a savepoint.
        boolean savepoint = vendor == Vendor.POSTGRESQL;
        if (savepoint) {
            h.savepoint(STORE_SAVEPOINT);
        }
        int updated;
        try {
            updated = h.createUpdate("UPDATE blobs SET state = 'stored', sha256 = :sha256, size_bytes = :size_bytes,"
                            + " mime_type = :mime_type, ref_count = 1 WHERE id = :id AND state = 'writing'")
                    .bind("id", blobId)
                    .bind("sha256", hash)
                    .bind("size_bytes", sizeBytes)
                    .bind("mime_type", Where.nullableText(mimeType))
                    .execute();
        } catch (UnableToExecuteStatementException e) {
            if (SqlErrors.sqlCause(e).filter(vendor::isUniqueViolation).isPresent()) {
                if (savepoint) {
                    h.rollbackToSavepoint(STORE_SAVEPOINT);
                }
                return false;
            }
            throw e;
        }
        if (savepoint) {
            h.release(STORE_SAVEPOINT);
        }
        if (updated == 0) {
            throw notWriting(blobId);
        }
        return true;
    }

    private static UploadException notWriting(long blobId) {
        return new UploadException(ErrorCode.CONFLICT, "Blob " + blobId + " is not a reservation being written.");
    }

    @Override
    public Blob addReference(long blobId) {
        return tx.run(h -> {
            Blob blob = lockStored(h, blobId);
            h.createUpdate("UPDATE blobs SET ref_count = ref_count + 1 WHERE id = :id").bind("id", blobId).execute();
            return withState(blob, Blob.State.STORED, blob.sha256(), blob.refCount() + 1);
        });
    }

    @Override
    public Optional<Blob> release(long blobId) {
        return tx.run(h -> {
            Blob blob = lockStored(h, blobId);
            if (blob.refCount() > 1) {
                h.createUpdate("UPDATE blobs SET ref_count = ref_count - 1 WHERE id = :id").bind("id", blobId).execute();
                return Optional.empty();
            }
            // The sha goes so the blob is no longer found by hash; the key stays reserved until forget.
            h.createUpdate("UPDATE blobs SET ref_count = 0, state = 'deleting', sha256 = NULL WHERE id = :id")
                    .bind("id", blobId)
                    .execute();
            tx.counters().storedBlob(blob.projectId(), -1, blob.sizeBytes());
            return Optional.of(withState(blob, Blob.State.DELETING, null, 0));
        });
    }

    @Override
    public void forget(long blobId) {
        tx.run(h -> {
            int deleted = h.createUpdate("DELETE FROM blobs WHERE id = :id AND state IN ('writing', 'deleting')")
                    .bind("id", blobId)
                    .execute();
            if (deleted == 0 && findBlob(h, blobId, false).isPresent()) {
                throw new UploadException(ErrorCode.CONFLICT, "Blob " + blobId + " is stored and cannot be forgotten.");
            }
            return null;
        });
    }

    @Override
    public void discard(long blobId) {
        tx.run(h -> {
            if (h.createUpdate("UPDATE blobs SET state = 'deleting' WHERE id = :id AND state = 'writing'")
                    .bind("id", blobId).execute() == 0) {
                throw notWriting(blobId);
            }
            return null;
        });
    }

    @Override
    public Optional<Blob> findStored(UUID projectId, String storageId, String sha256) {
        String hash = checkSha256(sha256);
        return tx.run(h -> h.createQuery("SELECT " + Rows.BLOB_COLUMNS + " FROM blobs WHERE project_id = :project_id"
                        + " AND storage_id = :storage_id AND sha256 = :sha256 AND state = 'stored'")
                .bind("project_id", vendor.uuid(projectId))
                .bind("storage_id", Where.nullableText(storageId))
                .bind("sha256", hash)
                .map(mapper)
                .findOne());
    }

    @Override
    public Optional<Blob> find(long blobId) {
        return tx.run(h -> findBlob(h, blobId, false));
    }

    @Override
    public List<Blob> abandoned(Instant before, int limit) {
        return oldest("state IN ('writing', 'deleting')", before, limit);
    }

    @Override
    public List<Blob> deleting(Instant before, int limit) {
        return oldest("state = 'deleting'", before, limit);
    }

    private List<Blob> oldest(String states, Instant before, int limit) {
        Objects.requireNonNull(before, "before");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        return tx.run(h -> h.createQuery("SELECT " + Rows.BLOB_COLUMNS + " FROM blobs"
                        + " WHERE " + states + " AND created_at < :before ORDER BY created_at, id LIMIT :limit")
                .bind("before", vendor.instant(before))
                .bind("limit", limit)
                .map(mapper)
                .list());
    }

    @Override
    public boolean writing(String storageId, String objectKey) {
        Objects.requireNonNull(storageId, "storageId");
        Objects.requireNonNull(objectKey, "objectKey");
        return tx.run(h -> h.createQuery("SELECT COUNT(*) FROM blobs WHERE storage_id = :storage_id"
                        + " AND " + vendor.objectKeyMatch() + " AND state = 'writing'")
                .bind("storage_id", storageId)
                .bind("object_key", objectKey)
                .mapTo(Long.class)
                .one()) > 0;
    }

    @Override
    public DedupStats stats(UUID projectId) {
        Objects.requireNonNull(projectId, "projectId");
        return tx.run(h -> Counters.read(h, vendor, projectId).dedupStats());
    }

    private Optional<Blob> findBlob(Handle h, long blobId, boolean lock) {
        return h.createQuery("SELECT " + Rows.BLOB_COLUMNS + " FROM blobs WHERE id = :id"
                        + (lock ? " " + vendor.lockForUpdate() : ""))
                .bind("id", blobId)
                .map(mapper)
                .findOne();
    }

    private Blob lockStored(Handle h, long blobId) {
        Blob blob = findBlob(h, blobId, true).orElseThrow(() -> UploadException.notFound("Blob"));
        if (blob.state() != Blob.State.STORED) {
            throw new UploadException(ErrorCode.CONFLICT, "Blob " + blobId + " is not stored.");
        }
        return blob;
    }

    private static Blob withState(Blob blob, Blob.State state, String sha256, long refCount) {
        return new Blob(blob.id(), blob.projectId(), blob.storageId(), blob.objectKey(), sha256, blob.sizeBytes(),
                blob.mimeType(), refCount, state, blob.createdAt());
    }

    private static String checkSha256(String sha256) {
        Objects.requireNonNull(sha256, "sha256");
        String hash = sha256.toLowerCase(Locale.ROOT);
        if (hash.length() != 64 || !hash.chars().allMatch(HexFormat::isHexDigit)) {
            throw new IllegalArgumentException("sha256 must be 64 hex digits, was '" + sha256 + "'");
        }
        return hash;
    }
}
