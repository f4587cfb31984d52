package dev.uploadkit.core.store;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;

/**
 * How a store's id is shown to clients (SPEC §2: IDs are UUIDs). A storage connection is named by a UUID already; a
 * store the host configures keeps the id it was given ({@code local}, {@code s3}) inside the service and is shown as
 * a UUID derived from that id, the same on every instance and every start. Requests may name such a store either way.
 */
public final class StoreIds {
    private StoreIds() {
    }

    /** Returns {@code storageId} as clients see it: itself if it is a UUID, else the UUID derived from it. */
    public static String wire(String storageId) {
        if (storageId == null || isUuid(storageId)) {
            return storageId;
        }
        return UUID.nameUUIDFromBytes(("uploadkit-store:" + storageId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static boolean isUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        try {
            return UUID.fromString(s).toString().equals(s.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
