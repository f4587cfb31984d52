package dev.uploadkit.core.testing;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Page;
import dev.uploadkit.core.PageRequest;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadQuery;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.auth.ApiKey;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.auth.ProjectStore;
import dev.uploadkit.core.catalog.Blob;
import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.catalog.CatalogTransaction;
import dev.uploadkit.core.catalog.DedupIndex;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The fixture and shorthand of catalog contract tests: a fresh catalog per test with two projects, and one-line
 * transactions for the common calls.
 */
public abstract class CatalogTestSupport {
    protected CatalogFixture fixture;
    protected Catalog catalog;
    protected ProjectStore projects;
    /** The project most tests work in, and another one that must never see its data. */
    protected Project main;
    protected Project other;
    protected UUID project;
    protected UUID otherProject;

    /** Returns a new, empty, migrated catalog allowing at least 17 concurrent transactions. */
    protected abstract CatalogFixture openFixture();

    @BeforeEach
    void openCatalog() {
        fixture = openFixture();
        catalog = fixture.catalog();
        projects = fixture.projects();
        main = TestUploads.project("main");
        other = TestUploads.project("other");
        projects.insertProject(main);
        projects.insertProject(other);
        project = main.id();
        otherProject = other.id();
    }

    @AfterEach
    void closeCatalog() {
        fixture.close();
    }

    protected <T> T tx(Function<CatalogTransaction, T> work) {
        return catalog.inTransaction(work);
    }

    protected void run(Consumer<CatalogTransaction> work) {
        catalog.inTransaction(t -> {
            work.accept(t);
            return null;
        });
    }

    protected Upload insert(Upload upload) {
        run(t -> t.uploads().insert(upload));
        return upload;
    }

    protected Optional<Upload> find(UUID projectId, UUID uuid) {
        return tx(t -> t.uploads().find(projectId, uuid));
    }

    protected boolean update(Upload upload) {
        return tx(t -> t.uploads().update(upload));
    }

    protected boolean delete(UUID projectId, UUID uuid) {
        return tx(t -> t.uploads().delete(projectId, uuid));
    }

    protected Page<Upload> list(UploadQuery query, PageRequest page) {
        return tx(t -> t.uploads().list(project, query, page));
    }

    protected Blob reserve(UUID projectId, String storageId, String key) {
        return reserve(projectId, storageId, key, TestUploads.T0);
    }

    protected Blob reserve(UUID projectId, String storageId, String key, Instant now) {
        return tx(t -> t.blobs().reserve(projectId, storageId, key, now));
    }

    protected DedupIndex.CommitResult commit(long blobId, String sha256, long size) {
        return tx(t -> t.blobs().commit(blobId, sha256, size, "application/octet-stream"));
    }

    /** Reserves {@code key} and commits new bytes under it: a stored blob with one reference. */
    protected Blob storedBlob(UUID projectId, String storageId, String key, String sha256, long size) {
        return commit(reserve(projectId, storageId, key).id(), sha256, size).blob();
    }

    /**
     * Records, reserves, stores and completes {@code processing} (a {@code processing} upload) as the ingest does, in
     * its transactions: {@code bytes} under {@code hash} in {@code storageId}, deduplicated against the blobs there.
     */
    protected Upload uploadThrough(Upload processing, String storageId, String hash, long bytes) {
        Blob reservation = tx(t -> {
            Blob blob = t.blobs().reserve(processing.projectId(), storageId, processing.folder() + "/" + processing.uuid(),
                    TestUploads.t(0));
            t.uploads().insertProcessing(processing, "instance-1", blob.id());
            return blob;
        });
        return tx(t -> {
            DedupIndex.CommitResult result = t.blobs().commit(reservation, hash, bytes, "text/plain");
            Upload done = processing.toBuilder().status(UploadStatus.COMPLETED).sizeBytes(bytes)
                    .blobId(result.blob().id()).sha256(hash).build();
            if (!t.uploads().completeProcessing(done)) {
                throw new IllegalStateException("not completed: " + done.uuid());
            }
            result.discarded().ifPresent(d -> t.blobs().forget(d.id()));
            return done;
        });
    }

    protected Optional<Blob> findBlob(long blobId) {
        return tx(t -> t.blobs().find(blobId));
    }

    protected static void assertCode(ErrorCode expected, Executable call) {
        assertEquals(expected, assertThrows(UploadException.class, call).code());
    }

    protected static void assertKey(ApiKey expected, ApiKey actual) {
        assertEquals(expected.id(), actual.id());
        assertEquals(expected.projectId(), actual.projectId());
        assertEquals(expected.name(), actual.name());
        assertEquals(expected.prefix(), actual.prefix());
        assertArrayEquals(expected.keyHash(), actual.keyHash());
        assertEquals(expected.permissions(), actual.permissions());
        assertEquals(expected.admin(), actual.admin());
        assertEquals(expected.createdAt(), actual.createdAt());
        assertEquals(expected.revokedAt(), actual.revokedAt());
    }

    protected static void assertKeys(List<ApiKey> expected, List<ApiKey> actual) {
        assertEquals(expected.stream().map(ApiKey::id).toList(), actual.stream().map(ApiKey::id).toList());
        for (int i = 0; i < expected.size(); i++) {
            assertKey(expected.get(i), actual.get(i));
        }
    }

    /** Returns a 32-byte hash covering every byte sign. */
    protected static byte[] keyHash(int seed) {
        byte[] hash = new byte[32];
        for (int i = 0; i < hash.length; i++) {
            hash[i] = (byte) (seed * 31 + i * 37 - 128);
        }
        return hash;
    }

    /**
     * Starts {@code threads} tasks at once, each on its own thread, and returns their results in task order.
     * A task's failure fails the caller.
     */
    protected static <T> List<T> runConcurrently(int threads, IntFunction<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.apply(n);
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
