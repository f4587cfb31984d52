package dev.uploadkit.jdbc.usage;

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
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request log and usage roll-ups on each database: batches, filters, cursor order, roll-ups, purge. */
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
