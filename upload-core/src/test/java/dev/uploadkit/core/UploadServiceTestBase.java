package dev.uploadkit.core;

import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.event.UploadEvent;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.JcloudsFileStore;
import dev.uploadkit.core.testing.CatalogFixture;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@link UploadService} on a real catalog (from the subclass) and a real filesystem store in a
 * temporary folder, with two projects.
 */
public abstract class UploadServiceTestBase {
    @TempDir
    protected Path storeDir;

    protected CatalogFixture db;
    protected FileStore store;
    protected UploadService service;
    protected UUID projectA;
    protected UUID projectB;
    /** The events the sink received; read them through {@link #deliveredEvents()}, which delivers first. */
    protected final List<UploadEvent> events = new CopyOnWriteArrayList<>();

    /** Returns a new, empty, migrated catalog. */
    protected abstract CatalogFixture openCatalog();

    @BeforeEach
    void startService() {
        db = openCatalog();
        store = JcloudsFileStore.filesystem("local", storeDir);
        service = configure(UploadService.builder()).build();
        projectA = newProject("a");
        projectB = newProject("b");
    }

    /** Returns the builder with catalog, store and event sink set; tests may override settings. */
    protected UploadServiceBuilder configure(UploadServiceBuilder builder) {
        return builder.catalog(db.catalog()).store(store).webhookSink(events::add);
    }

    /**
     * Delivers the outbox's pending events to the sink (as the background relay would) and returns every event
     * the sink received so far.
     */
    protected List<UploadEvent> deliveredEvents() {
        service.deliverEvents();
        return List.copyOf(events);
    }

    protected UploadService rebuild(Consumer<UploadServiceBuilder> change) {
        UploadServiceBuilder b = configure(UploadService.builder());
        change.accept(b);
        return b.build();
    }

    @AfterEach
    void stopService() {
        store.close();
        db.close();
    }

    protected UUID newProject(String name) {
        Project p = new Project(UUID.randomUUID(), name, "free", Instant.now());
        db.projects().insertProject(p);
        return p.id();
    }

    protected Upload upload(UUID project, String folder, String filename, byte[] bytes) {
        return service.upload(UploadRequest.of(project, filename).withFolder(folder), new ByteArrayInputStream(bytes));
    }

    protected byte[] read(UUID project, UUID uuid) {
        return read(service, project, uuid);
    }

    protected static byte[] read(UploadService from, UUID project, UUID uuid) {
        try (Download d = from.open(project, uuid, java.util.Optional.empty())) {
            return d.content().content().readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected List<Path> storedFiles() {
        return TestContent.filesUnder(storeDir);
    }

    /** Asserts that the project has no upload records, no blobs and the store no objects. */
    protected void assertNothingLeft(UUID project) {
        assertEquals(0, service.list(project, UploadQuery.builder().view(UploadQuery.View.ALL).build(),
                PageRequest.first(100)).total(), "upload records left behind");
        assertEquals(List.of(), db.catalog().inTransaction(tx -> tx.blobs().abandoned(Instant.now().plusSeconds(3600), 10)),
                "blob reservations left behind");
        assertEquals(0, service.dedupStats(project).uniqueBlobs(), "blobs left behind");
        assertTrue(storedFiles().isEmpty(), () -> "objects left behind: " + storedFiles());
    }
}
