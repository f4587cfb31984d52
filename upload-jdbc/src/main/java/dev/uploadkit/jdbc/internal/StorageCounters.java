package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.storage.StorageStats;
import org.jdbi.v3.core.Handle;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The counters behind {@code storage/{id}/stats}: a project's live completed uploads per storage
 * ({@code storage_counters}) and per storage and folder ({@code folder_counters}), collected and written like
 * {@link Counters}' (which calls this): deltas during the transaction, one UPDATE per key just before commit, on the
 * transaction's shard.
 */
final class StorageCounters {
    private static final String[] COLUMNS = {"files", "bytes"};

    private record StorageKey(UUID projectId, String storageId) {
    }

    private record FolderKey(UUID projectId, String storageId, String folder) {
    }

    private static final Comparator<StorageKey> STORAGE_ORDER =
            Comparator.comparing(StorageKey::projectId).thenComparing(StorageKey::storageId);
    private static final Comparator<FolderKey> FOLDER_ORDER = Comparator.comparing(FolderKey::projectId)
            .thenComparing(FolderKey::storageId).thenComparing(FolderKey::folder);

    private final Vendor vendor;
    private final Map<StorageKey, long[]> storages = new TreeMap<>(STORAGE_ORDER);
    private final Map<FolderKey, long[]> folders = new TreeMap<>(FOLDER_ORDER);

    StorageCounters(Vendor vendor) {
        this.vendor = vendor;
    }

    /** Records that an upload row of {@code projectId} changed from {@code before} to {@code after} (null = none). */
    void upload(UUID projectId, Counters.Counted before, Counters.Counted after) {
        add(projectId, before, -1);
        add(projectId, after, 1);
    }

    private void add(UUID projectId, Counters.Counted row, int sign) {
        if (row == null || !row.inStorageStats()) {
            return;
        }
        long[] s = storages.computeIfAbsent(new StorageKey(projectId, row.storageId()), k -> new long[2]);
        s[0] += sign;
        s[1] += sign * row.sizeBytes();
        long[] f = folders.computeIfAbsent(new FolderKey(projectId, row.storageId(), row.folder()), k -> new long[2]);
        f[0] += sign;
        f[1] += sign * row.sizeBytes();
    }

    /** Writes the collected deltas on {@code shard}, storages before folders, each in key order, and forgets them. */
    void flush(Handle h, int shard) {
        storages.forEach((k, d) -> {
            if (!Counters.isZero(d)) {
                Map<String, Object> key = new LinkedHashMap<>();
                key.put("project_id", vendor.uuid(k.projectId()));
                key.put("storage_id", k.storageId());
                key.put("shard", shard);
                CounterRows.add(h, vendor, "storage_counters", key, COLUMNS, d);
            }
        });
        folders.forEach((k, d) -> {
            if (!Counters.isZero(d)) {
                Map<String, Object> key = new LinkedHashMap<>();
                key.put("project_id", vendor.uuid(k.projectId()));
                key.put("storage_id", k.storageId());
                key.put("folder", k.folder());
                key.put("shard", shard);
                CounterRows.add(h, vendor, "folder_counters", key, COLUMNS, d);
            }
        });
        storages.clear();
        folders.clear();
    }

    /**
     * Returns the committed stats of the project's storage: its totals (its shard rows summed) and its first
     * {@link StorageStats#MAX_FOLDERS} folders holding files, by name (one index range of {@code folder_counters},
     * read in key order up to the folder after the last one listed).
     */
    static StorageStats read(Handle h, Vendor vendor, UUID projectId, String storageId) {
        long[] totals = h.createQuery("SELECT COALESCE(SUM(files), 0) AS files, COALESCE(SUM(bytes), 0) AS bytes"
                        + " FROM storage_counters WHERE project_id = :project_id AND storage_id = :storage_id")
                .bind("project_id", vendor.uuid(projectId))
                .bind("storage_id", storageId)
                .map((rs, ctx) -> new long[] {rs.getLong("files"), rs.getLong("bytes")})
                .one();
        List<StorageStats.Folder> all = h.createQuery("SELECT folder, SUM(files) AS files, SUM(bytes) AS bytes"
                        + " FROM folder_counters WHERE project_id = :project_id AND storage_id = :storage_id"
                        + " GROUP BY folder HAVING SUM(files) <> 0 ORDER BY folder LIMIT :limit")
                .bind("project_id", vendor.uuid(projectId))
                .bind("storage_id", storageId)
                .bind("limit", StorageStats.MAX_FOLDERS + 1)
                .map((rs, ctx) -> new StorageStats.Folder(rs.getString("folder"), rs.getLong("files"),
                        rs.getLong("bytes")))
                .list();
        boolean truncated = all.size() > StorageStats.MAX_FOLDERS;
        return new StorageStats(storageId, totals[0], totals[1],
                truncated ? all.subList(0, StorageStats.MAX_FOLDERS) : all, truncated);
    }
}
