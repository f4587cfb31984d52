package dev.uploadkit.core.internal;

import dev.uploadkit.core.ContentInfo;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.IdSource;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadRequest;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.catalog.Blob;
import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.catalog.DedupIndex;
import dev.uploadkit.core.event.UploadEvent;
import dev.uploadkit.core.store.FileStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * One streaming upload, from the client's first byte to a committed record.
 *
 * <p>Steps: sniff the type from the first bytes (refusing before anything is written); reserve a key and
 * record the upload as {@code processing}; stream to the store, hashing and counting; then in one
 * transaction deduplicate and complete the record. Any failure removes the object, the reservation and the
 * record.
 */
public final class Ingest {
    private static final Logger LOG = LoggerFactory.getLogger(Ingest.class);

    private final Catalog catalog;
    private final BlobReaper reaper;
    private final Supplier<Instant> clock;
    private final IdSource ids;
    private final TypePolicy types;
    private final BiConsumer<String, Upload> events;
    private final ContentSniffer sniffer = new ContentSniffer();
    private final Executor readAhead;

    // 4 x 256 KiB in flight per upload: enough to keep both cores busy, small enough to stay flat.
    private static final int READ_AHEAD_CHUNK = 256 * 1024;
    private static final int READ_AHEAD_DEPTH = 4;

    public Ingest(Catalog catalog, BlobReaper reaper, Supplier<Instant> clock, IdSource ids, TypePolicy types,
                  BiConsumer<String, Upload> events, Executor readAhead) {
        this.readAhead = readAhead;
        this.catalog = catalog;
        this.reaper = reaper;
        this.clock = clock;
        this.ids = ids;
        this.types = types;
        this.events = events;
    }

    public Upload run(UploadRequest request, FileStore store, long limit, InputStream content) {
        ReadAheadInputStream ahead = new ReadAheadInputStream(new SourceInputStream(content), readAhead,
                READ_AHEAD_CHUNK, READ_AHEAD_DEPTH);
        try (ahead) {
            return run(request, store, limit, ahead, System.nanoTime());
        } catch (IOException e) {
            throw new UploadException(ErrorCode.PAYLOAD_MALFORMED, "The upload body could not be read.", e);
        }
    }

    private Upload run(UploadRequest request, FileStore store, long limit, InputStream content, long started) {
        MessageDigest sha256 = sha256();
        SizeLimitedInputStream counted = new SizeLimitedInputStream(content, limit);
        BufferedInputStream in = new BufferedInputStream(new DigestInputStream(counted, sha256),
                ContentSniffer.HEAD_SIZE);
        ContentInfo info = sniff(in, request.filename());
        if (!types.allows(info.mime())) {
            throw new UploadException(ErrorCode.INVALID_FILE_TYPE, "Files of type " + info.mime() + " are not allowed.",
                    Map.of("file", List.of("The file type " + info.mime() + " is not allowed.")), null);
        }

        Instant now = clock.get();
        Upload processing = new Upload.Builder()
                .uuid(ids.next()).projectId(request.projectId()).filename(request.filename()).folder(request.folder())
                .mimeType(info.mime()).isPublic(request.isPublic()).contentDisposition(request.contentDisposition())
                .status(UploadStatus.PROCESSING).storageId(store.id()).isStored(request.isStored())
                .metadata(request.metadata()).contentInfo(info).createdAt(now).updatedAt(now)
                .build();
        String preferredKey = BlobKeys.preferred(request.folder(), request.filename());
        Blob reservation = catalog.inTransaction(tx -> {
            Blob blob = tx.blobs().reserve(request.projectId(), store.id(), preferredKey, now);
            tx.uploads().insert(processing);
            return blob;
        });

        long size;
        try {
            size = store.put(reservation.objectKey(), in, info.mime());
        } catch (RuntimeException e) {
            discard(processing, reservation);
            events.accept(UploadEvent.FAILED, processing.toBuilder().status(UploadStatus.FAILED).build());
            throw e instanceof UploadException ue ? ue
                    : new UploadException(ErrorCode.STORAGE_ERROR, "The file could not be stored.", e);
        }
        String hash = HexFormat.of().formatHex(sha256.digest());
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        return complete(processing, reservation, size, hash, info, elapsedMs);
    }

    private Upload complete(Upload processing, Blob reservation, long size, String hash,
                            ContentInfo info, long elapsedMs) {
        Instant done = clock.get();
        Completed completed;
        try {
            // The blob reference is taken before the upload row is locked. Force delete and emptying the trash
            // lock an upload before its blob, but never a processing upload's row, so no cycle can form.
            completed = catalog.inTransaction(tx -> {
                DedupIndex.CommitResult result = tx.blobs().commit(reservation.id(), hash, size, info.mime());
                Upload current = tx.uploads().lock(processing.projectId(), processing.uuid())
                        .orElseThrow(() -> new UploadException(ErrorCode.CONFLICT,
                                "The upload was cancelled or deleted while it was streaming."));
                Upload next = current.toBuilder()
                        .blobId(result.blob().id()).objectKey(result.blob().objectKey()).sizeBytes(size)
                        .sha256(hash).mimeType(info.mime()).status(UploadStatus.COMPLETED)
                        .deduplicated(result.deduplicated()).uploadTimeMs(elapsedMs).updatedAt(done)
                        .build();
                tx.uploads().update(next);
                return new Completed(next, result.discarded());
            });
        } catch (RuntimeException e) {
            // Rolled back: the bytes were written but nothing references them.
            discard(processing, reservation);
            events.accept(UploadEvent.FAILED, processing.toBuilder().status(UploadStatus.FAILED).build());
            throw e;
        }
        completed.discarded().ifPresent(d -> reaper.removeObjects(List.of(d)));
        events.accept(UploadEvent.COMPLETED, completed.upload());
        return completed.upload();
    }

    private record Completed(Upload upload, Optional<Blob> discarded) {
    }

    private ContentInfo sniff(BufferedInputStream in, String filename) {
        byte[] head = new byte[ContentSniffer.HEAD_SIZE];
        try {
            in.mark(ContentSniffer.HEAD_SIZE);
            int n = in.readNBytes(head, 0, head.length);
            in.reset();
            return sniffer.sniff(head, n, filename);
        } catch (IOException e) {
            throw new UploadException(ErrorCode.PAYLOAD_MALFORMED, "The upload body could not be read.", e);
        }
    }

    /** Removes the record of a failed upload, then its bytes and key reservation. */
    private void discard(Upload processing, Blob reservation) {
        try {
            catalog.inTransaction(tx -> tx.uploads().delete(processing.projectId(), processing.uuid()));
        } catch (RuntimeException cleanup) {
            LOG.warn("Could not remove the record of failed upload {}", processing.uuid(), cleanup);
        }
        reaper.removeObjects(List.of(reservation));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
