package dev.uploadkit.core.event;

import dev.uploadkit.core.Upload;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Something that happened to an upload, with the upload as it was right after. Written to the outbox
 * ({@link dev.uploadkit.core.catalog.EventOutbox}) in the transaction of the change, and handed to the
 * {@link WebhookSink} after that change committed.
 *
 * @param type what happened; {@link EventType#wireName()} is its name on the wire
 */
public record UploadEvent(UUID id, EventType type, Instant occurredAt, Upload upload) {
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
        Objects.requireNonNull(upload, "upload");
    }
}
