package dev.uploadkit.core;

import java.util.Objects;
import java.util.UUID;

/**
 * What a client asks of an upload from a URL (SPEC §4 {@code files/upload-from-url}). The URL's form is checked when
 * the import is made ({@code VALIDATION_ERROR} on field {@code url}), whether it may be reached when it is fetched.
 *
 * @param filename the name to give the upload, or {@code null} to take the source's {@code Content-Disposition}
 *     name, else the URL's last path segment
 * @param folder the folder, normalised (surrounding slashes removed); {@code null} or empty = root
 * @param isStored false for a temporary upload, removed after the unstored time to live unless stored
 */
public record ImportRequest(UUID projectId, String url, String filename, String folder, boolean isPublic,
                            Metadata metadata, boolean isStored) {
    public ImportRequest {
        Objects.requireNonNull(projectId, "projectId");
        if (filename != null) {
            Names.checkFilename("filename", filename);
        }
        folder = Names.normalizeFolder("folder", folder);
        metadata = metadata == null ? Metadata.EMPTY : metadata;
    }

    /** Returns a request for a private, stored import into the root folder, named by its source. */
    public static ImportRequest of(UUID projectId, String url) {
        return new ImportRequest(projectId, url, null, "", false, Metadata.EMPTY, true);
    }

    /** The upload request the import stores its bytes with, named {@code filename}. */
    UploadRequest toUploadRequest(String name) {
        return new UploadRequest(projectId, name, folder, isPublic, ContentDisposition.ATTACHMENT, metadata, null,
                isStored, null);
    }
}
