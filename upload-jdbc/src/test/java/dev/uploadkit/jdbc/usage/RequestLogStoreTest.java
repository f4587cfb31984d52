package dev.uploadkit.jdbc.usage;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Page;
import dev.uploadkit.core.PageRequest;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.usage.LogQuery;
import dev.uploadkit.core.usage.RequestLogEntry;
import dev.uploadkit.core.usage.RequestLogStore;
import dev.uploadkit.core.usage.UsageDay;
import dev.uploadkit.core.usage.UsageDelta;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The request log and usage roll-ups on each database: batches, filters, cursor order, pages and their totals,
 * roll-ups, purge.
 */
class RequestLogStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

    private static RequestLogEntry entry(UUID project, Instant at, String method, String path, int status, UUID key) {
        return new RequestLogEntry(0, project, at, method, path, status, status >= 400 ? "NOT_FOUND" : null, 12, key,
                key == null ? null : "uk_abcdefghijkl", "203.0.113.9", -1, -1);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void appendsInBatchesAndFindsNewestFirstWithFilters(TestDatabases.Kind kind) {
        try (TestDatabase db = kind.open()) {
            RequestLogStore store = db.database().requestLog();
            UUID project = UUID.randomUUID();
            UUID other = UUID.randomUUID();
            UUID key = UUID.randomUUID();
            List<RequestLogEntry> batch = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                batch.add(entry(project, T0.plusSeconds(i), i % 3 == 0 ? "POST" : "GET",
                        i % 2 == 0 ? "/files/upload" : "/files_x/" + i, i % 5 == 0 ? 404 : 200, i < 10 ? key : null));
            }
            batch.add(entry(other, T0, "GET", "/files", 200, null));
            store.append(batch, List.of());

            List<RequestLogEntry> newest = store.find(query(project, null, null, null, null, null, null, null, 100));
            assertEquals(30, newest.size());
            assertEquals("/files_x/29", newest.get(0).path());
            assertEquals(T0.plusSeconds(29), newest.get(0).time());
            assertEquals("203.0.113.9", newest.get(0).clientIp());
            assertTrue(newest.get(0).id() > newest.get(1).id());

            assertEquals(6, store.find(query(project, 404, null, null, null, null, null, null, 100)).size());
            assertEquals(10, store.find(query(project, null, "POST", null, null, null, null, null, 100)).size());
            assertEquals(15, store.find(query(project, null, null, "/files/", null, null, null, null, 100)).size());
            assertEquals(0, store.find(query(project, null, null, "/files_%", null, null, null, null, 100)).size(),
                    "LIKE wildcards in the prefix are literal");
            assertEquals(10, store.find(query(project, null, null, null, key, null, null, null, 100)).size());
            assertEquals(5, store.find(query(project, null, null, null, null, T0.plusSeconds(10), T0.plusSeconds(15),
                    null, 100)).size());

            List<RequestLogEntry> page1 = store.find(query(project, null, null, null, null, null, null, null, 7));
            List<RequestLogEntry> page2 = store.find(query(project, null, null, null, null, null, null,
                    page1.get(6).id(), 7));
            assertEquals(7, page2.size());
            assertEquals("/files/upload", page2.get(0).path());
            assertEquals(T0.plusSeconds(22), page2.get(0).time());
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void listsPagesByNumberAndByCursorWithTotalsCountedUpToTheLimit(TestDatabases.Kind kind) {
        try (TestDatabase db = kind.open()) {
            RequestLogStore store = db.database().requestLog();
            UUID project = UUID.randomUUID();
            List<RequestLogEntry> batch = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                batch.add(entry(project, T0.plusSeconds(i), "GET", "/files/" + i, i % 5 == 0 ? 404 : 200, null));
            }
            batch.add(entry(UUID.randomUUID(), T0, "GET", "/files", 404, null));
            store.append(batch, List.of());
            LogQuery all = query(project, null, null, null, null, null, null, null, 100);

            Page<RequestLogEntry> first = store.list(all, new PageRequest(1, 7, null), 10);
            assertEquals(paths(29, 23), paths(first));
            assertEquals(1, first.currentPage());
            assertEquals(7, first.perPage());
            assertEquals(10, first.total(), "counting stopped at the limit");
            assertFalse(first.totalExact());
            assertEquals(Long.toString(first.items().get(6).id()), first.nextCursor());

            Page<RequestLogEntry> second = store.list(all, new PageRequest(2, 7, null), 10);
            assertEquals(paths(22, 16), paths(second), "page 2 is the next entries, not page 1 again");
            assertEquals(2, second.currentPage());
            assertEquals(15, second.total(), "at least what the pages so far have shown");
            assertFalse(second.totalExact());
            Page<RequestLogEntry> afterCursor = store.list(all, new PageRequest(1, 7, first.nextCursor()), 10);
            assertEquals(paths(second), paths(afterCursor));
            assertEquals(second.nextCursor(), afterCursor.nextCursor());

            Page<RequestLogEntry> exact = store.list(all, new PageRequest(2, 7, null), Long.MAX_VALUE);
            assertEquals(30, exact.total());
            assertTrue(exact.totalExact());
            assertEquals(5, exact.lastPage());
            assertEquals(30, store.list(all, new PageRequest(1, 7, null), 30).total());
            assertTrue(store.list(all, new PageRequest(1, 7, null), 30).totalExact());

            Page<RequestLogEntry> last = store.list(all, new PageRequest(5, 7, null), 10);
            assertEquals(paths(1, 0), paths(last));
            assertEquals(30, last.total(), "the last page knows the total");
            assertTrue(last.totalExact());
            assertNull(last.nextCursor());
            Page<RequestLogEntry> beyond = store.list(all, new PageRequest(9, 7, null), Long.MAX_VALUE);
            assertEquals(List.of(), beyond.items());
            assertEquals(30, beyond.total());

            LogQuery notFound = query(project, 404, null, null, null, null, null, null, 100);
            Page<RequestLogEntry> few = store.list(notFound, new PageRequest(1, 4, null), 10);
            assertEquals(List.of("/files/25", "/files/20", "/files/15", "/files/10"), paths(few));
            assertEquals(6, few.total(), "a filter matching fewer than the limit is counted exactly");
            assertTrue(few.totalExact());
            assertEquals(List.of("/files/5", "/files/0"), paths(store.list(notFound, new PageRequest(1, 4,
                    few.nextCursor()), 10)));

            Set<Long> seen = new HashSet<>();
            String cursor = null;
            do {
                Page<RequestLogEntry> page = store.list(all, new PageRequest(1, 8, cursor), 10);
                page.items().forEach(e -> assertTrue(seen.add(e.id()), "no entry twice"));
                cursor = page.nextCursor();
            } while (cursor != null);
            assertEquals(30, seen.size());

            UploadException bad = assertThrows(UploadException.class,
                    () -> store.list(all, new PageRequest(1, 7, "not-a-cursor"), 10));
            assertEquals(ErrorCode.VALIDATION_ERROR, bad.code());
        }
    }

    private static List<String> paths(int newest, int oldest) {
        List<String> paths = new ArrayList<>();
        for (int i = newest; i >= oldest; i--) {
            paths.add("/files/" + i);
        }
        return paths;
    }

    private static List<String> paths(Page<RequestLogEntry> page) {
        return page.items().stream().map(RequestLogEntry::path).toList();
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void purgesOldEntriesInChunks(TestDatabases.Kind kind) {
        try (TestDatabase db = kind.open()) {
            RequestLogStore store = db.database().requestLog();
            UUID project = UUID.randomUUID();
            List<RequestLogEntry> batch = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                batch.add(entry(project, T0.plusSeconds(i), "GET", "/files", 200, null));
            }
            store.append(batch, List.of());
            assertEquals(10, store.purge(T0.plusSeconds(20), 10));
            assertEquals(10, store.purge(T0.plusSeconds(20), 10));
            assertEquals(0, store.purge(T0.plusSeconds(20), 10));
            assertEquals(5, store.find(query(project, null, null, null, null, null, null, null, 100)).size());
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void rollUpsAddUpPerDayAndKeepTheLastStorageSnapshot(TestDatabases.Kind kind) {
        try (TestDatabase db = kind.open()) {
            RequestLogStore store = db.database().requestLog();
            UUID project = UUID.randomUUID();
            LocalDate d1 = LocalDate.parse("2026-11-01");
            LocalDate d2 = d1.plusDays(1);
            store.append(List.of(), List.of(new UsageDelta(project, d1, 3, 1, 100, 0, 0),
                    new UsageDelta(project, d2, 1, 0, 0, 1, 50)));
            store.append(List.of(), List.of(new UsageDelta(project, d1, 2, 1, 20, 2, 30),
                    new UsageDelta(UUID.randomUUID(), d1, 9, 9, 9, 9, 9)));
            store.recordStorage(project, d1, 2, 120);
            store.recordStorage(project, d1, 3, 150);
            store.recordStorage(project, d2.plusDays(1), 1, 10);

            List<UsageDay> days = store.usage(project, d1, d2.plusDays(5));
            assertEquals(List.of(new UsageDay(d1, 5, 2, 120, 2, 30, 3, 150),
                    new UsageDay(d2, 1, 0, 0, 1, 50, -1, -1),
                    new UsageDay(d2.plusDays(1), 0, 0, 0, 0, 0, 1, 10)), days);
            assertEquals(1, store.usage(project, d2, d2).size());
        }
    }

    private static LogQuery query(UUID project, Integer status, String method, String path, UUID key, Instant from,
                                  Instant to, Long before, int limit) {
        return new LogQuery(project, status, method, path, key, from, to, before, limit);
    }
}
