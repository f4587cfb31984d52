package dev.uploadkit.core.webhook;

import dev.uploadkit.core.event.EventType;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A project's subscription to events: where they are POSTed and which ones. Its signing secret is not part of
 * it: it is shown once, in the {@link CreatedWebhook} of its creation.
 *
 * @param active whether events are delivered; {@code false} when switched off or disabled by failures
 * @param disabledReason why delivery stopped by itself (410 Gone, too many failures in a row), else {@code null}
 * @param consecutiveFailures failed attempts since the last success
 */
public record Webhook(UUID id, UUID projectId, URI url, Set<EventType> events, boolean active, String disabledReason,
                      int consecutiveFailures, Instant createdAt, Instant updatedAt) {
    public Webhook {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(url, "url");
        events = Set.copyOf(events);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** Returns whether this subscription takes {@code type} events. */
    public boolean wants(EventType type) {
        return events.contains(type);
    }
}
