package dev.uploadkit.core.webhook;

import dev.uploadkit.core.event.EventType;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * One event on its way to one webhook, with its last attempt: a row of the deliveries log. Its {@link #id()} is
 * the {@code X-Webhook-ID} of every attempt.
 *
 * @param eventId the id of the outbox event it carries (the same for every webhook the event goes to)
 * @param attempts attempts made so far
 * @param nextAttemptAt when the next attempt is due, {@code null} once succeeded or given up
 * @param lastStatusCode the receiver's status on the last attempt, {@code null} if none answered
 * @param lastLatencyMs how long the last attempt took, {@code null} before the first
 * @param lastError why the last attempt failed, {@code null} if it did not
 */
public record WebhookDelivery(UUID id, UUID webhookId, UUID projectId, UUID eventId, EventType eventType,
                              Status status, int attempts, Instant nextAttemptAt, Integer lastStatusCode,
                              Long lastLatencyMs, String lastError, Instant createdAt, Instant updatedAt,
                              Instant deliveredAt) {

    /** Where a delivery stands. */
    public enum Status {
        /** Waiting for its first attempt or a retry. */
        PENDING,
        /** A 2xx answer was received. */
        SUCCEEDED,
        /** Every scheduled attempt failed; no more are made unless redelivered. */
        FAILED;

        /** Returns the wire name, e.g. {@code pending}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses a wire name. */
        public static Status parse(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    public WebhookDelivery {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(webhookId, "webhookId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(status, "status");
    }
}
