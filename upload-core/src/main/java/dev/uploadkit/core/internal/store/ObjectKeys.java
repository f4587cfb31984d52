package dev.uploadkit.core.internal.store;

import dev.uploadkit.core.UploadException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The keys every store accepts: 1–1024 UTF-8 bytes of {@code /}-separated non-empty segments, none {@code .} or
 * {@code ..}, without backslashes or control characters.
 *
 * <p>Callers sanitise keys already; checking again here keeps a bug upstream from writing outside a filesystem
 * store's folder, and keeps keys portable between filesystem and S3 stores.
 */
public final class ObjectKeys {
    /** S3's limit on a key's length, in UTF-8 bytes. */
    public static final int MAX_BYTES = 1024;

    // jclouds treats keys with these suffixes as directory markers, not objects.
    private static final String JCLOUDS_FOLDER_SUFFIX = "_$folder$";
    private static final String FIELD = "object_key";

    private ObjectKeys() {
    }

    /** Throws {@code VALIDATION_ERROR} on {@code object_key} unless {@code key} is a valid key. */
    public static void check(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw invalid("must be 1 to " + MAX_BYTES + " bytes long");
        }
        if (key.endsWith(JCLOUDS_FOLDER_SUFFIX)) {
            throw invalid("must not end with " + JCLOUDS_FOLDER_SUFFIX);
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty()) {
                throw invalid("must not start or end with '/' or contain '//'");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw invalid("must not contain '.' or '..' segments");
            }
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '\\') {
                throw invalid("must not contain backslashes");
            }
            if (Character.isISOControl(c)) {
                throw invalid("must not contain control characters");
            }
        }
    }

    /**
     * Returns the file {@code key} maps to under {@code folder}, after checking it stays inside.
     *
     * @throws UploadException {@code VALIDATION_ERROR} if the key is invalid or would leave {@code folder}
     */
    public static Path resolveInside(Path folder, String key) {
        check(key);
        Path target = folder.resolve(key).normalize();
        if (!target.startsWith(folder) || target.equals(folder)) {
            throw invalid("must stay inside the store's folder");
        }
        return target;
    }

    private static UploadException invalid(String rule) {
        return UploadException.validation(FIELD, "The object key " + rule + ".");
    }
}
