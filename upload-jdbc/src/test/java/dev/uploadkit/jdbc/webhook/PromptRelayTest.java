package dev.uploadkit.jdbc.webhook;

import dev.uploadkit.core.UploadRequest;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.catalog.CatalogTransaction;
import dev.uploadkit.core.event.EventType;
import dev.uploadkit.core.jobs.BackgroundWork;
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

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay and the dispatcher act on this process's commits at once, not at their next poll: with both polling
 * only once an hour, an upload committed after each had run its first (empty) round is delivered to the receiver.
 * Nothing but the signals can start their second rounds within the test's time.
 */
class PromptRelayTest {
    private static final Duration HOUR = Duration.ofHours(1);

    private TestDatabase db;
    private LoopbackReceiver receiver;
    private UploadService uploads;

    @AfterEach
    void close() {
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
    void anUploadIsDeliveredWithoutWaitingForThePollsOfTheRelayOrTheDispatcher(TestDatabases.Kind kind)
            throws Exception {
        db = kind.open();
        receiver = new LoopbackReceiver();
        UUID project = UUID.randomUUID();
        db.projects().insertProject(new Project(project, "p", "free", Instant.now()));
        CountDownLatch relayRan = new CountDownLatch(1);
        CountDownLatch dispatcherRan = new CountDownLatch(1);
        uploads = UploadService.builder().catalog(db.catalog()).backgroundCatalog(counted(db.catalog(), relayRan))
                .store(JcloudsFileStore.inMemory("t")).build();
        WebhookService webhooks = WebhookService.builder().catalog(db.catalog())
                .backgroundCatalog(counted(db.catalog(), dispatcherRan)).pollInterval(HOUR)
                .policy(OutboundPolicy.parse("127.0.0.1/32")).build();
        CreatedWebhook hook = webhooks.create(project, receiver.url().toString(), Set.of(EventType.UPLOAD_COMPLETED),
                true);
        try (BackgroundWork work = BackgroundWork.builder().uploadService(uploads).webhooks(webhooks)
                .jobRunner(db.database().jobRunner(uploads.instanceId(), Duration.ofSeconds(1)))
                .eventInterval(HOUR).build()) {
            work.start();
            assertTrue(relayRan.await(30, TimeUnit.SECONDS), "the relay's first round");
            assertTrue(dispatcherRan.await(30, TimeUnit.SECONDS), "the dispatcher's first round");

            uploads.upload(UploadRequest.of(project, "a.txt"), new ByteArrayInputStream(new byte[] {1, 2, 3}));
            assertTrue(Poll.until(() -> receiver.received().size() == 1, Duration.ofSeconds(30)),
                    "delivered long before either poll");
            assertTrue(receiver.received().get(0).signedWith(hook.secret()));
        }
        assertEquals(1, receiver.received().size());
    }

    /** {@code catalog}, counting {@code ran} down after each transaction. */
    private static Catalog counted(Catalog catalog, CountDownLatch ran) {
        return new Catalog() {
            @Override
            public <T> T inTransaction(Function<CatalogTransaction, T> work) {
                try {
                    return catalog.inTransaction(work);
                } finally {
                    ran.countDown();
                }
            }
        };
    }
}
