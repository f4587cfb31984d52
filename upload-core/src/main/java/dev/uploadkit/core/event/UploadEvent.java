package dev.uploadkit.core.event;

import dev.uploadkit.core.Upload;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Something that happened to an upload, with the upload as it was right after, or, for {@code storage.*} events, to
 * a storage connection (then {@link #upload()} is null and {@link #storage()} says which). Written to the outbox
 * ({@link dev.uploadkit.core.catalog.EventOutbox}) in the transaction of the change, and handed to the
 * {@link WebhookSink} after that change committed.
 *
 * @param type what happened; {@link EventType#wireName()} is its name on the wire
 * @param permanent for {@code upload.deleted}: the upload is gone for good (forced, purged from the trash, or an
 *     unstored upload's time ran out), not moved to the trash; false for every other event
 */
public record UploadEvent(UUID id, EventType type, Instant occurredAt, Upload upload, StorageSummary storage,
                          boolean permanent) {
    /** Shorthand for {@link EventType#UPLOAD_COMPLETED}. */
    public static final EventType COMPLETED = EventType.UPLOAD_COMPLETED;
    /** Shorthand for {@link EventType#UPLOAD_FAILED}. */
    public static final EventType FAILED = EventType.UPLOAD_FAILED;
    /** Shorthand for {@link EventType#UPLOAD_DELETED}. */
    public static final EventType DELETED = EventType.UPLOAD_DELETED;
    /** Shorthand for {@link EventType#UPLOAD_RESTORED}. */
    public static final EventType RESTORED = EventType.UPLOAD_RESTORED;
    /** Shorthand for {@link EventType#UPLOAD_METADATA_UPDATED}. */
    public static final EventType METADATA_UPDATED = EventType.UPLOAD_METADATA_UPDATED;

    public UploadEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(occurredAt, "occurredAt");
        if ((upload == null) == (storage == null)) {
            throw new IllegalArgumentException("An event is about an upload or a storage connection: give exactly one");
        }
        if (permanent && type != EventType.UPLOAD_DELETED) {
            throw new IllegalArgumentException("Only upload.deleted is permanent or not");
        }
    }

    /** An event about an upload or a storage connection, not a permanent deletion. */
    public UploadEvent(UUID id, EventType type, Instant occurredAt, Upload upload, StorageSummary storage) {
        this(id, type, occurredAt, upload, storage, false);
    }

    /** An event about an upload. */
    public UploadEvent(UUID id, EventType type, Instant occurredAt, Upload upload) {
        this(id, type, occurredAt, Objects.requireNonNull(upload, "upload"), null);
    }

    /** Returns an event about a storage connection ({@code storage.connected}, {@code storage.disconnected}). */
    public static UploadEvent ofStorage(UUID id, EventType type, Instant occurredAt, StorageSummary storage) {
        return new UploadEvent(id, type, occurredAt, null, Objects.requireNonNull(storage, "storage"));
    }

    /** Returns the project of the upload or storage connection the event is about. */
    public UUID projectId() {
        return upload != null ? upload.projectId() : storage.projectId();
    }
}
