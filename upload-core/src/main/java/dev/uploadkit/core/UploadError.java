package dev.uploadkit.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Why a {@code failed} or {@code cancelled} upload did not complete (SPEC §3).
 *
 * <p>The code is an upper-case identifier such as {@code INTERRUPTED} or {@code SOURCE_UNREACHABLE}; it is not an
 * {@link ErrorCode}, which names HTTP error responses.
 *
 * @param code an upper-case identifier: {@code A-Z}, digits and underscores, starting with a letter, at most
 *             {@value #MAX_CODE_LENGTH} characters
 * @param message a human-readable explanation, not blank, at most {@value #MAX_MESSAGE_LENGTH} characters
 */
public record UploadError(String code, String message) {
    /** The longest code the catalog stores. */
    public static final int MAX_CODE_LENGTH = 64;
    /** The longest message the catalog stores. */
    public static final int MAX_MESSAGE_LENGTH = 1024;

    /** An upload cut off by a crash or restart of the server that received it. */
    public static final String INTERRUPTED = "INTERRUPTED";
    /** An upload that was cancelled. */
    public static final String CANCELLED = "CANCELLED";
    /** An import whose source could not be reached. */
    public static final String SOURCE_UNREACHABLE = "SOURCE_UNREACHABLE";
    /** An import whose source (or a redirect) is an address the outbound policy refuses, or not http(s). */
    public static final String SOURCE_FORBIDDEN = "SOURCE_FORBIDDEN";
    /** An import whose source did not answer in time. */
    public static final String SOURCE_TIMEOUT = "SOURCE_TIMEOUT";
    /** An import whose source answered an HTTP error (the message names the status) or redirected too often. */
    public static final String SOURCE_HTTP_ERROR = "SOURCE_HTTP_ERROR";
    /** An upload larger than allowed. */
    public static final String FILE_TOO_LARGE = "FILE_TOO_LARGE";
    /** An upload whose detected type is not allowed. */
    public static final String INVALID_FILE_TYPE = "INVALID_FILE_TYPE";
    /** An upload the store could not keep. */
    public static final String STORAGE_ERROR = "STORAGE_ERROR";

    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]*");

    public UploadError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        if (code.length() > MAX_CODE_LENGTH || !CODE.matcher(code).matches()) {
            throw new IllegalArgumentException("code must be an upper-case identifier of at most "
                    + MAX_CODE_LENGTH + " characters, was '" + code + "'");
        }
        if (message.isBlank() || message.length() > MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("message must be non-blank and at most " + MAX_MESSAGE_LENGTH
                    + " characters, was " + message.length() + " characters");
        }
    }

    /**
     * Returns the error {@code code} with {@code message} cut to {@value #MAX_MESSAGE_LENGTH} characters, or
     * {@code fallback} when {@code message} is null or blank: for messages taken from exceptions.
     */
    public static UploadError fitted(String code, String message, String fallback) {
        String m = message == null || message.isBlank() ? fallback : message;
        return new UploadError(code, m.length() <= MAX_MESSAGE_LENGTH ? m : m.substring(0, MAX_MESSAGE_LENGTH));
    }

    /** The error of a cancelled upload. */
    public static UploadError cancelled() {
        return new UploadError(CANCELLED, "The upload was cancelled.");
    }

    /** The error of an upload cut off by a crash or restart of the server that received it. */
    public static UploadError interrupted() {
        return new UploadError(INTERRUPTED,
                "The upload was cut off by a crash or restart of the server that received it.");
    }
}
