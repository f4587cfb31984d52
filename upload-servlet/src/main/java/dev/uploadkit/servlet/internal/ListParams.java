package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.PageRequest;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadQuery;
import dev.uploadkit.core.UploadStatus;

import dev.uploadkit.core.internal.Problems;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The query parameters of a file list: paging ({@code page}, {@code per_page}, {@code cursor}), filters and
 * sort; the paging and {@code exact_total} of other lists. Every invalid parameter is reported in one
 * {@code VALIDATION_ERROR}.
 */
final class ListParams {
    /** Ends in a zone: {@code Z} or an offset. */
    private static final Pattern ZONED = Pattern.compile("(?:[Zz]|[+-]\\d{2}(?::?\\d{2})?)$");
    /** A date-time whose offset's '+' came unencoded in the query string, and so arrived as a space. */
    private static final Pattern SPACED_OFFSET = Pattern.compile("^(.*T[0-9:.,]+) (\\d{2}(?::?\\d{2})?)$");

    private ListParams() {
    }

    /** @param exactTotal {@code exact_total=true}: count every match, past the list count limit too */
    record Parsed(UploadQuery query, PageRequest page, boolean exactTotal) {
    }

    static Parsed parse(Exchange ex, UploadQuery.View view) {
        Problems problems = new Problems();
        Integer page = problems.attempt(() -> positiveInt(ex, "page", 1));
        Integer perPage = problems.attempt(() -> positiveInt(ex, "per_page", PageRequest.DEFAULT_PER_PAGE));
        UploadQuery.Builder q = UploadQuery.builder().view(view);
        ex.query("folder").ifPresent(q::folder);
        ex.query("mime_type").map(m -> m.toLowerCase(java.util.Locale.ROOT)).ifPresent(q::mimeType);
        ex.query("search").ifPresent(q::search);
        problems.attempt(() -> q.isPublic(bool(ex, "is_public").orElse(null)));
        problems.attempt(() -> q.isStored(bool(ex, "is_stored").orElse(null)));
        problems.attempt(() -> q.status(ex.query("status").map(s -> UploadStatus.parse("status", s)).orElse(null)));
        problems.attempt(() -> q.createdFrom(instant(ex, "created_from", false).orElse(null)));
        problems.attempt(() -> q.createdTo(instant(ex, "created_to", true).orElse(null)));
        problems.attempt(() -> q.sort(ex.query("sort").map(UploadQuery.Sort::parse).orElse(null)));
        problems.attempt(() -> q.order(ex.query("order").map(UploadQuery.Order::parse).orElse(null)));
        boolean exactTotal = exactTotal(ex, problems);
        PageRequest request = page == null || perPage == null ? null
                : problems.attempt(() -> new PageRequest(page, perPage, ex.query("cursor").orElse(null)));
        UploadQuery query = problems.isEmpty() ? problems.attempt(q::build) : null;
        problems.throwIfAny();
        return new Parsed(query, request, exactTotal);
    }

    /** Parses only the paging parameters ({@code page}, {@code per_page}, {@code cursor}) of a list. */
    static PageRequest pageOnly(Exchange ex) {
        Problems problems = new Problems();
        PageRequest request = page(ex, problems, PageRequest.DEFAULT_PER_PAGE);
        problems.throwIfAny();
        return request;
    }

    /**
     * Parses the paging parameters ({@code page}, {@code per_page}, {@code cursor}) of a list whose {@code per_page}
     * defaults to {@code defaultPerPage}; returns {@code null} after recording the invalid ones in {@code problems}.
     */
    static PageRequest page(Exchange ex, Problems problems, int defaultPerPage) {
        Integer page = problems.attempt(() -> positiveInt(ex, "page", 1));
        Integer perPage = problems.attempt(() -> positiveInt(ex, "per_page", defaultPerPage));
        return page == null || perPage == null ? null
                : problems.attempt(() -> new PageRequest(page, perPage, ex.query("cursor").orElse(null)));
    }

    /** Parses {@code exact_total} (default false), recording an invalid value in {@code problems}. */
    static boolean exactTotal(Exchange ex, Problems problems) {
        return Boolean.TRUE.equals(problems.attempt(() -> bool(ex, "exact_total").orElse(false)));
    }

    private static int positiveInt(Exchange ex, String name, int fallback) {
        Optional<String> raw = ex.query(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        String v = raw.get();
        if (!v.matches("[0-9]+")) {
            throw UploadException.validation(name, "The " + name + " must be a whole number.");
        }
        // Past nine digits it is out of every range; the caller's range check names the range.
        int value = v.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(v);
        if (value < 1) {
            throw UploadException.validation(name, "The " + name + " must be at least 1.");
        }
        return value;
    }

    private static Optional<Boolean> bool(Exchange ex, String name) {
        return ex.query(name).map(v -> parseBoolean(name, v));
    }

    static boolean parseBoolean(String name, String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw UploadException.validation(name, "The " + name + " must be true or false.");
        };
    }

    /**
     * Parses an ISO-8601 instant, date-time with offset, or date. A date as an upper bound means the end of
     * that day, so {@code created_to=2025-01-15} includes the 15th.
     */
    /**
     * Reads what clients commonly send besides strict ISO-8601: a space for the {@code T}, an offset whose {@code +}
     * arrived as a space (unencoded in the query string); a date-time without a zone is taken as UTC (SPEC §2).
     */
    private static String lenient(String v) {
        String t = v.length() > 10 && v.charAt(10) == ' ' ? v.substring(0, 10) + "T" + v.substring(11) : v;
        return SPACED_OFFSET.matcher(t).replaceFirst("$1+$2");
    }

    static Optional<Instant> instant(Exchange ex, String name, boolean upperBound) {
        Optional<String> raw = ex.query(name);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        String v = lenient(raw.get().strip());
        try {
            if (v.length() == 10) {
                LocalDate day = LocalDate.parse(v);
                return Optional.of((upperBound ? day.plusDays(1) : day).atStartOfDay(ZoneOffset.UTC).toInstant());
            }
            Instant at = ZONED.matcher(v).find() ? OffsetDateTime.parse(v).toInstant()
                    : LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
            if (!upperBound) {
                return Optional.of(at);
            }
            // Inclusive at the precision given: times are shown to the second, so T takes in all of T's second.
            return Optional.of(at.getNano() == 0 ? at.plusSeconds(1) : at.plusNanos(1000));
        } catch (DateTimeParseException e) {
            throw UploadException.validation(name, "The " + name + " must be an ISO-8601 date or date-time, "
                    + "e.g. 2025-01-15T10:30:00Z.");
        }
    }
}
