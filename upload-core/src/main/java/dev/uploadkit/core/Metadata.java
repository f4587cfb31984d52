package dev.uploadkit.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Arbitrary key/value strings attached to an upload.
 *
 * <p>Keys match {@code [A-Za-z0-9_.:-]{1,64}}, values are at most 512 characters, and there are at most
 * 50 keys. Entries are kept sorted by key.
 */
public record Metadata(Map<String, String> entries) {
    public static final int MAX_KEYS = 50;
    public static final int MAX_VALUE_LENGTH = 512;
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    public static final Metadata EMPTY = new Metadata(Map.of());

    public Metadata {
        if (entries.size() > MAX_KEYS) {
            throw UploadException.validation("metadata", "The metadata may hold at most " + MAX_KEYS + " keys.");
        }
        Map<String, String> sorted = new TreeMap<>();
        entries.forEach((key, value) -> {
            checkKey(key);
            checkValue(key, value);
            sorted.put(key, value);
        });
        entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sorted));
    }

    /** Throws {@code VALIDATION_ERROR} unless {@code key} is a valid metadata key. */
    public static void checkKey(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw UploadException.validation("metadata",
                    "Metadata keys must match [A-Za-z0-9_.:-]{1,64}.");
        }
    }

    private static void checkValue(String key, String value) {
        if (value == null) {
            throw UploadException.validation("metadata." + key, "Metadata values must be strings.");
        }
        if (value.length() > MAX_VALUE_LENGTH && value.codePointCount(0, value.length()) > MAX_VALUE_LENGTH) {
            throw UploadException.validation("metadata." + key,
                    "Metadata values may be at most " + MAX_VALUE_LENGTH + " characters.");
        }
    }
}
