package dev.uploadkit.core.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A stored API key: never the key itself, only its public prefix and a hash of the whole key.
 *
 * @param prefix the first characters of the key, unique, used to look it up
 * @param keyHash SHA-256 of the whole key
 * @param admin true for a server-admin key, which may also call {@code admin/…}
 * @param revokedAt when the key was revoked, or {@code null}
 */
public record ApiKey(UUID id, UUID projectId, String name, String prefix, byte[] keyHash, Set<Permission> permissions,
                     boolean admin, Instant createdAt, Instant revokedAt) {
    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(prefix, "prefix");
        keyHash = keyHash.clone();
        permissions = Set.copyOf(permissions);
        Objects.requireNonNull(createdAt, "createdAt");
    }

    @Override
    public byte[] keyHash() {
        return keyHash.clone();
    }

    public boolean isRevoked() {
        return revokedAt != null;
    }
}
