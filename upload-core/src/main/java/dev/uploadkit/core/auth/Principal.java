package dev.uploadkit.core.auth;

import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Who is calling: the project every operation is scoped to, and what the caller may do there.
 *
 * @param keyId the API key used, or {@code null} when a host's own authenticator vouched for the caller
 * @param admin true if the caller may also administer projects ({@code admin/…})
 */
public record Principal(UUID projectId, UUID keyId, Set<Permission> permissions, boolean admin) {
    public Principal {
        Objects.requireNonNull(projectId, "projectId");
        permissions = Set.copyOf(permissions);
    }

    public boolean has(Permission permission) {
        return permissions.contains(permission);
    }
}
