package dev.uploadkit.core.catalog;

import dev.uploadkit.core.Page;
import dev.uploadkit.core.PageRequest;
import dev.uploadkit.core.catalog.WebhookRecords.Attempt;
import dev.uploadkit.core.catalog.WebhookRecords.DueDelivery;
import dev.uploadkit.core.catalog.WebhookRecords.NewDelivery;
import dev.uploadkit.core.event.EventType;
import dev.uploadkit.core.testing.CatalogTestSupport;
import dev.uploadkit.core.webhook.Webhook;
import dev.uploadkit.core.webhook.WebhookDelivery;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of {@link WebhookRecords}: webhooks scoped to their project, deliveries leased to one claimer at a
 * time (and again once the lease ran out), attempts recorded only under their own lease, failure counts that
 * disable a webhook, the log newest first, and the purge of finished deliveries.
 */
public abstract class AbstractWebhookRecordsContractTest extends CatalogTestSupport {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private Webhook hook(UUID projectId, boolean active) {
        Webhook w = new Webhook(UUID.randomUUID(), projectId, URI.create("https://example.com/h"),
                Set.of(EventType.UPLOAD_COMPLETED, EventType.UPLOAD_DELETED), active, null, 0, NOW, NOW);
        run(tx -> tx.webhooks().insert(w, "whsec_" + w.id()));
        return w;
    }

    private List<UUID> enqueue(Webhook w, int n, Instant at) {
        List<NewDelivery> deliveries = new ArrayList<>();
        long base = at.toEpochMilli() << 16;
        for (int i = 0; i < n; i++) {
            // Increasing ids, as the time-ordered ids of the relay are.
            deliveries.add(new NewDelivery(new UUID(base + i, UUID.randomUUID().getLeastSignificantBits()), w.id(), w.projectId(), UUID.randomUUID(),
                    EventType.UPLOAD_COMPLETED, "{\"n\":" + i + "}", at.plusMillis(i)));
        }
        run(tx -> tx.webhooks().enqueue(deliveries));
        return deliveries.stream().map(NewDelivery::id).toList();
    }

    private List<DueDelivery> claim(Instant now, int limit, int perWebhook, Map<UUID, Integer> room) {
        return tx(tx -> tx.webhooks().claimDue(now, now.plusSeconds(60), limit, perWebhook, room,
                null));
    }

    private Attempt attempt(DueDelivery d, boolean ok, Instant at) {
        return new Attempt(d.id(), d.webhookId(), d.leaseToken(), ok ? WebhookDelivery.Status.SUCCEEDED
                : WebhookDelivery.Status.PENDING, ok ? null : at.plusSeconds(30), ok ? 200 : 500, 12,
                ok ? null : "The receiver answered HTTP 500.", null, at);
    }

    @Test
    void webhooksStayInTheirProjectAndTheSecretIsReadOnlyOnPurpose() {
        Webhook w = hook(project, true);
        assertEquals(Optional.of(w), tx(tx -> tx.webhooks().find(project, w.id())));
        assertEquals(Optional.empty(), tx(tx -> tx.webhooks().find(otherProject, w.id())));
        assertEquals(List.of(w), tx(tx -> tx.webhooks().list(project)));
        assertEquals(List.of(), tx(tx -> tx.webhooks().list(otherProject)));
        assertEquals(Optional.of("whsec_" + w.id()), tx(tx -> tx.webhooks().secret(project, w.id())));
        assertEquals(Optional.empty(), tx(tx -> tx.webhooks().secret(otherProject, w.id())));

        Webhook off = new Webhook(w.id(), project, URI.create("https://example.com/other"), Set.of(EventType.UPLOAD_FAILED),
                false, "switched off", 3, w.createdAt(), NOW.plusSeconds(5));
        assertTrue(this.<Boolean>tx(tx -> tx.webhooks().update(off)));
        assertEquals(Optional.of(off), tx(tx -> tx.webhooks().find(project, w.id())));
        Webhook on = hook(project, true);
        assertEquals(List.of(on), tx(tx -> tx.webhooks().active(List.of(project, otherProject))));
        assertFalse(this.<Boolean>tx(tx -> tx.webhooks().delete(otherProject, w.id())), "another project cannot delete it");
        assertTrue(this.<Boolean>tx(tx -> tx.webhooks().delete(project, w.id())));
        assertEquals(List.of(on), tx(tx -> tx.webhooks().list(project)));
    }

    @Test
    void aLeasedDeliveryIsNotClaimedAgainUntilItsLeaseRunsOut() {
        Webhook w = hook(project, true);
        List<UUID> ids = enqueue(w, 3, NOW);
        assertEquals(3L, this.<Long>tx(tx -> tx.webhooks().countPending()));
        List<DueDelivery> first = claim(NOW.plusSeconds(1), 10, 10, Map.of());
        assertEquals(3L, this.<Long>tx(tx -> tx.webhooks().countPending()), "leased ones are still pending");
        assertEquals(ids, first.stream().map(DueDelivery::id).toList(), "oldest due first");
        DueDelivery d = first.get(0);
        assertEquals(URI.create("https://example.com/h"), d.url());
        assertEquals("whsec_" + w.id(), d.secret());
        assertEquals("{\"n\":0}", d.payload());
        assertNotNull(d.leaseToken());
        assertEquals(List.of(), claim(NOW.plusSeconds(2), 10, 10, Map.of()), "held by the first lease");
        List<DueDelivery> again = claim(NOW.plusSeconds(62), 10, 10, Map.of());
        assertEquals(3, again.size(), "claimable once the lease ran out");
        run(tx -> tx.webhooks().recordAttempts(List.of(attempt(again.get(0), true, NOW.plusSeconds(63))), 20));
        assertEquals(2L, this.<Long>tx(tx -> tx.webhooks().countPending()), "a delivered one is not pending");
    }

    @Test
    void theLeasesOfAnInstanceWithoutHeartbeatsAreFreedAndOnlyThose() {
        Webhook w = hook(project, true);
        List<UUID> ids = enqueue(w, 3, NOW);
        Instant now = NOW.plusSeconds(600);
        run(tx -> tx.instances().heartbeat("dead-instance", NOW));
        run(tx -> tx.instances().heartbeat("live-instance", now));
        Instant hourLease = now.plusSeconds(3600);
        UUID dead = tx(tx -> tx.webhooks().claimDue(now, hourLease, 1, 10, Map.of(), "dead-instance")).get(0).id();
        UUID live = tx(tx -> tx.webhooks().claimDue(now, hourLease, 1, 10, Map.of(), "live-instance")).get(0).id();
        UUID anonymous = tx(tx -> tx.webhooks().claimDue(now, hourLease, 1, 10, Map.of(), null)).get(0).id();
        assertEquals(Set.copyOf(ids), Set.of(dead, live, anonymous));

        assertEquals(1, this.<Integer>tx(tx -> tx.webhooks().releaseLeasesOfDeadInstances(now.minusSeconds(60))));
        List<DueDelivery> again = claim(now.plusSeconds(1), 10, 10, Map.of());
        assertEquals(List.of(dead), again.stream().map(DueDelivery::id).toList(),
                "only the dead instance's delivery is free before its lease ran out");
        assertEquals(0, this.<Integer>tx(tx -> tx.webhooks().releaseLeasesOfDeadInstances(now.minusSeconds(60))),
                "a claim without a holder is never released");
    }

    @Test
    void concurrentClaimsNeverShareADelivery() {
        Webhook w = hook(project, true);
        enqueue(w, 40, NOW);
        List<CompletableFuture<List<DueDelivery>>> claims = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            claims.add(CompletableFuture.supplyAsync(() -> claim(NOW.plusSeconds(1), 15, 40, Map.of())));
        }
        Set<UUID> seen = new HashSet<>();
        int total = 0;
        for (CompletableFuture<List<DueDelivery>> c : claims) {
            for (DueDelivery d : c.join()) {
                assertTrue(seen.add(d.id()), "claimed twice: " + d);
                total++;
            }
        }
        assertEquals(40, total + claim(NOW.plusSeconds(1), 100, 100, Map.of()).size(), "every delivery claimed once");
    }

    @Test
    void claimsHonourEachWebhooksRoomAndSkipInactiveAndNotYetDueOnes() {
        Webhook busy = hook(project, true);
        Webhook quiet = hook(otherProject, true);
        Webhook off = hook(project, false);
        enqueue(busy, 5, NOW);
        enqueue(quiet, 2, NOW.plusSeconds(100));
        enqueue(off, 2, NOW);
        List<DueDelivery> capped = claim(NOW.plusSeconds(1), 10, 2, Map.of());
        assertEquals(2, capped.size(), "at most perWebhook of one webhook");
        assertTrue(capped.stream().allMatch(d -> d.webhookId().equals(busy.id())), "not inactive, not undue");
        assertEquals(List.of(), claim(NOW.plusSeconds(1), 10, 2, Map.of(busy.id(), 0)), "no room, no claim");
        assertEquals(1, claim(NOW.plusSeconds(1), 10, 2, Map.of(busy.id(), 1)).size());
        List<DueDelivery> later = claim(NOW.plusSeconds(200), 10, 10, Map.of());
        assertEquals(7, later.size(), "the quiet webhook's 2 once due, and the busy one's 5 once their leases ran out");
    }

    @Test
    void claimsComeOldestFirstWithinTheLimitAndEachWebhooksOwnRoom() {
        Webhook a = hook(project, true);
        Webhook b = hook(project, true);
        Webhook c = hook(otherProject, true);
        List<UUID> as = enqueue(a, 4, NOW);
        List<UUID> bs = enqueue(b, 4, NOW.plusNanos(1_000));
        List<UUID> cs = enqueue(c, 4, NOW.plusNanos(2_000));
        // The 9 oldest are a0 b0 c0 a1 b1 c1 a2 b2 c2; a has room for 1, c for 3, b the default 2.
        List<DueDelivery> claimed = claim(NOW.plusSeconds(1), 9, 2, Map.of(a.id(), 1, c.id(), 3));
        assertEquals(List.of(as.get(0), bs.get(0), cs.get(0), bs.get(1), cs.get(1), cs.get(2)),
                claimed.stream().map(DueDelivery::id).toList());
        assertTrue(claimed.stream().allMatch(d -> d.leaseToken() != null && d.attempts() == 0
                && d.secret().equals("whsec_" + d.webhookId())));
        assertEquals(List.of(as.get(1), as.get(2)), claim(NOW.plusSeconds(1), 2, 5, Map.of(b.id(), 0, c.id(), 0))
                .stream().map(DueDelivery::id).toList(), "a webhook without room is skipped, the limit still holds");
    }

    @Test
    void attemptsCountOnlyUnderTheirOwnLeaseAndFailuresDisableTheWebhook() {
        Webhook w = hook(project, true);
        enqueue(w, 3, NOW);
        List<DueDelivery> due = claim(NOW.plusSeconds(1), 10, 10, Map.of());
        DueDelivery stale = new DueDelivery(due.get(2).id(), w.id(), w.url(), "", EventType.UPLOAD_COMPLETED, "", 0,
                WebhookDelivery.Status.PENDING, UUID.randomUUID());
        run(tx -> tx.webhooks().recordAttempts(List.of(attempt(due.get(0), false, NOW.plusSeconds(2)),
                attempt(due.get(1), false, NOW.plusSeconds(2)), attempt(stale, true, NOW.plusSeconds(2))), 3));
        WebhookDelivery failed = tx(tx -> tx.webhooks().logEntry(project, w.id(), due.get(0).id())).orElseThrow();
        assertEquals(WebhookDelivery.Status.PENDING, failed.status());
        assertEquals(1, failed.attempts());
        assertEquals(500, failed.lastStatusCode());
        assertEquals(12L, failed.lastLatencyMs());
        assertEquals(NOW.plusSeconds(32), failed.nextAttemptAt());
        WebhookDelivery untouched = tx(tx -> tx.webhooks().logEntry(project, w.id(), stale.id())).orElseThrow();
        assertEquals(0, untouched.attempts(), "an attempt under a lost lease is not recorded");
        assertEquals(2, tx(tx -> tx.webhooks().find(project, w.id())).orElseThrow().consecutiveFailures());

        run(tx -> tx.webhooks().recordAttempts(List.of(attempt(due.get(2), false, NOW.plusSeconds(3))), 3));
        Webhook disabled = tx(tx -> tx.webhooks().find(project, w.id())).orElseThrow();
        assertFalse(disabled.active(), "3 failures in a row reach the limit of 3");
        assertTrue(disabled.disabledReason().contains("3 failed attempts in a row"), disabled.disabledReason());
        assertEquals(List.of(), claim(NOW.plusSeconds(100), 10, 10, Map.of()), "a disabled webhook gets nothing sent");
    }

    @Test
    void aSuccessResetsTheCountAndAGoneAnswerDisablesAtOnce() {
        Webhook w = hook(project, true);
        enqueue(w, 3, NOW);
        List<DueDelivery> due = claim(NOW.plusSeconds(1), 10, 10, Map.of());
        run(tx -> tx.webhooks().recordAttempts(List.of(attempt(due.get(0), false, NOW.plusSeconds(2)),
                attempt(due.get(1), true, NOW.plusSeconds(2))), 20));
        assertEquals(0, tx(tx -> tx.webhooks().find(project, w.id())).orElseThrow().consecutiveFailures());
        WebhookDelivery ok = tx(tx -> tx.webhooks().logEntry(project, w.id(), due.get(1).id())).orElseThrow();
        assertEquals(WebhookDelivery.Status.SUCCEEDED, ok.status());
        assertEquals(NOW.plusSeconds(2), ok.deliveredAt());
        assertNull(ok.nextAttemptAt());
        Attempt gone = new Attempt(due.get(2).id(), w.id(), due.get(2).leaseToken(), WebhookDelivery.Status.FAILED,
                null, 410, 3, "The receiver answered HTTP 410.", "The receiver answered 410 Gone.", NOW.plusSeconds(3));
        run(tx -> tx.webhooks().recordAttempts(List.of(gone), 20));
        Webhook disabled = tx(tx -> tx.webhooks().find(project, w.id())).orElseThrow();
        assertFalse(disabled.active());
        assertEquals("The receiver answered 410 Gone.", disabled.disabledReason());
    }

    @Test
    void theLogIsNewestFirstWithCursorsAndOldFinishedDeliveriesArePurged() {
        Webhook w = hook(project, true);
        List<UUID> ids = enqueue(w, 5, NOW);
        Page<WebhookDelivery> first = tx(tx -> tx.webhooks().deliveries(project, w.id(), PageRequest.first(2)));
        assertEquals(5, first.total());
        assertEquals(List.of(ids.get(4), ids.get(3)), first.items().stream().map(WebhookDelivery::id).toList());
        Page<WebhookDelivery> second = tx(tx -> tx.webhooks().deliveries(project, w.id(),
                new PageRequest(2, 2, first.nextCursor())));
        assertEquals(List.of(ids.get(2), ids.get(1)), second.items().stream().map(WebhookDelivery::id).toList());
        Page<WebhookDelivery> third = tx(tx -> tx.webhooks().deliveries(project, w.id(), new PageRequest(3, 2, null)));
        assertEquals(List.of(ids.get(0)), third.items().stream().map(WebhookDelivery::id).toList());
        assertNull(third.nextCursor());
        assertEquals(0, tx(tx -> tx.webhooks().deliveries(otherProject, w.id(), PageRequest.first(10))).total());
        assertEquals(Optional.empty(), tx(tx -> tx.webhooks().delivery(otherProject, w.id(), ids.get(0))));

        List<DueDelivery> due = claim(NOW.plusSeconds(1), 2, 10, Map.of());
        run(tx -> tx.webhooks().recordAttempts(List.of(attempt(due.get(0), true, NOW.plusSeconds(2))), 20));
        assertEquals(1, (int) this.<Integer>tx(tx -> tx.webhooks().purgeDeliveries(NOW.plusSeconds(10), 100)),
                "only the finished one goes; pending ones stay whatever their age");
        assertEquals(4, tx(tx -> tx.webhooks().deliveries(project, w.id(), PageRequest.first(10))).total());
        assertTrue(this.<Boolean>tx(tx -> tx.webhooks().delete(project, w.id())));
        assertEquals(Optional.empty(), tx(tx -> tx.webhooks().logEntry(project, w.id(), ids.get(4))),
                "deleting a webhook deletes its deliveries");
    }
}
