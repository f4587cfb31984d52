package dev.uploadkit.spring;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Spring Boot 4's view of {@link UploadkitHealth}: component {@code uploadkit} of {@code /actuator/health}. */
final class UploadkitBoot4HealthIndicator implements HealthIndicator {
    private final UploadkitHealth health;

    UploadkitBoot4HealthIndicator(UploadkitHealth health) {
        this.health = health;
    }

    @Override
    public Health health() {
        UploadkitHealth.Result result = health.check();
        return (result.up() ? Health.up() : Health.down()).withDetails(result.details()).build();
    }
}
