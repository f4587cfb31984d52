package dev.uploadkit.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One upload record: a named reference, in one project, to a stored blob.
 *
 * <p>Several uploads may reference the same blob (deduplication); {@code objectKey} is the key of that
 * blob in its store and does not change when the upload is renamed or moved to another folder.
 *
 * @param blobId the catalog id of the referenced blob, or {@code null} while nothing is stored yet
 * @param deletedAt when the upload was moved to trash, or {@code null}
 * @param error why a {@code failed} or {@code cancelled} upload did not complete, or {@code null}
 * @param sourceUrl the URL an import came from, or {@code null} for a direct upload
 */
public record Upload(
        UUID uuid,
        UUID projectId,
        String filename,
        String folder,
        String objectKey,
        Long blobId,
        long sizeBytes,
        String mimeType,
        String sha256,
        boolean isPublic,
        ContentDisposition contentDisposition,
        UploadStatus status,
        String storageId,
        boolean isStored,
        Metadata metadata,
        ContentInfo contentInfo,
        boolean deduplicated,
        long uploadTimeMs,
        Instant createdAt,
        Instant updatedAt,
        Instant deletedAt,
        UploadError error,
        String sourceUrl) {

    public Upload {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(projectId, "projectId");
        Names.checkFilename("filename", filename);
        Names.checkFolder("folder", folder);
        Objects.requireNonNull(contentDisposition, "contentDisposition");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(storageId, "storageId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        metadata = metadata == null ? Metadata.EMPTY : metadata;
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes must be >= 0, was " + sizeBytes);
        }
    }

    /** Returns true if the upload is in trash. */
    public boolean isTrashed() {
        return deletedAt != null;
    }

    /** Returns the {@code sha256:<hex>} form of the content hash, if the bytes are stored. */
    public Optional<String> fileHash() {
        return Optional.ofNullable(sha256).map(h -> "sha256:" + h);
    }

    /** Returns a builder pre-filled with this upload's fields. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A mutable copy of an upload, for producing changed copies. */
    public static final class Builder {
        private UUID uuid;
        private UUID projectId;
        private String filename;
        private String folder;
        private String objectKey;
        private Long blobId;
        private long sizeBytes;
        private String mimeType;
        private String sha256;
        private boolean isPublic;
        private ContentDisposition contentDisposition;
        private UploadStatus status;
        private String storageId;
        private boolean isStored;
        private Metadata metadata;
        private ContentInfo contentInfo;
        private boolean deduplicated;
        private long uploadTimeMs;
        private Instant createdAt;
        private Instant updatedAt;
        private Instant deletedAt;
        private UploadError error;
        private String sourceUrl;

        public Builder() {
            this.contentDisposition = ContentDisposition.ATTACHMENT;
            this.status = UploadStatus.PENDING;
            this.metadata = Metadata.EMPTY;
            this.folder = "";
            this.isStored = true;
        }

        private Builder(Upload u) {
            uuid = u.uuid;
            projectId = u.projectId;
            filename = u.filename;
            folder = u.folder;
            objectKey = u.objectKey;
            blobId = u.blobId;
            sizeBytes = u.sizeBytes;
            mimeType = u.mimeType;
            sha256 = u.sha256;
            isPublic = u.isPublic;
            contentDisposition = u.contentDisposition;
            status = u.status;
            storageId = u.storageId;
            isStored = u.isStored;
            metadata = u.metadata;
            contentInfo = u.contentInfo;
            deduplicated = u.deduplicated;
            uploadTimeMs = u.uploadTimeMs;
            createdAt = u.createdAt;
            updatedAt = u.updatedAt;
            deletedAt = u.deletedAt;
            error = u.error;
            sourceUrl = u.sourceUrl;
        }

        public Builder uuid(UUID v) { uuid = v; return this; }
        public Builder projectId(UUID v) { projectId = v; return this; }
        public Builder filename(String v) { filename = v; return this; }
        public Builder folder(String v) { folder = v; return this; }
        public Builder objectKey(String v) { objectKey = v; return this; }
        public Builder blobId(Long v) { blobId = v; return this; }
        public Builder sizeBytes(long v) { sizeBytes = v; return this; }
        public Builder mimeType(String v) { mimeType = v; return this; }
        public Builder sha256(String v) { sha256 = v; return this; }
        public Builder isPublic(boolean v) { isPublic = v; return this; }
        public Builder contentDisposition(ContentDisposition v) { contentDisposition = v; return this; }
        public Builder status(UploadStatus v) { status = v; return this; }
        public Builder storageId(String v) { storageId = v; return this; }
        public Builder isStored(boolean v) { isStored = v; return this; }
        public Builder metadata(Metadata v) { metadata = v; return this; }
        public Builder contentInfo(ContentInfo v) { contentInfo = v; return this; }
        public Builder deduplicated(boolean v) { deduplicated = v; return this; }
        public Builder uploadTimeMs(long v) { uploadTimeMs = v; return this; }
        public Builder createdAt(Instant v) { createdAt = v; return this; }
        public Builder updatedAt(Instant v) { updatedAt = v; return this; }
        public Builder deletedAt(Instant v) { deletedAt = v; return this; }
        public Builder error(UploadError v) { error = v; return this; }
        public Builder sourceUrl(String v) { sourceUrl = v; return this; }

        public Upload build() {
            return new Upload(uuid, projectId, filename, folder, objectKey, blobId, sizeBytes, mimeType, sha256,
                    isPublic, contentDisposition, status, storageId, isStored, metadata, contentInfo, deduplicated,
                    uploadTimeMs, createdAt, updatedAt, deletedAt, error, sourceUrl);
        }
    }
}
