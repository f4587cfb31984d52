package dev.uploadkit.core;

import java.util.Objects;
import java.util.UUID;

/**
 * What a client says about a file it uploads. Its type is never taken from here: the service detects it
 * from the bytes.
 *
 * @param folder the folder, normalised (surrounding slashes removed); {@code null} or empty = root
 * @param storageId the store to write to: a configured store or one of the project's storage connections; {@code null} for
 *     the project's default connection, else the server's default store
 * @param isStored false for a temporary upload that is removed 24 h after upload unless stored
 * @param maxSize a limit below the service's own for this one upload, or {@code null}
 */
public record UploadRequest(UUID projectId, String filename, String folder, boolean isPublic,
                            ContentDisposition contentDisposition, Metadata metadata, String storageId,
                            boolean isStored, DataSize maxSize) {
    public UploadRequest {
        Objects.requireNonNull(projectId, "projectId");
        Names.checkFilename("filename", filename);
        folder = Names.normalizeFolder("folder", folder);
        contentDisposition = contentDisposition == null ? ContentDisposition.ATTACHMENT : contentDisposition;
        metadata = metadata == null ? Metadata.EMPTY : metadata;
    }

    /** Returns a request for a private, stored attachment in the root folder. */
    public static UploadRequest of(UUID projectId, String filename) {
        return new UploadRequest(projectId, filename, "", false, ContentDisposition.ATTACHMENT, Metadata.EMPTY, null,
                true, null);
    }

    public UploadRequest withFolder(String newFolder) {
        return new UploadRequest(projectId, filename, newFolder, isPublic, contentDisposition, metadata, storageId,
                isStored, maxSize);
    }

    public UploadRequest withMetadata(Metadata newMetadata) {
        return new UploadRequest(projectId, filename, folder, isPublic, contentDisposition, newMetadata, storageId,
                isStored, maxSize);
    }

    public UploadRequest withMaxSize(DataSize newMaxSize) {
        return new UploadRequest(projectId, filename, folder, isPublic, contentDisposition, metadata, storageId,
                isStored, newMaxSize);
    }

    /** Returns the most bytes this upload may hold where the service allows {@code serviceMax}. */
    public long sizeLimit(long serviceMax) {
        return maxSize == null ? serviceMax : Math.min(serviceMax, maxSize.bytes());
    }

    public UploadRequest withPublic(boolean newIsPublic) {
        return new UploadRequest(projectId, filename, folder, newIsPublic, contentDisposition, metadata, storageId,
                isStored, maxSize);
    }
}
