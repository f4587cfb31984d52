package dev.uploadkit.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one exception Uploadkit's public API throws: an {@link ErrorCode}, a message safe to show a client,
 * and {@code details} mapping a field to its messages.
 *
 * <p>Vendor exceptions (jclouds, JDBC, Jackson) are translated into this type at the adapter that meets
 * them; the original is kept as the cause for logging, never shown to a client.
 */
public final class UploadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final Map<String, List<String>> details;

    public UploadException(ErrorCode code, String message) {
        this(code, message, Map.of(), null);
    }

    public UploadException(ErrorCode code, String message, Throwable cause) {
        this(code, message, Map.of(), cause);
    }

    public UploadException(ErrorCode code, String message, Map<String, List<String>> details, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        details.forEach((field, messages) -> copy.put(field, List.copyOf(messages)));
        this.details = Map.copyOf(copy);
    }

    /** Returns a {@code VALIDATION_ERROR} naming one field. */
    public static UploadException validation(String field, String message) {
        return new UploadException(ErrorCode.VALIDATION_ERROR, message, Map.of(field, List.of(message)), null);
    }

    /** Returns a {@code NOT_FOUND} for a resource of the given kind. */
    public static UploadException notFound(String what) {
        return new UploadException(ErrorCode.NOT_FOUND, what + " not found.");
    }

    public ErrorCode code() {
        return code;
    }

    /** Returns field → messages; empty when the error is not about particular fields. */
    public Map<String, List<String>> details() {
        return details;
    }
}
