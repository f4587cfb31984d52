package dev.uploadkit.core;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list, with the paging facts the REST {@code meta} block reports.
 *
 * @param total the number of items matching the filters, over all pages
 * @param nextCursor the cursor for the page after this one, or {@code null} on the last page
 * @param totalExact whether {@code total} is the exact count; if false, at least {@code total} items match
 *     (counting stopped at a limit)
 */
public record Page<T>(List<T> items, int currentPage, int perPage, long total, String nextCursor,
                      boolean totalExact) {
    public Page {
        items = List.copyOf(items);
    }

    /** A page whose {@code total} is exact. */
    public Page(List<T> items, int currentPage, int perPage, long total, String nextCursor) {
        this(items, currentPage, perPage, total, nextCursor, true);
    }

    /** Returns the number of the last page, at least 1. */
    public long lastPage() {
        return Math.max(1, (total + perPage - 1) / perPage);
    }

    /** Returns the same page with each item mapped. */
    public <R> Page<R> map(Function<? super T, ? extends R> mapper) {
        return new Page<>(items.stream().<R>map(mapper).toList(), currentPage, perPage, total, nextCursor, totalExact);
    }
}
