package dev.uploadkit.spring;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** Spring Boot 3's Actuator view of {@link UploadkitHealth}: component {@code uploadkit} of {@code /actuator/health}. */
final class UploadkitHealthIndicator implements HealthIndicator {
    private final UploadkitHealth health;

    UploadkitHealthIndicator(UploadkitHealth health) {
        this.health = health;
    }

    @Override
    public Health health() {
        UploadkitHealth.Result result = health.check();
        return (result.up() ? Health.up() : Health.down()).withDetails(result.details()).build();
    }
}
