package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.auth.Principal;
import dev.uploadkit.core.limits.RateDecision;
import dev.uploadkit.core.limits.RequestLimits;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Optional;

/**
 * Counts every request of an authenticated caller against its project's plan before it is routed (so requests to
 * unknown routes count too) and before the handler runs. Sets
 * {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining} and {@code X-RateLimit-Reset} (Unix seconds) on the
 * response, whatever it turns out to be; refuses a spent minute with {@code 429 RATE_LIMITED} and a spent month
 * with {@code 403 QUOTA_EXCEEDED}, both with {@code Retry-After} in seconds. A project on an unlimited plan, a
 * request without a caller (signed or public downloads) and the server admin's requests to {@code admin/…} pass
 * uncounted and without headers: the admin key is also a key of a project, and a plan given to that project must not
 * lock the server's administration out until the month ends.
 */
final class LimitStep implements Step {
    private final RequestLimits limits;

    LimitStep(RequestLimits limits) {
        this.limits = limits;
    }

    @Override
    public void apply(Exchange ex, Chain next) throws IOException {
        Optional<Principal> principal = ex.optionalPrincipal();
        if (principal.isPresent() && !(principal.get().admin() && isAdminRoute(ex.path()))) {
            Optional<RateDecision> decision = limits.acquire(principal.get().projectId());
            if (decision.isPresent()) {
                RateDecision d = decision.get();
                HttpServletResponse response = ex.response();
                response.setHeader("X-RateLimit-Limit", Long.toString(d.limit()));
                response.setHeader("X-RateLimit-Remaining", Long.toString(d.remaining()));
                response.setHeader("X-RateLimit-Reset", Long.toString(d.reset().getEpochSecond()));
                if (!d.allowed()) {
                    long seconds = Math.max(1, (d.retryAfter().toMillis() + 999) / 1000);
                    response.setHeader("Retry-After", Long.toString(seconds));
                    throw d.outcome() == RateDecision.Outcome.QUOTA_EXCEEDED
                            ? new UploadException(ErrorCode.QUOTA_EXCEEDED,
                                    "The plan's monthly request quota is used up; it renews on the first of next month.")
                            : new UploadException(ErrorCode.RATE_LIMITED,
                                    "Too many requests this minute for the project's plan; retry after "
                                            + seconds + " s.");
                }
            }
        }
        next.proceed(ex);
    }

    private static boolean isAdminRoute(String path) {
        return path != null && (path.equals("/admin") || path.startsWith("/admin/"));
    }
}
