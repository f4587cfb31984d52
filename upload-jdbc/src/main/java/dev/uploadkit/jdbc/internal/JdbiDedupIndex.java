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
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@link DedupIndex} on the {@code blobs} table, within one transaction.
 *
 * <p>Lock order: a project row before blob rows. {@link #commit} serializes on the project row, so two
 * transactions storing the same bytes cannot both miss each other's blob; reference changes lock only the blob.
 */
final class JdbiDedupIndex implements DedupIndex {
    private static final int MAX_RESERVE_ATTEMPTS = 16;

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
            for (int attempt = 0; attempt < MAX_RESERVE_ATTEMPTS; attempt++) {
                Optional<Long> id = tryInsert(h, projectId, storageId, key, now);
                if (id.isPresent()) {
                    return new Blob(id.get(), projectId, storageId, key, null, 0, null, 0, Blob.State.WRITING,
                            now.truncatedTo(ChronoUnit.MICROS));
                }
                key = ObjectKeys.variant(preferredKey, ThreadLocalRandom.current());
            }
            throw new UploadException(ErrorCode.INTERNAL_ERROR,
                    "No free object key found after " + MAX_RESERVE_ATTEMPTS + " attempts.");
        });
    }

    /** Inserts a WRITING blob under {@code key}; empty if the key is taken in that store. */
    private Optional<Long> tryInsert(Handle h, UUID projectId, String storageId, String key, Instant now) {
        String takenQuery = vendor.keyTakenQuery();
        if (takenQuery != null && h.createQuery(takenQuery).bind("storage_id", storageId).bind("object_key", key)
                .mapTo(Long.class).findFirst().isPresent()) {
            return Optional.empty();
        }
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
        String hash = checkSha256(sha256);
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes must be >= 0, was " + sizeBytes);
        }
        return tx.run(h -> {
            // Read unlocked first to learn the project: its row is locked before any blob row.
            Blob unlocked = findBlob(h, blobId, false).orElseThrow(() -> UploadException.notFound("Blob"));
            lockProject(h, unlocked.projectId());
            Blob reservation = findBlob(h, blobId, true).orElseThrow(() -> UploadException.notFound("Blob"));
            if (reservation.state() != Blob.State.WRITING) {
                throw new UploadException(ErrorCode.CONFLICT, "Blob " + blobId + " is not a reservation being written.");
            }
            Optional<Blob> existing = h.createQuery("SELECT " + Rows.BLOB_COLUMNS + " FROM blobs"
                            + " WHERE project_id = :project_id AND storage_id = :storage_id AND sha256 = :sha256"
                            + " AND state = 'stored' " + vendor.lockForUpdate())
                    .bind("project_id", vendor.uuid(reservation.projectId()))
                    .bind("storage_id", reservation.storageId())
                    .bind("sha256", hash)
                    .map(mapper)
                    .findOne();
            if (existing.isPresent()) {
                Blob stored = existing.get();
                h.createUpdate("UPDATE blobs SET ref_count = ref_count + 1 WHERE id = :id").bind("id", stored.id()).execute();
                h.createUpdate("UPDATE blobs SET state = 'deleting', size_bytes = :size_bytes, mime_type = :mime_type"
                                + " WHERE id = :id")
                        .bind("id", blobId)
                        .bind("size_bytes", sizeBytes)
                        .bind("mime_type", Where.nullableText(mimeType))
                        .execute();
                Blob referenced = withState(stored, stored.state(), stored.sha256(), stored.refCount() + 1);
                Blob discarded = new Blob(reservation.id(), reservation.projectId(), reservation.storageId(),
                        reservation.objectKey(), null, sizeBytes, mimeType, 0, Blob.State.DELETING,
                        reservation.createdAt());
                return new CommitResult(referenced, Optional.of(discarded));
            }
            h.createUpdate("UPDATE blobs SET state = 'stored', sha256 = :sha256, size_bytes = :size_bytes,"
                            + " mime_type = :mime_type, ref_count = 1 WHERE id = :id")
                    .bind("id", blobId)
                    .bind("sha256", hash)
                    .bind("size_bytes", sizeBytes)
                    .bind("mime_type", Where.nullableText(mimeType))
                    .execute();
            return new CommitResult(new Blob(reservation.id(), reservation.projectId(), reservation.storageId(),
                    reservation.objectKey(), hash, sizeBytes, mimeType, 1, Blob.State.STORED, reservation.createdAt()),
                    Optional.empty());
        });
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
        Objects.requireNonNull(before, "before");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        return tx.run(h -> h.createQuery("SELECT " + Rows.BLOB_COLUMNS + " FROM blobs"
                        + " WHERE state IN ('writing', 'deleting') AND created_at < :before ORDER BY created_at, id"
                        + " LIMIT :limit")
                .bind("before", vendor.instant(before))
                .bind("limit", limit)
                .map(mapper)
                .list());
    }

    @Override
    public DedupStats stats(UUID projectId) {
        return tx.run(h -> {
            long[] files = h.createQuery("SELECT COUNT(*) AS n, COALESCE(SUM(size_bytes), 0) AS bytes FROM uploads"
                            + " WHERE project_id = :project_id AND blob_id IS NOT NULL")
                    .bind("project_id", vendor.uuid(projectId))
                    .map((rs, ctx) -> new long[] {rs.getLong("n"), rs.getLong("bytes")})
                    .one();
            long[] blobs = h.createQuery("SELECT COUNT(*) AS n, COALESCE(SUM(size_bytes), 0) AS bytes FROM blobs"
                            + " WHERE project_id = :project_id AND state = 'stored'")
                    .bind("project_id", vendor.uuid(projectId))
                    .map((rs, ctx) -> new long[] {rs.getLong("n"), rs.getLong("bytes")})
                    .one();
            return new DedupStats(files[0], blobs[0], files[1], blobs[1]);
        });
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

    private void lockProject(Handle h, UUID projectId) {
        h.createQuery("SELECT id FROM projects WHERE id = :id " + vendor.lockForUpdate())
                .bind("id", vendor.uuid(projectId))
                .map((rs, ctx) -> Boolean.TRUE)
                .findOne()
                .orElseThrow(() -> UploadException.notFound("Project"));
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
