package dev.uploadkit.core.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** A tenant: its uploads, keys and settings are invisible to every other project. */
public record Project(UUID id, String name, String plan, Instant createdAt) {
    public Project {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
