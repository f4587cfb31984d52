package dev.uploadkit.core.event;

import dev.uploadkit.core.UploadException;

import java.util.Locale;

/** What an {@link UploadEvent} reports, with the name it carries on the wire (e.g. {@code upload.completed}). */
public enum EventType {
    UPLOAD_COMPLETED("upload.completed"),
    UPLOAD_FAILED("upload.failed"),
    UPLOAD_DELETED("upload.deleted"),
    UPLOAD_RESTORED("upload.restored"),
    UPLOAD_METADATA_UPDATED("upload.metadata_updated"),
    UPLOAD_STORED("upload.stored"),
    STORAGE_CONNECTED("storage.connected"),
    STORAGE_DISCONNECTED("storage.disconnected");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    /** Returns the wire name, e.g. {@code upload.completed}. */
    public String wireName() {
        return wireName;
    }

    /** Parses a wire name; throws {@code VALIDATION_ERROR} on {@code field} for anything else. */
    public static EventType parse(String field, String value) {
        for (EventType t : values()) {
            if (t.wireName.equals(value)) {
                return t;
            }
        }
        throw UploadException.validation(field, "The " + field + " must be an event type such as upload.completed, was "
                + (value == null ? "null" : value.toLowerCase(Locale.ROOT)) + ".");
    }
}
