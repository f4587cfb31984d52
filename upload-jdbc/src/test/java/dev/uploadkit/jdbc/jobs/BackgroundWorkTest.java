package dev.uploadkit.jdbc.jobs;

import dev.uploadkit.core.ReceivedUpload;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadRequest;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.jobs.BackgroundWork;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.JcloudsFileStore;
import dev.uploadkit.core.testing.TestContent;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Background work end to end on H2 and a filesystem store: the jobs run on db-scheduler and fail a crashed
 * instance's upload and purge old trash. The surviving instance's clock runs two minutes ahead instead of the test
 * waiting for a minute to pass.
 */
class BackgroundWorkTest {
    @TempDir
    Path storeDir;

    private TestDatabase db;
    private FileStore store;
    private UploadService crashed;
    private UploadService survivor;
    private UUID project;

    @BeforeEach
    void open() {
        db = TestDatabases.h2();
        store = JcloudsFileStore.filesystem("local", storeDir);
        crashed = UploadService.builder().catalog(db.catalog()).store(store).instanceId("crashed").build();
        Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2));
        survivor = UploadService.builder().catalog(db.catalog()).store(store).instanceId("survivor").clock(ahead)
                .build();
        project = UUID.randomUUID();
        db.projects().insertProject(new Project(project, "p", "free", Instant.now()));
    }

    @AfterEach
    void closeAll() {
        crashed.close();
        survivor.close();
        store.close();
        db.close();
    }

    @Test
    void sweepsACrashedInstancesUploadAndPurgesOldTrash() {
        crashed.heartbeat();
        ReceivedUpload cutOff = crashed.receive(UploadRequest.of(project, "cut-off.bin"),
                new ByteArrayInputStream(new byte[300_000]));
        Upload trashed = crashed.upload(UploadRequest.of(project, "old.pdf"), new ByteArrayInputStream(TestContent.pdf()));
        crashed.trash(project, trashed.uuid());

        ScheduledExecutorService host = Executors.newSingleThreadScheduledExecutor();
        try {
            try (BackgroundWork work = BackgroundWork.builder().uploadService(survivor)
                    .jobRunner(db.database().jobRunner(survivor.instanceId(), Duration.ofMillis(50)))
                    .scheduler(host).heartbeatInterval(Duration.ofMillis(100)).jobInterval(Duration.ofMillis(100))
                    .trashRetention(Duration.ofMinutes(1)).build()) {
                work.start();
                assertTrue(await(() -> survivor.get(project, cutOff.uuid()).status() == UploadStatus.FAILED),
                        "the crashed instance's upload failed");
                assertTrue(await(() -> survivor.list(project, dev.uploadkit.core.UploadQuery.builder()
                                .view(dev.uploadkit.core.UploadQuery.View.TRASHED).build(),
                        dev.uploadkit.core.PageRequest.first(10)).total() == 0), "the old trash was purged");
                // The purge removes the bytes right after the transaction that deleted the record.
                assertTrue(await(() -> TestContent.filesUnder(storeDir).isEmpty()), "no bytes left behind");
                assertThrows(IllegalStateException.class, work::start);
            }
            assertFalse(host.isShutdown(), "the host's scheduler stays the host's");
        } finally {
            host.shutdownNow();
        }
    }

    @Test
    void refusesHeartbeatsTooRareForTheStaleThreshold() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> BackgroundWork.builder()
                .uploadService(survivor).jobRunner(db.database().jobRunner("x"))
                .heartbeatInterval(Duration.ofSeconds(40)).build());
        assertTrue(e.getMessage().startsWith("heartbeatInterval:"), e.getMessage());
        IllegalArgumentException tooRare = assertThrows(IllegalArgumentException.class,
                () -> BackgroundWork.builder().jobInterval(Duration.ofMinutes(5)));
        assertTrue(tooRare.getMessage().startsWith("jobInterval:"), tooRare.getMessage());
    }

    /** Waits, polling, until {@code condition} holds; false after 30 s. */
    private static boolean await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            LockSupport.parkNanos(20_000_000);
        }
        return condition.getAsBoolean();
    }
}
