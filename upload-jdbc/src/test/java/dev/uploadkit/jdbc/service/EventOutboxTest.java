package dev.uploadkit.jdbc.service;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Metadata;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadPatch;
import dev.uploadkit.core.UploadRequest;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.event.EventType;
import dev.uploadkit.core.event.UploadEvent;
import dev.uploadkit.core.event.WebhookSink;
import dev.uploadkit.core.jobs.BackgroundWork;
import dev.uploadkit.core.net.OutboundPolicy;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.JcloudsFileStore;
import dev.uploadkit.core.webhook.WebhookService;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outbox end to end: events exist only if their change committed, a sink that fails loses nothing and sees the
 * events in order, and events committed before a crash are delivered after the restart.
 */
class EventOutboxTest {
    @TempDir
    Path storeDir;
    @TempDir
    Path dbDir;

    private TestDatabase db;
    private FileStore store;
    private final List<UploadService> services = new ArrayList<>();
    private final List<UploadEvent> received = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() {
        services.forEach(UploadService::close);
        if (store != null) {
            store.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private UUID open(TestDatabase database) {
        db = database;
        store = JcloudsFileStore.filesystem("local", storeDir);
        UUID project = UUID.randomUUID();
        db.projects().insertProject(new Project(project, "p", "free", Instant.now()));
        return project;
    }

    private UploadService service(Catalog catalog, WebhookSink sink) {
        UploadService service = UploadService.builder().catalog(catalog).store(store).webhookSink(sink).build();
        services.add(service);
        return service;
    }

    private static Upload upload(UploadService service, UUID project, String name) {
        return service.upload(UploadRequest.of(project, name), new ByteArrayInputStream(name.getBytes()));
    }

    private static List<String> described(List<UploadEvent> events) {
        return events.stream().map(e -> e.type().wireName() + " " + e.upload().filename()).toList();
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aChangeThatRollsBackLeavesNoEvent(TestDatabases.Kind kind) {
        UUID project = open(kind.open());
        AtomicBoolean failCommits = new AtomicBoolean();
        Catalog failing = new Catalog() {
            @Override
            public <T> T inTransaction(java.util.function.Function<dev.uploadkit.core.catalog.CatalogTransaction, T> work) {
                return db.catalog().inTransaction(tx -> {
                    T result = work.apply(tx);
                    if (failCommits.get()) {
                        throw new UploadException(ErrorCode.INTERNAL_ERROR, "The commit failed.");
                    }
                    return result;
                });
            }
        };
        UploadService service = service(failing, received::add);
        Upload u = upload(service, project, "a.txt");
        failCommits.set(true);
        assertThrows(UploadException.class, () -> service.patch(project, u.uuid(),
                UploadPatch.none().withMetadata(new Metadata(Map.of("k", "v")))));
        assertThrows(UploadException.class, () -> service.trash(project, u.uuid()));
        assertThrows(UploadException.class, () -> service.forceDelete(project, u.uuid()));
        failCommits.set(false);

        assertEquals(u, service.get(project, u.uuid()), "nothing changed");
        assertEquals(1, service.deliverEvents());
        assertEquals(List.of("upload.completed a.txt"), described(received));
        assertEquals(0, service.deliverEvents(), "delivered events are not delivered again");
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void everyDeletionForGoodIsReportedFromTrashToo(TestDatabases.Kind kind) {
        UUID project = open(kind.open());
        UploadService service = service(db.catalog(), received::add);
        Upload emptied = upload(service, project, "emptied.txt");
        Upload purged = upload(service, project, "purged.txt");
        Upload forced = upload(service, project, "forced.txt");
        for (Upload u : List.of(emptied, forced)) {
            service.trash(project, u.uuid());
        }
        service.forceDelete(project, forced.uuid());
        service.emptyTrash(project);
        service.trash(project, purged.uuid());
        service.purgeTrash(Duration.ZERO);
        service.deliverEvents();
        assertEquals(List.of("upload.completed emptied.txt", "upload.completed purged.txt", "upload.completed forced.txt",
                "upload.deleted emptied.txt", "upload.deleted forced.txt", "upload.deleted forced.txt",
                "upload.deleted emptied.txt", "upload.deleted purged.txt", "upload.deleted purged.txt"),
                described(received), "a move to trash, then the force delete, empty trash and purge each report");
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aSinkThatFailsThenRecoversGetsEveryEventInOrder(TestDatabases.Kind kind) {
        UUID project = open(kind.open());
        UUID otherProject = UUID.randomUUID();
        db.projects().insertProject(new Project(otherProject, "q", "free", Instant.now()));
        AtomicInteger calls = new AtomicInteger();
        // Refuses the first two offers, then every third.
        UploadService service = service(db.catalog(), event -> {
            int n = calls.incrementAndGet();
            if (n <= 2 || n % 3 == 0) {
                throw new IllegalStateException("the webhook endpoint is down");
            }
            received.add(event);
        });
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            UUID p = i % 2 == 0 ? project : otherProject;
            Upload u = upload(service, p, "f" + i + ".txt");
            expected.add("upload.completed f" + i + ".txt");
            service.trash(p, u.uuid());
            expected.add("upload.deleted f" + i + ".txt");
            service.restore(p, u.uuid());
            expected.add("upload.restored f" + i + ".txt");
            service.patch(p, u.uuid(), UploadPatch.none().withMetadata(new Metadata(Map.of("n", "" + i))));
            expected.add("upload.metadata_updated f" + i + ".txt");
            if (i == 3) {
                service.forceDelete(p, u.uuid());
                expected.add("upload.deleted f" + i + ".txt");
            }
        }
        assertEquals(List.of(), received, "nothing is delivered until the relay runs");

        for (int round = 0; round < 100 && received.size() < expected.size(); round++) {
            service.deliverEvents();
        }
        assertEquals(expected, described(received), "every event, once, in order");
        assertEquals(0, service.deliverEvents());
        assertEquals(expected.size(), received.size());
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void commitsOfEventsAndRelayRoundsThatWroteDeliveriesAreSignalledOnceCommitted(TestDatabases.Kind kind) {
        UUID project = open(kind.open());
        UploadService service = service(db.catalog(), received::add);
        WebhookService.builder().catalog(db.catalog()).policy(OutboundPolicy.parse("127.0.0.1/32")).build()
                .create(project, "http://127.0.0.1:9/hook", Set.of(EventType.UPLOAD_COMPLETED), true);
        List<String> events = new CopyOnWriteArrayList<>();
        List<String> rounds = new CopyOnWriteArrayList<>();
        // Each listener looks from another transaction: what it sees was committed before the signal.
        Runnable stopEvents = service.outboxSignals().onEventsCommitted(() -> events.add(
                db.catalog().inTransaction(tx -> tx.events().countPending()) + " pending"));
        Runnable stopRounds = service.outboxSignals().onDeliveriesWritten(() -> rounds.add(db.catalog().inTransaction(
                tx -> tx.events().countPending() + " events pending, " + tx.webhooks().countPending() + " deliveries")));

        Upload u = upload(service, project, "a.txt");
        service.trash(project, u.uuid());
        service.get(project, u.uuid());
        assertThrows(UploadException.class, () -> service.restore(project, UUID.randomUUID()));
        assertEquals(List.of("1 pending", "2 pending"), events, "one signal per committed transaction with events");
        // 200 more events of the webhook's type, written straight into the outbox (no signal), so that the relay
        // needs three rounds of at most 100.
        db.catalog().inTransaction(tx -> {
            for (int i = 0; i < 200; i++) {
                tx.events().append(new UploadEvent(UUID.randomUUID(), EventType.UPLOAD_COMPLETED, Instant.now(), u));
            }
            return null;
        });
        assertEquals(202, service.deliverEvents());
        assertEquals(List.of("102 events pending, 99 deliveries", "2 events pending, 199 deliveries",
                "0 events pending, 201 deliveries"), rounds, "a signal after each round's commit, not only at the end");

        stopEvents.run();
        stopRounds.run();
        upload(service, project, "b.txt");
        assertEquals(1, service.deliverEvents());
        assertEquals(2, events.size(), "no signal once unsubscribed");
        assertEquals(3, rounds.size());
    }

    @Test
    void eventsCommittedBeforeACrashAreDeliveredAfterTheRestart() throws InterruptedException {
        UUID project = open(TestDatabases.h2File(dbDir));
        UploadService before = service(db.catalog(), event -> {
            throw new IllegalStateException("never reached: no relay runs before the crash");
        });
        Upload kept = upload(before, project, "kept.txt");
        Upload binned = upload(before, project, "binned.txt");
        before.trash(project, binned.uuid());
        List<String> expected = List.of("upload.completed kept.txt", "upload.completed binned.txt",
                "upload.deleted binned.txt");
        // The instance goes away with its events committed but not delivered.
        before.close();
        db.close();

        db = TestDatabases.h2File(dbDir);
        CountDownLatch all = new CountDownLatch(expected.size());
        UploadService after = service(db.catalog(), event -> {
            received.add(event);
            all.countDown();
        });
        try (BackgroundWork work = BackgroundWork.builder().uploadService(after)
                .jobRunner(db.database().jobRunner(after.instanceId(), Duration.ofMillis(50)))
                .eventInterval(Duration.ofMillis(50)).build()) {
            work.start();
            assertTrue(all.await(30, TimeUnit.SECONDS), "delivered so far: " + described(received));
        }
        assertEquals(expected, described(received));
        assertEquals(kept.uuid(), received.get(0).upload().uuid());
        assertEquals(EventType.UPLOAD_DELETED, received.get(2).type());
        assertEquals(0, after.deliverEvents(), "nothing left pending");
    }
}
