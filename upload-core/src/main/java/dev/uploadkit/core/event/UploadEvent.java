package dev.uploadkit.core.event;

import dev.uploadkit.core.Upload;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Something that happened to an upload, with the upload as it was right after.
 *
 * @param type the wire name, e.g. {@code upload.completed}
 */
public record UploadEvent(UUID id, String type, Instant occurredAt, Upload upload) {
    public static final String COMPLETED = "upload.completed";
    public static final String FAILED = "upload.failed";
    public static final String DELETED = "upload.deleted";
    public static final String RESTORED = "upload.restored";
    public static final String METADATA_UPDATED = "upload.metadata_updated";

    public UploadEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(upload, "upload");
    }
}
