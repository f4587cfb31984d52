package dev.uploadkit.core.internal;

import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.catalog.EventOutbox;
import dev.uploadkit.core.event.WebhookSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Hands the outbox's pending events to the webhook sink, oldest first. Each batch is claimed (locked, skipping
 * batches other relays hold) in one transaction, handed over event by event, and the events the sink took are
 * marked delivered in that same transaction. The first event the sink refuses ends the round: it and those
 * after it stay pending, so one relay keeps the order and nothing is lost (at-least-once).
 */
public final class EventRelay {
    private static final Logger LOG = LoggerFactory.getLogger(EventRelay.class);
    /** Events claimed per transaction. */
    public static final int BATCH = 100;

    private final Catalog catalog;
    private final WebhookSink sink;
    private final Supplier<Instant> clock;

    public EventRelay(Catalog catalog, WebhookSink sink, Supplier<Instant> clock) {
        this.catalog = catalog;
        this.sink = sink;
        this.clock = clock;
    }

    /**
     * Delivers pending events until none are left unclaimed or the sink refuses one; returns how many were
     * delivered.
     */
    public int deliverPending() {
        int delivered = 0;
        while (true) {
            Round round = catalog.inTransaction(tx -> {
                List<EventOutbox.Pending> claimed = tx.events().claimPending(BATCH);
                List<Long> done = new ArrayList<>();
                boolean refused = false;
                for (EventOutbox.Pending p : claimed) {
                    try {
                        sink.accept(p.event());
                    } catch (RuntimeException e) {
                        LOG.warn("The webhook sink refused {} {} of {}; it stays pending: {}", p.event().type()
                                .wireName(), p.event().id(), p.event().upload() != null
                                ? "upload " + p.event().upload().uuid() : "storage " + p.event().storage().id(),
                                e.toString());
                        refused = true;
                        break;
                    }
                    done.add(p.seq());
                }
                if (!done.isEmpty()) {
                    tx.events().markDelivered(done, clock.get());
                }
                return new Round(claimed.size(), done.size(), refused);
            });
            delivered += round.delivered();
            if (round.refused() || round.claimed() < BATCH) {
                return delivered;
            }
        }
    }

    private record Round(int claimed, int delivered, boolean refused) {
    }
}
