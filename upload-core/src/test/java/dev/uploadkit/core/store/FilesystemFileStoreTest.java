package dev.uploadkit.core.store;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FilesystemFileStoreTest extends AbstractFileStoreContractTest {
    @TempDir
    Path root;

    private Path baseDir;

    @Override
    protected FileStore createStore(String id) {
        baseDir = root.resolve("store");
        return JcloudsFileStore.filesystem(id, baseDir);
    }

    @Override
    protected void assertStoreHoldsExactly(Set<String> keys) throws IOException {
        Path folder = baseDir.resolve(JcloudsFileStore.DEFAULT_CONTAINER);
        Set<String> files = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.filter(Files::isRegularFile)
                    .forEach(file -> files.add(folder.relativize(file).toString().replace('\\', '/')));
        }
        assertEquals(new TreeSet<>(keys), files);
        try (Stream<Path> outside = Files.list(root)) {
            assertEquals(List.of(baseDir), outside.toList());
        }
    }

    /**
     * Deleting the last object of a folder removes the folder (jclouds does): a write or a move into that folder at
     * the same moment still succeeds, whenever the folder vanishes between its own steps.
     */
    @Test
    void writesIntoAFolderWhoseLastObjectIsBeingDeletedSucceed() throws Exception {
        byte[] content = {1};
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
        Thread deleter = new Thread(() -> {
            try {
                while (running.get()) {
                    store.put("shared/churn.bin", new ByteArrayInputStream(content), null);
                    store.delete("shared/churn.bin");
                }
            } catch (Throwable t) {
                failed.set(t);
            }
        }, "deleter");
        deleter.start();
        try {
            for (int i = 0; i < 3_000 && failed.get() == null; i++) {
                store.put("shared/w" + i + ".bin", new ByteArrayInputStream(content), null);
                store.delete("shared/w" + i + ".bin");
                store.put("elsewhere/m" + i + ".bin", new ByteArrayInputStream(content), null);
                store.move("elsewhere/m" + i + ".bin", "shared/m" + i + ".bin");
                store.delete("shared/m" + i + ".bin");
            }
        } finally {
            running.set(false);
            deleter.join();
        }
        assertEquals(null, failed.get());
    }

    @Test
    void objectsAreFilesUnderTheContainerFolder() throws IOException {
        byte[] content = {1, 2, 3};

        store.put("uploads/café.txt", new ByteArrayInputStream(content), "text/plain");

        assertArrayEquals(content, Files.readAllBytes(baseDir.resolve("files/uploads/café.txt")));
    }

    /**
     * Temporary files (staged bytes, writes in progress) live in one folder, whatever their key's folder, and are read,
     * moved and deleted under their keys; after its first sweep (which walks the whole folder, for files an earlier
     * version left beside their targets) the store sweeps that one folder only, so a sweep's cost does not grow with the
     * number of files stored.
     */
    @Test
    void keepsTemporaryFilesInOneFolderAndSweepsOnlyThatOnceItHasWalkedEverything() throws IOException {
        Path folder = baseDir.resolve(JcloudsFileStore.DEFAULT_CONTAINER);
        Path staging = folder.resolve(LocalFiles.STAGING_FOLDER);
        byte[] content = {4, 5, 6};

        store.put("docs/.uploadkit-abc.part", new ByteArrayInputStream(content), null);

        assertArrayEquals(content, Files.readAllBytes(staging.resolve(".uploadkit-abc.part")));
        assertEquals(java.util.Optional.of(3L), store.size("docs/.uploadkit-abc.part"));
        try (java.io.InputStream in = store.get("docs/.uploadkit-abc.part", java.util.Optional.empty()).content()) {
            assertArrayEquals(content, in.readAllBytes());
        }
        store.move("docs/.uploadkit-abc.part", "docs/abc.bin");
        assertArrayEquals(content, Files.readAllBytes(folder.resolve("docs/abc.bin")));
        store.put("docs/.uploadkit-gone.part", new ByteArrayInputStream(content), null);
        store.delete("docs/.uploadkit-gone.part");
        assertStoreHoldsExactly(Set.of("docs/abc.bin"));

        java.time.Instant now = java.time.Instant.now();
        java.nio.file.attribute.FileTime hourAgo = java.nio.file.attribute.FileTime.from(now.minusSeconds(3600));
        Path besideTarget = Files.setLastModifiedTime(Files.writeString(folder.resolve("docs/.uploadkit-1.part"), "x"),
                hourAgo);
        assertEquals(1, store.removeStaleTemporaryFiles(now.minusSeconds(60)), "the first sweep walks everything");
        assertEquals(false, Files.exists(besideTarget));

        Path laterBeside = Files.setLastModifiedTime(Files.writeString(folder.resolve("docs/.uploadkit-2.part"), "x"),
                hourAgo);
        Path staged = Files.setLastModifiedTime(Files.writeString(staging.resolve(".uploadkit-3.part"), "x"), hourAgo);
        assertEquals(1, store.removeStaleTemporaryFiles(now.minusSeconds(60)));
        assertEquals(false, Files.exists(staged));
        assertEquals(true, Files.exists(laterBeside), "later sweeps list the staging folder alone");
    }

    @Test
    void theUnfinishedWritesOfOneKeyAreDiscardedAndOtherKeysKeepTheirs() throws Exception {
        Path staging = baseDir.resolve(JcloudsFileStore.DEFAULT_CONTAINER).resolve(LocalFiles.STAGING_FOLDER);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService writers = Executors.newFixedThreadPool(2);
        try {
            // Two writes that stall after their first bytes, as a client that stopped sending (or a crash) leaves them.
            Future<Long> cut = writers.submit(() -> store.put("a/cut.bin", stalled(release), null));
            Future<Long> other = writers.submit(() -> store.put("a/other.bin", stalled(release), null));
            assertTrue(Poll.until(() -> partFiles(staging).size() == 2, java.time.Duration.ofSeconds(10)),
                    partFiles(staging).toString());

            assertEquals(1, store.discardUnfinishedWrites("a/cut.bin"));
            assertEquals(1, partFiles(staging).size());
            assertEquals(0, store.discardUnfinishedWrites("a/never-written.bin"));

            release.countDown();
            ExecutionException failed = assertThrows(ExecutionException.class, cut::get);
            assertEquals(ErrorCode.STORAGE_ERROR, ((UploadException) failed.getCause()).code());
            assertEquals(4, other.get());
            assertStoreHoldsExactly(Set.of("a/other.bin"));
            assertEquals(List.of(), partFiles(staging));
        } finally {
            release.countDown();
            writers.shutdownNow();
        }
    }

    /** Four bytes, then a wait for {@code release}, then the end. */
    private static java.io.InputStream stalled(CountDownLatch release) {
        return new java.io.SequenceInputStream(new ByteArrayInputStream(new byte[] {1, 2, 3, 4}),
                new java.io.InputStream() {
                    @Override
                    public int read() throws IOException {
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException(e);
                        }
                        return -1;
                    }
                });
    }

    private static List<Path> partFiles(Path staging) {
        if (!Files.isDirectory(staging)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(staging)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".part")).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void containerCanBeNamed() throws IOException {
        try (FileStore named = JcloudsFileStore.builder().id("named").filesystem(baseDir).container("media")
                .build()) {
            named.put("a.txt", new ByteArrayInputStream(new byte[] {9}), null);

            assertEquals(1, Files.size(baseDir.resolve("media/a.txt")));
        }
    }

    @Test
    void missingBaseDirIsCreated() {
        Path deep = root.resolve("not/yet/there");

        try (FileStore created = JcloudsFileStore.filesystem("deep", deep)) {
            created.put("x.bin", new ByteArrayInputStream(new byte[] {1}), null);
        }

        assertEquals(true, Files.isRegularFile(deep.resolve("files/x.bin")));
    }

    @Test
    void baseDirThatIsAFileIsRefused() throws IOException {
        Path file = Files.createFile(root.resolve("plain-file"));

        assertThrows(IllegalStateException.class, () -> JcloudsFileStore.filesystem("bad", file));
    }

    @Test
    void aStoreWhoseFolderIsGoneFailsWithStorageError() throws IOException {
        store.put("before.txt", new ByteArrayInputStream(new byte[] {1}), null);
        Path folder = baseDir.resolve(JcloudsFileStore.DEFAULT_CONTAINER);
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Files.writeString(folder, "now a file where the folder was");

        UploadException e = assertThrows(UploadException.class,
                () -> store.put("after.txt", new ByteArrayInputStream(new byte[] {1}), null));

        assertEquals(ErrorCode.STORAGE_ERROR, e.code());
    }
}
