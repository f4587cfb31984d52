package dev.uploadkit.jdbc.internal;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.jdbc.DefaultJdbcCustomization;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import dev.uploadkit.core.jobs.JobRunner;
import dev.uploadkit.core.jobs.RecurringJob;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link JobRunner} on db-scheduler and the {@code scheduled_tasks} table: each job is one row, and a scheduler
 * runs it only after claiming that row with an optimistic update, so instances sharing the table never run a job
 * at once. A run cut off by a crash is picked up again once its heartbeats stop for a minute (db-scheduler's dead
 * executions).
 */
public final class DbSchedulerJobRunner implements JobRunner {
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);
    /**
     * db-scheduler's default (5 minutes, dead after 6 missed) would leave a job whose run a crash cut off waiting
     * half an hour; with these it runs again within about a minute and a half, keeping lifecycle jobs near their
     * once-a-minute promise.
     */
    private static final Duration RUN_HEARTBEAT = Duration.ofSeconds(10);
    private static final int MISSED_HEARTBEATS = 6;

    private final DataSource dataSource;
    private final Vendor vendor;
    private final String name;
    private final Duration pollingInterval;
    private Scheduler scheduler;
    private boolean closed;

    public DbSchedulerJobRunner(DataSource dataSource, Vendor vendor, String name, Duration pollingInterval) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.vendor = Objects.requireNonNull(vendor, "vendor");
        this.name = Objects.requireNonNull(name, "name");
        this.pollingInterval = Objects.requireNonNull(pollingInterval, "pollingInterval");
    }

    @Override
    public synchronized void start(List<RecurringJob> jobs) {
        if (scheduler != null || closed) {
            throw new IllegalStateException("JobRunner: start() may be called once, before close()");
        }
        Set<String> names = new HashSet<>();
        List<RecurringTask<Void>> tasks = jobs.stream().map(job -> {
            if (!names.add(job.name())) {
                throw new IllegalStateException("jobs: two jobs are named '" + job.name() + "'; give each a unique name");
            }
            return Tasks.recurring(job.name(), FixedDelay.of(job.interval()))
                    .execute((instance, context) -> job.run());
        }).toList();
        SchedulerBuilder builder = Scheduler.create(dataSource);
        if (vendor == Vendor.H2) {
            // What db-scheduler's detection chooses for H2 too, but chosen here it does not warn at every start
            // that no database-specific overrides apply.
            builder.jdbcCustomization(new DefaultJdbcCustomization(true));
        }
        scheduler = builder
                .startTasks(tasks)
                .schedulerName(new SchedulerName.Fixed(name))
                .threads(Math.max(1, Math.min(tasks.size(), 4)))
                .pollingInterval(pollingInterval)
                .heartbeatInterval(RUN_HEARTBEAT)
                .missedHeartbeatsLimit(MISSED_HEARTBEATS)
                .alwaysPersistTimestampInUTC()
                .shutdownMaxWait(SHUTDOWN_WAIT)
                .build();
        scheduler.start();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (scheduler != null) {
            scheduler.stop();
            scheduler = null;
        }
    }

    @Override
    public String toString() {
        return "DbSchedulerJobRunner[" + name + "]";
    }
}
