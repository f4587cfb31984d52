package dev.uploadkit.jdbc.internal;

import org.jdbi.v3.core.Handle;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Finds the blobs that keep an object key from naming a file of its own in a store: one whose key is a folder of it
 * ({@code report} keeps out {@code report/p2.txt}), one under it as under a folder ({@code report/p2.txt} keeps out
 * {@code report}) and, where the vendor checks keys before inserting them, the key itself.
 *
 * <p>A local folder cannot hold a file and a folder of one name, so on a filesystem store the second of such keys
 * could never be written; object stores could hold both, but the same rule keeps every bucket copyable to a disk.
 * The answer is the path segment to vary: the shortest clashing folder's last segment, else the key's last one.
 */
final class KeyClashes {
    private KeyClashes() {
    }

    /** Returns the index of the segment of {@code key} (split at {@code /}) to vary, or empty if nothing clashes. */
    static OptionalInt find(Handle h, Vendor vendor, String storageId, String key) {
        List<String> exact = folders(key);
        if (vendor.checksKeyBeforeInsert()) {
            exact.add(key);
        }
        // One statement, each part on the unique key index: a point lookup per folder (an IN list on the index's
        // second column makes H2 read the storage's whole range), and the first key under "key/", found in the
        // range from "key/" to just before "key0" ('0' follows '/' in the code point and byte orders the
        // object_key columns use).
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < exact.size(); i++) {
            sql.append("SELECT object_key FROM blobs WHERE storage_id = :storage_id AND ")
                    .append(vendor.objectKeyMatch().replace(":object_key", ":k" + i)).append(" UNION ALL ");
        }
        sql.append("(SELECT object_key FROM blobs WHERE storage_id = :storage_id AND object_key >= :low")
                .append(" AND object_key < :high LIMIT 1)");
        var query = h.createQuery(sql.toString()).bind("storage_id", storageId).bind("low", key + "/")
                .bind("high", key + "0");
        for (int i = 0; i < exact.size(); i++) {
            query.bind("k" + i, exact.get(i));
        }
        int last = segments(key) - 1;
        return query.mapTo(String.class).stream()
                .mapToInt(taken -> taken.length() > key.length() ? last : segments(taken) - 1)
                .min();
    }

    /** Returns the folders of {@code key}, outermost first: {@code a}, {@code a/b} for {@code a/b/c.txt}. */
    static List<String> folders(String key) {
        List<String> folders = new ArrayList<>();
        for (int slash = key.indexOf('/'); slash > 0; slash = key.indexOf('/', slash + 1)) {
            folders.add(key.substring(0, slash));
        }
        return folders;
    }

    private static int segments(String key) {
        return (int) key.chars().filter(c -> c == '/').count() + 1;
    }
}
