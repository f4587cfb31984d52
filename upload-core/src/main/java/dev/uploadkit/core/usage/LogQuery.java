package dev.uploadkit.core.usage;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Which of a project's log entries to read, newest first. Every filter may be {@code null} (no filter).
 *
 * @param pathPrefix entries whose path starts with this
 * @param from entries at or after this time
 * @param to entries before this time
 * @param beforeId entries older than this id (the cursor of the previous page)
 * @param limit at most this many entries, 1 to 1000
 */
public record LogQuery(UUID projectId, Integer status, String method, String pathPrefix, UUID keyId, Instant from,
                       Instant to, Long beforeId, int limit) {
    public LogQuery {
        Objects.requireNonNull(projectId, "projectId");
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit: must be 1 to 1000, was " + limit);
        }
    }
}
