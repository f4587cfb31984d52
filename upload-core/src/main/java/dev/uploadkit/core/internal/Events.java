package dev.uploadkit.core.internal;

import dev.uploadkit.core.IdSource;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.catalog.CatalogTransaction;
import dev.uploadkit.core.event.EventType;
import dev.uploadkit.core.event.OutboxSignals;
import dev.uploadkit.core.event.StorageSummary;
import dev.uploadkit.core.event.UploadEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Makes upload events and appends them to the outbox of the transaction whose change they report; and the
 * {@link OutboxSignals} of the service: once such a transaction committed, or a relay round that wrote deliveries
 * ({@link #deliveriesWritten}), the listeners run (after the commit, via {@link CatalogTransaction#afterCommit}).
 */
public final class Events implements OutboxSignals {
    private static final Logger LOG = LoggerFactory.getLogger(Events.class);

    private final IdSource ids;
    private final Supplier<Instant> clock;
    private final List<Runnable> eventListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> deliveryListeners = new CopyOnWriteArrayList<>();
    // One instance each, so that a transaction appending several events signals once.
    private final Runnable eventsCommitted = () -> signal(eventListeners);
    private final Runnable deliveriesCommitted = () -> signal(deliveryListeners);

    public Events(IdSource ids, Supplier<Instant> clock) {
        this.ids = ids;
        this.clock = clock;
    }

    /** Appends a {@code type} event about {@code upload}, as it is after the change, in {@code tx}. */
    public void append(CatalogTransaction tx, EventType type, Upload upload) {
        tx.events().append(new UploadEvent(ids.next(), type, clock.get(), upload));
        tx.afterCommit(eventsCommitted);
    }

    /**
     * Appends {@code upload.deleted} for an upload deleted for good (not moved to the trash), in {@code tx}: deleted
     * at {@code now} unless the trash already says when, so the event carries no download link to bytes that are gone.
     */
    public void appendGone(CatalogTransaction tx, Upload upload, Instant now) {
        Upload gone = upload.deletedAt() != null ? upload : upload.toBuilder().deletedAt(now).build();
        tx.events().append(new UploadEvent(ids.next(), EventType.UPLOAD_DELETED, clock.get(), gone, null, true));
        tx.afterCommit(eventsCommitted);
    }

    /** Appends a {@code type} event about a storage connection in {@code tx}. */
    public void append(CatalogTransaction tx, EventType type, StorageSummary storage) {
        tx.events().append(UploadEvent.ofStorage(ids.next(), type, clock.get(), storage));
        tx.afterCommit(eventsCommitted);
    }

    /** Signals {@link #onDeliveriesWritten} listeners once {@code tx}, which wrote webhook deliveries, commits. */
    void deliveriesWritten(CatalogTransaction tx) {
        tx.afterCommit(deliveriesCommitted);
    }

    @Override
    public Runnable onEventsCommitted(Runnable listener) {
        return subscribe(eventListeners, listener);
    }

    @Override
    public Runnable onDeliveriesWritten(Runnable listener) {
        return subscribe(deliveryListeners, listener);
    }

    private static Runnable subscribe(List<Runnable> listeners, Runnable listener) {
        Runnable own = Objects.requireNonNull(listener, "listener")::run;
        listeners.add(own);
        return () -> listeners.remove(own);
    }

    private static void signal(List<Runnable> listeners) {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.warn("A listener of the outbox's signals failed", e);
            }
        }
    }
}
