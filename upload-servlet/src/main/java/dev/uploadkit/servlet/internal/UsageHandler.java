package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.Page;
import dev.uploadkit.core.PageRequest;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.catalog.DedupStats;
import dev.uploadkit.core.internal.Problems;
import dev.uploadkit.core.usage.LogQuery;
import dev.uploadkit.core.usage.RequestLogEntry;
import dev.uploadkit.core.usage.RequestLogStore;
import dev.uploadkit.core.usage.UsageDay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code usage} and {@code logs} ({@code stats:read}): a project's daily usage from the roll-ups (never a scan of the
 * log), and its request log, newest first, filtered and paged by number or cursor.
 */
final class UsageHandler {
    private static final int MAX_DAYS = 366;
    private static final int DEFAULT_PER_PAGE = 50;

    private final RequestLogStore store;
    private final UploadService uploads;
    private final Clock clock;

    UsageHandler(RequestLogStore store, UploadService uploads, Clock clock) {
        this.store = store;
        this.uploads = uploads;
        this.clock = clock;
    }

    void register(Router router) {
        router.add("GET", "usage", Access.permission(Permission.STATS_READ), this::usage);
        router.add("GET", "logs", Access.permission(Permission.STATS_READ), this::logs);
    }

    /**
     * {@code from}/{@code to} are days ({@code 2026-11-01}), both included, default the current month up to today;
     * {@code granularity} may only be {@code day}. Storage is the last snapshot of each day (carried forward over days
     * without one), today's measured now.
     */
    private void usage(Exchange ex) throws IOException {
        UUID project = ex.principal().projectId();
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate from = day(ex, "from").orElse(today.withDayOfMonth(1));
        LocalDate to = day(ex, "to").orElse(today);
        String granularity = ex.query("granularity").orElse("day");
        if (!granularity.equals("day")) {
            throw UploadException.validation("granularity", "The granularity must be 'day'.");
        }
        if (to.isBefore(from) || ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            throw UploadException.validation("to", "The range must run forward and span at most " + MAX_DAYS + " days.");
        }
        Map<LocalDate, UsageDay> stored = new LinkedHashMap<>();
        store.usage(project, from, to).forEach(d -> stored.put(d.day(), d));
        List<Views.UsageDayView> days = new ArrayList<>();
        long[] totals = new long[5];
        long files = -1;
        long bytes = -1;
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            UsageDay u = stored.getOrDefault(d, new UsageDay(d, 0, 0, 0, 0, 0, -1, -1));
            if (d.equals(today)) {
                DedupStats now = uploads.dedupStats(project);
                files = now.totalFiles();
                bytes = now.storedBytes();
            } else if (u.storageFiles() >= 0) {
                files = u.storageFiles();
                bytes = u.storageBytes();
            }
            boolean future = d.isAfter(today);
            Views.UsageCountsView day = counts(u.requests(), u.uploads(), u.uploadBytes(), u.downloads(),
                    u.downloadBytes(), future ? -1 : files, future ? -1 : bytes);
            days.add(new Views.UsageDayView(d.toString(), day.requests(), day.uploads(), day.downloads(), day.storage()));
            totals[0] += u.requests();
            totals[1] += u.uploads();
            totals[2] += u.uploadBytes();
            totals[3] += u.downloads();
            totals[4] += u.downloadBytes();
        }
        Json.success(ex, 200, new Views.UsageView(from.toString(), to.toString(), "day",
                counts(totals[0], totals[1], totals[2], totals[3], totals[4], files, bytes), days));
    }

    private static Views.UsageCountsView counts(long requests, long uploads, long uploadBytes, long downloads,
                                                long downloadBytes, long files, long bytes) {
        return new Views.UsageCountsView(requests, new Views.CountBytesView(uploads, uploadBytes),
                new Views.CountBytesView(downloads, downloadBytes),
                new Views.StorageView(files < 0 ? null : files, bytes < 0 ? null : bytes));
    }

    /**
     * Filters {@code status}, {@code method}, {@code path} (a prefix), {@code key} (a key id), {@code from} and
     * {@code to} (ISO-8601 instants or days); {@code page}, {@code per_page} up to 100 (default 50) and {@code cursor}
     * from the previous page's {@code meta.next_cursor}, as {@code files} has them. The total is counted up to the
     * service's list count limit, filtered or not (no counter holds a log's size), unless {@code exact_total=true}.
     */
    private void logs(Exchange ex) throws IOException {
        Problems problems = new Problems();
        Integer status = ex.query("status").map(v -> problems.attempt(() -> parseStatus(v))).orElse(null);
        String method = ex.query("method").map(v -> v.toUpperCase(Locale.ROOT)).orElse(null);
        String path = ex.query("path").orElse(null);
        UUID key = ex.query("key").map(v -> Exchange.parseUuid(v).orElseGet(() -> {
            problems.add("key", "The key must be an API key id (a UUID).");
            return null;
        })).orElse(null);
        // As on files: a day or time in "to" takes in all of it, at the precision given.
        Instant from = problems.attempt(() -> ListParams.instant(ex, "from", false).orElse(null));
        Instant to = problems.attempt(() -> ListParams.instant(ex, "to", true).orElse(null));
        if (from != null && to != null && !from.isBefore(to)) {
            problems.add("from", "The from must be before to.");
        }
        PageRequest page = ListParams.page(ex, problems, DEFAULT_PER_PAGE);
        if (page != null && page.cursor() != null) {
            problems.attempt(() -> cursor(page.cursor()));
        }
        boolean exactTotal = ListParams.exactTotal(ex, problems);
        problems.throwIfAny();
        LogQuery query = new LogQuery(ex.principal().projectId(), status, method, path, key, from, to, null,
                page.perPage());
        Page<RequestLogEntry> entries = store.list(query, page, exactTotal ? Long.MAX_VALUE : uploads.listCountLimit());
        Json.page(ex, entries.map(UsageHandler::view));
    }

    private static Views.LogEntryView view(RequestLogEntry e) {
        return new Views.LogEntryView(entryId(e.id()), UploadViews.timestamp(e.time()), e.method(), e.path(),
                e.status(), e.errorCode(), e.durationMillis(), e.keyId() == null ? null : e.keyId().toString(),
                e.keyPrefix(), e.clientIp());
    }

    /**
     * Returns a log entry's id as clients see it (SPEC §2: IDs are UUIDs): a name-based UUID of the log's row number,
     * the same on every instance.
     */
    static String entryId(long rowId) {
        return UUID.nameUUIDFromBytes(("uploadkit-log:" + rowId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static Optional<LocalDate> day(Exchange ex, String name) {
        return ex.query(name).map(v -> {
            try {
                return LocalDate.parse(v.length() > 10 ? v.substring(0, 10) : v);
            } catch (DateTimeParseException e) {
                throw UploadException.validation(name, "The " + name + " must be a day such as 2026-11-01.");
            }
        });
    }

    private static int parseStatus(String v) {
        int s = parseInt("status", v);
        if (s < 100 || s > 599) {
            throw UploadException.validation("status", "The status must be an HTTP status code.");
        }
        return s;
    }

    private static long cursor(String v) {
        try {
            long id = Long.parseLong(v);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw UploadException.validation("cursor", "The cursor must be a next_cursor this route returned.");
    }

    private static int parseInt(String name, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw UploadException.validation(name, "The " + name + " must be a whole number.");
        }
    }
}
