package dev.uploadkit.core;

/**
 * The rules for filenames and folders, applied wherever a client names one.
 *
 * <p>A filename is 1–255 characters, not {@code .} or {@code ..}, without {@code /}, {@code \} or control
 * characters; anything else, non-ASCII included, is kept exactly. A folder is a {@code /}-separated path of
 * such names, at most 255 characters, with no leading or trailing slash; the empty string is the root.
 */
public final class Names {
    public static final int MAX_LENGTH = 255;

    private Names() {
    }

    /** Throws {@code VALIDATION_ERROR} on {@code field} unless {@code name} is a valid filename. */
    public static void checkFilename(String field, String name) {
        if (name == null || name.isEmpty()) {
            throw UploadException.validation(field, "The " + field + " is required.");
        }
        if (name.length() > MAX_LENGTH) {
            throw UploadException.validation(field, "The " + field + " may be at most " + MAX_LENGTH + " characters.");
        }
        checkSegment(field, name);
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
            throw UploadException.validation(field, "The " + field + " may be at most " + MAX_LENGTH + " characters.");
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
