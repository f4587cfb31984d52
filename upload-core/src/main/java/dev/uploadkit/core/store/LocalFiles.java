package dev.uploadkit.core.store;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The filesystem store's own file operations, done without jclouds: writing an object through a temporary file
 * renamed into place, moving one, and removing the temporary files a crash left behind. An instance does them for one
 * store's folder, by key.
 */
final class LocalFiles {
    private static final Logger LOG = LoggerFactory.getLogger(LocalFiles.class);
    private static final int WRITE_BUFFER = 64 * 1024;
    private static final int MIN_WRITE_BUFFER = 8 * 1024;
    private static final int FOLDER_ATTEMPTS = 10;
    /**
     * The folder, inside a filesystem store's container, that holds its temporary files: writes in progress, and
     * bytes staged until their upload's record commits.
     */
    static final String STAGING_FOLDER = ".uploadkit-staging";

    private final Path folder;
    private final Path staging;
    private final String tempPrefix;
    /** Whether a sweep walked the whole folder, for temporary files an earlier version left beside their targets. */
    private final AtomicBoolean sweptWholeFolder = new AtomicBoolean();

    /**
     * The files of one store: objects under {@code folder}, temporary ones ({@code tempPrefix}*.part) in its
     * {@link #STAGING_FOLDER}.
     */
    LocalFiles(Path folder, String tempPrefix) {
        this.folder = folder;
        this.staging = folder.resolve(STAGING_FOLDER);
        this.tempPrefix = tempPrefix;
    }

    /** The store's folder, under which every key is kept. */
    Path folder() {
        return folder;
    }

    /** Returns the file that holds the object of {@code key} (see {@link #placed}). */
    private Path file(String key) {
        return folder.resolve(placed(key));
    }

    /** Moves the object of {@code fromKey} under {@code toKey}, as {@link #move(Path, Path)}. */
    void move(String fromKey, String toKey) throws IOException {
        move(file(fromKey), file(toKey));
    }

    /**
     * Settles the temporary files ({@link #settleTemporaryFiles(Path, boolean, String, Instant, Function)}): those of
     * the whole folder on the first call, then those of the staging folder alone.
     */
    int settleTemporaryFiles(Instant before, Function<String, Optional<String>> destination) {
        return settleTemporaryFiles(folder, !sweptWholeFolder.getAndSet(true), tempPrefix, before, destination);
    }

    /**
     * Writes {@code source} as the object of {@code key}: to a temporary file in the staging folder, renamed into place,
     * so a reader never sees a partial file; on failure the temporary file is removed. The
     * jclouds filesystem provider would also hash every byte with MD5 and set several extended attributes per object,
     * which on small uploads costs more than the write itself; nothing reads them back (the catalog keeps type and
     * hash), and reads through jclouds work without them. Returns the number of bytes written.
     */
    long write(String key, InputStream source) throws IOException {
        Path target = file(key);
        // The prefix marks leftovers of a crash for settleTemporaryFiles. A target that is itself a temporary file
        // (bytes staged until their record commits) is written directly.
        boolean direct = isTemp(target, tempPrefix);
        Path temp = direct ? target : staging.resolve(tempPrefix + keyTag(key) + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".part");
        Path dir = temp.getParent();
        // Once the temporary file exists, its folder is not empty, so a delete elsewhere no longer removes it.
        FileChannel opened = inFolder(dir, null, () -> FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE));
        long written = 0;
        try {
            try (FileChannel out = opened) {
                // Most uploads are small and arrive whole: the buffer starts at what is at hand (at least 8 KiB) and
                // grows to 64 KiB only when a read fills it, which spares 64 KiB of garbage per small upload.
                byte[] buffer = new byte[Math.max(MIN_WRITE_BUFFER, Math.min(WRITE_BUFFER, source.available()))];
                for (int n; (n = source.read(buffer)) >= 0; written += n) {
                    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                    while (chunk.hasRemaining()) {
                        out.write(chunk);
                    }
                    if (n == buffer.length && buffer.length < WRITE_BUFFER) {
                        buffer = new byte[WRITE_BUFFER];
                    }
                }
            }
            if (!direct) {
                move(temp, target);
            }
            return written;
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Returns the key under which the store keeps the object of {@code key}: the key itself, except for a temporary
     * file ({@code tempPrefix}*.part), kept in {@link #STAGING_FOLDER} under its name whatever the folder of its key.
     * Temporary names are unique (a random or an upload's id), and the crash sweep then lists one small folder
     * instead of walking every file of the store.
     */
    String placed(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        return isTemp(name, tempPrefix) ? STAGING_FOLDER + "/" + name : key;
    }

    /** Renames {@code from} to {@code to} atomically, replacing it; attributes such as the content type go along. */
    private static void move(Path from, Path to) throws IOException {
        inFolder(to.getParent(), from, () -> Files.move(from, to, StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING));
    }

    /** A step on the filesystem that may find its folder gone. */
    private interface FolderStep<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code step} in {@code dir}; if the folder is missing, creates it and runs the step again (a few times if
     * the folder vanishes in between: jclouds removes a folder when it deletes the folder's last object, so a delete
     * elsewhere in that folder can take it away between the two). The folder usually exists, so it is not checked
     * first: that would cost a system call per file. A missing {@code source} (if given) is thrown at once.
     */
    private static <T> T inFolder(Path dir, Path source, FolderStep<T> step) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                if (attempt > 1) {
                    ensureDirectory(dir); // FileAlreadyExistsException: made by another thread, then removed
                }
                return step.run();
            } catch (NoSuchFileException | FileAlreadyExistsException e) {
                if (attempt == FOLDER_ATTEMPTS || source != null && !Files.exists(source)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Removes the object of {@code key} itself if it is a temporary file, leaving its folder, and returns true;
     * returns true for a folder too, removing nothing (it is no object, and jclouds would retry deleting a non-empty
     * one for ten seconds); false for anything else, which the caller removes through jclouds (which also removes the
     * folders it leaves empty).
     */
    boolean deletedDirectly(String key) throws IOException {
        Path path = file(key);
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        if (isTemp(path, tempPrefix)) {
            Files.deleteIfExists(path);
            return true;
        }
        return false;
    }

    /**
     * Creates {@code dir} and its parents unless it is already a directory. Checked first because
     * {@link Files#createDirectories} tries to create the directory itself before anything else, and on the usual
     * case, a folder that exists, that costs a failed system call and an exception.
     */
    private static void ensureDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
    }

    /**
     * Moves each file under {@code folder} ({@code wholeFolder}) or in its {@link #STAGING_FOLDER} named
     * {@code prefix}*.part whose key (its path under {@code folder}, {@code /}-separated) {@code destination} claims
     * under the key it returns, however old, unless a file is there already (then it is removed); removes the others
     * last modified before {@code before}. Returns how many were moved or removed.
     */
    static int settleTemporaryFiles(Path folder, boolean wholeFolder, String prefix, Instant before,
                                    Function<String, Optional<String>> destination) {
        Path under = wholeFolder ? folder : folder.resolve(STAGING_FOLDER);
        if (!Files.isDirectory(under)) {
            return 0;
        }
        Map<Path, Boolean> temporary = new LinkedHashMap<>(); // whether each is stale
        try {
            // Uploads in flight rename their temporary files while this walks: an entry gone between the
            // directory's listing and its attributes is skipped, not a failure of the whole sweep.
            Files.walkFileTree(under, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (isTemp(file, prefix)) {
                        temporary.put(file, attributes.lastModifiedTime().toInstant().isBefore(before));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new UploadException(ErrorCode.STORAGE_ERROR, "Could not list temporary files under " + under, e);
        }
        int settled = 0;
        for (Map.Entry<Path, Boolean> entry : temporary.entrySet()) {
            Path p = entry.getKey();
            try {
                String key = folder.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
                Optional<Path> target = destination.apply(key).map(folder::resolve);
                if (target.isPresent() && !Files.exists(target.get())) {
                    move(p, target.get());
                    LOG.info("Moved {} to {}: its upload had committed before its move", p, target.get());
                    settled++;
                } else if ((target.isPresent() || entry.getValue()) && Files.deleteIfExists(p)) {
                    settled++;
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Could not remove or move temporary file {}", p, e);
            }
        }
        return settled;
    }

    /**
     * Removes the temporary files of writes of {@code key} from the staging folder (their names carry
     * {@link #keyTag}); returns how many.
     */
    int discardUnfinished(String key) {
        String start = tempPrefix + keyTag(key) + "-";
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(staging, start + "*.part")) {
            for (Path file : files) {
                removed += Files.deleteIfExists(file) ? 1 : 0;
            }
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UploadException(ErrorCode.STORAGE_ERROR, "Could not remove the temporary files of " + key, e);
        }
        return removed;
    }

    /** 16 hex digits of the SHA-256 of {@code key}: what names its temporary files apart from other keys'. */
    private static String keyTag(String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private static boolean isTemp(Path p, String prefix) {
        return isTemp(p.getFileName().toString(), prefix);
    }

    /** Whether a file named {@code name} is a temporary file ({@code prefix}*.part). */
    private static boolean isTemp(String name, String prefix) {
        return name.startsWith(prefix) && name.endsWith(".part");
    }
}
