package dev.uploadkit.core;

/**
 * The rules for filenames and folders, applied wherever a client names one.
 *
 * <p>A filename is 1–255 characters (UTF-16 code units), not {@code .} or {@code ..}, without {@code /}, {@code \}
 * or control characters; anything else, non-ASCII included, is kept exactly. A folder is a {@code /}-separated path of
 * such names, at most 255 characters, with no leading or trailing slash; the empty string is the root.
 *
 * <p>Names that will become part of an object key (SPEC §3) may instead be <em>neutralised</em> rather than refused:
 * {@link #neutralFilename} keeps the last segment of a path-like name and {@link #neutralFolder} drops the empty,
 * {@code .} and {@code ..} segments of a folder, both treating {@code \} as {@code /} and replacing each control
 * character with {@code _}.
 */
public final class Names {
    public static final int MAX_LENGTH = 255;
    /** How the limit counts: as Java strings and H2's 255-character columns do. */
    private static final String TOO_LONG = " may be at most " + MAX_LENGTH
            + " characters (UTF-16 code units: a character outside the BMP, such as an emoji, counts two).";

    private Names() {
    }

    /** Throws {@code VALIDATION_ERROR} on {@code field} unless {@code name} is a valid filename. */
    public static void checkFilename(String field, String name) {
        if (name == null || name.isEmpty()) {
            throw UploadException.validation(field, "The " + field + " is required.");
        }
        if (name.length() > MAX_LENGTH) {
            throw UploadException.validation(field, "The " + field + TOO_LONG);
        }
        checkSegment(field, name);
    }

    /** Returns whether {@code name} is a valid filename ({@link #checkFilename} would accept it). */
    public static boolean isFilename(String name) {
        try {
            checkFilename("filename", name);
            return true;
        } catch (UploadException e) {
            return false;
        }
    }

    /** Throws {@code VALIDATION_ERROR} on {@code field} unless {@code folder} is a valid (normalised) folder. */
    public static void checkFolder(String field, String folder) {
        if (folder == null) {
            throw UploadException.validation(field, "The " + field + " must not be null.");
        }
        if (folder.isEmpty()) {
            return;
        }
        if (folder.length() > MAX_LENGTH) {
            throw UploadException.validation(field, "The " + field + TOO_LONG);
        }
        for (String segment : folder.split("/", -1)) {
            if (segment.isEmpty()) {
                throw UploadException.validation(field, "The " + field + " must not contain empty path segments.");
            }
            checkSegment(field, segment);
        }
    }

    /**
     * Returns {@code folder} with surrounding whitespace and slashes removed, then checks it.
     * {@code null} becomes the root folder.
     */
    public static String normalizeFolder(String field, String folder) {
        if (folder == null) {
            return "";
        }
        String f = folder.strip();
        int start = 0;
        int end = f.length();
        while (start < end && f.charAt(start) == '/') {
            start++;
        }
        while (end > start && f.charAt(end - 1) == '/') {
            end--;
        }
        String normalized = f.substring(start, end);
        checkFolder(field, normalized);
        return normalized;
    }

    /**
     * Returns {@code name} without any directory path before its last {@code /} or {@code \} (RFC 7578 §4.2), each
     * control character replaced by {@code _}; the result may be empty or {@code .}/{@code ..}, which
     * {@link #checkFilename} refuses.
     */
    public static String lastSegment(String name) {
        int pathEnd = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        return withoutControls(name.substring(pathEnd + 1));
    }

    /** Returns {@link #lastSegment} of {@code name}, checked as a filename ({@code VALIDATION_ERROR} on {@code field}).
     */
    public static String neutralFilename(String field, String name) {
        String neutral = name == null ? null : lastSegment(name);
        checkFilename(field, neutral);
        return neutral;
    }

    /**
     * Returns {@code folder} as a folder that stays inside its store: stripped, split at {@code /} and {@code \},
     * without empty, {@code .} and {@code ..} segments, each control character replaced by {@code _}; then checked
     * ({@code VALIDATION_ERROR} on {@code field} if it is longer than {@value #MAX_LENGTH} characters). {@code null}
     * becomes the root folder.
     */
    public static String neutralFolder(String field, String folder) {
        if (folder == null) {
            return "";
        }
        StringBuilder kept = new StringBuilder(folder.length());
        for (String segment : folder.strip().split("[/\\\\]")) {
            if (!segment.isEmpty() && !segment.equals(".") && !segment.equals("..")) {
                kept.append(kept.length() == 0 ? "" : "/").append(withoutControls(segment));
            }
        }
        String neutral = kept.toString();
        checkFolder(field, neutral);
        return neutral;
    }

    private static String withoutControls(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '_' : c));
        return out.toString();
    }

    private static void checkSegment(String field, String segment) {
        if (segment.equals(".") || segment.equals("..")) {
            throw UploadException.validation(field, "The " + field + " must not be . or ..");
        }
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '/' || c == '\\') {
                throw UploadException.validation(field, "The " + field + " must not contain slashes or backslashes.");
            }
            if (Character.isISOControl(c)) {
                throw UploadException.validation(field, "The " + field + " must not contain control characters.");
            }
        }
    }
}
