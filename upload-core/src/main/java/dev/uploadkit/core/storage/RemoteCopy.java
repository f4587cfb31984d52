package dev.uploadkit.core.storage;

import dev.uploadkit.core.UploadError;

import java.util.Objects;
import java.util.UUID;

/**
 * Where a remote copy went, or is going.
 *
 * @param id the copy's job, for a copy large enough to run as one (see
 *     {@link dev.uploadkit.core.UploadServiceBuilder#remoteCopyJobThreshold}); null for a copy made during the request
 * @param status {@code completed} for a copy made during the request; a job's {@code pending}, {@code processing},
 *     {@code completed} or {@code failed}
 * @param storageId the storage connection that holds (or will hold) the copy
 * @param objectKey the copy's key in that storage's bucket (or folder)
 * @param sizeBytes the bytes copied, or to copy
 * @param url {@code <public_base_url>/<object key>} when {@code make_public} was asked and the storage has a public
 *     base URL, else null
 * @param error why a job failed, else null
 */
public record RemoteCopy(UUID id, String status, String storageId, String objectKey, long sizeBytes, String url,
                         UploadError error) {
    /** The key pattern used when a request gives none: {@value}. */
    public static final String DEFAULT_PATTERN = "${uuid}/${filename}";

    public RemoteCopy {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(storageId, "storageId");
        Objects.requireNonNull(objectKey, "objectKey");
    }

    /** Returns whether the copy is still to be made (a job, pending or processing). */
    public boolean isRunning() {
        return status.equals("pending") || status.equals("processing");
    }
}
