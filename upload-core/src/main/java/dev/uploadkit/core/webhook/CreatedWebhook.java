package dev.uploadkit.core.webhook;

import java.util.Objects;

/**
 * A webhook just created, with its signing secret: the only time the secret is handed out.
 *
 * @param secret the HMAC-SHA256 key of {@code X-Webhook-Signature}, {@code whsec_} and 48 hex digits
 */
public record CreatedWebhook(Webhook webhook, String secret) {
    public CreatedWebhook {
        Objects.requireNonNull(webhook, "webhook");
        Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
        return "CreatedWebhook[" + webhook + ", secret=(hidden)]";
    }
}
