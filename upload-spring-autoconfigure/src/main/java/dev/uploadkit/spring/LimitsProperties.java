package dev.uploadkit.spring;

import dev.uploadkit.core.limits.Plans;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Plans and rate limits: {@code upload.limits.*}. Each project is on a plan (SPEC: {@code free}, {@code starter},
 * {@code pro}, {@code unlimited}, and any configured here) whose burst per minute and monthly quota hold across every
 * instance on the database; answers carry {@code X-RateLimit-*} headers.
 */
@ConfigurationProperties(prefix = "upload.limits")
public class LimitsProperties {
    /** Whether plans' limits apply; false serves every project without limits or X-RateLimit headers. */
    private boolean enabled = true;
    /**
     * Plans added to (or replacing) free, starter, pro and unlimited, comma-separated as name:monthly:burst (0 = no
     * limit), e.g. business:5000000:5000.
     */
    private String plans;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getPlans() {
        return plans;
    }

    /** Sets the extra plans; checked as they are bound. */
    public void setPlans(String plans) {
        this.plans = PropertyChecks.blankToNull(plans);
        toPlans();
    }

    /** Returns the plans projects may be on: the defaults with {@code upload.limits.plans}. */
    Plans toPlans() {
        try {
            return Plans.defaultsWith(plans == null ? "" : plans);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("upload.limits.plans: " + e.getMessage(), e);
        }
    }
}
