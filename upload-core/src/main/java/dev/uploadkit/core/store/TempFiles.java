package dev.uploadkit.core.store;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/** Finds and removes the temporary files a crash left in a filesystem store's folder. */
final class TempFiles {
    private static final Logger LOG = LoggerFactory.getLogger(TempFiles.class);

    private TempFiles() {
    }

    /** Removes files under {@code folder} named {@code prefix}*.part last modified before {@code before}. */
    static int removeOlderThan(Path folder, String prefix, Instant before) {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        List<Path> stale;
        try (Stream<Path> files = Files.walk(folder)) {
            stale = files.filter(p -> isTemp(p, prefix) && modifiedBefore(p, before)).toList();
        } catch (IOException | UncheckedIOException e) {
            throw new UploadException(ErrorCode.STORAGE_ERROR, "Could not list temporary files under " + folder, e);
        }
        int removed = 0;
        for (Path p : stale) {
            try {
                if (Files.deleteIfExists(p)) {
                    removed++;
                }
            } catch (IOException e) {
                LOG.warn("Could not remove temporary file {}", p, e);
            }
        }
        return removed;
    }

    private static boolean isTemp(Path p, String prefix) {
        String name = p.getFileName().toString();
        return name.startsWith(prefix) && name.endsWith(".part");
    }

    private static boolean modifiedBefore(Path p, Instant before) {
        try {
            return Files.getLastModifiedTime(p).toInstant().isBefore(before);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
