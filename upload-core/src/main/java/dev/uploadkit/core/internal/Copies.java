package dev.uploadkit.core.internal;

import dev.uploadkit.core.CopyRequest;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.IdSource;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadRequest;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.catalog.Blob;
import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.event.UploadEvent;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.StoredObject;

import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Copies of an upload: a new upload (new uuid) of the same bytes. In the source's store the copy takes a reference
 * on the source's blob through the dedup index, so no byte is copied; into another store the bytes stream from
 * one store to the other through the normal upload path (hashing, type check, deduplication in the target).
 */
public final class Copies {
    private final Catalog catalog;
    private final BiFunction<UUID, String, FileStore> stores;
    private final BiFunction<UploadRequest, InputStream, Upload> upload;
    private final Events events;
    private final IdSource ids;
    private final Supplier<Instant> clock;

    public Copies(Catalog catalog, BiFunction<UUID, String, FileStore> stores,
                  BiFunction<UploadRequest, InputStream, Upload> upload, Events events, IdSource ids,
                  Supplier<Instant> clock) {
        this.catalog = catalog;
        this.stores = stores;
        this.upload = upload;
        this.events = events;
        this.ids = ids;
        this.clock = clock;
    }

    /**
     * Copies a completed, live upload.
     *
     * @throws UploadException {@code NOT_FOUND}; {@code CONFLICT} if the source is in trash or not completed;
     *     {@code NOT_FOUND} for a storage the project does not have
     */
    public Upload copy(UUID projectId, UUID uuid, CopyRequest request) {
        Upload source = catalog.inTransaction(tx -> tx.uploads().find(projectId, uuid))
                .orElseThrow(() -> UploadException.notFound("File"));
        String target = request.storageId() == null ? source.storageId() : request.storageId();
        if (stores.apply(projectId, target) == null) {
            throw UploadException.notFound("Storage");
        }
        if (target.equals(source.storageId())) {
            return referenceCopy(projectId, uuid, request);
        }
        checkCopyable(source);
        FileStore from = stores.apply(projectId, source.storageId());
        if (from == null) {
            throw new UploadException(ErrorCode.STORAGE_ERROR, "The store " + source.storageId() + " is not configured.");
        }
        UploadRequest into = new UploadRequest(projectId, or(request.filename(), source.filename()),
                or(request.folder(), source.folder()), source.isPublic(), source.contentDisposition(),
                source.metadata(), target, request.isStored() == null || request.isStored(), null);
        try (StoredObject object = Ingest.read(from, source, Optional.empty())) {
            return upload.apply(into, object.content());
        }
    }

    /**
     * The copy references the source's blob. The source row is locked first, then the blob (as force delete and
     * emptying the trash do), so the blob cannot be released between reading the source and taking the reference.
     */
    private Upload referenceCopy(UUID projectId, UUID uuid, CopyRequest request) {
        Instant now = clock.get();
        return catalog.inTransaction(tx -> {
            Upload source = tx.uploads().lock(projectId, uuid).orElseThrow(() -> UploadException.notFound("File"));
            checkCopyable(source);
            Blob blob = tx.blobs().addReference(source.blobId());
            Upload copy = source.toBuilder().uuid(ids.next())
                    .filename(or(request.filename(), source.filename())).folder(or(request.folder(), source.folder()))
                    .isStored(request.isStored() == null || request.isStored())
                    .blobId(blob.id()).objectKey(blob.objectKey()).deduplicated(true).uploadTimeMs(0)
                    .createdAt(now).updatedAt(now).deletedAt(null).error(null).build();
            tx.uploads().insert(copy);
            events.append(tx, UploadEvent.COMPLETED, copy);
            return copy;
        });
    }

    private static void checkCopyable(Upload source) {
        if (source.isTrashed()) {
            throw new UploadException(ErrorCode.CONFLICT, "The file is in trash; restore it before copying it.");
        }
        if (source.status() != UploadStatus.COMPLETED || source.blobId() == null) {
            throw new UploadException(ErrorCode.CONFLICT, "Only a completed file can be copied.");
        }
    }

    private static String or(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
