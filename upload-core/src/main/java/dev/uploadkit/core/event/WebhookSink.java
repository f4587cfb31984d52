package dev.uploadkit.core.event;

/**
 * Where upload events leave Uploadkit: called by the outbox relay ({@code BackgroundWork}, or
 * {@link dev.uploadkit.core.UploadService#deliverEvents()}) for each event after the change that produced it
 * committed, in the order the events were written.
 *
 * <p>Delivery is at least once: an event counts as delivered only once {@link #accept} returned; if it throws,
 * the event (and those after it) stay in the outbox and are handed over again on the next round. An event may
 * also be handed over again after a crash between {@code accept} returning and the delivery being recorded, so
 * consumers should deduplicate on {@link UploadEvent#id()}. Implementations must not block for long: the relay
 * holds a database transaction while it calls them.
 */
@FunctionalInterface
public interface WebhookSink {

    /** A sink that drops every event. */
    WebhookSink NONE = event -> { };

    /**
     * Takes over one event.
     *
     * @throws RuntimeException to refuse it for now; it is offered again on the next round
     */
    void accept(UploadEvent event);
}
