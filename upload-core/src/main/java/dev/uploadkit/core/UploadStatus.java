package dev.uploadkit.core;

import java.util.Locale;
import java.util.Set;

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

    /** Returns true when no further transition is possible. */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** Returns true if the lifecycle allows moving from this status to {@code next}. */
    public boolean canMoveTo(UploadStatus next) {
        return switch (this) {
            case PENDING -> Set.of(PROCESSING, COMPLETED, FAILED, CANCELLED).contains(next);
            case PROCESSING -> Set.of(COMPLETED, FAILED, CANCELLED).contains(next);
            case COMPLETED, FAILED, CANCELLED -> false;
        };
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
