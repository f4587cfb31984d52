package dev.uploadkit.core.catalog;

import java.time.Instant;
import java.util.UUID;

/**
 * Tombstones of uploads deleted for good (forced deletion, emptying the trash, the trash purge, the removal of
 * unstored files), so that a restore can tell a file that is gone for good ({@code CONFLICT}) from one that never
 * existed ({@code NOT_FOUND}). Scoped like {@link UploadRecords}: a tombstone is only ever seen by its own project.
 *
 * <p>A tombstone is written by the transaction that deletes the record, so both commit or neither does. It holds
 * no more than the project, the uuid and the time: nothing of the upload can be read back through it. Tombstones
 * are not kept forever: a lifecycle job {@linkplain #expire expires} the old ones in batches. This view does not
 * hide records: an upload that has a record is found whether or not a tombstone names it.
 */
public interface PurgedUploads {

    /**
     * Records that the project's upload {@code uuid} was deleted for good at {@code purgedAt}. An upload's uuid is
     * never used again, so each uuid is recorded at most once.
     */
    void add(UUID projectId, UUID uuid, Instant purgedAt);

    /** Returns whether a tombstone of the project names {@code uuid}; another project's tombstone never counts. */
    boolean contains(UUID projectId, UUID uuid);

    /**
     * Deletes up to {@code limit} tombstones of any project recorded before {@code before}, oldest first; returns how
     * many it deleted.
     */
    int expire(Instant before, int limit);
}
