package dev.uploadkit.spring;

import com.sun.net.httpserver.HttpServer;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.ImportRequest;
import dev.uploadkit.core.UploadRequest;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.event.EventType;
import dev.uploadkit.core.webhook.WebhookService;
import dev.uploadkit.servlet.RequestOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The meters of webhook deliveries and of queue depths move as the work happens, and rate-limit rejections are
 * counted, with Micrometer present; without it the auto-configuration still starts and webhooks still work.
 */
class WebhookAndQueueMetricsTests {
    @TempDir
    Path tempDir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(UploadkitAutoConfiguration.class))
                .withPropertyValues("upload.outbound-allow=127.0.0.1/32",
                        "upload.store.path=" + tempDir.resolve("files"),
                        "upload.database.url=jdbc:h2:file:" + tempDir.resolve("db").resolve("uploadkit"));
    }

    @Test
    void deliveriesAreCountedByOutcomeWithTheirDuration() throws Exception {
        // The receiver answers 500, then 200, then 410 Gone to everything.
        AtomicInteger requests = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        receiver.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            int n = requests.incrementAndGet();
            exchange.sendResponseHeaders(n == 1 ? 500 : n == 2 ? 200 : 410, -1);
            exchange.close();
        });
        receiver.start();
        try {
            runner().run(context -> {
                assertThat(context).hasNotFailed();
                MeterRegistry registry = new SimpleMeterRegistry();
                context.getBean(UploadkitMetrics.class).bindTo(registry);
                Project project = context.getBean(AccessService.class).createProject("hooks", "free");
                context.getBean(WebhookService.class).create(project.id(), "http://127.0.0.1:"
                        + receiver.getAddress().getPort() + "/hook", Set.of(EventType.UPLOAD_COMPLETED), true);

                upload(context, project, "one.txt");
                assertThat(await(() -> count(registry, "failed") == 1, Duration.ofSeconds(20))).isTrue();
                upload(context, project, "two.txt");
                assertThat(await(() -> count(registry, "delivered") == 1, Duration.ofSeconds(20))).isTrue();
                upload(context, project, "three.txt");
                assertThat(await(() -> count(registry, "disabled") == 1, Duration.ofSeconds(20))).isTrue();

                Timer delivered = registry.get(UploadkitMetrics.DELIVERIES).tag("outcome", "delivered")
                        .tag("event", "upload.completed").timer();
                assertThat(delivered.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
                assertThat(count(registry, "failed")).as("the 500 is retried only after 30 s").isEqualTo(1);
            });
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void queueDepthsFollowTheOutboxTheDeliveriesAndTheImports() {
        runner().withPropertyValues("upload.background-work=false").run(context -> {
            assertThat(context).hasNotFailed();
            MeterRegistry registry = new SimpleMeterRegistry();
            context.getBean(UploadkitMetrics.class).bindTo(registry);
            assertThat(depth(registry, "events")).isZero();
            assertThat(depth(registry, "webhook_deliveries")).isZero();
            assertThat(depth(registry, "url_imports")).isZero();

            Project project = context.getBean(AccessService.class).createProject("queues", "free");
            context.getBean(WebhookService.class).create(project.id(), "https://93.184.215.14/hook",
                    Set.of(EventType.UPLOAD_COMPLETED), true);
            upload(context, project, "queued.txt");
            UploadService uploads = context.getBean(UploadService.class);
            uploads.enqueueImport(ImportRequest.of(project.id(), "https://93.184.215.14/file.bin"));
            // Readings are kept a few seconds: the new ones show within that.
            assertThat(await(() -> depth(registry, "events") == 1 && depth(registry, "url_imports") == 1,
                    Duration.ofSeconds(20))).as("one completed upload's event waits; one import").isTrue();

            assertThat(uploads.deliverEvents()).isEqualTo(1);
            assertThat(await(() -> depth(registry, "events") == 0 && depth(registry, "webhook_deliveries") == 1,
                    Duration.ofSeconds(20))).as("relayed into one pending delivery").isTrue();
        });
    }

    @Test
    void rateLimitRejectionsAreCountedAsErrorsWithTheirCode() {
        runner().withPropertyValues("upload.background-work=false").run(context -> {
            MeterRegistry registry = new SimpleMeterRegistry();
            UploadkitMetrics metrics = context.getBean(UploadkitMetrics.class);
            metrics.bindTo(registry);
            for (int i = 0; i < 3; i++) {
                metrics.completed(new RequestOutcome("POST", RequestOutcome.UPLOAD_ROUTE, 429,
                        Optional.of(ErrorCode.RATE_LIMITED), 0, Duration.ofMillis(1)));
            }
            assertThat(registry.get(UploadkitMetrics.ERRORS).tag("code", "RATE_LIMITED").tag("status", "429")
                    .counter().count()).isEqualTo(3);
            assertThat(registry.get(UploadkitMetrics.UPLOADS).tag("outcome", "client_error")
                    .tag("error", "RATE_LIMITED").timer().count()).isEqualTo(3);
        });
    }

    @Test
    void withoutMicrometerTheWebhooksStillWork() {
        runner().withClassLoader(new FilteredClassLoader("io.micrometer")).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(UploadkitMetrics.class)
                    .hasSingleBean(WebhookService.class);
            Project project = context.getBean(AccessService.class).createProject("plain", "free");
            assertThat(context.getBean(WebhookService.class).create(project.id(), "https://93.184.215.14/hook",
                    Set.of(EventType.UPLOAD_COMPLETED), true).secret()).startsWith("whsec_");
        });
    }

    private static void upload(AssertableApplicationContext context, Project project, String name) {
        context.getBean(UploadService.class).upload(UploadRequest.of(project.id(), name),
                new ByteArrayInputStream(name.getBytes(StandardCharsets.UTF_8)));
    }

    private static long count(MeterRegistry registry, String outcome) {
        Timer timer = Search.in(registry).name(UploadkitMetrics.DELIVERIES).tag("outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    private static double depth(MeterRegistry registry, String queue) {
        return registry.get(UploadkitMetrics.QUEUE_DEPTH).tag("queue", queue).gauge().value();
    }

    private static boolean await(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            LockSupport.parkNanos(50_000_000);
        }
        return condition.getAsBoolean();
    }
}
