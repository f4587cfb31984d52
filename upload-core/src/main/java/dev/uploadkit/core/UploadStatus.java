package dev.uploadkit.core;

import java.util.Locale;

/**
 * The lifecycle of an upload: {@code pending → processing → completed | failed | cancelled}.
 */
public enum UploadStatus {
    PENDING,
    PROCESSING,
    COMPLETED,
    FAILED,
    CANCELLED;

    /** Returns the wire name, e.g. {@code completed}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name; throws {@code VALIDATION_ERROR} on {@code field} for anything else. */
    public static UploadStatus parse(String field, String value) {
        for (UploadStatus s : values()) {
            if (s.wireName().equals(value)) {
                return s;
            }
        }
        throw UploadException.validation(field,
                "The " + field + " must be one of pending, processing, completed, failed, cancelled.");
    }
}
