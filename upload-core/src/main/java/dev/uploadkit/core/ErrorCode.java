package dev.uploadkit.core;

/**
 * The error codes of the REST contract, each with the HTTP status it is answered with.
 *
 * <p>The first nine are the seed's codes; the rest are Uploadkit's extensions.
 */
public enum ErrorCode {
    VALIDATION_ERROR(422),
    UNAUTHENTICATED(401),
    FORBIDDEN(403),
    NOT_FOUND(404),
    RATE_LIMITED(429),
    STORAGE_ERROR(500),
    QUOTA_EXCEEDED(403),
    FILE_TOO_LARGE(413),
    INVALID_FILE_TYPE(415),
    CONFLICT(409),
    METHOD_NOT_ALLOWED(405),
    PAYLOAD_MALFORMED(400),
    SERVICE_UNAVAILABLE(503),
    SOURCE_ERROR(502),
    INTERNAL_ERROR(500);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** Returns the HTTP status this code is answered with. */
    public int httpStatus() {
        return httpStatus;
    }
}
