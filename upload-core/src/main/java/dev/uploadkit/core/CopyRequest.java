package dev.uploadkit.core;

/**
 * What a copy of an upload changes; a {@code null} field keeps the source's value.
 *
 * @param folder the copy's folder ({@code ""} = root)
 * @param filename the copy's filename
 * @param isStored whether the copy is stored ({@code null} = {@code true}, as for a new upload)
 * @param storageId the store the copy goes to; another store than the source's gets its own bytes
 */
public record CopyRequest(String folder, String filename, Boolean isStored, String storageId) {
    public CopyRequest {
        if (filename != null) {
            Names.checkFilename("filename", filename);
        }
        folder = folder == null ? null : Names.normalizeFolder("folder", folder);
    }

    /** A copy with every field as the source's, stored, in the same store. */
    public static CopyRequest same() {
        return new CopyRequest(null, null, null, null);
    }
}
