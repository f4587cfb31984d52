package dev.uploadkit.core.limits;

import dev.uploadkit.core.auth.AccessService;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Applies each project's plan to its requests: looks the plan up ({@link AccessService#planOf}: kept for its lookup
 * TTL, and a change through {@code admin/projects/{id}} on this instance applies at once) and counts the request with
 * the {@link RateLimiter}. Thread-safe.
 */
public final class RequestLimits {
    private final RateLimiter limiter;
    private final Function<UUID, Plan> planOf;

    private RequestLimits(RateLimiter limiter, Function<UUID, Plan> planOf) {
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.planOf = Objects.requireNonNull(planOf, "planOf");
    }

    /** Limits by the plans of {@code access}'s projects. */
    public static RequestLimits create(RateLimiter limiter, AccessService access) {
        Objects.requireNonNull(access, "access");
        return new RequestLimits(limiter, access::planOf);
    }

    /** Limits by plans a host decides itself, e.g. from its own billing. */
    public static RequestLimits create(RateLimiter limiter, Function<UUID, Plan> planOf) {
        return new RequestLimits(limiter, planOf);
    }

    /**
     * Counts one request of the project; empty if its plan is unlimited (nothing counted, no headers).
     *
     * @throws dev.uploadkit.core.UploadException {@code NOT_FOUND} for an unknown project, {@code SERVICE_UNAVAILABLE}
     *     if the limiter's store cannot be reached
     */
    public Optional<RateDecision> acquire(UUID projectId) {
        Plan plan = planOf.apply(projectId);
        if (plan.isUnlimited()) {
            return Optional.empty();
        }
        return Optional.of(limiter.acquire(projectId, plan));
    }
}
