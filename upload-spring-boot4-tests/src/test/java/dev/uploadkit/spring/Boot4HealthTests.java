package dev.uploadkit.spring;

import com.zaxxer.hikari.HikariDataSource;
import dev.uploadkit.jdbc.UploadkitDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Boot 4's twin of {@code HealthAndMetricsTests}: the health indicator in Boot 4's own types, and the meters. */
class Boot4HealthTests {
    @TempDir
    Path tempDir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(UploadkitAutoConfiguration.class))
                .withPropertyValues(
                        "upload.store.path=" + tempDir.resolve("files"),
                        "upload.database.url=jdbc:h2:file:" + tempDir.resolve("db").resolve("uploadkit"),
                        "upload.database.password=boot4-db-password");
    }

    @Test
    void runsOnSpringBoot4() {
        assertThat(SpringBootVersion.getVersion()).startsWith("4.0.");
    }

    @Test
    void theHealthIndicatorIsBoot4sAndGoesDownWithoutShowingSecrets() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            HealthIndicator indicator = context.getBean("uploadkitHealthIndicator", HealthIndicator.class);
            Health up = indicator.health();
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat(up.getDetails()).containsEntry("catalog", "UP").containsEntry("storeStatus", "UP");

            ((HikariDataSource) context.getBean(UploadkitDatabase.class).dataSource()).close();
            Health down = indicator.health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat(down.getDetails()).containsEntry("catalog", "DOWN").containsKey("catalogError");
            assertThat(down.getDetails().toString()).doesNotContain("boot4-db-password");
        });
    }

    @Test
    void withoutSpringBootHealthThereIsNoIndicator() {
        runner().withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("uploadkitHealthIndicator"));
    }

    @Test
    void metersBindToAMicrometer116Registry() {
        runner().run(context -> {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            context.getBean(UploadkitMetrics.class).bindTo(registry);
            assertThat(registry.get(UploadkitMetrics.UPLOADS).timers()).isNotEmpty();
        });
    }
}
