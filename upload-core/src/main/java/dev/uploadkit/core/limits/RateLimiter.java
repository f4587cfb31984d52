package dev.uploadkit.core.limits;

import dev.uploadkit.core.jobs.RecurringJob;

import java.time.Duration;
import java.util.UUID;

/**
 * Counts a project's requests against its plan: a burst limit per minute and a quota per calendar month (UTC),
 * shared by every instance that uses the same backing store (upload-jdbc's runs Bucket4j on the database).
 *
 * <p>Implementations are thread-safe. {@link #acquire} blocks for a round trip to the shared store. This interface
 * does not look up plans, set headers or refuse requests: it only counts and reports.
 */
public interface RateLimiter {
    /** The name of the job that deletes the counts of past months ({@link #purgeJob}). */
    String PURGE_JOB = "uploadkit-rate-limit-purge";

    /**
     * Takes one request from the project's allowance under {@code plan}, or reports why it cannot. A refused
     * request is not counted. A changed plan applies from the next call, keeping what the month used so far.
     *
     * @param plan a plan that is not {@link Plan#isUnlimited() unlimited}
     * @throws dev.uploadkit.core.UploadException {@code SERVICE_UNAVAILABLE} if the shared store cannot be reached
     */
    RateDecision acquire(UUID projectId, Plan plan);

    /**
     * Deletes what the limiter keeps of months before the current one (UTC, by its clock), which no request reads
     * again; returns how many projects' months it deleted. Safe to repeat and to run on several instances at once.
     * The default keeps nothing and deletes nothing.
     *
     * @throws dev.uploadkit.core.UploadException {@code SERVICE_UNAVAILABLE} if the shared store cannot be reached
     */
    default long purgePastMonths() {
        return 0;
    }

    /** Returns a job running {@link #purgePastMonths()} every {@code interval}, for a job runner. */
    default RecurringJob purgeJob(Duration interval) {
        return RecurringJob.of(PURGE_JOB, interval, this::purgePastMonths);
    }
}
