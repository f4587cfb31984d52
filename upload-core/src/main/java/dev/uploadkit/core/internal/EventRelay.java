package dev.uploadkit.core.internal;

import dev.uploadkit.core.IdSource;
import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.catalog.CatalogTransaction;
import dev.uploadkit.core.catalog.EventOutbox;
import dev.uploadkit.core.catalog.WebhookRecords;
import dev.uploadkit.core.event.UploadEvent;
import dev.uploadkit.core.event.WebhookSink;
import dev.uploadkit.core.internal.webhook.WebhookPayloads;
import dev.uploadkit.core.webhook.DownloadLinks;
import dev.uploadkit.core.webhook.Webhook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Hands the outbox's pending events to the webhooks and the webhook sink, oldest first. Each batch is claimed
 * (locked, skipping batches other relays hold) in one transaction; in that same transaction every event becomes one
 * pending delivery per active webhook of its project that wants it (its body rendered once, so every attempt sends
 * the same bytes), then is handed to the sink, and the events the sink took are marked delivered. The first event the sink refuses ends the round: it and those
 * after it stay pending, so one relay keeps the order and nothing is lost (at-least-once). Once a round that wrote
 * deliveries commits, the service's {@link dev.uploadkit.core.event.OutboxSignals} say so, so that the dispatcher
 * claims them at once, even while later rounds of a backlog run.
 */
public final class EventRelay {
    private static final Logger LOG = LoggerFactory.getLogger(EventRelay.class);
    /** Events claimed per transaction. */
    public static final int BATCH = 100;

    private final Catalog catalog;
    private final WebhookSink sink;
    private final Supplier<Instant> clock;
    private final IdSource ids;
    private final DownloadLinks links;
    private final Events signals;

    /** @param signals told after each commit of a round that wrote webhook deliveries */
    public EventRelay(Catalog catalog, WebhookSink sink, Supplier<Instant> clock, IdSource ids, DownloadLinks links,
                      Events signals) {
        this.catalog = catalog;
        this.signals = signals;
        this.sink = sink;
        this.clock = clock;
        this.ids = ids;
        this.links = links;
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
                List<EventOutbox.Pending> fannedOut = new ArrayList<>();
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
                    fannedOut.add(p);
                }
                fanOut(tx, fannedOut);
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

    /** Deletes the events delivered before {@code before}, in batches; returns how many. */
    public long purgeDelivered(Instant before) {
        long total = 0;
        while (true) {
            int n = catalog.inTransaction(tx -> tx.events().purgeDelivered(before, BATCH * 10));
            total += n;
            if (n < BATCH * 10) {
                return total;
            }
        }
    }

    /** Writes one delivery per active webhook of the event's project that wants the event. */
    private void fanOut(CatalogTransaction tx, List<EventOutbox.Pending> events) {
        if (events.isEmpty()) {
            return;
        }
        Set<UUID> projects = new LinkedHashSet<>();
        events.forEach(p -> projects.add(p.event().projectId()));
        List<Webhook> hooks = tx.webhooks().active(projects);
        if (hooks.isEmpty()) {
            return;
        }
        Instant now = clock.get();
        List<WebhookRecords.NewDelivery> deliveries = new ArrayList<>();
        for (EventOutbox.Pending p : events) {
            UploadEvent e = p.event();
            String payload = null;
            for (Webhook w : hooks) {
                if (w.projectId().equals(e.projectId()) && w.wants(e.type())) {
                    payload = payload == null ? WebhookPayloads.event(e, links) : payload;
                    deliveries.add(new WebhookRecords.NewDelivery(ids.next(), w.id(), w.projectId(), e.id(), e.type(),
                            payload, now));
                }
            }
        }
        if (!deliveries.isEmpty()) {
            tx.webhooks().enqueue(deliveries);
            signals.deliveriesWritten(tx);
        }
    }

    private record Round(int claimed, int delivered, boolean refused) {
    }
}
