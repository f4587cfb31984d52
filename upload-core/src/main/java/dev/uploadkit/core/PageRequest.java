package dev.uploadkit.core;

/**
 * Which page of a list to return: by page number, or after a cursor from a previous page.
 *
 * <p>When {@code cursor} is present the list continues right after the cursor's position (a keyset
 * scan) and {@code page} only labels the result.
 *
 * @param page 1-based page number
 * @param perPage 1–100 items
 * @param cursor an opaque cursor from {@link Page#nextCursor()}, or {@code null}
 */
public record PageRequest(int page, int perPage, String cursor) {
    public static final int MAX_PER_PAGE = 100;
    public static final int DEFAULT_PER_PAGE = 20;
    public static final int MAX_PAGE = 1_000_000;

    public PageRequest {
        if (page < 1 || page > MAX_PAGE) {
            throw UploadException.validation("page", "The page must be between 1 and " + MAX_PAGE + ".");
        }
        if (perPage < 1 || perPage > MAX_PER_PAGE) {
            throw UploadException.validation("per_page", "The per_page must be between 1 and " + MAX_PER_PAGE + ".");
        }
        if (cursor != null && cursor.isBlank()) {
            cursor = null;
        }
    }

    public static PageRequest first(int perPage) {
        return new PageRequest(1, perPage, null);
    }

    /** Returns the number of rows before this page when paging by number. */
    public long offset() {
        return (long) (page - 1) * perPage;
    }
}
