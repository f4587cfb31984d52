package dev.uploadkit.spring;

import com.zaxxer.hikari.HikariDataSource;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.store.JcloudsFileStore;
import dev.uploadkit.jdbc.UploadkitDatabase;
import dev.uploadkit.servlet.RequestOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.FileSystemUtils;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class HealthAndMetricsTests {
    private static final String DB_PASSWORD = "db-pass-word-never-shown";

    @TempDir
    Path tempDir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(UploadkitAutoConfiguration.class))
                .withPropertyValues(
                        "upload.store.path=" + tempDir.resolve("files"),
                        "upload.database.url=jdbc:h2:file:" + tempDir.resolve("db").resolve("uploadkit"),
                        "upload.database.password=" + DB_PASSWORD);
    }

    @Test
    void healthIsUpWhenTheCatalogAndTheStoreAnswer() {
        runner().run(context -> {
            assertThat(context).hasNotFailed().hasBean("uploadkitHealthIndicator");
            Health health = context.getBean("uploadkitHealthIndicator", HealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("catalog", "UP").containsEntry("store", "local")
                    .containsEntry("storeStatus", "UP");
        });
    }

    @Test
    void healthIsDownWithAReasonButNoSecret() {
        runner().run(context -> {
            HealthIndicator indicator = context.getBean("uploadkitHealthIndicator", HealthIndicator.class);
            FileSystemUtils.deleteRecursively(tempDir.resolve("files"));
            Health storeDown = indicator.health();
            assertThat(storeDown.getStatus()).isEqualTo(Status.DOWN);
            assertThat(storeDown.getDetails()).containsEntry("catalog", "UP").containsEntry("storeStatus", "DOWN")
                    .containsKey("storeError");

            ((HikariDataSource) context.getBean(UploadkitDatabase.class).dataSource()).close();
            Health bothDown = indicator.health();
            assertThat(bothDown.getStatus()).isEqualTo(Status.DOWN);
            assertThat(bothDown.getDetails()).containsEntry("catalog", "DOWN");
            assertThat(bothDown.getDetails().get("catalogError").toString()).isNotBlank();
            assertThat(bothDown.getDetails().toString()).doesNotContain(DB_PASSWORD);
        });
    }

    @Test
    void reasonsAreMaskedOfConfiguredSecretsAndSecretParameters() {
        UploadkitHealth health = new UploadkitHealth(new HikariDataSource(), JcloudsFileStore.inMemory("m"),
                List.of("s3cr3t-key-value"));
        assertThat(health.mask("jdbc:postgresql://db/x?user=a&password=hunter2 failed with s3cr3t-key-value"))
                .doesNotContain("hunter2").doesNotContain("s3cr3t-key-value").contains("password=******");
    }

    @Test
    void noHealthIndicatorWithoutActuatorAndNoMetricsWithoutMicrometer() {
        runner().withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("uploadkitHealthIndicator")
                        .hasSingleBean(UploadkitMetrics.class));
        runner().withClassLoader(new FilteredClassLoader("io.micrometer"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(UploadkitMetrics.class)
                        .hasBean("uploadkitHealthIndicator"));
        runner().withPropertyValues("management.health.uploadkit.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("uploadkitHealthIndicator"));
    }

    @Test
    void theServletWithoutMicrometerStillAnswers() {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(UploadkitAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader("io.micrometer", "org.springframework.boot.actuate"))
                .withPropertyValues("upload.store.path=" + tempDir.resolve("files"),
                        "upload.database.url=jdbc:h2:file:" + tempDir.resolve("db").resolve("uploadkit"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(get(context.getBean(ServletRegistrationBean.class), "/files").getStatus())
                            .isEqualTo(401);
                });
    }

    @Test
    void metricsCountUploadsDownloadsAndErrorsOfTheMountedServlet() {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(UploadkitAutoConfiguration.class))
                .withPropertyValues("upload.store.path=" + tempDir.resolve("files"),
                        "upload.database.url=jdbc:h2:file:" + tempDir.resolve("db").resolve("uploadkit"))
                .run(context -> {
                    MeterRegistry registry = new SimpleMeterRegistry();
                    UploadkitMetrics metrics = context.getBean(UploadkitMetrics.class);
                    metrics.bindTo(registry);
                    assertThat(registry.get(UploadkitMetrics.UPLOADS).tag("outcome", "success").timer().count())
                            .as("registered at zero").isZero();

                    // Through the mounted servlet: the registration wired the observer.
                    assertThat(get(context.getBean(ServletRegistrationBean.class), "/files").getStatus()).isEqualTo(401);
                    assertThat(registry.get(UploadkitMetrics.ERRORS).tag("code", "UNAUTHENTICATED")
                            .tag("route", "files").counter().count()).isEqualTo(1);

                    metrics.completed(new RequestOutcome("POST", RequestOutcome.UPLOAD_ROUTE, 201, Optional.empty(),
                            1_000, Duration.ofMillis(40)));
                    metrics.completed(new RequestOutcome("POST", RequestOutcome.UPLOAD_ROUTE, 413,
                            Optional.of(ErrorCode.FILE_TOO_LARGE), 0, Duration.ofMillis(5)));
                    metrics.completed(new RequestOutcome("GET", RequestOutcome.DOWNLOAD_ROUTE, 206, Optional.empty(),
                            100, Duration.ofMillis(2)));
                    assertThat(registry.get(UploadkitMetrics.UPLOADS).tag("outcome", "success").timer().count())
                            .isEqualTo(1);
                    assertThat(registry.get(UploadkitMetrics.UPLOAD_BYTES).tag("outcome", "success").summary()
                            .totalAmount()).isEqualTo(1_000);
                    assertThat(registry.get(UploadkitMetrics.UPLOADS).tag("outcome", "client_error")
                            .tag("error", "FILE_TOO_LARGE").timer().count()).isEqualTo(1);
                    assertThat(registry.get(UploadkitMetrics.DOWNLOAD_BYTES).summary().totalAmount()).isEqualTo(100);
                    assertThat(registry.get(UploadkitMetrics.ERRORS).tag("code", "FILE_TOO_LARGE").counter().count())
                            .isEqualTo(1);
                });
    }

    private static MockHttpServletResponse get(ServletRegistrationBean<?> registration, String path) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/v1/external" + path);
        request.setServletPath("/v1/external");
        request.setPathInfo(path);
        MockHttpServletResponse response = new MockHttpServletResponse();
        registration.getServlet().service(request, response);
        return response;
    }
}
