package dev.uploadkit.core.internal.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a failed delivery is tried again: after the n-th failed attempt, the n-th delay, stretched or shrunk by up
 * to 20 % at random (jitter, so that retries of many deliveries that failed together spread out); none once the
 * delays are used up.
 */
public final class RetrySchedule {
    /** 30 s, 2 min, 15 min, 1 h, 3 h, 6 h, 12 h: eight attempts over about 22 hours. */
    public static final List<Duration> DEFAULT_DELAYS = List.of(Duration.ofSeconds(30), Duration.ofMinutes(2),
            Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(3), Duration.ofHours(6), Duration.ofHours(12));

    private final List<Duration> delays;

    public RetrySchedule(List<Duration> delays) {
        this.delays = List.copyOf(delays);
    }

    /** Returns when to try again after {@code failedAttempts} failed attempts, or {@code null} to give up. */
    public Instant next(int failedAttempts, Instant now) {
        if (failedAttempts < 1 || failedAttempts > delays.size()) {
            return null;
        }
        long millis = delays.get(failedAttempts - 1).toMillis();
        double factor = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return now.plusMillis(Math.max(1, Math.round(millis * factor)));
    }

    /** Returns how many attempts a delivery gets at most. */
    public int maxAttempts() {
        return delays.size() + 1;
    }
}
