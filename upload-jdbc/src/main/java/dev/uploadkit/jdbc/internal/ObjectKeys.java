package dev.uploadkit.jdbc.internal;

import java.util.HexFormat;
import java.util.random.RandomGenerator;

/** Unique variants of object keys. */
final class ObjectKeys {
    /** The longest key the blobs table holds. */
    static final int MAX_LENGTH = 1024;
    /** The length of the suffix a variant adds: a dash and eight hex digits. */
    static final int SUFFIX_LENGTH = 9;

    private ObjectKeys() {
    }

    /**
     * Returns {@code key} with {@code -} and eight random hex digits inserted before the extension of its last
     * path segment ({@code uploads/photo.jpg} becomes {@code uploads/photo-1a2b3c4d.jpg}), or appended when the
     * segment has no extension. A leading dot starts a name, not an extension ({@code .env-1a2b3c4d}).
     */
    static String variant(String key, RandomGenerator random) {
        String suffix = "-" + HexFormat.of().toHexDigits(random.nextInt());
        int segmentStart = key.lastIndexOf('/') + 1;
        int dot = key.lastIndexOf('.');
        if (dot > segmentStart) {
            return key.substring(0, dot) + suffix + key.substring(dot);
        }
        return key + suffix;
    }

    /**
     * Returns {@code key} with its path segment {@code segment} (0 is the first) replaced by the {@link #variant}
     * of that segment of {@code preferredKey}, which has as many segments: varying a key again varies that segment
     * of the preferred key anew instead of adding a second suffix.
     */
    static String variant(String preferredKey, String key, int segment, RandomGenerator random) {
        String[] preferred = preferredKey.split("/", -1);
        String[] segments = key.split("/", -1);
        segments[segment] = variant(preferred[segment], random);
        return String.join("/", segments);
    }
}
