package dev.uploadkit.example.boot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploadkit.jdbc.UploadkitDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the example application on a random port, as {@code java -jar} would, and runs the README's Spring Boot
 * curl tour against it with the key it logged or was given, then reads Uploadkit's health and metrics from Actuator.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReadmeTourTest {
    private static final Pattern ADMIN_LINE = Pattern.compile("Admin API key: (\\S+)");
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void theReadmeTourWorksWithTheLoggedKey(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext app = start()) {
            Matcher printed = ADMIN_LINE.matcher(output.toString());
            assertThat(printed.find()).as("the first start logs an admin key").isTrue();
            String key = printed.group(1);
            assertThat(printed.find()).as("exactly once").isFalse();
            String uk = baseUrl(app);
            Path hello = work.resolve("hello.txt");
            Files.writeString(hello, "hello uploadkit\n");

            JsonNode up = curl("-X", "POST", uk + "/files/upload", "-H", "X-API-Key: " + key,
                    "-F", "file=@" + hello, "-F", "folder=uploads", "-F", "is_public=false",
                    "-F", "content_disposition=attachment").path("data");
            String id = up.path("uuid").asText();
            assertThat(up.path("mime_type").asText()).isEqualTo("text/plain");
            assertThat(curl(uk + "/files?search=hello", "-H", "X-API-Key: " + key).path("data").get(0)
                    .path("uuid").asText()).isEqualTo(id);
            assertThat(curl(uk + "/files?folder=uploads&mime_type=text/*&sort=size_bytes&order=desc&per_page=10",
                    "-H", "X-API-Key: " + key).path("meta").path("total").asInt()).isEqualTo(1);
            assertThat(curl(uk + "/files/" + id, "-H", "X-API-Key: " + key).path("data").path("filename").asText())
                    .isEqualTo("hello.txt");
            assertThat(new String(curlBytes(uk + "/files/" + id + "/download", "-H", "X-API-Key: " + key,
                    "-H", "Range: bytes=0-4"), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(curl("-X", "PATCH", uk + "/files/" + id, "-H", "X-API-Key: " + key,
                    "-H", "Content-Type: application/json",
                    "-d", "{\"filename\":\"greeting.txt\",\"metadata\":{\"order_id\":\"42\"}}")
                    .path("data").path("filename").asText()).isEqualTo("greeting.txt");

            curl("-X", "DELETE", uk + "/files/" + id, "-H", "X-API-Key: " + key);
            assertThat(curl(uk + "/files/trash", "-H", "X-API-Key: " + key).path("meta").path("total").asInt())
                    .isEqualTo(1);
            curl("-X", "POST", uk + "/files/" + id + "/restore", "-H", "X-API-Key: " + key);

            assertThat(curl("-X", "POST", uk + "/files/upload", "-H", "X-API-Key: " + key, "-F", "file=@" + hello)
                    .path("data").path("deduplicated").asBoolean()).isTrue();
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(hello)));
            assertThat(curl("-X", "POST", uk + "/files/check-hash", "-H", "X-API-Key: " + key,
                    "-H", "Content-Type: application/json", "-d", "{\"hash\":\"" + hash + "\"}")
                    .path("data").path("exists").asBoolean()).isTrue();
            assertThat(curl(uk + "/files/deduplication-stats", "-H", "X-API-Key: " + key)
                    .path("data").path("duplicate_files").asInt()).isEqualTo(1);

            curl("-X", "DELETE", uk + "/files/" + id + "/force", "-H", "X-API-Key: " + key);
            curl("-X", "DELETE", uk + "/files/trash", "-H", "X-API-Key: " + key);
            assertThat(curl("-X", "POST", uk + "/api-keys", "-H", "X-API-Key: " + key,
                    "-H", "Content-Type: application/json", "-d", "{\"name\":\"reader\",\"permissions\":[\"files:read\"]}")
                    .path("data").path("key").asText()).startsWith("uk_");
            assertThat(curl("-X", "POST", uk + "/admin/projects", "-H", "X-API-Key: " + key,
                    "-H", "Content-Type: application/json", "-d", "{\"name\":\"shop\",\"plan\":\"starter\"}")
                    .path("data").path("name").asText()).isEqualTo("shop");

            String actuator = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + "/actuator";
            JsonNode health = json.readTree(curlBytes(actuator + "/health"));
            assertThat(health.path("components").path("uploadkit").path("status").asText()).isEqualTo("UP");
            assertThat(health.path("components").path("uploadkit").path("details").path("store").asText())
                    .isEqualTo("local");
            JsonNode uploads = json.readTree(curlBytes(actuator + "/metrics/uploadkit.uploads?tag=outcome:success"));
            assertThat(uploads.path("measurements").get(0).path("value").asDouble()).as("COUNT").isEqualTo(2);
            JsonNode bytes = json.readTree(curlBytes(actuator + "/metrics/uploadkit.downloads.bytes"));
            assertThat(bytes.path("measurements").findValuesAsText("statistic")).contains("TOTAL");
        }
    }

    @Test
    void aConfiguredKeyWorksAndFilesSurviveARestart(CapturedOutput output) throws Exception {
        String key = "my-own-admin-key-0123456789abcdef";
        Path photo = work.resolve("notes.txt");
        Files.writeString(photo, "kept across restarts\n");
        String id;
        try (ConfigurableApplicationContext app = start("--upload.admin-key=" + key)) {
            id = curl("-X", "POST", baseUrl(app) + "/files/upload", "-H", "X-API-Key: " + key, "-F", "file=@" + photo)
                    .path("data").path("uuid").asText();
        }
        try (ConfigurableApplicationContext app = start("--upload.admin-key=" + key)) {
            assertThat(new String(curlBytes(baseUrl(app) + "/files/" + id + "/download", "-H", "X-API-Key: " + key),
                    StandardCharsets.UTF_8)).isEqualTo("kept across restarts\n");
        }
        assertThat(output.toString()).doesNotContain("Admin API key:").doesNotContain(key);
    }

    /** The example runs on the H2 that Spring Boot manages (the build passes its version), and the catalog works on it. */
    @Test
    void theCatalogRunsOnTheH2SpringBootManages() throws Exception {
        String expected = System.getProperty("expected.h2.version");
        assertThat(expected).as("set by the example's pom from Boot's h2.version").isNotBlank();
        try (ConfigurableApplicationContext app = start("--upload.admin-key=h2-version-admin-key-0123456789")) {
            try (Connection c = app.getBean(UploadkitDatabase.class).dataSource().getConnection();
                 ResultSet rs = c.createStatement().executeQuery("SELECT H2VERSION()")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(expected);
            }
            Path file = work.resolve("h2.txt");
            Files.writeString(file, "on boot's h2\n");
            JsonNode up = curl("-X", "POST", baseUrl(app) + "/files/upload",
                    "-H", "X-API-Key: h2-version-admin-key-0123456789", "-F", "file=@" + file).path("data");
            assertThat(up.path("size_bytes").asLong()).isEqualTo(13);
        }
    }

    private ConfigurableApplicationContext start(String... extra) {
        List<String> args = new ArrayList<>(List.of("--server.port=0",
                "--upload.database.url=jdbc:h2:file:" + work.resolve("data").resolve("db").resolve("uploadkit"),
                "--upload.store.path=" + work.resolve("data").resolve("files")));
        args.addAll(List.of(extra));
        return SpringApplication.run(UploadkitBootApplication.class, args.toArray(String[]::new));
    }

    private static String baseUrl(ConfigurableApplicationContext app) {
        return "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + "/v1/external";
    }

    private JsonNode curl(String... args) throws Exception {
        JsonNode node = json.readTree(curlBytes(args));
        assertThat(node.path("success").asBoolean()).as(node::toString).isTrue();
        return node;
    }

    private static byte[] curlBytes(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--fail-with-body", "--noproxy", "*"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).as(() -> "curl failed: " + cmd + " -> " + new String(out, StandardCharsets.UTF_8))
                .isZero();
        return out;
    }
}
