package dev.uploadkit.core.internal.webhook;

import dev.uploadkit.core.storage.SecretBox;

import java.util.UUID;

/**
 * How webhook signing secrets are kept in the catalog: sealed by the server's {@link SecretBox} (AES-256-GCM, bound
 * to {@code webhook:<id>} so a sealed value copied to another row does not open), or, without a box, as the
 * plaintext {@code whsec_…} they were before. Opening takes either form, so rows written before sealing existed (or
 * before a box was configured) keep signing until {@code WebhookService.sealSecrets} seals them.
 */
public final class WebhookSecrets {
    private final SecretBox box;

    /** @param box the master key's box, or {@code null} to keep secrets in plaintext */
    public WebhookSecrets(SecretBox box) {
        this.box = box;
    }

    /** Returns whether secrets are sealed (a master key is configured). */
    public boolean seals() {
        return box != null;
    }

    /** Returns what to store for the webhook's new plaintext secret. */
    public String stored(UUID webhookId, String plaintext) {
        return box == null ? plaintext : box.seal(plaintext, context(webhookId));
    }

    /**
     * Returns the plaintext of a stored secret.
     *
     * @throws IllegalArgumentException if it is sealed and no configured master key opens it (the message names the
     *     key id, never the secret)
     */
    public String open(UUID webhookId, String stored) {
        if (!SecretBox.isSealed(stored)) {
            return stored;
        }
        if (box == null) {
            throw new IllegalArgumentException("The webhook's signing secret is sealed, and no master key is "
                    + "configured to open it.");
        }
        return box.open(stored, context(webhookId));
    }

    /** Returns whether a stored secret should be sealed (again) under the primary master key. */
    public boolean needsSealing(String stored) {
        return box != null && !box.isCurrent(stored);
    }

    private static String context(UUID webhookId) {
        return "webhook:" + webhookId;
    }
}
