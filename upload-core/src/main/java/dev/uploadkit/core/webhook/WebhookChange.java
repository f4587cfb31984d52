package dev.uploadkit.core.webhook;

import dev.uploadkit.core.event.EventType;

import java.util.Set;

/**
 * What a {@code PATCH} of a webhook changes; a {@code null} field stays as it is. Switching a disabled webhook
 * back on clears its {@code disabled_reason} and failure count.
 */
public record WebhookChange(String url, Set<EventType> events, Boolean active) {
    public WebhookChange {
        events = events == null ? null : Set.copyOf(events);
    }
}
