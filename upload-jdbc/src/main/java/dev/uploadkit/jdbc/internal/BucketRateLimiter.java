package dev.uploadkit.jdbc.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.limits.Plan;
import dev.uploadkit.core.limits.RateDecision;
import dev.uploadkit.core.limits.RateLimiter;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.VerboseResult;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.BucketNotFoundException;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link RateLimiter} on Bucket4j's JDBC proxy managers, table {@code rate_limit_buckets}: Bucket4j's PostgreSQL
 * select-for-update manager, and the same protocol on MariaDB/MySQL and H2 by {@link SqlBucketProxyManager}.
 *
 * <p>One bucket per project and calendar month (UTC), keyed {@code yyyy-MM:<project id>}, so a month's quota
 * starts full on the first of the month without any reset job. It has two limits: the burst, refilled whole at
 * every minute boundary (aligned to the epoch, so {@code X-RateLimit-Reset} is the next whole minute on every
 * instance), and the month's quota, never refilled within its month. A request that either refuses is not counted
 * by the other. Concurrent requests for one bucket on this instance are merged into one database round trip
 * (Bucket4j's batching), which is what keeps the limiter cheap under load; on PostgreSQL those transactions commit
 * asynchronously ({@link AsyncCommits}: a database crash may give back the last fraction of a second's requests).
 * When a project's plan changes, the month's bucket gets the new limits with what the minute and the month used
 * so far kept ({@link #carryOver}).
 * Rows of past months are deleted by {@link #purgePastMonths()}: their ids sort before the current month's.
 */
public final class BucketRateLimiter implements RateLimiter {
    private static final String TABLE = "rate_limit_buckets";
    private static final Duration MINUTE = Duration.ofMinutes(1);
    /** Longer than any month: the quota is never refilled within its bucket's month. */
    private static final Duration NEVER = Duration.ofDays(3660);
    private static final int PURGE_CHUNK = 1_000;
    private static final String BURST = "burst";
    private static final String MONTH = "month";

    private final DataSource dataSource;
    private final ProxyManager<String> buckets;
    private final Clock clock;
    private final Map<String, Known> known = new ConcurrentHashMap<>();

    private record Known(BucketProxy bucket, Plan plan, YearMonth month) {
    }

    public BucketRateLimiter(DataSource dataSource, Vendor vendor, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
        TimeMeter meter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                Instant now = clock.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
        this.buckets = switch (vendor) {
            case POSTGRESQL -> Bucket4jPostgreSQL.selectForUpdateBasedBuilder(AsyncCommits.of(dataSource))
                    .primaryKeyMapper(PrimaryKeyMapper.STRING)
                    .table(TABLE).idColumn("id").stateColumn("state").clientClock(meter).build();
            case MYSQL, H2 -> new SqlBucketProxyManager(dataSource, vendor,
                    ClientSideConfig.getDefault().withClientClock(meter));
        };
    }

    @Override
    public RateDecision acquire(UUID projectId, Plan plan) {
        Objects.requireNonNull(projectId, "projectId");
        if (plan.isUnlimited()) {
            throw new IllegalArgumentException("plan " + plan.name() + " has no limits; do not count its requests");
        }
        Instant now = clock.instant();
        YearMonth month = YearMonth.from(now.atOffset(ZoneOffset.UTC));
        String key = month + ":" + projectId;
        ConsumptionProbe probe;
        try {
            probe = consume(key, plan, month);
        } catch (RuntimeException e) {
            throw new UploadException(ErrorCode.SERVICE_UNAVAILABLE, "The rate limiter's database cannot be reached.",
                    e);
        }
        Instant nextMinute = now.truncatedTo(ChronoUnit.MINUTES).plus(MINUTE);
        Instant nextMonth = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        long limit = plan.burstPerMinute() > 0 ? plan.burstPerMinute() : plan.monthlyRequests();
        Instant reset = plan.burstPerMinute() > 0 ? nextMinute : nextMonth;
        if (probe.isConsumed()) {
            return new RateDecision(RateDecision.Outcome.ALLOWED, limit, probe.getRemainingTokens(), reset,
                    Duration.ZERO);
        }
        Duration wait = Duration.ofNanos(probe.getNanosToWaitForRefill());
        boolean quota = plan.monthlyRequests() > 0 && (plan.burstPerMinute() == 0 || wait.compareTo(MINUTE) > 0);
        if (quota) {
            return new RateDecision(RateDecision.Outcome.QUOTA_EXCEEDED, limit, 0, nextMonth,
                    Duration.between(now, nextMonth));
        }
        return new RateDecision(RateDecision.Outcome.RATE_LIMITED, limit, 0, nextMinute,
                Duration.between(now, nextMinute));
    }

    /**
     * Takes one token. Under racing first requests of a key, Bucket4j's batching can run a batch on the empty row
     * another transaction has just inserted (before its state is written) and report the bucket as not found; nothing
     * was consumed then, and the token is taken once more through a proxy that sends the bucket's configuration.
     */
    private ConsumptionProbe consume(String key, Plan plan, YearMonth month) {
        try {
            return bucket(key, plan, month).tryConsumeAndReturnRemaining(1);
        } catch (RuntimeException e) {
            if (!notFound(e)) {
                throw e;
            }
            BucketConfiguration config = configuration(plan);
            return buckets.builder().build(key, () -> config).tryConsumeAndReturnRemaining(1);
        }
    }

    private static boolean notFound(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BucketNotFoundException) {
                return true;
            }
        }
        return false;
    }

    /** Deletes the buckets of past months in chunks, each its own short statement (ids start with yyyy-MM). */
    @Override
    public long purgePastMonths() {
        String currentMonth = YearMonth.from(clock.instant().atOffset(ZoneOffset.UTC)).toString();
        long deleted = 0;
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement("SELECT id FROM " + TABLE
                     + " WHERE id < ? ORDER BY id LIMIT " + PURGE_CHUNK);
             PreparedStatement delete = c.prepareStatement("DELETE FROM " + TABLE + " WHERE id < ? AND id <= ?")) {
            while (true) {
                select.setString(1, currentMonth);
                String last = null;
                int found = 0;
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        last = rs.getString(1);
                        found++;
                    }
                }
                if (found == 0) {
                    return deleted;
                }
                delete.setString(1, currentMonth);
                delete.setString(2, last);
                deleted += delete.executeUpdate();
                if (found < PURGE_CHUNK) {
                    return deleted;
                }
            }
        } catch (SQLException e) {
            throw new UploadException(ErrorCode.SERVICE_UNAVAILABLE, "The rate limiter's database cannot be reached.",
                    e);
        }
    }

    /**
     * Returns this instance's proxy of the bucket (one per key, so Bucket4j can batch concurrent requests),
     * bringing the stored limits in line with {@code plan} the first time this instance sees the key or the plan.
     */
    private BucketProxy bucket(String key, Plan plan, YearMonth month) {
        Known k = known.get(key);
        if (k != null && k.plan().equals(plan)) {
            return k.bucket();
        }
        BucketConfiguration config = configuration(plan);
        BucketProxy bucket = k != null ? k.bucket() : buckets.builder()
                .withOptimization(Optimizations.batching())
                .build(key, () -> config);
        Optional<BucketConfiguration> stored = buckets.getProxyConfiguration(key);
        if (stored.isPresent() && !sameLimits(stored.get(), config)) {
            carryOver(bucket, plan);
        }
        known.entrySet().removeIf(e -> e.getValue().month().isBefore(month));
        known.put(key, new Known(bucket, plan, month));
        return bucket;
    }

    private static BucketConfiguration configuration(Plan plan) {
        return configuration(plan, plan.monthlyRequests());
    }

    /** The limits of {@code plan}, the month's starting with {@code monthLeft} tokens (at most its capacity). */
    private static BucketConfiguration configuration(Plan plan, long monthLeft) {
        var builder = BucketConfiguration.builder();
        if (plan.burstPerMinute() > 0) {
            builder.addLimit(Bandwidth.builder().capacity(plan.burstPerMinute())
                    .refillIntervallyAligned(plan.burstPerMinute(), MINUTE, Instant.EPOCH).id(BURST).build());
        }
        if (plan.monthlyRequests() > 0) {
            builder.addLimit(Bandwidth.builder().capacity(plan.monthlyRequests())
                    .refillIntervally(plan.monthlyRequests(), NEVER)
                    .initialTokens(Math.min(monthLeft, plan.monthlyRequests())).id(MONTH).build());
        }
        return builder.build();
    }

    /**
     * Gives the bucket {@code plan}'s limits, keeping what this minute and this month have used: each limit has
     * its new capacity less what was taken from the old one. Bucket4j's {@link TokensInheritanceStrategy#ADDITIVE}
     * does so only when a capacity grows (a smaller one is left with as many tokens as it holds, so a move to a
     * smaller plan and back would refill both limits). So the bucket is rebuilt: reset to the new limits, the
     * month's starting with what it keeps plus what the burst then takes from both. A request another instance
     * counts between the read and the reset is forgotten; this happens only when a plan changes.
     */
    private static void carryOver(BucketProxy bucket, Plan plan) {
        VerboseResult<Long> now = bucket.asVerbose().getAvailableTokens();
        Bandwidth[] old = now.getConfiguration().getBandwidths();
        long[] left = now.getDiagnostics().getAvailableTokensPerEachBandwidth();
        long burstTaken = plan.burstPerMinute() - kept(BURST, plan.burstPerMinute(), old, left);
        long monthLeft = kept(MONTH, plan.monthlyRequests(), old, left);
        bucket.replaceConfiguration(configuration(plan, monthLeft + burstTaken), TokensInheritanceStrategy.RESET);
        if (burstTaken > 0) {
            bucket.consumeIgnoringRateLimits(burstTaken);
        }
    }

    /** Returns the tokens the limit {@code id} keeps at {@code capacity}: its old tokens less what it loses. */
    private static long kept(String id, long capacity, Bandwidth[] old, long[] left) {
        for (int i = 0; i < old.length; i++) {
            if (id.equals(old[i].getId())) {
                return Math.max(0, Math.min(capacity, left[i] + capacity - old[i].getCapacity()));
            }
        }
        return capacity;
    }

    private static boolean sameLimits(BucketConfiguration a, BucketConfiguration b) {
        Bandwidth[] x = a.getBandwidths();
        Bandwidth[] y = b.getBandwidths();
        if (x.length != y.length) {
            return false;
        }
        for (int i = 0; i < x.length; i++) {
            if (x[i].getCapacity() != y[i].getCapacity() || !Objects.equals(x[i].getId(), y[i].getId())) {
                return false;
            }
        }
        return true;
    }
}
