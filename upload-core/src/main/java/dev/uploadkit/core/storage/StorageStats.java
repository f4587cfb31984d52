package dev.uploadkit.core.storage;

import java.util.List;
import java.util.Objects;

/**
 * What a storage holds for its project: live (not trashed) completed files and their bytes, in all and per folder.
 *
 * @param folders per folder, by folder name; at most {@link #MAX_FOLDERS}, {@code foldersTruncated} says if more
 */
public record StorageStats(String storageId, long files, long bytes, List<Folder> folders, boolean foldersTruncated) {
    /** The most folders listed. */
    public static final int MAX_FOLDERS = 1000;

    public StorageStats {
        Objects.requireNonNull(storageId, "storageId");
        folders = List.copyOf(folders);
    }

    public record Folder(String folder, long files, long bytes) {
        public Folder {
            Objects.requireNonNull(folder, "folder");
        }
    }
}
