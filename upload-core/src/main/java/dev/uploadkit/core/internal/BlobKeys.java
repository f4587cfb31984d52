package dev.uploadkit.core.internal;

import dev.uploadkit.core.store.FileStore;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an upload's folder and filename into the key its blob is first stored under: readable, but safe in
 * every store. Letters and digits of any script, spaces and {@code . _ - ( )} are kept; anything else
 * (including characters some S3 servers sign inconsistently, such as {@code ; = : ~}) becomes {@code _}. The
 * key stays well under S3's 1024-byte limit, and each of its segments within the 255 bytes a file name may have on
 * common filesystems (ext4, XFS, APFS), the file name leaving room for the uniqueness suffix the catalog may add
 * ({@code -} and eight hex digits). A file name never takes the form of a store's temporary files.
 */
public final class BlobKeys {
    static final int MAX_FOLDER_BYTES = 512;
    /** The longest path segment (a folder's or the file's name) local filesystems take, in UTF-8 bytes. */
    static final int MAX_SEGMENT_BYTES = 255;
    /** The longest file name, leaving room for a uniqueness suffix. */
    static final int MAX_NAME_BYTES = MAX_SEGMENT_BYTES - 9;

    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final Pattern STAGING = Pattern.compile(Pattern.quote(FileStore.TEMP_PREFIX) + "(" + UUID_PATTERN
            + ")_(" + UUID_PATTERN + ")\\.part");

    private BlobKeys() {
    }

    /**
     * Returns the key the bytes of upload {@code uuid} are written under until its record has committed: a temporary
     * file's name, named after the upload, in the folder of {@code key}; the crash sweep finishes or removes it.
     */
    public static String staging(String key, UUID projectId, UUID uuid) {
        return key.substring(0, key.lastIndexOf('/') + 1) + FileStore.TEMP_PREFIX + projectId + "_" + uuid + ".part";
    }

    /** Returns the project and upload a {@link #staging} key is named after, or empty for any other key. */
    public static Optional<Staging> staged(String key) {
        Matcher m = STAGING.matcher(key.substring(key.lastIndexOf('/') + 1));
        return m.matches() ? Optional.of(new Staging(UUID.fromString(m.group(1)), UUID.fromString(m.group(2))))
                : Optional.empty();
    }

    /** The upload a {@link #staging} key is named after. */
    public record Staging(UUID projectId, UUID uuid) {
    }

    /** Returns the preferred key for {@code filename} in {@code folder} ({@code ""} = root). */
    public static String preferred(String folder, String filename) {
        if (folder.isEmpty()) {
            return fitName(segment(filename));
        }
        StringBuilder dir = new StringBuilder();
        for (String segment : folder.split("/")) {
            dir.append(dir.length() == 0 ? "" : "/").append(fit(new StringBuilder(notTemporary(segment(segment))),
                    MAX_SEGMENT_BYTES));
        }
        while (utf8(dir) > MAX_FOLDER_BYTES) {
            dir.setLength(dir.offsetByCodePoints(dir.length(), -1));
        }
        String fitted = dir.toString().replaceAll("/+$", "");
        return (fitted.isEmpty() ? "" : fitted + "/") + fitName(segment(filename));
    }

    private static String segment(String raw) {
        StringBuilder sb = new StringBuilder(raw.length());
        raw.codePoints().forEach(cp -> {
            boolean keep = Character.isLetterOrDigit(cp) || cp == ' ' || cp == '.' || cp == '_' || cp == '-'
                    || cp == '(' || cp == ')';
            sb.appendCodePoint(keep ? cp : '_');
        });
        String s = sb.toString();
        if (s.chars().allMatch(c -> c == '.')) {
            return s.replace('.', '_');
        }
        return s;
    }

    /**
     * Fits a file name, and renames one that looks like a store's temporary file ({@code .uploadkit-*}): the crash
     * sweep removes those, so a user's file must never be stored under such a name.
     */
    private static String fitName(String raw) {
        String name = notTemporary(raw);
        int dot = name.lastIndexOf('.');
        String ext = dot > 0 && name.length() - dot <= 16 ? name.substring(dot) : "";
        return fit(new StringBuilder(name.substring(0, name.length() - ext.length())), MAX_NAME_BYTES - utf8(ext))
                + ext;
    }

    /**
     * Renames a segment that looks like a store's own ({@code .uploadkit-*}: its temporary files, its staging folder),
     * so that no user's file or folder is ever mistaken for the store's.
     */
    private static String notTemporary(String segment) {
        return segment.startsWith(FileStore.TEMP_PREFIX) ? "_" + segment.substring(1) : segment;
    }

    /** Shortens {@code base} by whole code points to at most {@code maxBytes} UTF-8 bytes (one code point at least). */
    private static StringBuilder fit(StringBuilder base, int maxBytes) {
        while (utf8(base) > maxBytes && base.length() > 1) {
            base.setLength(base.offsetByCodePoints(base.length(), -1));
        }
        return base;
    }

    private static int utf8(CharSequence s) {
        return s.toString().getBytes(StandardCharsets.UTF_8).length;
    }
}
