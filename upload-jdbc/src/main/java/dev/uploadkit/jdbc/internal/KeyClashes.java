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
        // Separate statements, each a lookup on the unique key index (storage_id, object_key): on H2 an IN list
        // or an OR there reads the storage's whole range, and a UNION ALL costs several times its parts.
        String taken = "SELECT object_key FROM blobs WHERE storage_id = :storage_id AND " + vendor.objectKeyMatch();
        for (String candidate : exact) { // outermost first: the first found is the segment to vary
            if (h.createQuery(taken).bind("storage_id", storageId).bind("object_key", candidate)
                    .mapTo(String.class).findFirst().isPresent()) {
                return OptionalInt.of(segments(candidate) - 1);
            }
        }
        // Keys under "key/" sort from "key/" to just before "key0" ('0' follows '/') in the code point and byte
        // orders the object_key columns use.
        boolean under = h.createQuery("SELECT object_key FROM blobs WHERE storage_id = :storage_id"
                        + " AND object_key >= :low AND object_key < :high LIMIT 1")
                .bind("storage_id", storageId)
                .bind("low", key + "/")
                .bind("high", key + "0")
                .mapTo(String.class)
                .findFirst()
                .isPresent();
        return under ? OptionalInt.of(segments(key) - 1) : OptionalInt.empty();
    }

    /** Returns the folders of {@code key}, outermost first: {@code a}, {@code a/b} for {@code a/b/c.txt}. */
    static List<String> folders(String key) {
        List<String> folders = new ArrayList<>();
        for (int slash = key.indexOf('/'); slash > 0; slash = key.indexOf('/', slash + 1)) {
            folders.add(key.substring(0, slash));
        }
        return folders;
    }

    /** Returns how many {@code /}-separated segments {@code key} has. */
    static int segments(String key) {
        return (int) key.chars().filter(c -> c == '/').count() + 1;
    }
}
