package dev.uploadkit.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a bulk operation did to each of the uploads it was given.
 *
 * @param done the uploads it changed, in the order given
 * @param problems why it left the others alone, by the uuid as given
 */
public record BulkResult(List<String> done, Map<String, String> problems) {
    /** The most uploads one bulk request may name. */
    public static final int MAX_ITEMS = 100;

    public BulkResult {
        done = List.copyOf(done);
        problems = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(problems));
    }
}
