package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.PageRequest;
import org.jdbi.v3.core.statement.Query;

import java.util.function.Function;

/**
 * The {@code meta.total} of a list page that no counter holds (SPEC §2): read off the page itself on the last page
 * reached by number, else counted up to a limit, so that a page never costs a count of every match.
 *
 * @param value the number of matches, or, when not {@code exact}, at least that many
 * @param exact whether {@code value} is the exact count
 */
record ListTotal(long value, boolean exact) {

    /**
     * Returns the total of the matches of {@code where} in {@code from} (a table and its alias, with any index hint),
     * given the page just read: {@code rows} items, {@code more} if another followed. With {@code countLimit}
     * {@link Long#MAX_VALUE} every match is counted.
     *
     * @param statement makes the count's statement from its SQL (a vendor may want the statement customised)
     */
    static ListTotal of(PageRequest page, int rows, boolean more, long countLimit, Function<String, Query> statement,
                        String from, Where where) {
        boolean keyset = page.cursor() != null;
        if (!keyset && !more && (page.offset() == 0 || rows > 0)) {
            // The last page, reached by number: the matches are those before it and on it, no count needed.
            return new ListTotal(page.offset() + rows, true);
        }
        if (countLimit == Long.MAX_VALUE) {
            return new ListTotal(where.bindTo(statement.apply("SELECT COUNT(*) FROM " + from + where.sql()))
                    .mapTo(Long.class).one(), true);
        }
        // Counting stops one past the limit: enough to tell "more than the limit" without a full count.
        long counted = where.copy().bind("count_limit", Where.number(countLimit + 1))
                .bindTo(statement.apply("SELECT COUNT(*) FROM (SELECT 1 AS one FROM " + from + where.sql()
                        + " LIMIT :count_limit) c"))
                .mapTo(Long.class).one();
        if (counted <= countLimit) {
            return new ListTotal(counted, true);
        }
        long seen = (keyset ? 0 : page.offset()) + rows + (more ? 1 : 0);
        return new ListTotal(Math.max(countLimit, seen), false);
    }
}
