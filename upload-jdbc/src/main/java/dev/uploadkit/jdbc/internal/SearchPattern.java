package dev.uploadkit.jdbc.internal;

import org.jdbi.v3.core.Handle;

import java.sql.Array;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The filename-search condition (a case-insensitive substring of the filename, on the lower-cased
 * {@code search_name}). On PostgreSQL the trigram index reads the posting list of every trigram in the pattern, and
 * a word most filenames share ({@code file} in {@code file-4242}, {@code img}, {@code jpg}) has a list as long as
 * the table: one such word made a search at a million rows read ~860 index pages instead of ~45. So on PostgreSQL
 * the index is asked only for the words that are rare in the planner's sample of {@code search_name} (its
 * histogram and most common values, kept by ANALYZE), in their order ({@code %4242%}): a superset of the matches,
 * which an exact substring test then narrows. The words dropped change the cost only, never the result. One per
 * catalog: it keeps the sample for {@link #SAMPLE_REFRESH} (reading it through {@code pg_stats} takes milliseconds
 * of planning).
 */
final class SearchPattern {
    /** How long a sample is used before it is read again. */
    static final long SAMPLE_REFRESH = TimeUnit.MINUTES.toNanos(10);
    /** A word in more than this share of the sampled names is not looked up in the index. */
    private static final double COMMON = 0.5;
    private static final String SAMPLE = "SELECT s.histogram_bounds::text::text[], s.most_common_vals::text::text[]"
            + " FROM pg_stats s WHERE s.schemaname = current_schema() AND s.tablename = 'uploads'"
            + " AND s.attname = 'search_name'";

    /** A project with at least a 1/SCAN_SHARE of the table's rows is searched by a scan of the table. */
    private static final long SCAN_SHARE = 10;
    private static final String TABLE_ROWS = "SELECT table_rows FROM information_schema.tables"
            + " WHERE table_schema = DATABASE() AND table_name = 'uploads'";
    private static final String TABLE_ROWS_H2 = "SELECT ROW_COUNT_ESTIMATE FROM INFORMATION_SCHEMA.TABLES"
            + " WHERE TABLE_SCHEMA = CURRENT_SCHEMA AND TABLE_NAME = 'UPLOADS'";

    private volatile Sample sample;
    private volatile TableSize tableSize;

    /** Adds the search for {@code search} (not empty) to {@code where}. */
    void addTo(Where where, Handle h, Vendor vendor, String search) {
        String needle = search.toLowerCase(Locale.ROOT);
        if (vendor == Vendor.POSTGRESQL) {
            List<String> words = words(needle);
            if (words.size() > 1) {
                List<String> common = commonWords(words, sample(h));
                if (!common.isEmpty()) {
                    // The LIKE without the common words is what the index answers; strpos, which no index serves,
                    // keeps the result exact.
                    String like = likeWithout(needle, common);
                    where.and("u.search_name LIKE :search ESCAPE '!'", "search", Where.text(like))
                            .and("strpos(u.search_name, :search_exact) > 0", "search_exact", Where.text(needle));
                    return;
                }
            }
        }
        where.and("u.search_name LIKE :search ESCAPE '!'", "search", Where.text("%" + Where.escapeLike(needle) + "%"));
    }

    /** The runs of letters and digits, which pg_trgm makes its trigrams of; other characters separate them. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= text.length(); i++) {
            boolean inWord = i < text.length() && Character.isLetterOrDigit(text.charAt(i));
            if (inWord && start < 0) {
                start = i;
            } else if (!inWord && start >= 0) {
                words.add(text.substring(start, i));
                start = -1;
            }
        }
        return words;
    }

    /**
     * The words found in more than half of the sampled names; none when there is no sample, or when every word of
     * three or more characters (shorter ones give the index nothing) is one of them.
     */
    static List<String> commonWords(List<String> words, List<String> sample) {
        List<String> common = new ArrayList<>();
        boolean rareLeft = false;
        for (String word : words) {
            long containing = sample.stream().filter(name -> name.contains(word)).count();
            if (containing > sample.size() * COMMON) {
                common.add(word);
            } else if (word.length() >= 3) {
                rareLeft = true;
            }
        }
        return sample.isEmpty() || !rareLeft ? List.of() : common;
    }

    /**
     * {@code %needle%} with each common word a wildcard ({@code file-4242} → {@code %-4242%}): it matches whatever
     * contains the needle; the separators kept next to a word let pg_trgm use that word's start and end.
     */
    static String likeWithout(String needle, List<String> common) {
        StringBuilder like = new StringBuilder("%");
        boolean wildcardLast = true;
        int i = 0;
        while (i < needle.length()) {
            int end = i;
            while (end < needle.length() && Character.isLetterOrDigit(needle.charAt(end))) {
                end++;
            }
            String piece = needle.substring(i, Math.max(end, i + 1));
            if (end > i && common.contains(piece)) {
                if (!wildcardLast) {
                    like.append('%');
                    wildcardLast = true;
                }
            } else {
                like.append(Where.escapeLike(piece));
                wildcardLast = false;
            }
            i += piece.length();
        }
        return wildcardLast ? like.toString() : like.append('%').toString();
    }

    /**
     * On MariaDB, MySQL and H2, whether a search in a project of {@code projectRows} uploads (live and trash) should
     * read the table from end to end instead of walking one of its indexes. Without a substring index the optimizer
     * walks the creation-time index and fetches every row of the project by its key, at random: on MariaDB at a
     * million uploads in a buffer pool smaller than the table that took 44 s for one page (and as long again for
     * its count), a scan of the whole table 1.7 s; on H2 at 200,000 the scan took half the walk's time. The walk
     * stays for a project that is a small part of the table.
     */
    boolean scansTable(Handle h, Vendor vendor, long projectRows) {
        TableSize current = tableSize;
        long now = System.nanoTime();
        if (current == null || now - current.readAt() > SAMPLE_REFRESH) {
            String sql = vendor == Vendor.H2 ? TABLE_ROWS_H2 : TABLE_ROWS;
            current = new TableSize(h.createQuery(sql).mapTo(Long.class).findOne().orElse(0L), now);
            tableSize = current;
        }
        return projectRows * SCAN_SHARE >= current.rows();
    }

    /** The planner's sample of search_name: empty before the first ANALYZE or without the right to read it. */
    private List<String> sample(Handle h) {
        Sample current = sample;
        long now = System.nanoTime();
        if (current == null || now - current.readAt() > SAMPLE_REFRESH) {
            current = new Sample(readSample(h), now);
            sample = current;
        }
        return current.names();
    }

    private static List<String> readSample(Handle h) {
        return h.createQuery(SAMPLE).map((rs, ctx) -> {
            List<String> names = new ArrayList<>();
            addAll(names, rs.getArray(1));
            addAll(names, rs.getArray(2));
            return names;
        }).findOne().orElse(List.of());
    }

    private record Sample(List<String> names, long readAt) {
    }

    private record TableSize(long rows, long readAt) {
    }

    private static void addAll(List<String> names, Array array) throws SQLException {
        if (array != null) {
            for (Object name : (Object[]) array.getArray()) {
                if (name != null) {
                    names.add((String) name);
                }
            }
        }
    }
}
