package dev.uploadkit.jdbc.limits;

import dev.uploadkit.core.jobs.JobRunner;
import dev.uploadkit.core.limits.Plan;
import dev.uploadkit.core.limits.RateDecision;
import dev.uploadkit.core.limits.RateDecision.Outcome;
import dev.uploadkit.core.limits.RateLimiter;
import dev.uploadkit.core.testing.MutableClock;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Bucket4j limiter on each database: two limiters (as two instances would hold) on one database share a
 * project's burst and monthly quota; minutes and months roll over by an injected clock; a plan change keeps what the
 * month used; the buckets of past months are purged by the job runner.
 */
class RateLimiterTest {
    private static final Plan TINY = new Plan("tiny", 15, 10);
    private static final String BUCKET_IDS = "SELECT id FROM rate_limit_buckets";

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void twoInstancesShareTheBurstAndTheEleventhRequestIsRefused(TestDatabases.Kind kind) {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-31T23:58:10Z"));
        try (TestDatabase db = kind.open()) {
            RateLimiter a = db.database().rateLimiter(clock);
            RateLimiter b = db.database().rateLimiter(clock);
            UUID project = UUID.randomUUID();
            for (int i = 0; i < 10; i++) {
                RateDecision d = (i % 2 == 0 ? a : b).acquire(project, Plan.FREE);
                assertEquals(Outcome.ALLOWED, d.outcome(), "request " + (i + 1));
                assertEquals(10, d.limit());
                assertEquals(9 - i, d.remaining());
                assertEquals(Instant.parse("2026-01-31T23:59:00Z"), d.reset());
            }
            RateDecision refusedByB = b.acquire(project, Plan.FREE);
            assertEquals(Outcome.RATE_LIMITED, refusedByB.outcome());
            assertEquals(Duration.ofSeconds(50), refusedByB.retryAfter());
            assertEquals(Outcome.RATE_LIMITED, a.acquire(project, Plan.FREE).outcome());
            assertEquals(Outcome.ALLOWED, a.acquire(UUID.randomUUID(), Plan.FREE).outcome(), "other projects are apart");

            clock.advance(Duration.ofSeconds(50));
            assertEquals(Outcome.ALLOWED, b.acquire(project, Plan.FREE).outcome(), "a new minute refills the burst");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aUsedUpMonthIsQuotaExceededUntilTheFirstOfTheNext(TestDatabases.Kind kind) {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-31T23:50:00Z"));
        try (TestDatabase db = kind.open()) {
            RateLimiter a = db.database().rateLimiter(clock);
            RateLimiter b = db.database().rateLimiter(clock);
            UUID project = UUID.randomUUID();
            for (int i = 0; i < 15; i++) {
                if (i == 10) {
                    clock.advance(Duration.ofMinutes(1));
                }
                assertEquals(Outcome.ALLOWED, (i % 2 == 0 ? a : b).acquire(project, TINY).outcome(), "request " + i);
            }
            clock.advance(Duration.ofMinutes(1));
            RateDecision refused = a.acquire(project, TINY);
            assertEquals(Outcome.QUOTA_EXCEEDED, refused.outcome());
            assertEquals(Instant.parse("2026-02-01T00:00:00Z"), refused.reset());
            assertEquals(Outcome.QUOTA_EXCEEDED, b.acquire(project, TINY).outcome());

            clock.advance(Duration.ofMinutes(8));
            assertEquals(Outcome.ALLOWED, b.acquire(project, TINY).outcome(), "the month rolled over");
            assertEquals(Outcome.ALLOWED, a.acquire(project, TINY).outcome());
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aPlanChangeAppliesAtOnceAndKeepsWhatTheMonthUsed(TestDatabases.Kind kind) {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-10T12:00:00Z"));
        try (TestDatabase db = kind.open()) {
            RateLimiter a = db.database().rateLimiter(clock);
            RateLimiter b = db.database().rateLimiter(clock);
            UUID project = UUID.randomUUID();
            for (int i = 0; i < 10; i++) {
                a.acquire(project, TINY);
            }
            assertEquals(Outcome.RATE_LIMITED, b.acquire(project, TINY).outcome());
            Plan bigger = new Plan("tiny", 15, 100);
            RateDecision after = b.acquire(project, bigger);
            assertEquals(Outcome.ALLOWED, after.outcome(), "a higher burst applies at once, on another instance too");
            assertEquals(100, after.limit());
            assertEquals(4, after.remaining(), "15 a month, 11 used");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aSmallerPlanCountsWhatTheMinuteAndTheMonthUsedAndSoDoesTheWayBack(TestDatabases.Kind kind) {
        MutableClock clock = new MutableClock(Instant.parse("2026-03-10T12:00:10Z"));
        Plan big = new Plan("big", 1_000, 100);
        Plan small = new Plan("small", 30, 10);
        try (TestDatabase db = kind.open()) {
            RateLimiter a = db.database().rateLimiter(clock);
            RateLimiter b = db.database().rateLimiter(clock);
            UUID project = UUID.randomUUID();
            for (int i = 0; i < 21; i++) {
                assertEquals(Outcome.ALLOWED, a.acquire(project, big).outcome());
            }
            assertEquals(Outcome.RATE_LIMITED, b.acquire(project, small).outcome(), "21 this minute, 10 allowed");
            clock.advance(Duration.ofMinutes(1));
            RateDecision next = b.acquire(project, small);
            assertEquals(Outcome.ALLOWED, next.outcome());
            assertEquals(8, next.remaining(), "30 a month, 22 used");
            RateDecision back = b.acquire(project, big);
            assertEquals(Outcome.ALLOWED, back.outcome());
            assertEquals(98, back.remaining(), "100 a minute, 2 used: moving back refills nothing");
            RateDecision over = b.acquire(project, new Plan("smaller", 23, 10));
            assertEquals(Outcome.QUOTA_EXCEEDED, over.outcome(), "23 a month, 23 used");
            assertEquals(Outcome.QUOTA_EXCEEDED, a.acquire(project, new Plan("smaller", 23, 10)).outcome());
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void concurrentRequestsNeverExceedTheLimit(TestDatabases.Kind kind) throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-05-05T05:05:05Z"));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try (TestDatabase db = kind.open()) {
            RateLimiter a = db.database().rateLimiter(clock);
            RateLimiter b = db.database().rateLimiter(clock);
            UUID project = UUID.randomUUID();
            Plan plan = new Plan("p", 1_000, 50);
            List<Future<RateDecision>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                RateLimiter l = i % 2 == 0 ? a : b;
                results.add(pool.submit(() -> l.acquire(project, plan)));
            }
            int allowed = 0;
            for (Future<RateDecision> f : results) {
                allowed += f.get().allowed() ? 1 : 0;
            }
            assertEquals(50, allowed);
        } finally {
            pool.shutdownNow();
        }
        assertTrue(pool.isShutdown());
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void theJobRunnerPurgesTheBucketsOfPastMonthsOnly(TestDatabases.Kind kind) throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-20T10:00:00Z"));
        Plan monthly = new Plan("monthly", 15, 0);
        try (TestDatabase db = kind.open()) {
            RateLimiter limiter = db.database().rateLimiter(clock);
            UUID a = UUID.randomUUID();
            UUID b = UUID.randomUUID();
            limiter.acquire(a, monthly);
            limiter.acquire(b, monthly);
            clock.advance(Duration.ofDays(15));
            limiter.acquire(a, monthly);
            clock.advance(Duration.ofDays(30));
            limiter.acquire(b, monthly);
            assertEquals(Set.of("2026-01:" + a, "2026-01:" + b, "2026-02:" + a, "2026-03:" + b),
                    db.strings(BUCKET_IDS));

            try (JobRunner runner = db.database().jobRunner("purger", Duration.ofMillis(50))) {
                runner.start(List.of(limiter.purgeJob(Duration.ofMillis(50))));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (db.strings(BUCKET_IDS).size() > 1 && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
                }
            }
            assertEquals(Set.of("2026-03:" + b), db.strings(BUCKET_IDS), "only the current month's bucket is left");
            RateDecision next = limiter.acquire(b, monthly);
            assertEquals(Outcome.ALLOWED, next.outcome());
            assertEquals(13, next.remaining(), "the current month kept its count");
            assertEquals(0, limiter.purgePastMonths(), "nothing more to delete");
        }
    }

}
