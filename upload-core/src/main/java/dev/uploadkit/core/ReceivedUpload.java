package dev.uploadkit.core;

import dev.uploadkit.core.internal.Ingest;
import dev.uploadkit.core.store.FileStore;

import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

/**
 * An upload whose bytes are stored but not yet committed: it is listed as {@code processing} until
 * {@link #complete} commits it or {@link #abort} discards it. This lets a caller learn the rest of a request
 * after the bytes (form fields that follow the file) and still name the stored object after them.
 *
 * <p>Exactly one of {@link #complete} and {@link #abort} takes effect; a second call throws
 * {@link IllegalStateException}. Not thread-safe: one request owns it. Obtained from
 * {@link UploadService#receive}.
 */
public final class ReceivedUpload {
    private final Ingest ingest;
    private final Ingest.Staged staged;
    private final BiFunction<UUID, String, FileStore> stores;
    private final AtomicBoolean ended = new AtomicBoolean();

    ReceivedUpload(Ingest ingest, Ingest.Staged staged, BiFunction<UUID, String, FileStore> stores) {
        this.ingest = ingest;
        this.staged = staged;
        this.stores = stores;
    }

    /** Returns the uuid the upload will keep. */
    public UUID uuid() {
        return staged.processing().uuid();
    }

    /**
     * Commits the upload with {@code request}'s filename, folder, visibility, disposition, metadata and
     * {@code is_stored} (the request the bytes were received with, or a later, fuller one). When the folder or
     * filename changed, the stored object moves to the new {@code folder/filename} key, unless the project already
     * holds the same bytes. When {@code request} names another storage, the bytes are copied into it (unless the
     * project already holds them there) and removed from the first. On failure the upload, its bytes and its keys
     * are gone.
     *
     * @throws UploadException {@code NOT_FOUND} if {@code request} names a storage the project does not have;
     *     {@code CONFLICT} if the upload was deleted meanwhile; {@code STORAGE_ERROR} if the move or copy failed
     */
    public Upload complete(UploadRequest request) {
        Objects.requireNonNull(request, "request");
        end();
        FileStore target;
        try {
            target = request.storageId() == null || request.storageId().equals(staged.store().id()) ? staged.store()
                    : stores.apply(request.projectId(), request.storageId());
        } catch (RuntimeException e) {
            ingest.abort(staged);
            throw e;
        }
        return ingest.complete(staged, request, target);
    }

    /** Discards the upload: its record, its bytes and its key reservation. */
    public void abort() {
        end();
        ingest.abort(staged);
    }

    private void end() {
        if (!ended.compareAndSet(false, true)) {
            throw new IllegalStateException("The upload " + uuid() + " was already completed or aborted.");
        }
    }
}
