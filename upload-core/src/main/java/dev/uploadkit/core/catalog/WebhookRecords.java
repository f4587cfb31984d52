package dev.uploadkit.core.catalog;

import dev.uploadkit.core.Page;
import dev.uploadkit.core.PageRequest;
import dev.uploadkit.core.event.EventType;
import dev.uploadkit.core.webhook.Webhook;
import dev.uploadkit.core.webhook.WebhookDelivery;

import java.net.URI;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Webhook subscriptions and their deliveries, within one transaction. Deliveries are claimed with a lease: a
 * claim writes a lease token and expiry on due rows that no live lease holds, so instances sharing the catalog
 * never send one delivery at the same time, and a delivery whose sender died is claimed again once its lease ran
 * out.
 */
public interface WebhookRecords {

    /** Stores a new webhook with its signing secret as it is to be kept (sealed, or plaintext without a master key). */
    void insert(Webhook webhook, String secret);

    /** Returns the project's webhook. */
    Optional<Webhook> find(UUID projectId, UUID id);

    /** Returns the project's webhooks, oldest first. */
    List<Webhook> list(UUID projectId);

    /** Returns the active webhooks of these projects. */
    List<Webhook> active(Collection<UUID> projectIds);

    /** Writes every field of {@code webhook} but its id, project and creation time; returns false if it is gone. */
    boolean update(Webhook webhook);

    /** Deletes the project's webhook and its deliveries; returns false if there was none. */
    boolean delete(UUID projectId, UUID id);

    /** Returns the signing secret of the project's webhook, as stored. */
    Optional<String> secret(UUID projectId, UUID id);

    /** Returns up to {@code limit} webhooks' stored secrets, by id, after {@code after} ({@code null}: the first). */
    List<StoredSecret> storedSecrets(UUID after, int limit);

    /** Replaces a webhook's stored secret if it still is {@code expected}; returns whether it did. */
    boolean replaceSecret(UUID id, String expected, String replacement);

    /** Writes new pending deliveries, due at once. */
    void enqueue(List<NewDelivery> deliveries);

    /**
     * Leases up to {@code limit} due deliveries of active webhooks until {@code leaseUntil}, oldest due first,
     * taking at most {@code room.get(webhookId)} (default {@code perWebhook}) of each webhook and none of a
     * webhook whose room is 0. The lease names {@code holder}, the claiming instance (see {@link Instances}), so
     * that {@link #releaseLeasesOfDeadInstances} can free it; {@code null} leaves it to run out.
     */
    List<DueDelivery> claimDue(Instant now, Instant leaseUntil, int limit, int perWebhook, Map<UUID, Integer> room,
                               String holder);

    /**
     * Frees the leases of pending deliveries whose holder has not shown a heartbeat since {@code aliveSince} (a
     * crashed instance), so that they are claimed again now rather than when the lease runs out; returns how many.
     */
    int releaseLeasesOfDeadInstances(Instant aliveSince);

    /**
     * Records attempts, in order: each delivery's status, attempt count, next attempt and last result (a delivery
     * whose lease token no longer matches is left alone: another sender took it over), then each webhook's failure
     * count: reset by a success, increased by failures, and the webhook disabled with a reason after
     * {@code maxFailuresInARow} or when an attempt asks for it ({@link Attempt#disableReason()}).
     */
    void recordAttempts(List<Attempt> attempts, int maxFailuresInARow);

    /** Returns how many deliveries are pending (due now or waiting for a retry), of every webhook. */
    long countPending();

    /** Returns one page of the webhook's deliveries, newest first. */
    Page<WebhookDelivery> deliveries(UUID projectId, UUID webhookId, PageRequest page);

    /** Returns the webhook's delivery with its payload. */
    Optional<DueDelivery> delivery(UUID projectId, UUID webhookId, UUID deliveryId);

    /** Returns the webhook's delivery as the log shows it. */
    Optional<WebhookDelivery> logEntry(UUID projectId, UUID webhookId, UUID deliveryId);

    /** Deletes up to {@code limit} deliveries created before {@code before} that are no longer pending; returns how many. */
    int purgeDeliveries(Instant before, int limit);

    /** A webhook's signing secret as stored (sealed, or plaintext from before sealing). */
    record StoredSecret(UUID id, String secret) {
        @Override
        public String toString() {
            return "StoredSecret[" + id + "]";
        }
    }

    /** A delivery to write: one event for one webhook. */
    record NewDelivery(UUID id, UUID webhookId, UUID projectId, UUID eventId, EventType type, String payload,
                       Instant createdAt) {
        public NewDelivery {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(payload, "payload");
        }
    }

    /**
     * A delivery to send, with what sending needs.
     *
     * @param secret the webhook's signing secret as stored (see {@link #insert})
     * @param leaseToken the claim's token, {@code null} when read without a claim
     */
    record DueDelivery(UUID id, UUID webhookId, URI url, String secret, EventType type, String payload, int attempts,
                       WebhookDelivery.Status status, UUID leaseToken) {
        @Override
        public String toString() {
            return "DueDelivery[" + id + " " + type.wireName() + " to " + webhookId + ", attempt " + (attempts + 1) + "]";
        }
    }

    /**
     * The outcome of one attempt.
     *
     * @param leaseToken the token the delivery was claimed with, or {@code null} for an unclaimed send (redeliver)
     * @param nextAttemptAt when to try again, {@code null} unless {@code status} is pending
     * @param statusCode the receiver's status, {@code null} if none answered
     * @param error why it failed, {@code null} on success
     * @param disableReason disables the webhook at once (a 410 answer), else {@code null}
     */
    record Attempt(UUID deliveryId, UUID webhookId, UUID leaseToken, WebhookDelivery.Status status,
                   Instant nextAttemptAt, Integer statusCode, long latencyMs, String error, String disableReason,
                   Instant at) {
        /** Returns whether the receiver took the event. */
        public boolean succeeded() {
            return error == null;
        }
    }
}
