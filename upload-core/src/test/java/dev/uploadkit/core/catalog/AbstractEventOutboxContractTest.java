package dev.uploadkit.core.catalog;

import dev.uploadkit.core.ContentInfo;
import dev.uploadkit.core.Metadata;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadError;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.event.EventType;
import dev.uploadkit.core.event.UploadEvent;
import dev.uploadkit.core.testing.CatalogTestSupport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.uploadkit.core.testing.TestUploads.sha;
import static dev.uploadkit.core.testing.TestUploads.t;
import static dev.uploadkit.core.testing.TestUploads.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of {@link EventOutbox}: events commit or roll back with their transaction, come back equal and in
 * append order, leave the pending set once delivered, and concurrent claimers never get the same event.
 */
public abstract class AbstractEventOutboxContractTest extends CatalogTestSupport {

    private UploadEvent event(EventType type, int n) {
        return new UploadEvent(UUID.randomUUID(), type, t(n), upload(project).filename("f" + n + ".bin").build());
    }

    private void append(UploadEvent... events) {
        run(tx -> List.of(events).forEach(tx.events()::append));
    }

    private List<UploadEvent> pending() {
        return tx(tx -> tx.events().claimPending(1000)).stream().map(EventOutbox.Pending::event).toList();
    }

    @Test
    void anEventRoundTripsWithEveryField() {
        Upload full = upload(project).blobId(null).status(UploadStatus.FAILED).sha256(sha(3)).sizeBytes(42)
                .metadata(new Metadata(Map.of("k", "v", "a", "b"))).contentInfo(new ContentInfo("image/png",
                        new ContentInfo.ImageInfo(3, 4))).deletedAt(t(9)).error(UploadError.interrupted())
                .uploadTimeMs(17).deduplicated(true).isPublic(true).objectKey("a/b.png")
                .sourceUrl("https://example.com/b.png").build();
        UploadEvent event = new UploadEvent(UUID.randomUUID(), EventType.UPLOAD_FAILED, t(5), full);
        UploadEvent bare = event(EventType.UPLOAD_COMPLETED, 1);
        append(event, bare);
        assertEquals(List.of(event, bare), pending());
    }

    @Test
    void onlyEventsDeliveredBeforeTheCutOffArePurged() {
        append(event(EventType.UPLOAD_COMPLETED, 1), event(EventType.UPLOAD_COMPLETED, 2),
                event(EventType.UPLOAD_COMPLETED, 3));
        List<EventOutbox.Pending> claimed = tx(tx -> tx.events().claimPending(10));
        run(tx -> tx.events().markDelivered(List.of(claimed.get(0).seq()), t(10)));
        run(tx -> tx.events().markDelivered(List.of(claimed.get(1).seq()), t(30)));
        assertEquals(1, (int) this.<Integer>tx(tx -> tx.events().purgeDelivered(t(20), 100)));
        assertEquals(0, (int) this.<Integer>tx(tx -> tx.events().purgeDelivered(t(20), 100)));
        assertEquals(List.of(claimed.get(2).event()), pending(), "pending events are never purged");
        assertEquals(1, (int) this.<Integer>tx(tx -> tx.events().purgeDelivered(t(40), 100)));
    }

    @Test
    void anAppendInARolledBackTransactionLeavesNothing() {
        assertThrows(IllegalStateException.class, () -> run(tx -> {
            tx.events().append(event(EventType.UPLOAD_COMPLETED, 1));
            throw new IllegalStateException("roll back");
        }));
        assertEquals(List.of(), pending());
    }

    @Test
    void pendingEventsComeInAppendOrderUntilDelivered() {
        List<UploadEvent> appended = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            UploadEvent e = event(EventType.values()[i % 5], i);
            appended.add(e);
            append(e);
        }
        assertEquals(appended, pending());
        assertEquals(5L, this.<Long>tx(tx -> tx.events().countPending()));
        List<EventOutbox.Pending> firstTwo = tx(tx -> tx.events().claimPending(2));
        assertEquals(appended.subList(0, 2), firstTwo.stream().map(EventOutbox.Pending::event).toList());
        assertTrue(firstTwo.get(0).seq() < firstTwo.get(1).seq());
        run(tx -> tx.events().markDelivered(firstTwo.stream().map(EventOutbox.Pending::seq).toList(), t(100)));
        assertEquals(appended.subList(2, 5), pending());
        assertEquals(3L, this.<Long>tx(tx -> tx.events().countPending()), "delivered ones are not counted");
        run(tx -> tx.events().markDelivered(List.of(), t(101)));
        assertEquals(appended.subList(2, 5), pending());
    }

    @Test
    void aClaimOfAnotherTransactionIsSkippedNotWaitedFor() throws Exception {
        List<UploadEvent> appended = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            appended.add(event(EventType.UPLOAD_COMPLETED, i));
        }
        append(appended.toArray(UploadEvent[]::new));
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<List<UploadEvent>> holder = CompletableFuture.supplyAsync(() -> tx(tx -> {
            List<UploadEvent> mine = tx.events().claimPending(2).stream().map(EventOutbox.Pending::event).toList();
            claimed.countDown();
            try {
                assertTrue(release.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return mine;
        }));
        try {
            assertTrue(claimed.await(30, TimeUnit.SECONDS));
            List<UploadEvent> others = pending();
            assertEquals(appended.subList(2, 4), others, "the other claimer's events are skipped");
        } finally {
            release.countDown();
        }
        assertEquals(appended.subList(0, 2), holder.get(30, TimeUnit.SECONDS));
        assertEquals(appended, pending(), "released claims are pending again");
    }

    @Test
    void concurrentClaimersNeverGetTheSameEvent() throws Exception {
        List<UploadEvent> appended = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            appended.add(event(EventType.UPLOAD_COMPLETED, i));
        }
        append(appended.toArray(UploadEvent[]::new));
        List<List<UUID>> taken = runConcurrently(4, n -> {
            List<UUID> mine = new ArrayList<>();
            while (true) {
                List<UUID> batch = tx(tx -> {
                    List<EventOutbox.Pending> claim = tx.events().claimPending(3);
                    tx.events().markDelivered(claim.stream().map(EventOutbox.Pending::seq).toList(), t(1000));
                    return claim.stream().map(p -> p.event().id()).toList();
                });
                if (batch.isEmpty()) {
                    return mine;
                }
                mine.addAll(batch);
            }
        });
        List<UUID> all = taken.stream().flatMap(List::stream).toList();
        assertEquals(appended.size(), all.size(), "each event claimed once: " + taken);
        assertEquals(appended.stream().map(UploadEvent::id).sorted().toList(), all.stream().sorted().toList());
        assertEquals(List.of(), pending());
    }
}
