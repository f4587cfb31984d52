package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.auth.Permission;

import java.util.Set;

/**
 * What a route requires of its caller before its handler runs.
 *
 * @param authenticated false for a route that authenticates on its own (downloads)
 * @param anyOf the caller needs at least one of these; empty = any authenticated caller
 * @param admin the caller must be a server admin
 */
public record Access(boolean authenticated, Set<Permission> anyOf, boolean admin) {
    public Access {
        anyOf = Set.copyOf(anyOf);
    }

    /** The handler decides (signed tokens, public files). */
    public static final Access SELF = new Access(false, Set.of(), false);

    /** A server admin. */
    public static final Access ADMIN = new Access(true, Set.of(), true);

    public static Access permission(Permission permission) {
        return new Access(true, Set.of(permission), false);
    }

    public static Access anyOf(Permission... permissions) {
        return new Access(true, Set.of(permissions), false);
    }
}
