package dev.uploadkit.core.internal;

import dev.uploadkit.core.ContentInfo;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.IdSource;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadError;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadRequest;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.catalog.Blob;
import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.catalog.CatalogTransaction;
import dev.uploadkit.core.catalog.DedupIndex;
import dev.uploadkit.core.event.UploadEvent;
import dev.uploadkit.core.store.ByteRange;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * One streaming upload, from the client's first byte to a committed record.
 *
 * <p>Steps: sniff the type from the first bytes (refusing before anything is written); reserve a key and
 * record the upload as {@code processing}, owned by this instance and naming the reservation (for crash sweeps); stream to the store, hashing and counting; then in one
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
    private final Events events;
    private final ContentSniffer sniffer = new ContentSniffer();
    private final Executor readAhead;
    private final String instanceId;
    private final InFlight inFlight;

    // 4 x 256 KiB in flight per upload: enough to keep both cores busy, small enough to stay flat.
    private static final int READ_AHEAD_CHUNK = 256 * 1024;
    private static final int READ_AHEAD_DEPTH = 4;

    public Ingest(Catalog catalog, BlobReaper reaper, Supplier<Instant> clock, IdSource ids, TypePolicy types,
                  Events events, Executor readAhead, String instanceId, InFlight inFlight) {
        this.readAhead = readAhead;
        this.inFlight = inFlight;
        this.instanceId = instanceId;
        this.catalog = catalog;
        this.reaper = reaper;
        this.clock = clock;
        this.ids = ids;
        this.types = types;
        this.events = events;
    }

    /**
     * Streams {@code content} into {@code store} under a key reserved from {@code request}'s folder and filename,
     * with the upload recorded as {@code processing}; nothing is committed yet. Follow with {@link #complete} or
     * {@link #abort}. A failure here leaves nothing behind.
     */
    public Staged stage(UploadRequest request, FileStore store, long limit, InputStream content) {
        return stage(request, store, limit, content, IngestOrigin.DIRECT);
    }

    /**
     * Like {@link #stage(UploadRequest, FileStore, long, InputStream)}, for an import. A cancel while the bytes
     * stream aborts them within about 100 ms: the stage then throws {@code CONFLICT}, leaving the upload cancelled.
     */
    public Staged stage(UploadRequest request, FileStore store, long limit, InputStream content, IngestOrigin origin) {
        ReadAheadInputStream ahead = new ReadAheadInputStream(new SourceInputStream(content), readAhead,
                READ_AHEAD_CHUNK, READ_AHEAD_DEPTH);
        try (ahead) {
            return stage(request, store, limit, ahead, System.nanoTime(), origin);
        } catch (IOException e) {
            throw new UploadException(ErrorCode.PAYLOAD_MALFORMED, "The upload body could not be read.", e);
        }
    }

    private static UploadException cancelled() {
        return new UploadException(ErrorCode.CONFLICT, "The upload was cancelled.");
    }

    /**
     * Stores {@code content}, held whole in memory, as a completed upload. Where {@code store} moves by renaming, the
     * bytes are written under a staging key named after the upload ({@link BlobKeys#staging}); one transaction then
     * reserves the key, deduplicates and records the upload, and the bytes are moved under the key after it commits
     * (a crash in between is finished by the crash sweep, which moves what a committed upload names). Elsewhere, as
     * {@link #stage} then {@link #complete}. A failure leaves nothing behind.
     */
    public Upload storeWhole(UploadRequest request, FileStore store, long limit, byte[] content) {
        if (!store.movesByRename()) {
            return complete(stage(request, store, limit, new ByteArrayInputStream(content)), request);
        }
        long started = System.nanoTime();
        if (content.length > limit) {
            throw SizeLimitedInputStream.tooLarge(limit);
        }
        ContentInfo info = requireAllowed(sniffer.sniff(content, content.length, request.filename()));
        Instant now = clock.get();
        Upload upload = new Upload.Builder().uuid(ids.next()).projectId(request.projectId())
                .filename(request.filename()).folder(request.folder()).mimeType(info.mime())
                .isPublic(request.isPublic()).contentDisposition(request.contentDisposition())
                .status(UploadStatus.COMPLETED).storageId(store.id()).isStored(request.isStored())
                .metadata(request.metadata()).contentInfo(info).sizeBytes(content.length)
                .sha256(HexFormat.of().formatHex(sha256().digest(content))).createdAt(now).updatedAt(now).build();
        String preferredKey = BlobKeys.preferred(request.folder(), request.filename());
        String staging = BlobKeys.staging(preferredKey, upload.projectId(), upload.uuid());
        Upload done;
        try {
            try {
                store.put(staging, new ByteArrayInputStream(content), info.mime());
            } catch (RuntimeException e) {
                throw e instanceof UploadException ue ? ue
                        : new UploadException(ErrorCode.STORAGE_ERROR, "The file could not be stored.", e);
            }
            done = catalog.inTransaction(tx -> {
                Blob reservation = tx.blobs().reserve(upload.projectId(), store.id(), preferredKey, now);
                DedupIndex.CommitResult result = tx.blobs().commit(reservation, upload.sha256(), content.length,
                        info.mime());
                if (result.deduplicated()) {
                    tx.blobs().forget(reservation.id()); // nothing was written under it
                }
                Upload next = upload.toBuilder().blobId(result.blob().id()).objectKey(result.blob().objectKey())
                        .deduplicated(result.deduplicated())
                        .uploadTimeMs((System.nanoTime() - started) / 1_000_000).build();
                tx.uploads().insert(next);
                events.append(tx, UploadEvent.COMPLETED, next);
                return next;
            });
        } catch (RuntimeException e) {
            removeQuietly(store, staging);
            reportFailed(upload, e);
            throw e;
        }
        place(store, staging, done);
        return done;
    }

    /**
     * Moves the staged bytes of a committed upload under its key, or removes them when the upload references bytes
     * already there. If the move fails, the upload is deleted again (reported {@code upload.failed}).
     */
    private void place(FileStore store, String staging, Upload done) {
        // A deduplicated upload's blob may still wait for its first upload's rename (or a crash stopped that one):
        // these are the same bytes, so they take its place rather than answer before the key holds anything.
        if (done.deduplicated() && store.size(done.objectKey()).isPresent()) {
            removeQuietly(store, staging);
            return;
        }
        try {
            store.move(staging, done.objectKey());
        } catch (RuntimeException e) {
            if (e instanceof UploadException missing && missing.code() == ErrorCode.NOT_FOUND
                    && (store.size(done.objectKey()).isPresent() || catalog.inTransaction(
                            tx -> tx.uploads().find(done.projectId(), done.uuid())).isEmpty())) {
                return; // moved by a crash sweep meanwhile, or deleted for good with its staged bytes
            }
            UploadException failure = e instanceof UploadException ue && ue.code() != ErrorCode.NOT_FOUND ? ue
                    : new UploadException(ErrorCode.STORAGE_ERROR, "The file could not be stored.", e);
            Optional<Blob> released = catalog.inTransaction(tx -> {
                tx.uploads().delete(done.projectId(), done.uuid());
                appendFailed(tx, done, failure);
                return tx.blobs().release(done.blobId());
            });
            removeQuietly(store, staging);
            released.ifPresent(blob -> reaper.removeObjects(List.of(blob)));
            throw failure;
        }
    }

    /**
     * Opens the bytes of a completed upload: under its key, or, between the commit of a small upload and the rename
     * of its staged bytes (and after a crash there, until the crash sweep renames them), under its staging key.
     */
    public static StoredObject read(FileStore store, Upload upload, Optional<ByteRange> range) {
        try {
            return store.get(upload.objectKey(), range);
        } catch (UploadException missing) {
            if (missing.code() != ErrorCode.NOT_FOUND || !store.movesByRename()) {
                throw missing;
            }
            try {
                return store.get(BlobKeys.staging(upload.objectKey(), upload.projectId(), upload.uuid()), range);
            } catch (UploadException alsoMissing) {
                return store.get(upload.objectKey(), range); // renamed in between, or missing indeed
            }
        }
    }

    private static void removeQuietly(FileStore store, String key) {
        try {
            store.delete(key);
        } catch (RuntimeException e) {
            LOG.warn("Could not remove {} from store {}; the crash sweep will", key, store.id(), e);
        }
    }

    /** Reports a direct upload that failed before its record was written, as {@link #fail} does. */
    private void reportFailed(Upload upload, RuntimeException failure) {
        try {
            catalog.inTransaction(tx -> {
                appendFailed(tx, upload, failure);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("Could not report the failure of upload {}", upload.uuid(), e);
        }
    }

    private ContentInfo requireAllowed(ContentInfo info) {
        if (!types.allows(info.mime())) {
            throw new UploadException(ErrorCode.INVALID_FILE_TYPE, "Files of type " + info.mime() + " are not allowed.",
                    Map.of("file", List.of("The file type " + info.mime() + " is not allowed.")), null);
        }
        return info;
    }

    private Staged stage(UploadRequest request, FileStore store, long limit, ReadAheadInputStream content,
                         long started, IngestOrigin origin) {
        MessageDigest sha256 = sha256();
        SizeLimitedInputStream counted = new SizeLimitedInputStream(content, limit);
        InputStream in = new DigestInputStream(counted, sha256);
        ContentInfo info = requireAllowed(sniff(content, counted, request.filename()));

        Instant now = clock.get();
        Upload claimed = origin.claimed();
        Upload processing = new Upload.Builder()
                .uuid(claimed == null ? ids.next() : claimed.uuid()).projectId(request.projectId())
                .filename(request.filename()).folder(request.folder()).sourceUrl(origin.sourceUrl())
                .mimeType(info.mime()).isPublic(request.isPublic()).contentDisposition(request.contentDisposition())
                .status(UploadStatus.PROCESSING).storageId(store.id()).isStored(request.isStored())
                .metadata(request.metadata()).contentInfo(info)
                .createdAt(claimed == null ? now : claimed.createdAt()).updatedAt(now)
                .build();
        String preferredKey = BlobKeys.preferred(request.folder(), request.filename());
        Blob reservation = catalog.inTransaction(tx -> {
            Blob blob = tx.blobs().reserve(request.projectId(), store.id(), preferredKey, now);
            if (claimed == null) {
                tx.uploads().insertProcessing(processing, instanceId, blob.id());
            } else if (!tx.uploads().markProcessing(processing, instanceId, blob.id())) {
                throw cancelled();
            }
            return blob;
        });

        long size;
        try (InFlight.Registration registration = inFlight.register(processing.uuid(), () -> {
            content.abort(cancelled());
            origin.onCancel().run();
        })) {
            long guess = origin.expectedLength() <= limit ? origin.expectedLength() : -1; // else it fails anyway
            size = store.putStaged(reservation.objectKey(), in, info.mime(), guess); // sealed or moved by complete
        } catch (RuntimeException e) {
            UploadException failure = e instanceof UploadException ue ? ue
                    : new UploadException(ErrorCode.STORAGE_ERROR, "The file could not be stored.", e);
            if (fail(processing, List.of(reservation), claimed != null, failure)) {
                throw cancelled();
            }
            throw failure;
        }
        String hash = HexFormat.of().formatHex(sha256.digest());
        return new Staged(processing, store, preferredKey, reservation, size, hash, info, started, claimed != null);
    }

    /** Commits a staged upload in the store it was staged in (as {@link #complete(Staged, UploadRequest, FileStore)}). */
    public Upload complete(Staged staged, UploadRequest request) {
        return complete(staged, request, staged.store());
    }

    /**
     * Commits a staged upload under {@code request}'s final name, folder, visibility and metadata (fields of a
     * form that followed the file), in {@code target}. When the name or folder changed the blob's preferred key,
     * the bytes move to it first, unless the project already stores the same bytes (a dedup hit moves nothing);
     * when {@code target} is another store than the staging one, the bytes are copied into it (unless it already
     * holds them) and removed from the first. Any failure removes the upload, its bytes and its reservations.
     */
    public Upload complete(Staged staged, UploadRequest request, FileStore target) {
        Upload processing = staged.processing();
        List<Blob> reservations = new ArrayList<>(List.of(staged.reservation()));
        boolean elsewhere = !target.id().equals(staged.store().id());
        try {
            if (!request.projectId().equals(processing.projectId())) {
                throw new IllegalArgumentException("The request is for another project than the staged upload.");
            }
            Upload named = processing.toBuilder().filename(request.filename()).folder(request.folder())
                    .isPublic(request.isPublic()).contentDisposition(request.contentDisposition())
                    .metadata(request.metadata()).isStored(request.isStored()).storageId(target.id()).build();
            String wantedKey = BlobKeys.preferred(request.folder(), request.filename());
            if (!elsewhere && !wantedKey.equals(staged.preferredKey())
                    && !isStored(processing.projectId(), target.id(), staged.hash())) {
                reservations.add(0, relocate(staged, wantedKey));
            } else {
                staged.store().seal(staged.reservation().objectKey());
                if (elsewhere) {
                    reservations.add(0, transfer(staged, target, wantedKey));
                }
            }
            return commit(staged, named, reservations, elsewhere);
        } catch (RuntimeException e) {
            if (fail(processing, reservations, staged.keepOnFailure(), e)) {
                throw cancelled();
            }
            throw e;
        }
    }

    /** Discards a staged upload: its record, bytes and reservation. */
    public void abort(Staged staged) {
        fail(staged.processing(), List.of(staged.reservation()), staged.keepOnFailure(),
                new UploadException(ErrorCode.PAYLOAD_MALFORMED, "The request ended without completing the upload."));
    }

    private boolean isStored(UUID projectId, String storageId, String hash) {
        return catalog.inTransaction(tx -> tx.blobs().findStored(projectId, storageId, hash)).isPresent();
    }

    /**
     * Reserves {@code wantedKey} (or a free variant of it) in {@code target} and copies the staged bytes there,
     * unless the project already stores them in {@code target}: the commit then references that blob instead.
     */
    private Blob transfer(Staged staged, FileStore target, String wantedKey) {
        Blob reservation = reserveMove(staged.processing(), target.id(), wantedKey);
        if (isStored(staged.processing().projectId(), target.id(), staged.hash())) {
            return reservation;
        }
        try (StoredObject object = staged.store().get(staged.reservation().objectKey(), Optional.empty())) {
            target.put(reservation.objectKey(), object.content(), staged.info().mime(), staged.size());
        } catch (RuntimeException e) {
            reaper.removeObjects(List.of(reservation));
            throw e instanceof UploadException ue ? ue
                    : new UploadException(ErrorCode.STORAGE_ERROR, "The file could not be copied to its store.", e);
        }
        return reservation;
    }

    /** Reserves {@code wantedKey} (or a variant) for the staged bytes to move to, recorded for the crash sweep. */
    private Blob reserveMove(Upload processing, String storageId, String wantedKey) {
        return catalog.inTransaction(tx -> {
            Blob blob = tx.blobs().reserve(processing.projectId(), storageId, wantedKey, clock.get());
            tx.uploads().reserveMove(processing.projectId(), processing.uuid(), blob.id());
            return blob;
        });
    }

    /** Reserves {@code wantedKey} (or a free variant of it) and moves the staged bytes there. */
    private Blob relocate(Staged staged, String wantedKey) {
        Upload processing = staged.processing();
        Blob target = reserveMove(processing, processing.storageId(), wantedKey);
        try {
            staged.store().move(staged.reservation().objectKey(), target.objectKey());
        } catch (RuntimeException e) {
            reaper.removeObjects(List.of(target));
            throw e;
        }
        return target;
    }

    /**
     * Completes the record on the first of {@code reservations}, which holds the bytes; the others were left
     * empty by a move and are forgotten in the same transaction, unless the bytes were copied to another store
     * ({@code copied}): the staging one then still holds them and is discarded, its object removed after commit.
     */
    private Upload commit(Staged staged, Upload named, List<Blob> reservations, boolean copied) {
        Instant done = clock.get();
        Blob holder = reservations.get(0);
        long elapsedMs = (System.nanoTime() - staged.startedNanos()) / 1_000_000;
        // The blob reference is taken before the upload row is locked. Force delete and emptying the trash
        // lock an upload before its blob, but never a processing upload's row, so no cycle can form.
        Completed completed = catalog.inTransaction(tx -> {
            DedupIndex.CommitResult result = tx.blobs().commit(holder, staged.hash(), staged.size(),
                    staged.info().mime());
            reservations.stream().skip(1).forEach(moved -> {
                if (copied) {
                    tx.blobs().discard(moved.id());
                } else {
                    tx.blobs().forget(moved.id());
                }
            });
            if (staged.keepOnFailure()) {
                tx.imports().remove(named.projectId(), named.uuid()); // the durable job of an async import is done
            }
            // An upload that began unstored may have been stored (PUT storage) while it streamed: that is kept, not
            // undone. (A store field after the file is the request's own say, which stands.)
            boolean stored = named.isStored() || !staged.processing().isStored() && tx.uploads()
                    .lock(named.projectId(), named.uuid()).map(Upload::isStored).orElse(false);
            Upload next = named.toBuilder().isStored(stored)
                    .blobId(result.blob().id()).objectKey(result.blob().objectKey()).sizeBytes(staged.size())
                    .sha256(staged.hash()).mimeType(staged.info().mime()).status(UploadStatus.COMPLETED)
                    .deduplicated(result.deduplicated()).uploadTimeMs(elapsedMs).updatedAt(done).build();
            if (tx.uploads().completeProcessing(next)) {
                events.append(tx, UploadEvent.COMPLETED, next);
                return new Completed(next, result.discarded());
            }
            // Rare: moved to trash while streaming (it completes there), or deleted or cancelled (it fails).
            Upload current = tx.uploads().lock(named.projectId(), named.uuid())
                    .filter(u -> u.status() == UploadStatus.PROCESSING)
                    .orElseThrow(() -> new UploadException(ErrorCode.CONFLICT,
                            "The upload was cancelled or deleted while it was streaming."));
            Upload trashed = next.toBuilder().deletedAt(current.deletedAt()).build();
            tx.uploads().update(trashed);
            events.append(tx, UploadEvent.COMPLETED, trashed);
            return new Completed(trashed, result.discarded());
        });
        completed.discarded().ifPresent(d -> reaper.removeObjects(List.of(d)));
        if (copied) {
            reaper.removeObjects(reservations.subList(1, reservations.size()));
        }
        return completed.upload();
    }

    /**
     * An upload whose bytes are in the store under its reservation and whose record is {@code processing}.
     *
     * @param preferredKey the key asked for when the bytes were reserved (the reservation may hold a variant)
     * @param keepOnFailure whether a failure leaves the record to its caller (an asynchronous import) or removes it
     */
    public record Staged(Upload processing, FileStore store, String preferredKey, Blob reservation, long size,
                         String hash, ContentInfo info, long startedNanos, boolean keepOnFailure) {
    }

    private record Completed(Upload upload, Optional<Blob> discarded) {
    }

    /**
     * Detects the type from the first bytes the read-ahead holds anyway (its first read is the sniffer's head),
     * before they are consumed; a head already over the size limit is refused first, as reading it would.
     */
    private ContentInfo sniff(ReadAheadInputStream content, SizeLimitedInputStream counted, String filename) {
        try {
            ReadAheadInputStream.Head head = content.head();
            counted.requireRoomFor(head.length());
            return sniffer.sniff(head.bytes(), head.length(), filename);
        } catch (IOException e) {
            throw new UploadException(ErrorCode.PAYLOAD_MALFORMED, "The upload body could not be read.", e);
        }
    }

    /**
     * Removes the record of a failed upload and reports the failure in the same transaction (unless
     * {@code keepRecord}: the caller records the failure), then removes its bytes and key reservations. A cancelled
     * upload keeps its record. Returns whether the upload was cancelled.
     */
    private boolean fail(Upload processing, List<Blob> reservations, boolean keepRecord, RuntimeException failure) {
        boolean cancelled = false;
        try {
            cancelled = catalog.inTransaction(tx -> {
                Optional<Upload> current = tx.uploads().lock(processing.projectId(), processing.uuid());
                if (current.isPresent() && current.get().status() == UploadStatus.CANCELLED) {
                    return true;
                }
                if (!keepRecord && current.isPresent()) {
                    tx.uploads().delete(processing.projectId(), processing.uuid());
                    appendFailed(tx, processing, failure);
                }
                return false;
            });
        } catch (RuntimeException cleanup) {
            LOG.warn("Could not remove the record of failed upload {}", processing.uuid(), cleanup);
        }
        reaper.removeObjects(reservations);
        return cancelled;
    }

    /** Appends {@code upload.failed} for {@code upload}, saying why. */
    private void appendFailed(CatalogTransaction tx, Upload upload, RuntimeException failure) {
        UploadError error = failure instanceof UploadException ue
                ? UploadError.fitted(ue.code().name(), ue.getMessage(), "The upload failed.")
                : new UploadError(ErrorCode.INTERNAL_ERROR.name(), "The upload failed unexpectedly.");
        events.append(tx, UploadEvent.FAILED, upload.toBuilder().status(UploadStatus.FAILED).error(error).build());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
