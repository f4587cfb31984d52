package dev.uploadkit.core.usage;

import java.time.LocalDate;
import java.util.Objects;
import java.util.UUID;

/** Counts to add to a project's usage of one day. */
public record UsageDelta(UUID projectId, LocalDate day, long requests, long uploads, long uploadBytes, long downloads,
                         long downloadBytes) {
    public UsageDelta {
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(day, "day");
    }
}
