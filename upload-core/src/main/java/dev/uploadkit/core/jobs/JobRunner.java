package dev.uploadkit.core.jobs;

import java.util.List;

/**
 * Runs {@link RecurringJob}s. A runner backed by a shared database (upload-jdbc's {@code UploadkitDatabase#jobRunner})
 * runs each job on one instance at a time, however many instances run it, and a run cut off by a crash is run
 * again later.
 */
public interface JobRunner extends AutoCloseable {

    /**
     * Starts running {@code jobs}, each first soon after this call, then after its interval. Called once.
     *
     * @throws IllegalStateException if already started or closed, or two jobs share a name
     */
    void start(List<RecurringJob> jobs);

    /** Stops starting runs and waits a while for runs in progress to end. Idempotent. */
    @Override
    void close();
}
