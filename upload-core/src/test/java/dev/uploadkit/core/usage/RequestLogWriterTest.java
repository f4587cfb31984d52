package dev.uploadkit.core.usage;

import dev.uploadkit.core.Page;
import dev.uploadkit.core.PageRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer never blocks a request: with the store stuck, entries beyond the queue are dropped and counted at once;
 * usage counts survive the overflow; everything queued is written in batches once the store moves again.
 */
class RequestLogWriterTest {
    private static final Instant T = Instant.parse("2026-11-30T10:00:00Z");

    /** A store that holds every append until released, recording what it was given. */
    private static final class GatedStore implements RequestLogStore {
        final CountDownLatch gate = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);
        final List<List<RequestLogEntry>> batches = Collections.synchronizedList(new ArrayList<>());
        final List<UsageDelta> deltas = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void append(List<RequestLogEntry> entries, List<UsageDelta> usage) {
            entered.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            batches.add(List.copyOf(entries));
            deltas.addAll(usage);
        }

        @Override
        public void recordStorage(UUID projectId, LocalDate day, long files, long bytes) {
        }

        @Override
        public List<RequestLogEntry> find(LogQuery query) {
            return List.of();
        }

        @Override
        public Page<RequestLogEntry> list(LogQuery query, PageRequest page, long countLimit) {
            return new Page<>(List.of(), page.page(), page.perPage(), 0, null);
        }

        @Override
        public List<UsageDay> usage(UUID projectId, LocalDate from, LocalDate to) {
            return List.of();
        }

        @Override
        public int purge(Instant cutoff, int max) {
            return 0;
        }
    }

    private static RequestLogEntry entry(UUID project, long uploaded) {
        return new RequestLogEntry(0, project, T, "POST", "/files/upload", 201, null, 1, null, null, "127.0.0.1",
                uploaded, -1);
    }

    @Test
    void aFullQueueDropsAndCountsWithoutBlockingAndKeepsUsage() throws Exception {
        GatedStore store = new GatedStore();
        UUID project = UUID.randomUUID();
        // A long flush interval: the loop wakes only for an entry, so the first one is taken off the queue before
        // the store blocks (a timed wake-up could block on the usage counts alone, leaving the entry queued).
        try (RequestLogWriter writer = RequestLogWriter.builder().store(store).capacity(5).batchSize(3)
                .flushInterval(Duration.ofSeconds(30)).build()) {
            writer.start();
            assertTrue(writer.record(entry(project, 10)));
            assertTrue(store.entered.await(10, TimeUnit.SECONDS), "the loop took the first entry and is stuck");
            long started = System.nanoTime();
            int accepted = 0;
            for (int i = 0; i < 20; i++) {
                accepted += writer.record(entry(project, 10)) ? 1 : 0;
            }
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "record never waits");
            assertEquals(5, accepted, "the queue holds 5");
            assertEquals(15, writer.dropped());

            store.gate.countDown();
            assertTrue(writer.awaitWritten(Duration.ofSeconds(10)));
            int written = store.batches.stream().mapToInt(List::size).sum();
            assertEquals(6, written);
            assertTrue(store.batches.stream().allMatch(b -> b.size() <= 3), "batches of at most batchSize");
            long requests = store.deltas.stream().mapToLong(UsageDelta::requests).sum();
            long bytes = store.deltas.stream().mapToLong(UsageDelta::uploadBytes).sum();
            assertEquals(21, requests, "usage counts every request, dropped log lines included");
            assertEquals(210, bytes);
        }
    }

    @Test
    void closeWritesWhatIsQueued() throws Exception {
        GatedStore store = new GatedStore();
        store.gate.countDown();
        RequestLogWriter writer = RequestLogWriter.builder().store(store).flushInterval(Duration.ofSeconds(30)).build();
        writer.start();
        for (int i = 0; i < 7; i++) {
            writer.record(entry(UUID.randomUUID(), -1));
        }
        writer.close();
        assertEquals(7, store.batches.stream().mapToInt(List::size).sum());
        assertFalse(writer.record(entry(UUID.randomUUID(), -1)), "a closed writer drops");
    }
}
