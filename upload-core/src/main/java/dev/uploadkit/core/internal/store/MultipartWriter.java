package dev.uploadkit.core.internal.store;

import com.google.common.io.ByteSource;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.domain.MutableBlobMetadata;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.s3.S3Client;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes a stream of unknown length to an S3-compatible bucket, sending several parts at once while the next one
 * is read.
 *
 * <p>S3 needs every request's length up front, and V4 signing hashes the body before sending it; so each part is
 * read into a buffer and sent as a repeatable payload of known length, which jclouds can hash and retry. Parts run
 * on the executor, at most {@code partBuffers} per write; when all buffers are in flight, reading waits for the
 * first to be freed. The buffers come from a {@link PartBuffers} pool shared by all writes (by default the
 * process's, a quarter of the heap), so memory stays bounded however many writes run: a write takes more than its
 * first buffer only while the pool has room, and waits for its first while the pool has none. Nothing touches the
 * disk. Content that fits in one buffer goes as a single put, on the caller's thread; content below 64 KiB (or
 * of an expected length below one part) never takes a part buffer.
 *
 * <p>Thread-safe: each write has its own buffers.
 */
public final class MultipartWriter {
    private static final int OWN_PART_THREADS = 16;
    private static final Duration IDLE_THREAD_TIMEOUT = Duration.ofSeconds(60);
    /** S3's limit on the number of parts of one upload. */
    public static final int MAX_PARTS = 10_000;
    /** S3's limit on the size of one PUT. */
    static final long MAX_SINGLE_PUT = 5L << 30;
    /** The first read of content of unknown length: what fits is put from it, without a part buffer. */
    private static final int PROBE_SIZE = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(MultipartWriter.class);

    private final BlobStore blobStore;
    private final String container;
    private final int partSize;
    private final int partBuffers;
    private final PartBuffers buffers;
    private final ExecutorService executor;
    private final StoreRetries retries;
    private final StaleMultipartUploads stale;
    /** Sends guessed lengths as one streamed PUT and copies parts inside the bucket; null: every write buffers. */
    private final S3Client s3;
    /** Objects of staged writes left padded past their content, by key, until moved, sealed or removed. */
    private final Map<String, Padded> padded = new ConcurrentHashMap<>();

    private record Padded(long length, String contentType) {
    }

    /**
     * @param executor runs the part uploads; it must run every task it accepts, and its threads must not be the
     *     ones calling {@link #write}, or a write could wait for parts queued behind itself
     */
    public MultipartWriter(BlobStore blobStore, String container, int partSize, int partBuffers,
                           ExecutorService executor) {
        this(blobStore, container, partSize, partBuffers, executor, StoreRetries.DEFAULT);
    }

    /** Like {@link #MultipartWriter(BlobStore, String, int, int, ExecutorService)}, retrying requests so. */
    public MultipartWriter(BlobStore blobStore, String container, int partSize, int partBuffers,
                           ExecutorService executor, StoreRetries retries) {
        this(blobStore, container, partSize, partBuffers, PartBuffers.SHARED, executor, retries, null);
    }

    /**
     * Like {@link #MultipartWriter(BlobStore, String, int, int, ExecutorService, StoreRetries)}, taking its part
     * buffers from {@code buffers} rather than the process's pool.
     */
    public MultipartWriter(BlobStore blobStore, String container, int partSize, int partBuffers,
                           PartBuffers buffers, ExecutorService executor, StoreRetries retries) {
        this(blobStore, container, partSize, partBuffers, buffers, executor, retries, null);
    }

    private MultipartWriter(BlobStore blobStore, String container, int partSize, int partBuffers,
                            PartBuffers buffers, ExecutorService executor, StoreRetries retries, S3Client s3) {
        this.buffers = java.util.Objects.requireNonNull(buffers, "buffers");
        this.s3 = s3;
        this.retries = retries;
        this.stale = new StaleMultipartUploads(blobStore, container);
        this.blobStore = blobStore;
        this.container = container;
        this.partSize = partSize;
        this.partBuffers = partBuffers;
        this.executor = executor;
    }

    /**
     * Returns a writer like this one that sends content of a guessed length above one part as one {@code PUT},
     * streamed as it is read (see {@link #write(String, SourceStream, String, long, boolean)}). Only for unsigned payloads:
     * a signed one is hashed before it is sent.
     */
    public MultipartWriter streamingGuesses(S3Client client) {
        return new MultipartWriter(blobStore, container, partSize, partBuffers, buffers, executor, retries,
                java.util.Objects.requireNonNull(client, "client"));
    }

    /**
     * Like {@link #write(String, SourceStream, String)}, where {@code source} most likely holds
     * {@code expectedLength} bytes ({@code -1}: unknown). A writer made by {@link #streamingGuesses} sends such
     * content, when it needs more than one part and fits one PUT, as one {@code PUT} of {@code expectedLength}
     * bytes streamed from {@code source}, padded with zeros should {@code source} end sooner. If the guess was
     * wrong the object is then rewritten in place as a multipart upload whose first part is copied inside the
     * bucket from the bytes that were {@code source}'s and whose next parts are what {@code source} held beyond
     * the guess; except that when {@code staged} (the caller next moves, removes or seals the object:
     * {@link #movePadded}, {@link #forget}, {@link #seal}), content that ends before the guess leaves the object
     * padded until then, so that a move cuts and moves it with one copy. The PUT is not retried (its body is read
     * once); on any failure the key is removed and a multipart upload aborted, so nothing is left.
     */
    public long write(String key, SourceStream source, String contentType, long expectedLength, boolean staged)
            throws IOException {
        if (s3 == null || expectedLength <= partSize || expectedLength > MAX_SINGLE_PUT) {
            return write(key, source, contentType, expectedLength);
        }
        GuessedLength body = new GuessedLength(source, expectedLength);
        Blob blob = blobStore.blobBuilder(key).payload(body).contentLength(expectedLength)
                .contentType(contentType).build();
        try {
            blobStore.putBlob(container, blob);
        } catch (RuntimeException e) {
            if (source.failure() == null) {
                // A put whose reply was lost may still have stored the object.
                removeQuietly(key, e);
            }
            throw e;
        }
        long kept = body.fromSource();
        int next = kept == expectedLength ? source.read() : -1;
        if (kept == expectedLength && next < 0) {
            return kept;
        }
        LOG.debug("Guessed {} bytes for {}, the content held {}", expectedLength, key,
                next < 0 ? Long.toString(kept) : "more");
        if (staged && next < 0) {
            padded.put(key, new Padded(kept, contentType));
            return kept;
        }
        return rewrite(key, key, contentType, kept, source, next);
    }

    /**
     * Moves the object of a staged write left padded ({@link #write(String, SourceStream, String, long, boolean)})
     * to {@code toKey} cut to its content, with one copy inside the bucket, and removes it; false (nothing done) if
     * {@code fromKey} is not such an object. After a failure it is still under {@code fromKey}, padded.
     */
    public boolean movePadded(String fromKey, String toKey) throws IOException {
        Padded object = padded.remove(fromKey);
        if (object == null) {
            return false;
        }
        try {
            rewrite(toKey, fromKey, object.contentType(), object.length(), null, -1);
        } catch (IOException | RuntimeException e) {
            padded.put(fromKey, object);
            throw e;
        }
        blobStore.removeBlob(container, fromKey);
        return true;
    }

    /** Cuts the object of a staged write left padded to its content, in place; nothing to do for another key. */
    public void seal(String key) throws IOException {
        Padded object = padded.remove(key);
        if (object != null) {
            rewrite(key, key, object.contentType(), object.length(), null, -1);
        }
    }

    /** Forgets that the object under {@code key} is padded: it is being removed. */
    public void forget(String key) {
        padded.remove(key);
    }

    /**
     * Writes under {@code target} the first {@code kept} bytes of the object under {@code from}, copied inside the
     * bucket, followed, when {@code next} is a byte (not -1), by {@code next} and the rest of {@code source}. On
     * failure the multipart upload is aborted, and {@code target} removed if it is {@code from}.
     */
    private long rewrite(String target, String from, String contentType, long kept, SourceStream source, int next)
            throws IOException {
        if (kept == 0) {
            putSmall(target, new byte[0], 0, contentType);
            return 0;
        }
        MultipartUpload upload = initiate(target, contentType);
        PartUploads parts = null;
        try {
            String eTag = retries.run("copy of part 1 of " + target, () -> s3.uploadPartCopy(container, target, 1,
                    upload.id(), container, from, 0, kept - 1));
            List<MultipartPart> sent = new ArrayList<>(List.of(MultipartPart.create(1, kept, eTag, null)));
            long total = kept;
            if (next >= 0) {
                byte[] buffer = buffers.take(partSize);
                parts = new PartUploads(blobStore, upload, executor, partSize, partBuffers, buffers, buffer, 1,
                        retries);
                buffer[0] = (byte) next;
                total += sendAll(parts, buffer, 1 + source.fill(buffer, 1), source);
                sent.addAll(parts.awaitAll());
            }
            complete(upload, sent, total);
            return total;
        } catch (IOException | RuntimeException | Error e) {
            if (parts != null) {
                parts.cancelAll();
            }
            abort(upload, e);
            if (target.equals(from)) {
                removeQuietly(target, e);
            }
            throw e;
        } finally {
            if (parts != null) {
                parts.release();
            }
        }
    }

    /**
     * Reads {@code source} to the end and stores it under {@code key}. On any failure (reading the source, a part,
     * the executor refusing a part, an interrupt) it cancels the parts not yet sent, waits for those under way,
     * aborts the multipart upload so that nothing stays behind, then rethrows.
     *
     * @return the number of bytes written
     * @throws IOException if reading {@code source} fails, or {@link java.io.InterruptedIOException} if the thread
     *     is interrupted while waiting for parts
     * @throws UploadException {@code FILE_TOO_LARGE} if the content needs more than {@link #MAX_PARTS} parts
     */
    public long write(String key, SourceStream source, String contentType) throws IOException {
        return write(key, source, contentType, -1);
    }

    /**
     * As {@link #write(String, SourceStream, String)}; {@code expectedLength} (-1: unknown) sizes the first read,
     * so that content below one part never holds a part buffer of the pool.
     */
    private long write(String key, SourceStream source, String contentType, long expectedLength)
            throws IOException {
        byte[] probe = new byte[expectedLength >= 0 && expectedLength < partSize ? (int) expectedLength + 1
                : Math.min(partSize, PROBE_SIZE)];
        int probed = source.fill(probe);
        if (probed < probe.length) {
            putSmall(key, probe, probed, contentType);
            return probed;
        }
        byte[] buffer = buffers.take(partSize);
        PartUploads parts;
        try {
            System.arraycopy(probe, 0, buffer, 0, probed);
            int filled = probed + source.fill(buffer, probed);
            if (filled < partSize) {
                putSmall(key, buffer, filled, contentType);
                return filled;
            }
            parts = new PartUploads(blobStore, initiate(key, contentType), executor, partSize, partBuffers, buffers,
                    buffer, 0, retries);
        } catch (IOException | RuntimeException | Error e) {
            buffers.give(buffer);
            throw e;
        }
        try {
            return sendParts(key, parts, buffer, partSize, source);
        } finally {
            parts.release();
        }
    }

    private long sendParts(String key, PartUploads parts, byte[] buffer, int filled, SourceStream source)
            throws IOException {
        MultipartUpload upload = parts.upload();
        boolean completing = false;
        try {
            long total = sendAll(parts, buffer, filled, source);
            List<MultipartPart> sent = parts.awaitAll();
            completing = true;
            complete(upload, sent, total);
            LOG.debug("Stored {} ({} bytes, {} parts) in bucket {}", key, total, sent.size(), container);
            return total;
        } catch (IOException | RuntimeException | Error e) {
            parts.cancelAll();
            abort(upload, e);
            if (completing) {
                // A completion whose every reply was lost may still have made the object.
                removeQuietly(key, e);
            }
            throw e;
        }
    }

    private void putSmall(String key, byte[] buffer, int length, String contentType) {
        Blob blob = blobStore.blobBuilder(key)
                .payload(ByteSource.wrap(buffer).slice(0, length))
                .contentLength(length)
                .contentType(contentType)
                .build();
        try {
            retries.run("put " + key, () -> blobStore.putBlob(container, blob));
        } catch (RuntimeException e) {
            // A put whose every reply was lost may still have stored the object.
            removeQuietly(key, e);
            throw e;
        }
    }

    private MultipartUpload initiate(String key, String contentType) {
        MutableBlobMetadata metadata = blobStore.blobBuilder(key).build().getMetadata();
        metadata.getContentMetadata().setContentType(contentType);
        // A retry after a lost reply leaves the first upload open on the server; the multipart sweep aborts it.
        return retries.run("start multipart upload of " + key,
                () -> blobStore.initiateMultipartUpload(container, metadata, PutOptions.NONE));
    }

    /** Sends {@code buffer}'s {@code filled} bytes and the rest of {@code source} as parts; returns their total. */
    private long sendAll(PartUploads parts, byte[] buffer, int filled, SourceStream source) throws IOException {
        long total = 0;
        while (filled > 0) {
            if (parts.sent() == MAX_PARTS) {
                throw tooLarge();
            }
            parts.send(buffer, filled);
            total += filled;
            if (filled < partSize) {
                break;
            }
            buffer = parts.freeBuffer();
            filled = source.fill(buffer);
        }
        return total;
    }

    /**
     * Completes the upload, retrying; when a retry finds the upload gone (404) because an earlier attempt did
     * complete it and only the reply was lost, the object of the expected size counts as the success it was.
     */
    private void complete(MultipartUpload upload, List<MultipartPart> sent, long total) {
        boolean[] retried = {false};
        retries.run("complete multipart upload of " + upload.blobName(), () -> {
            boolean again = retried[0];
            retried[0] = true;
            try {
                return blobStore.completeMultipartUpload(upload, sent);
            } catch (RuntimeException e) {
                if (again && StoreRetries.status(e) == 404 && completedBefore(upload, total)) {
                    return null;
                }
                throw e;
            }
        });
    }

    private boolean completedBefore(MultipartUpload upload, long total) {
        BlobMetadata stored = blobStore.blobMetadata(container, upload.blobName());
        return stored != null && stored.getSize() != null && stored.getSize() == total;
    }

    private void removeQuietly(String key, Throwable cause) {
        try {
            blobStore.removeBlob(container, key);
        } catch (RuntimeException e) {
            LOG.warn("Could not remove {} from bucket {} after a failed write: {}", key, container,
                    StoreRetries.describe(e));
            cause.addSuppressed(e);
        }
    }

    private void abort(MultipartUpload upload, Throwable cause) {
        try {
            blobStore.abortMultipartUpload(upload);
        } catch (RuntimeException e) {
            // The original failure is what the caller needs to see; the orphaned upload is worth a warning,
            // as it costs storage until a bucket lifecycle rule removes it.
            LOG.warn("Could not abort multipart upload {} of {} in bucket {}", upload.id(), upload.blobName(),
                    container, e);
            cause.addSuppressed(e);
        }
    }

    /**
     * Aborts the unfinished multipart uploads in the bucket first listed before {@code before} whose key
     * {@code ownedKey} does not claim; returns how many. See {@link StaleMultipartUploads}.
     */
    public int abortStale(java.time.Instant before, java.util.function.Predicate<String> ownedKey) {
        return stale.abort(before, ownedKey);
    }

    /** Aborts the unfinished multipart uploads of {@code key}, whatever their age; returns how many. */
    public int abortUnfinished(String key) {
        return stale.abortAll(key);
    }

    private UploadException tooLarge() {
        String message = "The file exceeds the largest object this store can write: " + MAX_PARTS + " parts of "
                + partSize + " bytes.";
        return new UploadException(ErrorCode.FILE_TOO_LARGE, message, Map.of("file", List.of(message)), null);
    }

    /**
     * Returns a pool for the part uploads of one store that owns it: up to {@value #OWN_PART_THREADS} daemon threads
     * (a host that forgets to close the store can still exit), idle ones ending after a minute.
     */
    public static ExecutorService newPartExecutor(String storeId) {
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(task, "uploadkit-s3-" + storeId + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        ThreadPoolExecutor pool = new ThreadPoolExecutor(OWN_PART_THREADS, OWN_PART_THREADS,
                IDLE_THREAD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), factory);
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
