package dev.uploadkit.core.webhook;

import java.time.Duration;

/**
 * Told about every attempt to deliver a webhook event (sent by the dispatcher, or redelivered on request; test sends
 * are not deliveries), for metrics. Called on the sending thread right after the attempt: it must be quick and
 * should not throw (a listener that throws is logged and ignored).
 */
@FunctionalInterface
public interface DeliveryListener {
    /** A listener that ignores every attempt. */
    DeliveryListener NONE = (event, outcome, duration) -> { };

    /** What came of an attempt. */
    enum Outcome {
        /** The receiver answered 2xx. */
        DELIVERED,
        /** No 2xx answer (an error status, unreachable, timed out): retried later, or failed for good. */
        FAILED,
        /** The receiver answered 410 Gone, which disables the webhook. */
        DISABLED
    }

    /**
     * Called after an attempt of an {@code event} delivery (its type's wire name, such as {@code upload.completed}).
     *
     * @param duration from the start of the request to its end (or failure)
     */
    void attempted(String event, Outcome outcome, Duration duration);

    /** Returns a listener telling this one, then {@code next}. */
    default DeliveryListener andThen(DeliveryListener next) {
        return (event, outcome, duration) -> {
            attempted(event, outcome, duration);
            next.attempted(event, outcome, duration);
        };
    }
}
