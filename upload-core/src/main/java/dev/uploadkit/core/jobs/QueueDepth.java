package dev.uploadkit.core.jobs;

import dev.uploadkit.core.Durations;
import dev.uploadkit.core.catalog.Catalog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How much background work waits, across every instance sharing the catalog, for metrics: outbox events the relay
 * has not handed on, webhook deliveries not yet sent (due or waiting for a retry) and URL imports not finished.
 * Read with one transaction of three {@code COUNT}s on indexed predicates, and kept for {@code maxAge}, so a
 * metrics scrape every few seconds costs one query at most per {@code maxAge}. Thread-safe.
 */
public final class QueueDepth {
    private final Catalog catalog;
    private final Duration maxAge;
    private final Clock clock;
    private volatile Counts last;

    private QueueDepth(Catalog catalog, Duration maxAge, Clock clock) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.maxAge = Durations.requirePositive("maxAge", maxAge, "Duration.ofSeconds(5)");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Returns depths read from {@code catalog} at most once per {@code maxAge}. */
    public static QueueDepth of(Catalog catalog, Duration maxAge) {
        return new QueueDepth(catalog, maxAge, Clock.systemUTC());
    }

    /**
     * The depths at {@code readAt}.
     *
     * @param pendingEvents outbox events not yet relayed
     * @param pendingDeliveries webhook deliveries pending (due now or waiting for a retry)
     * @param unfinishedImports URL imports waiting for an instance or running
     */
    public record Counts(long pendingEvents, long pendingDeliveries, long unfinishedImports, Instant readAt) {
    }

    /**
     * Returns the depths, read again if the last reading is older than {@code maxAge}.
     *
     * @throws dev.uploadkit.core.UploadException if they must be read and the catalog cannot be reached
     */
    public Counts current() {
        Counts seen = last;
        Instant now = clock.instant();
        if (seen != null && seen.readAt().plus(maxAge).isAfter(now)) {
            return seen;
        }
        synchronized (this) {
            seen = last;
            if (seen != null && seen.readAt().plus(maxAge).isAfter(now)) {
                return seen;
            }
            Counts read = catalog.inTransaction(tx -> new Counts(tx.events().countPending(),
                    tx.webhooks().countPending(), tx.imports().countUnfinished(), now));
            last = read;
            return read;
        }
    }
}
