package dev.uploadkit.core.event;

import java.util.Objects;
import java.util.UUID;

/**
 * The storage connection a {@code storage.*} event is about, without endpoint credentials: what a webhook
 * receiver may see.
 *
 * @param provider the provider's wire name, such as {@code s3}
 * @param bucket the bucket (or folder), may be null
 */
public record StorageSummary(UUID id, UUID projectId, String name, String provider, String bucket) {
    public StorageSummary {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(provider, "provider");
    }
}
