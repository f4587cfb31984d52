package dev.uploadkit.core.usage;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One API request of a project as the request log keeps it. Holds nothing secret: the path's query secrets are
 * redacted before an entry is made, and a key appears only as its id and public prefix.
 *
 * @param id the log's sequence number, increasing with time; 0 for an entry not yet stored
 * @param path the path relative to the mount, with its query string and secrets such as {@code token=} redacted
 * @param errorCode the error code of a failed request, or {@code null}
 * @param keyId the API key used, or {@code null}
 * @param keyPrefix the public prefix of the key used, or {@code null}
 * @param uploadedBytes the size of the file the request stored, or -1 if it stored none
 * @param downloadedBytes the bytes of a file the request sent, or -1 if it was not a download
 */
public record RequestLogEntry(long id, UUID projectId, Instant time, String method, String path, int status,
                              String errorCode, long durationMillis, UUID keyId, String keyPrefix, String clientIp,
                              long uploadedBytes, long downloadedBytes) {
    public RequestLogEntry {
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
    }

    /** Returns this entry with the id the log gave it. */
    public RequestLogEntry withId(long newId) {
        return new RequestLogEntry(newId, projectId, time, method, path, status, errorCode, durationMillis, keyId,
                keyPrefix, clientIp, uploadedBytes, downloadedBytes);
    }
}
