package dev.uploadkit.core.storage;

import java.util.Objects;

/**
 * Where a remote copy went.
 *
 * @param storageId the storage connection that holds the copy
 * @param objectKey the copy's key in that storage's bucket (or folder)
 * @param url {@code <public_base_url>/<object key>} when {@code make_public} was asked and the storage has a public
 *     base URL, else null
 */
public record RemoteCopy(String storageId, String objectKey, long sizeBytes, String url) {
    /** The key pattern used when a request gives none: {@value}. */
    public static final String DEFAULT_PATTERN = "${uuid}/${filename}";

    public RemoteCopy {
        Objects.requireNonNull(storageId, "storageId");
        Objects.requireNonNull(objectKey, "objectKey");
    }
}
