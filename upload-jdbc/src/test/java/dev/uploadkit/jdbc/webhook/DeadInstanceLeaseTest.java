package dev.uploadkit.jdbc.webhook;

import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.catalog.WebhookRecords.NewDelivery;
import dev.uploadkit.core.event.EventType;
import dev.uploadkit.core.internal.webhook.WebhookDispatcher;
import dev.uploadkit.core.net.OutboundPolicy;
import dev.uploadkit.core.store.JcloudsFileStore;
import dev.uploadkit.core.testing.Poll;
import dev.uploadkit.core.webhook.CreatedWebhook;
import dev.uploadkit.core.webhook.WebhookService;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A delivery leased by an instance that then died (a claim in the catalog naming an instance whose heartbeats
 * stopped, with an hour left on its lease) is freed by the crash sweep of a live instance, and by its next heartbeat,
 * and sent by its dispatcher at once; a delivery leased by a live instance keeps its lease.
 */
class DeadInstanceLeaseTest {
    private TestDatabase db;
    private LoopbackReceiver receiver;
    private UploadService uploads;
    private WebhookDispatcher dispatcher;

    @AfterEach
    void close() {
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (uploads != null) {
            uploads.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void theSweepFreesADeadInstancesLeaseAndTheDeliveryGoesOutAtOnce(TestDatabases.Kind kind) throws Exception {
        db = kind.open();
        receiver = new LoopbackReceiver();
        UUID project = UUID.randomUUID();
        db.projects().insertProject(new Project(project, "p", "free", Instant.now()));
        uploads = UploadService.builder().catalog(db.catalog()).store(JcloudsFileStore.inMemory("t"))
                .interruptedAfter(Duration.ofMinutes(1)).build();
        WebhookService webhooks = WebhookService.builder().catalog(db.catalog())
                .policy(OutboundPolicy.parse("127.0.0.1/32")).build();
        CreatedWebhook hook = webhooks.create(project, receiver.url().toString(), Set.of(EventType.UPLOAD_COMPLETED),
                true);

        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        UUID orphan = UUID.randomUUID();
        UUID held = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        db.catalog().inTransaction(tx -> {
            tx.webhooks().enqueue(List.of(
                    new NewDelivery(orphan, hook.webhook().id(), project, UUID.randomUUID(),
                            EventType.UPLOAD_COMPLETED, "{\"n\":1}", now.minusSeconds(1)),
                    new NewDelivery(held, hook.webhook().id(), project, UUID.randomUUID(),
                            EventType.UPLOAD_COMPLETED, "{\"n\":2}", now),
                    new NewDelivery(second, hook.webhook().id(), project, UUID.randomUUID(),
                            EventType.UPLOAD_COMPLETED, "{\"n\":3}", now.plusMillis(1))));
            // An instance that was sending the first delivery when it died 5 minutes ago, its lease an hour long...
            tx.instances().heartbeat("dead-instance", now.minus(Duration.ofMinutes(5)));
            assertEquals(1, tx.webhooks().claimDue(now, now.plus(Duration.ofHours(1)), 1, 8, Map.of(),
                    "dead-instance").size());
            // ...and one alive, sending the second.
            tx.instances().heartbeat("live-instance", now);
            assertEquals(1, tx.webhooks().claimDue(now, now.plus(Duration.ofHours(1)), 1, 8, Map.of(),
                    "live-instance").size());
            return null;
        });
        assertEquals("dead-instance", leaseHolder(orphan));

        uploads.sweepInterrupted(Duration.ofMinutes(10));
        assertNull(leaseHolder(orphan), "the sweep frees the dead instance's lease");
        assertEquals("live-instance", leaseHolder(held), "a live instance keeps its lease");

        Instant later = now.plusSeconds(1);
        db.catalog().inTransaction(tx -> tx.webhooks().claimDue(later, later.plus(Duration.ofHours(1)), 2, 8,
                Map.of(), "dead-instance"));
        assertEquals("dead-instance", leaseHolder(second));
        uploads.heartbeat();
        assertNull(leaseHolder(second), "so does the next heartbeat of a live instance");
        assertNull(leaseHolder(orphan));
        assertEquals("live-instance", leaseHolder(held));

        dispatcher = webhooks.newDispatcher(uploads.instanceId());
        dispatcher.start();
        assertTrue(Poll.until(() -> "succeeded".equals(status(orphan)) && "succeeded".equals(status(second)),
                Duration.ofSeconds(20)), "delivered long before their leases would have run out");
        assertTrue(receiver.received().stream().allMatch(r -> r.signedWith(hook.secret())));
        assertEquals(Set.of(orphan.toString(), second.toString()), receiver.received().stream()
                .map(LoopbackReceiver.Received::id).collect(java.util.stream.Collectors.toSet()),
                "the live instance's delivery stays with it");
        assertEquals(2, receiver.received().size(), "each sent once");
    }

    private String leaseHolder(UUID delivery) throws Exception {
        return column("lease_holder", delivery);
    }

    private String status(UUID delivery) {
        try {
            return column("status", delivery);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String column(String column, UUID delivery) throws Exception {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT " + column + " FROM webhook_deliveries WHERE id = ?")) {
            if (db.jdbcUrl().startsWith("jdbc:mariadb") || db.jdbcUrl().startsWith("jdbc:mysql")) {
                s.setString(1, delivery.toString());
            } else {
                s.setObject(1, delivery);
            }
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next(), "delivery " + delivery);
                return rs.getString(1);
            }
        }
    }
}
