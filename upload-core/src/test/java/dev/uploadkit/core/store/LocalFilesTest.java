package dev.uploadkit.core.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalFilesTest {
    @TempDir
    Path folder;

    @Test
    void removesOnlyStaleTemporaryFiles() throws IOException {
        Path stale = Files.writeString(folder.resolve(".uploadkit-old.part"), "x");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(7200)));
        Path fresh = Files.writeString(folder.resolve(".uploadkit-new.part"), "x");
        Path kept = Files.writeString(folder.resolve("photo.png"), "x");
        Files.setLastModifiedTime(kept, FileTime.from(Instant.now().minusSeconds(7200)));

        assertEquals(1, LocalFiles.removeOlderThan(folder, ".uploadkit-", Instant.now().minusSeconds(3600)));
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(fresh));
        assertTrue(Files.exists(kept));
    }

    /** Uploads rename their temporary files while the crash sweep walks the folder: a vanished entry is no error. */
    @Test
    void filesVanishingDuringTheWalkAreSkipped() throws Exception {
        Path sub = Files.createDirectories(folder.resolve("uploads"));
        AtomicBoolean running = new AtomicBoolean(true);
        Thread churn = new Thread(() -> {
            int n = 0;
            while (running.get()) {
                Path temp = sub.resolve(".uploadkit-" + (n++ % 64) + ".part");
                try {
                    Files.writeString(temp, "x");
                    Files.move(temp, sub.resolve("done-" + (n % 64)), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }, "churn");
        churn.start();
        try {
            for (int i = 0; i < 2_000; i++) {
                LocalFiles.removeOlderThan(folder, ".uploadkit-", Instant.now().minusSeconds(3600));
            }
        } finally {
            running.set(false);
            churn.join();
        }
    }
}
