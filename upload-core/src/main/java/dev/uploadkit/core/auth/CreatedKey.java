package dev.uploadkit.core.auth;

import java.util.Objects;

/**
 * A key just created: its stored form and the key itself, which exists only in this value and is never
 * retrievable again.
 */
public record CreatedKey(ApiKey key, String plaintext) {
    public CreatedKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(plaintext, "plaintext");
    }

    @Override
    public String toString() {
        return "CreatedKey[" + key.prefix() + "…]";
    }
}
