package dev.uploadkit.core;

import java.util.Locale;

/** How a download is presented: saved as a file or shown in the browser. */
public enum ContentDisposition {
    ATTACHMENT,
    INLINE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code attachment} or {@code inline}; throws {@code VALIDATION_ERROR} on {@code field} otherwise. */
    public static ContentDisposition parse(String field, String value) {
        if ("attachment".equals(value)) {
            return ATTACHMENT;
        }
        if ("inline".equals(value)) {
            return INLINE;
        }
        throw UploadException.validation(field, "The " + field + " must be attachment or inline.");
    }
}
