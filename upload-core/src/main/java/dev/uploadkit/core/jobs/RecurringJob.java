package dev.uploadkit.core.jobs;

import java.time.Duration;
import java.util.Objects;

/**
 * Work that runs again and again, at most one run at a time across every instance sharing a {@link JobRunner}'s
 * database: a crash sweep, a trash purge.
 *
 * <p>{@link #run()} must be safe to repeat and to cut off (by a crash) at any point: the next run finishes what
 * the last one left. An exception ends that run only; the job runs again after its interval.
 */
public interface RecurringJob {

    /** A stable, unique name (at most 100 characters): instances agree on a job by its name. */
    String name();

    /** The pause between the end of one run and the start of the next. */
    Duration interval();

    /** Does one round of the work. */
    void run();

    /**
     * Returns a job running {@code body} every {@code interval}.
     *
     * @throws IllegalArgumentException for a blank or over-long name or an interval under 10 ms
     */
    static RecurringJob of(String name, Duration interval, Runnable body) {
        Objects.requireNonNull(body, "body");
        if (name == null || name.isBlank() || name.length() > 100) {
            throw new IllegalArgumentException("name: must be 1 to 100 characters, was '" + name
                    + "'; name the job after what it does, e.g. uploadkit-trash-purge");
        }
        if (interval == null || interval.toMillis() < 10) {
            throw new IllegalArgumentException("interval: must be at least 10 ms, was " + interval
                    + "; give a Duration such as Duration.ofMinutes(1)");
        }
        return new RecurringJob() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Duration interval() {
                return interval;
            }

            @Override
            public void run() {
                body.run();
            }

            @Override
            public String toString() {
                return name + " every " + interval;
            }
        };
    }
}
