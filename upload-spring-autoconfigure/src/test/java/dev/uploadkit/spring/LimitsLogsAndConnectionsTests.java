package dev.uploadkit.spring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadRequest;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.limits.RateLimiter;
import dev.uploadkit.core.storage.SecretBox;
import dev.uploadkit.core.usage.RequestLogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.mock.web.MockHttpServletResponse;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import static dev.uploadkit.spring.ServletCalls.call;
import static dev.uploadkit.spring.ServletCalls.key;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the standalone server serves, a Spring Boot application serves too: plans and rate limits, the request log and
 * usage, storage connections with sealed secrets, URL imports within {@code upload.outbound-allow}, the removal of
 * unstored uploads after {@code upload.unstored-ttl}.
 */
class LimitsLogsAndConnectionsTests {
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path tempDir;

    private WebApplicationContextRunner runner() {
        return ServletCalls.webRunner(tempDir);
    }

    @Test
    void aFreeProjectHasItsBurstThen429WithTheHeaders() {
        runner().run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(RateLimiter.class);
            String key = key(context, "free", Permission.FILES_READ);
            for (int i = 1; i <= 10; i++) {
                MockHttpServletResponse ok = call(context, "GET", "/files", key, null);
                assertThat(ok.getStatus()).isEqualTo(200);
                assertThat(ok.getHeader("X-RateLimit-Limit")).isEqualTo("10");
                assertThat(ok.getHeader("X-RateLimit-Remaining")).isEqualTo(Integer.toString(10 - i));
            }
            MockHttpServletResponse limited = call(context, "GET", "/files", key, null);
            assertThat(limited.getStatus()).isEqualTo(429);
            assertThat(limited.getHeader("Retry-After")).isNotBlank();
            assertThat(json.readTree(limited.getContentAsString()).path("error").path("code").asText())
                    .isEqualTo("RATE_LIMITED");
        });
    }

    @Test
    void configuredPlansApplyAndLimitsCanBeTurnedOff() {
        runner().withPropertyValues("upload.limits.plans=tiny:100:2").run(context -> {
            String key = key(context, "tiny", Permission.FILES_READ);
            assertThat(call(context, "GET", "/files", key, null).getHeader("X-RateLimit-Limit")).isEqualTo("2");
            assertThat(call(context, "GET", "/files", key, null).getStatus()).isEqualTo(200);
            assertThat(call(context, "GET", "/files", key, null).getStatus()).isEqualTo(429);
        });
        runner().withPropertyValues("upload.limits.enabled=false").run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(RateLimiter.class);
            String key = key(context, "free", Permission.FILES_READ);
            for (int i = 0; i < 12; i++) {
                MockHttpServletResponse ok = call(context, "GET", "/files", key, null);
                assertThat(ok.getStatus()).isEqualTo(200);
                assertThat(ok.getHeader("X-RateLimit-Limit")).isNull();
            }
        });
    }

    @Test
    void requestsAreLoggedAndCountedInUsage() {
        runner().run(context -> {
            assertThat(context).hasSingleBean(RequestLogWriter.class);
            String key = key(context, "pro", Permission.FILES_READ, Permission.STATS_READ);
            for (int i = 0; i < 3; i++) {
                assertThat(call(context, "GET", "/files", key, null).getStatus()).isEqualTo(200);
            }
            JsonNode[] usage = new JsonNode[1];
            assertThat(await(() -> {
                usage[0] = read(call(context, "GET", "/usage", key, null));
                return usage[0].path("data").path("totals").path("requests").asLong() >= 3;
            })).as("usage counts the requests: %s", usage[0]).isTrue();
            JsonNode logs = read(call(context, "GET", "/logs?path=/files", key, null));
            assertThat(logs.path("data").size()).as(logs.toString()).isGreaterThanOrEqualTo(3);
            assertThat(logs.path("data").get(0).path("status").asInt()).isEqualTo(200);
        });
        runner().withPropertyValues("upload.logs.enabled=false").run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(RequestLogWriter.class));
    }

    @Test
    void storageConnectionsUseTheRootsAndTheMasterKey() {
        Path root = tempDir.resolve("connections");
        String minio = "{\"name\": \"m\", \"provider\": \"minio\", \"endpoint\": \"http://127.0.0.1:9\","
                + " \"bucket\": \"media\", \"access_key\": \"ak\", \"secret_key\": \"sk\", \"path_style\": true}";
        runner().withPropertyValues("upload.storage.roots=" + root, "upload.outbound-allow=127.0.0.1/32",
                "upload.secrets.master-key=" + SecretBox.generateKey()).run(context -> {
            assertThat(context).hasNotFailed();
            String key = key(context, "pro", Permission.STORAGE_MANAGE);
            MockHttpServletResponse disk = call(context, "POST", "/storage", key,
                    "{\"name\": \"disk\", \"provider\": \"filesystem\", \"bucket\": \"media\"}");
            assertThat(disk.getStatus()).as(disk.getContentAsString()).isEqualTo(201);
            String id = read(disk).path("data").path("id").asText();
            JsonNode check = read(call(context, "POST", "/storage/" + id + "/test", key, null));
            assertThat(check.path("data").path("ok").asBoolean()).as(check.toString()).isTrue();
            assertThat(root).isDirectory();
            MockHttpServletResponse sealed = call(context, "POST", "/storage", key, minio);
            assertThat(sealed.getStatus()).as(sealed.getContentAsString()).isEqualTo(201);
            assertThat(sealed.getContentAsString()).doesNotContain("\"sk\"");
        });
        runner().withPropertyValues("upload.outbound-allow=127.0.0.1/32").run(context -> {
            String key = key(context, "pro", Permission.STORAGE_MANAGE);
            MockHttpServletResponse refused = call(context, "POST", "/storage", key, minio);
            assertThat(refused.getStatus()).isEqualTo(422);
            assertThat(refused.getContentAsString()).contains("secret_key").contains("master key");
        });
    }

    @Test
    void urlImportsReachWhatOutboundAllowAllows() throws Exception {
        HttpServer origin = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        origin.createContext("/file.txt", exchange -> {
            byte[] body = "imported".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        origin.start();
        String request = "{\"url\": \"http://127.0.0.1:" + origin.getAddress().getPort() + "/file.txt\"}";
        try {
            runner().withPropertyValues("upload.outbound-allow=127.0.0.1/32").run(context -> {
                String key = key(context, "pro", Permission.FILES_WRITE);
                MockHttpServletResponse imported = call(context, "POST", "/files/upload-from-url", key, request);
                assertThat(imported.getStatus()).as(imported.getContentAsString()).isEqualTo(201);
                assertThat(read(imported).path("data").path("size_bytes").asLong()).isEqualTo(8);
            });
            runner().run(context -> {
                String key = key(context, "pro", Permission.FILES_WRITE);
                MockHttpServletResponse refused = call(context, "POST", "/files/upload-from-url", key, request);
                assertThat(refused.getStatus()).as(refused.getContentAsString()).isEqualTo(422);
            });
        } finally {
            origin.stop(0);
        }
        assertThat(Files.exists(tempDir.resolve("files"))).isTrue();
    }

    @Test
    void unstoredUploadsGoAfterTheConfiguredTtl() {
        runner().withPropertyValues("upload.unstored-ttl=1s", "upload.job-interval=1s").run(context -> {
            assertThat(context).hasNotFailed();
            UploadService uploads = context.getBean(UploadService.class);
            Project project = context.getBean(AccessService.class).createProject("p", "pro");
            UploadRequest unstored = new UploadRequest(project.id(), "draft.txt", "", false, null, null, null, false,
                    null);
            Upload upload = uploads.upload(unstored, new ByteArrayInputStream(new byte[] {1, 2, 3}));
            assertThat(await(() -> {
                try {
                    uploads.get(project.id(), upload.uuid());
                    return false;
                } catch (UploadException e) {
                    return e.code() == ErrorCode.NOT_FOUND;
                }
            })).as("removed by the background work within seconds, not a day").isTrue();
        });
    }

    private JsonNode read(MockHttpServletResponse response) throws Exception {
        return json.readTree(response.getContentAsString());
    }

    /** Polls {@code condition} every 50 ms for up to 10 s. */
    private static boolean await(ThrowingCondition condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.holds()) {
                return true;
            }
            LockSupport.parkNanos(50_000_000);
        }
        return condition.holds();
    }

    private interface ThrowingCondition {
        boolean holds() throws Exception;
    }
}
