package dev.uploadkit.core.auth;

import dev.uploadkit.core.UploadException;

/** A permission carried by an API key. */
public enum Permission {
    FILES_READ("files:read"),
    FILES_WRITE("files:write"),
    FILES_DELETE("files:delete"),
    STORAGE_MANAGE("storage:manage"),
    WEBHOOKS_MANAGE("webhooks:manage"),
    KEYS_MANAGE("keys:manage"),
    STATS_READ("stats:read");

    private final String wireName;

    Permission(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Parses a wire name such as {@code files:read}; throws {@code VALIDATION_ERROR} on {@code permissions}. */
    public static Permission parse(String value) {
        for (Permission p : values()) {
            if (p.wireName.equals(value)) {
                return p;
            }
        }
        throw UploadException.validation("permissions", "Unknown permission: " + value);
    }
}
