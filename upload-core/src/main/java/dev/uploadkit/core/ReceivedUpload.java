package dev.uploadkit.core;

import dev.uploadkit.core.internal.Ingest;

import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

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
    private final AtomicBoolean ended = new AtomicBoolean();

    ReceivedUpload(Ingest ingest, Ingest.Staged staged) {
        this.ingest = ingest;
        this.staged = staged;
    }

    /** Returns the uuid the upload will keep. */
    public UUID uuid() {
        return staged.processing().uuid();
    }

    /**
     * Commits the upload with {@code request}'s filename, folder, visibility, disposition, metadata and
     * {@code is_stored} (the request the bytes were received with, or a later, fuller one). When the folder or
     * filename changed, the stored object moves to the new {@code folder/filename} key, unless the project already
     * holds the same bytes. On failure the upload, its bytes and its key are gone.
     *
     * @throws UploadException {@code VALIDATION_ERROR} if {@code request} names another store; {@code CONFLICT} if
     *     the upload was deleted meanwhile; {@code STORAGE_ERROR} if the move failed
     */
    public Upload complete(UploadRequest request) {
        Objects.requireNonNull(request, "request");
        end();
        return ingest.complete(staged, request);
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
