package dev.uploadkit.jdbc.service;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadRequest;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.JcloudsFileStore;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who shuts down the read-ahead executor: the service its own, never the host's. */
class UploadServiceLifecycleTest {
    private TestDatabase db;
    private FileStore store;
    private UUID project;

    @BeforeEach
    void open() {
        db = TestDatabases.h2();
        store = JcloudsFileStore.inMemory("mem");
        project = UUID.randomUUID();
        db.projects().insertProject(new Project(project, "p", "free", Instant.now()));
    }

    @AfterEach
    void closeAll() {
        store.close();
        db.close();
    }

    @Test
    void closeShutsDownTheServicesOwnExecutor() {
        UploadService service = UploadService.builder().catalog(db.catalog()).store(store).build();
        upload(service);

        service.close();

        UploadException e = assertThrows(UploadException.class, () -> upload(service));
        assertEquals(ErrorCode.SERVICE_UNAVAILABLE, e.code());
    }

    @Test
    void closeLeavesTheHostsExecutorRunning() {
        AtomicInteger tasks = new AtomicInteger();
        ExecutorService host = Executors.newCachedThreadPool();
        try {
            ExecutorService counting = new java.util.concurrent.AbstractExecutorService() {
                @Override
                public void execute(Runnable command) {
                    tasks.incrementAndGet();
                    host.execute(command);
                }

                @Override
                public void shutdown() {
                    host.shutdown();
                }

                @Override
                public java.util.List<Runnable> shutdownNow() {
                    return host.shutdownNow();
                }

                @Override
                public boolean isShutdown() {
                    return host.isShutdown();
                }

                @Override
                public boolean isTerminated() {
                    return host.isTerminated();
                }

                @Override
                public boolean awaitTermination(long timeout, java.util.concurrent.TimeUnit unit)
                        throws InterruptedException {
                    return host.awaitTermination(timeout, unit);
                }
            };
            UploadService service = UploadService.builder().catalog(db.catalog()).store(store)
                    .readAheadExecutor(counting).build();
            upload(service);
            assertTrue(tasks.get() > 0, "the upload read ahead on the host's executor");

            service.close();

            assertFalse(host.isShutdown(), "the host's executor is the host's to shut down");
        } finally {
            host.shutdownNow();
        }
    }

    @Test
    void builderRefusesABadInstanceId() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> UploadService.builder().instanceId(" "));
        assertTrue(e.getMessage().startsWith("instanceId:"), e.getMessage());
    }

    private void upload(UploadService service) {
        service.upload(UploadRequest.of(project, "a.txt"), new ByteArrayInputStream(new byte[1 << 20]));
    }
}
