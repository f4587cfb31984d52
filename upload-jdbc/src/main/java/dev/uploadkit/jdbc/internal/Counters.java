package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.catalog.ProjectTotals;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The per-project counters of the {@code upload_counters} table, kept in the transaction of each change.
 *
 * <p>Changes only collect deltas while the transaction runs; {@link #flush} writes them with one UPDATE per
 * project just before commit, so the counter row is locked only from then until the commit. Each project's
 * counters are spread over {@link #SHARDS} rows, a transaction picking one at random, and summed on read:
 * concurrent uploads into one project rarely wait for the same row. A transaction touching several projects
 * (the trash purge) updates their rows in (project, shard) order, so two such transactions cannot deadlock.
 */
final class Counters {
    /** Rows per project. */
    static final int SHARDS = 16;

    private static final String[] COLUMNS = {"live_files", "live_bytes", "trash_files", "trash_bytes", "ref_files",
        "ref_bytes", "blob_count", "blob_bytes"};
    private static final int LIVE_FILES = 0;
    private static final int TRASH_FILES = 2;
    private static final int REF_FILES = 4;
    private static final int BLOB_COUNT = 6;
    private static final String SUM;

    static {
        StringBuilder sum = new StringBuilder("SELECT ");
        for (int i = 0; i < COLUMNS.length; i++) {
            sum.append(i == 0 ? "" : ", ").append("COALESCE(SUM(").append(COLUMNS[i]).append("), 0) AS ")
                    .append(COLUMNS[i]);
        }
        SUM = sum.append(" FROM upload_counters WHERE project_id = :project_id").toString();
    }

    /**
     * What an upload row adds to the counters: to its project's, and, while it is live and completed, to those of
     * its storage and its folder there.
     */
    record Counted(boolean trashed, long sizeBytes, boolean referencesBlob, boolean completed, String storageId,
                   String folder) {
        boolean inStorageStats() {
            return completed && !trashed;
        }
    }

    private final Vendor vendor;
    private final Map<UUID, long[]> deltas = new TreeMap<>();
    private final StorageCounters storage;

    Counters(Vendor vendor) {
        this.vendor = vendor;
        this.storage = new StorageCounters(vendor);
    }

    /** Records that an upload row of {@code projectId} changed from {@code before} to {@code after} (null = none). */
    void upload(UUID projectId, Counted before, Counted after) {
        if (before != null && before.equals(after)) {
            return;
        }
        long[] d = deltas.computeIfAbsent(projectId, p -> new long[COLUMNS.length]);
        add(d, before, -1);
        add(d, after, 1);
        storage.upload(projectId, before, after);
    }

    private static void add(long[] d, Counted row, int sign) {
        if (row == null) {
            return;
        }
        int at = row.trashed() ? TRASH_FILES : LIVE_FILES;
        d[at] += sign;
        d[at + 1] += sign * row.sizeBytes();
        if (row.referencesBlob()) {
            d[REF_FILES] += sign;
            d[REF_FILES + 1] += sign * row.sizeBytes();
        }
    }

    /** Records that {@code projectId} gained ({@code sign} 1) or lost (-1) a stored blob of {@code sizeBytes}. */
    void storedBlob(UUID projectId, int sign, long sizeBytes) {
        long[] d = deltas.computeIfAbsent(projectId, p -> new long[COLUMNS.length]);
        d[BLOB_COUNT] += sign;
        d[BLOB_COUNT + 1] += sign * sizeBytes;
    }

    /**
     * Writes the collected deltas, one row per project, then those of storages and folders (each table in key
     * order, so that transactions cannot deadlock on counter rows), and forgets them.
     */
    void flush(Handle h) {
        if (deltas.isEmpty()) {
            return;
        }
        int shard = ThreadLocalRandom.current().nextInt(SHARDS);
        flushProjects(h, shard);
        storage.flush(h, shard);
    }

    private void flushProjects(Handle h, int shard) {
        for (Map.Entry<UUID, long[]> e : deltas.entrySet()) {
            if (!isZero(e.getValue())) {
                Map<String, Object> key = new LinkedHashMap<>();
                key.put("project_id", vendor.uuid(e.getKey()));
                key.put("shard", shard);
                CounterRows.add(h, vendor, "upload_counters", key, COLUMNS, e.getValue());
            }
        }
        deltas.clear();
    }

    static boolean isZero(long[] d) {
        for (long v : d) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    /** Returns the committed totals of {@code projectId}, all shards summed. */
    static ProjectTotals read(Handle h, Vendor vendor, UUID projectId) {
        return h.createQuery(SUM)
                .bind("project_id", vendor.uuid(projectId))
                .map((rs, ctx) -> totals(rs))
                .one();
    }

    private static ProjectTotals totals(ResultSet rs) throws SQLException {
        return new ProjectTotals(rs.getLong("live_files"), rs.getLong("live_bytes"), rs.getLong("trash_files"),
                rs.getLong("trash_bytes"), rs.getLong("ref_files"), rs.getLong("ref_bytes"), rs.getLong("blob_count"),
                rs.getLong("blob_bytes"));
    }
}
