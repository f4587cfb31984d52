package dev.uploadkit.jdbc.jobs;

import dev.uploadkit.core.jobs.JobRunner;
import dev.uploadkit.core.jobs.RecurringJob;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** db-scheduler on each database with the shipped migrations, and two runners sharing one schema. */
class DbSchedulerJobRunnerTest {
    private static final Duration POLL = Duration.ofMillis(50);

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void runsARecurringJobAgainAndAgain(TestDatabases.Kind kind) throws InterruptedException {
        try (TestDatabase db = kind.open(); JobRunner runner = db.database().jobRunner("test-a", POLL)) {
            CountDownLatch runs = new CountDownLatch(3);
            runner.start(List.of(RecurringJob.of("count", Duration.ofMillis(20), runs::countDown)));
            assertTrue(runs.await(30, TimeUnit.SECONDS), "the job ran three times");
        }
    }

    @Test
    void aFailingRunDoesNotStopTheJob() throws InterruptedException {
        try (TestDatabase db = TestDatabases.h2(); JobRunner runner = db.database().jobRunner("test-a", POLL)) {
            CountDownLatch runs = new CountDownLatch(2);
            runner.start(List.of(RecurringJob.of("fails", Duration.ofMillis(20), () -> {
                runs.countDown();
                throw new IllegalStateException("expected by the test");
            })));
            assertTrue(runs.await(30, TimeUnit.SECONDS), "the job ran again after failing");
        }
    }

    @Test
    void twoRunnersOnOneDatabaseNeverRunAJobAtOnce() throws InterruptedException {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        AtomicInteger slowRuns = new AtomicInteger();
        AtomicIntegerArray ticks = new AtomicIntegerArray(2);
        CountDownLatch enoughRuns = new CountDownLatch(6);
        try (TestDatabase db = TestDatabases.postgres()) {
            List<JobRunner> runners = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    int me = i;
                    int other = 1 - i;
                    RecurringJob tick = RecurringJob.of("tick", Duration.ofMillis(10), () -> ticks.incrementAndGet(me));
                    RecurringJob slow = RecurringJob.of("slow", Duration.ofMillis(10), () -> {
                        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        try {
                            // Hold the run until the other runner has been polling (and running ticks) meanwhile,
                            // so it had every chance to start this job too.
                            int seen = ticks.get(other);
                            awaitCondition(() -> ticks.get(other) >= seen + 3, Duration.ofSeconds(5));
                        } finally {
                            inFlight.decrementAndGet();
                            slowRuns.incrementAndGet();
                            enoughRuns.countDown();
                        }
                    });
                    JobRunner runner = db.database().jobRunner("runner-" + i, POLL);
                    runners.add(runner);
                    runner.start(List.of(slow, tick));
                }
                assertTrue(enoughRuns.await(60, TimeUnit.SECONDS), "the slow job ran six times");
            } finally {
                runners.forEach(JobRunner::close);
            }
        }
        assertEquals(1, maxInFlight.get(), "runs of one job overlapped");
        assertTrue(ticks.get(0) > 0 && ticks.get(1) > 0, "both runners were running jobs: " + ticks);
    }

    @Test
    void refusesDuplicateJobNamesAndBadSettings() {
        try (TestDatabase db = TestDatabases.h2(); JobRunner runner = db.database().jobRunner("test-a", POLL)) {
            RecurringJob job = RecurringJob.of("same", Duration.ofSeconds(1), () -> { });
            assertThrows(IllegalStateException.class, () -> runner.start(List.of(job, job)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> db.database().jobRunner("x".repeat(51)));
            assertTrue(e.getMessage().startsWith("instanceName:"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> RecurringJob.of("j", Duration.ZERO, () -> { }));
        }
    }

    /** Waits, without sleeping a fixed time, until {@code condition} holds or {@code timeout} passes. */
    private static void awaitCondition(java.util.function.BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }
}
