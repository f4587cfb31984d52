package dev.uploadkit.core.limits;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The outcome of counting one request: whether it may go ahead and the figures of the
 * {@code X-RateLimit-*} headers.
 *
 * @param limit the plan's requests per minute (or per month for a plan with only a monthly quota)
 * @param remaining requests still allowed now, the lesser of what the minute and the month have left
 * @param reset when the allowance of {@link #limit} is whole again
 * @param retryAfter for a refused request, how long until one may succeed; zero otherwise
 */
public record RateDecision(Outcome outcome, long limit, long remaining, Instant reset, Duration retryAfter) {
    /** Whether the request may go ahead, and if not, why. */
    public enum Outcome {
        ALLOWED,
        /** The burst limit is spent for this minute. */
        RATE_LIMITED,
        /** The monthly quota is spent. */
        QUOTA_EXCEEDED
    }

    public RateDecision {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reset, "reset");
        Objects.requireNonNull(retryAfter, "retryAfter");
        remaining = Math.max(0, remaining);
    }

    public boolean allowed() {
        return outcome == Outcome.ALLOWED;
    }
}
