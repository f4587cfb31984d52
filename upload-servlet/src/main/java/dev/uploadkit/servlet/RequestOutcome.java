package dev.uploadkit.servlet;

import dev.uploadkit.core.ErrorCode;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What one request came to.
 *
 * @param method the HTTP method, e.g. {@code POST}
 * @param route the pattern of the route that answered, relative to the mount, such as {@value #UPLOAD_ROUTE} or
 *     {@value #DOWNLOAD_ROUTE}; empty when no route matched
 * @param status the HTTP status answered
 * @param error the contract's error code when the answer was an error envelope (or the request failed after its
 *     response had started), else empty
 * @param bytes the file bytes moved: the stored size of a created upload, the body bytes of a served download (a
 *     range's length for {@code 206}), else 0
 * @param duration from the servlet receiving the request to the end of its answer
 */
public record RequestOutcome(String method, String route, int status, Optional<ErrorCode> error, long bytes,
                             Duration duration) {
    /** The route of {@code POST files/upload}. */
    public static final String UPLOAD_ROUTE = "files/upload";
    /** The route of {@code GET files/{uuid}/download}. */
    public static final String DOWNLOAD_ROUTE = "files/{uuid}/download";

    public RequestOutcome {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(duration, "duration");
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes: must be at least 0, was " + bytes);
        }
    }

    /** Returns true for a file upload ({@code POST files/upload}), whatever its outcome. */
    public boolean isUpload() {
        return "POST".equals(method) && UPLOAD_ROUTE.equals(route);
    }

    /** Returns true for a file download ({@code GET} or {@code HEAD files/{uuid}/download}), whatever its outcome. */
    public boolean isDownload() {
        return ("GET".equals(method) || "HEAD".equals(method)) && DOWNLOAD_ROUTE.equals(route);
    }

    /** Returns true if the request was answered without an error. */
    public boolean succeeded() {
        return error.isEmpty();
    }
}
