package dev.uploadkit.core;

import java.util.Optional;

/**
 * A change to an upload's catalog entry; every field is optional and only present fields change.
 * Renaming or moving changes the entry, never the stored blob's key.
 *
 * @param metadata replaces the whole metadata map when present
 */
public record UploadPatch(Optional<String> filename, Optional<String> folder, Optional<Boolean> isPublic,
                          Optional<ContentDisposition> contentDisposition, Optional<Metadata> metadata) {
    public UploadPatch {
        filename.ifPresent(f -> Names.checkFilename("filename", f));
        folder = folder.map(f -> Names.normalizeFolder("folder", f));
    }

    public static UploadPatch none() {
        return new UploadPatch(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public UploadPatch withFilename(String v) {
        return new UploadPatch(Optional.of(v), folder, isPublic, contentDisposition, metadata);
    }

    public UploadPatch withFolder(String v) {
        return new UploadPatch(filename, Optional.of(v), isPublic, contentDisposition, metadata);
    }

    public UploadPatch withPublic(boolean v) {
        return new UploadPatch(filename, folder, Optional.of(v), contentDisposition, metadata);
    }

    public UploadPatch withContentDisposition(ContentDisposition v) {
        return new UploadPatch(filename, folder, isPublic, Optional.of(v), metadata);
    }

    public UploadPatch withMetadata(Metadata v) {
        return new UploadPatch(filename, folder, isPublic, contentDisposition, Optional.of(v));
    }

    /** Returns {@code upload} with this patch applied (timestamps untouched). */
    public Upload applyTo(Upload upload) {
        Upload.Builder b = upload.toBuilder();
        filename.ifPresent(b::filename);
        folder.ifPresent(b::folder);
        isPublic.ifPresent(b::isPublic);
        contentDisposition.ifPresent(b::contentDisposition);
        metadata.ifPresent(b::metadata);
        return b.build();
    }
}
