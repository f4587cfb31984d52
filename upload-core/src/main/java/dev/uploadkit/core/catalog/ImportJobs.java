package dev.uploadkit.core.catalog;

import dev.uploadkit.core.Upload;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The durable jobs of asynchronous URL imports. A job belongs to one {@code pending} upload from the request that
 * created both, in one transaction, until the import completes or fails; deleting the upload deletes its job.
 *
 * <p>Instances sharing the catalog claim jobs with {@link #claim}: a claimed upload is {@code processing} on the
 * claiming instance, so no other instance takes it, and a crash sweep can give it back ({@link #requeue}) or fail it.
 */
public interface ImportJobs {

    /**
     * An import to run.
     *
     * @param upload the upload, as claimed
     * @param filenameGiven whether the request named the file (else {@code Content-Disposition} may name it)
     * @param attempts how often a crash cut the import off before (0 on the first run)
     */
    record Job(Upload upload, String url, boolean filenameGiven, int attempts) {
    }

    /** Adds the job of {@code uuid}, a {@code pending} upload inserted in this transaction. */
    void add(UUID projectId, UUID uuid, String url, boolean filenameGiven, Instant now);

    /**
     * Claims up to {@code limit} {@code pending} uploads with a job, of any project, oldest first, skipping rows other
     * transactions hold: each becomes {@code processing} on {@code instanceId}, with {@code updatedAt = now}.
     */
    List<Job> claim(String instanceId, Instant now, int limit);

    /** Returns the job of an upload, if it still has one. */
    Optional<Job> find(UUID projectId, UUID uuid);

    /**
     * Gives an interrupted import another run: when its job has had fewer than {@code maxAttempts} attempts, counts
     * one more and makes the upload {@code pending} again, without instance or reservation; else changes nothing.
     *
     * @return true if the upload is pending again
     */
    boolean requeue(UUID projectId, UUID uuid, int maxAttempts, Instant now);

    /**
     * Gives back an import its instance stopped before the end (a graceful stop), without counting an attempt: a
     * {@code processing} upload with a job becomes {@code pending} again, without instance or reservation; anything
     * else is left as it is.
     *
     * @return true if the upload is pending again
     */
    boolean release(UUID projectId, UUID uuid, Instant now);

    /** Removes the job of an upload that completed, failed or was cancelled. */
    void remove(UUID projectId, UUID uuid);

    /** Returns how many imports are not finished (waiting for an instance, or running), of every project. */
    long countUnfinished();
}
