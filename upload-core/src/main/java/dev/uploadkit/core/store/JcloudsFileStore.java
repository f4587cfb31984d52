package dev.uploadkit.core.store;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.internal.store.BlobStoreContexts;
import dev.uploadkit.core.internal.store.MultipartWriter;
import dev.uploadkit.core.internal.store.ObjectKeys;
import dev.uploadkit.core.internal.store.SourceStream;
import dev.uploadkit.core.internal.store.StoreFailures;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.KeyNotFoundException;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.options.CopyOptions;
import org.jclouds.s3.S3Client;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.regex.Pattern;

/**
 * A {@link FileStore} on Apache jclouds: a folder on the local filesystem (the default), memory, or an
 * S3-compatible bucket.
 *
 * <pre>{@code
 * FileStore local = JcloudsFileStore.filesystem("local", Path.of("data"));
 * FileStore s3 = JcloudsFileStore.s3("primary", S3Settings.builder()
 *         .endpoint("https://<account>.r2.cloudflarestorage.com").region("auto").bucket("uploads")
 *         .accessKey(accessKey).secretKey(secretKey).pathStyle(true).build());
 * }</pre>
 *
 * <p>Opening a store connects to it and creates its container (folder or bucket) if missing. Keys are
 * {@code /}-separated paths of 1–1024 UTF-8 bytes without {@code .} or {@code ..} segments, backslashes or
 * control characters; any other key is refused with {@code VALIDATION_ERROR} on {@code object_key}, so a
 * filesystem store never writes outside its folder.
 *
 * <p>{@link #put} reads the content to its end but does not close it: the caller owns the stream. Writes are
 * all-or-nothing: the filesystem store writes a temporary file in its staging folder and renames it; the S3
 * provider reads parts of {@link S3Settings#partSizeBytes()} bytes into up to {@link S3Settings#partBuffers()}
 * buffers per write, sends them several at once on the store's executor (see {@link Builder#executor}) while
 * reading the next, and on failure cancels them and aborts the multipart upload. With unsigned payloads, content
 * whose length the caller guesses ({@link #put(String, InputStream, String, long)}) above one part is sent instead
 * as one {@code PUT} of that length streamed as it is read (not retried: its body is read once), and if the guess
 * was wrong the object is rewritten inside the bucket: a server-side copy of the content's bytes
 * ({@code UploadPartCopy}) as the first part of a multipart upload, the content past the guess as its next parts.
 * A failed write leaves whatever was stored under the key before untouched, except on S3 when the last request still
 * fails after retries (its reply may have been lost after the object was stored, so the key is removed; Uploadkit's
 * keys are fresh per upload). The in-memory provider holds every object on the heap and suits tests only.
 *
 * <p>Instances are thread-safe. Each S3 write holds at most {@code partBuffers × partSizeBytes} bytes of buffers
 * (32 MiB by default), and all the S3 writes of the process together at most a quarter of the maximum heap: a
 * write takes buffers beyond its first only while that pool has room (else it sends its parts one after another),
 * and waits for its first while the pool has none. Content below 64 KiB, or of an expected length below one part,
 * takes no part buffer. Memory grows neither with object sizes nor with the number of concurrent writes.
 */
public final class JcloudsFileStore implements FileStore {
    /** The container (a folder under the base directory) a filesystem or in-memory store uses by default. */
    public static final String DEFAULT_CONTAINER = "files";

    private static final Logger LOG = LoggerFactory.getLogger(JcloudsFileStore.class);
    private static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
    private static final Pattern CONTAINER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final int MAX_ID_LENGTH = 128;
    private enum Kind { FILESYSTEM, IN_MEMORY, S3 }

    private final String id;
    private final Kind kind;
    private final String container;
    private final BlobStoreContext context;
    private final BlobStore blobStore;
    private final MultipartWriter multipart;
    private final ExecutorService ownExecutor;
    private final LocalFiles local;
    private final StoreReads reads;

    private JcloudsFileStore(String id, Kind kind, String container, BlobStoreContext context, Path folder,
                             MultipartWriter multipart, ExecutorService ownExecutor) {
        this.id = id;
        this.kind = kind;
        this.container = container;
        this.context = context;
        this.blobStore = context.getBlobStore();
        this.local = folder == null ? null : new LocalFiles(folder, TEMP_PREFIX);
        this.reads = new StoreReads(id, blobStore, container);
        this.multipart = multipart;
        this.ownExecutor = ownExecutor;
    }

    /**
     * Opens a store keeping objects as files under {@code baseDir}/{@value #DEFAULT_CONTAINER}, made if missing.
     *
     * @throws IllegalArgumentException if {@code id} or {@code baseDir} is invalid
     * @throws UploadException {@code STORAGE_ERROR} if the folder cannot be created
     */
    public static JcloudsFileStore filesystem(String id, Path baseDir) {
        return builder().id(id).filesystem(baseDir).build();
    }

    /**
     * Opens a store keeping objects in memory, private to this instance and lost on {@link #close()}; for tests.
     *
     * @throws IllegalArgumentException if {@code id} is invalid
     */
    public static JcloudsFileStore inMemory(String id) {
        return builder().id(id).inMemory().build();
    }

    /**
     * Opens a store on an S3-compatible bucket, creating the bucket if missing.
     *
     * @throws IllegalArgumentException if {@code id} is invalid
     * @throws UploadException {@code SERVICE_UNAVAILABLE} if the endpoint cannot be reached, {@code STORAGE_ERROR}
     *     if the bucket cannot be checked or created (wrong credentials, for example)
     */
    public static JcloudsFileStore s3(String id, S3Settings settings) {
        return builder().id(id).s3(settings).build();
    }

    /** Returns a builder; choose one of {@code filesystem}, {@code inMemory} or {@code s3} on it. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String id() {
        return id;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A {@code null} or blank {@code contentType} is stored as {@code application/octet-stream}.
     *
     * @throws UploadException {@code VALIDATION_ERROR} if the key is invalid; what {@code content} threw if it
     *     threw an {@code UploadException}; {@code STORAGE_ERROR} with the {@code IOException} as cause if reading
     *     {@code content} failed; {@code FILE_TOO_LARGE} if the content exceeds 10,000 S3 parts;
     *     {@code SERVICE_UNAVAILABLE} or {@code STORAGE_ERROR} if the store failed
     */
    @Override
    public long put(String key, InputStream content, String contentType) {
        return put(key, content, contentType, -1);
    }

    /** {@inheritDoc} On S3 with unsigned payloads a guess above one part goes as one streamed PUT (see above). */
    @Override
    public long put(String key, InputStream content, String contentType, long expectedLength) {
        return write(key, content, contentType, expectedLength, false);
    }

    @Override // S3: a guess too long leaves the object padded, mended by the move (one copy) or the seal
    public long putStaged(String key, InputStream content, String contentType, long expectedLength) {
        return write(key, content, contentType, expectedLength, true);
    }

    @Override
    public void seal(String key) {
        try {
            if (multipart != null) {
                multipart.seal(key);
            }
        } catch (IOException | RuntimeException e) {
            throw StoreFailures.translate("Could not finish writing '" + key + "' to store '" + id + "'.", e);
        }
    }

    private long write(String key, InputStream content, String contentType, long expectedLength, boolean staged) {
        checkKey(key);
        Objects.requireNonNull(content, "content");
        String type = contentType == null || contentType.isBlank() ? DEFAULT_CONTENT_TYPE : contentType;
        SourceStream source = new SourceStream(content);
        try {
            long written = multipart != null ? multipart.write(key, source, type, expectedLength, staged)
                    : local != null ? local.write(key, source) : putWhole(key, source, type);
            LOG.debug("Stored {} ({} bytes) in store {}", key, written, id);
            return written;
        } catch (IOException | RuntimeException e) {
            throw StoreFailures.forPut(id, key, source, e);
        }
    }

    @Override // as the other, claiming nothing
    public int removeStaleTemporaryFiles(java.time.Instant before) {
        return removeStaleTemporaryFiles(before, key -> Optional.empty());
    }

    @Override // filesystem: moves or removes its .uploadkit-*.part files (in its staging folder); others make none
    public int removeStaleTemporaryFiles(java.time.Instant before,
                                         java.util.function.Function<String, Optional<String>> destination) {
        return local == null ? 0 : local.settleTemporaryFiles(before, destination);
    }

    @Override // true for a filesystem store
    public boolean movesByRename() {
        return kind == Kind.FILESYSTEM;
    }

    @Override // filesystem: the key's temporary files; S3: the key's multipart uploads
    public int discardUnfinishedWrites(String key) {
        return multipart != null ? multipart.abortUnfinished(key) : local != null ? local.discardUnfinished(key) : 0;
    }

    @Override // S3: an upload's age counts from when this store first listed it
    public int abortStaleMultipartUploads(java.time.Instant before, java.util.function.Predicate<String> owned) {
        return multipart == null ? 0 : multipart.abortStale(before, owned);
    }

    private long putWhole(String key, SourceStream source, String type) {
        Blob blob = blobStore.blobBuilder(key).payload(source).contentType(type).build();
        blobStore.putBlob(container, blob);
        return source.count();
    }

    /**
     * {@inheritDoc}
     *
     * <p>A range reaching past the end is cut at the last byte. A ranged read asks the store for the object's
     * size first, so it costs two requests on S3.
     *
     * @throws UploadException {@code NOT_FOUND} if there is no such object; {@code VALIDATION_ERROR} on
     *     {@code range} if the range starts at or after the object's end
     */
    @Override
    public StoredObject get(String key, Optional<ByteRange> range) {
        checkKey(key);
        return reads.get(key, placed(key), Objects.requireNonNull(range, "range"));
    }

    @Override
    public Optional<Long> size(String key) {
        checkKey(key);
        return reads.size(key, placed(key));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The filesystem store renames the file atomically (its attributes, such as the content type, go with it);
     * the in-memory and S3 stores copy inside the store (S3: a server-side copy, for objects up to 5 GiB) and then
     * remove the source.
     */
    @Override
    public void move(String fromKey, String toKey) {
        checkKey(fromKey);
        checkKey(toKey);
        try {
            if (local != null) {
                local.move(fromKey, toKey);
            } else if (multipart == null || !multipart.movePadded(fromKey, toKey)) {
                blobStore.copyBlob(container, fromKey, container, toKey, CopyOptions.NONE);
                blobStore.removeBlob(container, fromKey);
            }
            LOG.debug("Moved {} to {} in store {}", fromKey, toKey, id);
        } catch (NoSuchFileException | KeyNotFoundException e) {
            throw notFound(fromKey);
        } catch (IOException | RuntimeException e) {
            // The source is often a temporary key, which names the upload's project: the cause, for logs, has it.
            throw StoreFailures.translate("Could not move the file to '" + toKey + "' in store '" + id + "'.", e);
        }
    }

    @Override
    public void delete(String key) {
        checkKey(key);
        try {
            if (multipart != null) {
                multipart.forget(key);
            }
            if (local == null || !local.deletedDirectly(key)) {
                blobStore.removeBlob(container, key);
            }
            LOG.debug("Deleted {} from store {}", key, id);
        } catch (KeyNotFoundException e) {
            LOG.trace("{} was already gone from store {}", key, id);
        } catch (IOException | RuntimeException e) {
            throw StoreFailures.translate("Could not delete '" + key + "' from store '" + id + "'.", e);
        }
    }

    /**
     * Closes the jclouds context, its connections and threads, and shuts down the executor the store created (not
     * one given to {@link Builder#executor}). Does not wait for writes under way, which then fail. Idempotent.
     */
    @Override
    public void close() {
        if (ownExecutor != null) {
            ownExecutor.shutdown();
        }
        context.close();
    }

    @Override
    public String toString() {
        return "JcloudsFileStore[id=" + id + ", kind=" + kind + ", container=" + container + "]";
    }

    private void checkKey(String key) {
        if (local != null) {
            ObjectKeys.resolveInside(local.folder(), key);
        } else {
            ObjectKeys.check(key);
        }
    }

    /** The key the object of {@code key} is kept under: {@link LocalFiles#placed} on a filesystem, else the key. */
    private String placed(String key) {
        return local == null ? key : local.placed(key);
    }

    private UploadException notFound(String key) {
        return StoreReads.notFound(id, key);
    }

    /**
     * Configures a store. Setters check their value at once; {@link #build()} checks the combination, then
     * opens the store. Not thread-safe.
     */
    public static final class Builder {
        private String id;
        private Kind kind;
        private Path baseDir;
        private String container;
        private S3Settings s3;
        private ExecutorService executor;

        private Builder() {
        }

        /**
         * Sets the store's id, recorded on every blob it holds: 1–{@value #MAX_ID_LENGTH} characters, no
         * whitespace or control characters.
         */
        public Builder id(String id) {
            if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH
                    || id.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                throw new IllegalArgumentException("id: '" + id + "' is not a store id; use 1-" + MAX_ID_LENGTH
                        + " characters without whitespace, such as 'local' or a storage connection's UUID");
            }
            this.id = id;
            return this;
        }

        /** Keeps objects as files under {@code baseDir}/container; the folders are created if missing. */
        public Builder filesystem(Path baseDir) {
            if (baseDir == null) {
                throw new IllegalArgumentException("baseDir: must not be null; give the folder to keep files in, "
                        + "such as Path.of(\"data\")");
            }
            this.kind = Kind.FILESYSTEM;
            this.baseDir = baseDir.toAbsolutePath().normalize();
            return this;
        }

        /** Keeps objects in memory; for tests. */
        public Builder inMemory() {
            this.kind = Kind.IN_MEMORY;
            return this;
        }

        /** Keeps objects in an S3-compatible bucket, {@link S3Settings#bucket()}. */
        public Builder s3(S3Settings settings) {
            if (settings == null) {
                throw new IllegalArgumentException("s3: settings must not be null; build them with "
                        + "S3Settings.builder()");
            }
            this.kind = Kind.S3;
            this.s3 = settings;
            return this;
        }

        /**
         * Sets the container of a filesystem or in-memory store: a folder name of 1–63 letters, digits,
         * {@code .}, {@code _} and {@code -}, starting with a letter or digit. Defaults to
         * {@value JcloudsFileStore#DEFAULT_CONTAINER}.
         */
        public Builder container(String container) {
            if (container == null || !CONTAINER.matcher(container).matches()) {
                throw new IllegalArgumentException("container: '" + container + "' is not a folder name; use 1-63 "
                        + "letters, digits, '.', '_' and '-', starting with a letter or digit, such as 'files'");
            }
            this.container = container;
            return this;
        }

        /**
         * Sets the executor that sends the parts of an S3 store's multipart uploads; the store never shuts it
         * down. Without one, an S3 store runs its own pool of up to 16 daemon threads (idle ones end after a
         * minute), shut down by {@link JcloudsFileStore#close()}.
         *
         * <p>The executor must run every task it accepts while the store is open, and its threads must not be the
         * ones calling {@link JcloudsFileStore#put}: a put waits for its parts, which could be queued behind it.
         * Each put has at most {@link S3Settings#partBuffers()} parts on it at once.
         */
        public Builder executor(ExecutorService executor) {
            if (executor == null || executor.isShutdown()) {
                throw new IllegalArgumentException("executor: " + (executor == null ? "null" : "a shut-down "
                        + "executor") + " cannot send parts; give a running ExecutorService, or leave executor(...) "
                        + "out to let the store run its own threads");
            }
            this.executor = executor;
            return this;
        }

        /**
         * Opens the store.
         *
         * @throws IllegalStateException if the id or the kind of store is missing, or a container is set for
         *     an S3 store (whose container is its bucket), or an executor for a store that is not S3
         * @throws UploadException if the store cannot be reached or its container cannot be created
         */
        public JcloudsFileStore build() {
            if (id == null) {
                throw new IllegalStateException("id: not set; call id(String), such as id(\"local\")");
            }
            if (kind == null) {
                throw new IllegalStateException("baseDir: not set; call filesystem(Path) for a local folder, "
                        + "s3(S3Settings) for a bucket or inMemory() for tests");
            }
            if (kind == Kind.S3 && container != null) {
                throw new IllegalStateException("container: '" + container + "' does not apply to an S3 store; "
                        + "set the bucket in S3Settings and remove container(...)");
            }
            if (kind != Kind.S3 && executor != null) {
                throw new IllegalStateException("executor: only an S3 store sends parts on an executor; remove "
                        + "executor(...) from this " + kind.name().toLowerCase(Locale.ROOT).replace('_', '-')
                        + " store");
            }
            return switch (kind) {
                case FILESYSTEM -> openFilesystem();
                case IN_MEMORY -> open(Kind.IN_MEMORY, containerOrDefault(), BlobStoreContexts.inMemory(), null);
                case S3 -> open(Kind.S3, s3.bucket(), BlobStoreContexts.s3(s3), null);
            };
        }

        private JcloudsFileStore openFilesystem() {
            if (Files.exists(baseDir) && !Files.isDirectory(baseDir)) {
                throw new IllegalStateException("baseDir: " + baseDir + " is not a directory; give a folder path");
            }
            try {
                Files.createDirectories(baseDir);
            } catch (IOException e) {
                throw new UploadException(ErrorCode.STORAGE_ERROR, "Could not create the folder of store '" + id
                        + "'.", e);
            }
            String name = containerOrDefault();
            return open(Kind.FILESYSTEM, name, BlobStoreContexts.filesystem(baseDir), baseDir.resolve(name));
        }

        private JcloudsFileStore open(Kind kind, String name, BlobStoreContext context, Path folder) {
            try {
                BlobStore blobStore = context.getBlobStore();
                if (!blobStore.containerExists(name)) {
                    blobStore.createContainerInLocation(null, name);
                }
                if (kind != Kind.S3) {
                    LOG.debug("Opened {} store {} on container {}", kind, id, name);
                    return new JcloudsFileStore(id, kind, name, context, folder, null, null);
                }
                ExecutorService own = executor == null ? MultipartWriter.newPartExecutor(id) : null;
                MultipartWriter writer = new MultipartWriter(blobStore, name, Math.toIntExact(s3.partSizeBytes()),
                        s3.partBuffers(), own != null ? own : executor);
                writer = s3.signPayload() ? writer : writer.streamingGuesses(context.unwrapApi(S3Client.class));
                LOG.debug("Opened {} store {} on container {}", kind, id, name);
                return new JcloudsFileStore(id, kind, name, context, folder, writer, own);
            } catch (RuntimeException e) {
                context.close();
                throw StoreFailures.translate("Could not open store '" + id + "': its container '" + name
                        + "' could not be checked or created.", e);
            }
        }

        private String containerOrDefault() {
            return container == null ? DEFAULT_CONTAINER : container;
        }
    }
}
