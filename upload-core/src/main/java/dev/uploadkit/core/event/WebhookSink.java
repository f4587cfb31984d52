package dev.uploadkit.core.event;

/**
 * Where upload events leave Uploadkit: called once per event, after the change that produced it committed.
 *
 * <p>Implementations must not block for long (queue and deliver elsewhere) and must not throw; a failure to
 * hand an event over is theirs to log. This interface does not retry or persist: durable, at-least-once
 * delivery is the job of the outbox that feeds it.
 */
@FunctionalInterface
public interface WebhookSink {

    /** A sink that drops every event. */
    WebhookSink NONE = event -> { };

    void accept(UploadEvent event);
}
