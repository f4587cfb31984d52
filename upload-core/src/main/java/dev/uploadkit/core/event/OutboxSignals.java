package dev.uploadkit.core.event;

/**
 * Signals of one {@link dev.uploadkit.core.UploadService}'s outbox within this process, so that the relay and the
 * webhook dispatcher ({@code BackgroundWork}) act at once instead of at their next poll. A signal only says "look
 * now": it carries nothing, several may be merged into one, and none is sent for what other processes commit, so
 * whoever listens must still poll. Listeners run on the thread that committed, right after the commit (an API
 * request's thread, for an event), so they must return at once and never block; one that throws is logged.
 */
public interface OutboxSignals {

    /**
     * Runs {@code listener} after each commit of a transaction that wrote events to the outbox, until the returned
     * action is run.
     */
    Runnable onEventsCommitted(Runnable listener);

    /**
     * Runs {@code listener} after each commit of a relay round that wrote webhook deliveries
     * ({@link dev.uploadkit.core.UploadService#deliverEvents()}), until the returned action is run.
     */
    Runnable onDeliveriesWritten(Runnable listener);
}
