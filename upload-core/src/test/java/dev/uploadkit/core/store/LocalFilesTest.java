package dev.uploadkit.core.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalFilesTest {
    private static final java.util.function.Supplier<Instant> HOUR_AGO = () -> Instant.now().minusSeconds(3600);
    private static final java.util.function.Function<String, Optional<String>> NONE = key -> Optional.empty();

    @TempDir
    Path folder;

    /**
     * A temporary file the destination claims, however recent, is moved under its key (bytes staged for an upload that
     * committed before a crash cut off their move), or removed if that key already holds a file; other stale ones are
     * removed.
     */
    @Test
    void movesClaimedTemporaryFilesAndRemovesTheRest() throws IOException {
        Path sub = Files.createDirectories(folder.resolve("uploads"));
        Path claimed = old(Files.writeString(sub.resolve(".uploadkit-a.part"), "committed"));
        Path placed = old(Files.writeString(sub.resolve(".uploadkit-b.part"), "duplicate"));
        Path existing = Files.writeString(sub.resolve("b.txt"), "already there");
        Path orphan = old(Files.writeString(sub.resolve(".uploadkit-c.part"), "never committed"));
        Path recent = Files.writeString(sub.resolve(".uploadkit-d.part"), "committed just now");
        Path inFlight = Files.writeString(sub.resolve(".uploadkit-e.part"), "not committed yet");
        java.util.Map<String, String> destinations = java.util.Map.of("uploads/.uploadkit-a.part", "uploads/a.txt",
                "uploads/.uploadkit-b.part", "uploads/b.txt", "uploads/.uploadkit-d.part", "uploads/d.txt");

        assertEquals(4, LocalFiles.settleTemporaryFiles(folder, true, ".uploadkit-", HOUR_AGO.get(),
                key -> Optional.ofNullable(destinations.get(key))));

        assertEquals("committed", Files.readString(sub.resolve("a.txt")));
        assertEquals("committed just now", Files.readString(sub.resolve("d.txt")), "claimed files move at any age");
        assertFalse(Files.exists(recent));
        assertTrue(Files.exists(inFlight), "a recent file no upload claims may belong to a write in progress");
        assertEquals("already there", Files.readString(existing));
        assertFalse(Files.exists(claimed));
        assertFalse(Files.exists(placed));
        assertFalse(Files.exists(orphan));
    }

    private static Path old(Path file) throws IOException {
        return Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(7200)));
    }

    @Test
    void removesOnlyStaleTemporaryFiles() throws IOException {
        Path stale = Files.writeString(folder.resolve(".uploadkit-old.part"), "x");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(7200)));
        Path fresh = Files.writeString(folder.resolve(".uploadkit-new.part"), "x");
        Path kept = Files.writeString(folder.resolve("photo.png"), "x");
        Files.setLastModifiedTime(kept, FileTime.from(Instant.now().minusSeconds(7200)));

        assertEquals(1, LocalFiles.settleTemporaryFiles(folder, true, ".uploadkit-", HOUR_AGO.get(), NONE));
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
                LocalFiles.settleTemporaryFiles(folder, true, ".uploadkit-", HOUR_AGO.get(), NONE);
            }
        } finally {
            running.set(false);
            churn.join();
        }
    }
}
