package dev.uploadkit.core.store;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
