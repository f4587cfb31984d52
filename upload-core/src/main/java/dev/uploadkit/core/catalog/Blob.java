package dev.uploadkit.core.catalog;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One stored object, referenced by one or more uploads of one project.
 *
 * @param sha256 lower-case hex, or {@code null} while {@link State#WRITING} or {@link State#DELETING}
 * @param refCount the number of upload records, trashed ones included, that reference this blob
 */
public record Blob(long id, UUID projectId, String storageId, String objectKey, String sha256, long sizeBytes,
                   String mimeType, long refCount, State state, Instant createdAt) {

    /** Where a blob is in its life. */
    public enum State {
        /** Key reserved, bytes being written; not yet referenced. */
        WRITING,
        /** Complete and referenced; found by hash. */
        STORED,
        /** No longer referenced; the object is being removed from the store, the key stays reserved. */
        DELETING
    }

    public Blob {
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(storageId, "storageId");
        Objects.requireNonNull(objectKey, "objectKey");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
