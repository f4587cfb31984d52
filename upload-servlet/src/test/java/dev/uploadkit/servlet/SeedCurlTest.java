package dev.uploadkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seed's curl examples, run with the {@code curl} binary against the servlet, only the host changed. */
class SeedCurlTest {
    @TempDir
    static Path dir;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir.resolve("store"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** Runs curl with the given arguments (plus {@code -s}) and returns its output as JSON. */
    private static JsonNode curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-s"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        for (String proxy : List.of("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                "ALL_PROXY")) {
            env.remove(proxy);
        }
        Process process = pb.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "curl finished");
        assertEquals(0, process.exitValue(), new String(output));
        return TestServer.JSON.readTree(output);
    }

    @Test
    void theSeedsUploadAndListExamplesWork() throws Exception {
        Path file = dir.resolve("file.pdf");
        Files.write(file, TestContent.pdf());
        String base = "http://127.0.0.1:" + server.port();

        JsonNode uploaded = curl("-X", "POST", base + "/v1/external/files/upload",
                "-H", "X-API-Key: " + server.key,
                "-F", "file=@" + file,
                "-F", "folder=uploads",
                "-F", "is_public=false",
                "-F", "content_disposition=attachment");

        assertTrue(uploaded.get("success").asBoolean(), uploaded.toString());
        JsonNode u = uploaded.get("data");
        assertEquals("file.pdf", u.get("filename").asText());
        assertEquals("uploads", u.get("folder").asText());
        assertEquals("uploads/file.pdf", u.get("object_key").asText(), "the folder sent after the file names the object");
        assertTrue(server.storedFiles().contains(dir.resolve("store").resolve("files").resolve("uploads")
                .resolve("file.pdf")), () -> "stored under uploads/: " + server.storedFiles());
        assertFalse(u.get("is_public").asBoolean());
        assertEquals("attachment", u.get("content_disposition").asText());
        assertEquals("application/pdf", u.get("mime_type").asText());
        assertEquals("completed", u.get("status").asText());
        assertEquals("sha256:" + TestContent.sha256(TestContent.pdf()), u.get("file_hash").asText());

        JsonNode listed = curl("-X", "GET", base + "/v1/external/files", "-H", "X-API-Key: " + server.key);
        assertTrue(listed.get("success").asBoolean());
        assertEquals(1, listed.get("meta").get("total").asInt());
        assertEquals(u.get("uuid").asText(), listed.get("data").get(0).get("uuid").asText());
        assertEquals("uploads", listed.get("data").get(0).get("folder").asText());

        JsonNode missing = curl("-X", "POST", base + "/v1/external/files/upload",
                "-H", "X-API-Key: " + server.key, "-F", "folder=uploads");
        assertFalse(missing.get("success").asBoolean());
        assertEquals("VALIDATION_ERROR", missing.get("error").get("code").asText());
        assertEquals("The file field is required.", missing.get("error").get("details").get("file").get(0).asText());
    }

    @Test
    void jsonBodiesAreReadWhateverContentTypeCurlSends() throws Exception {
        TestServer.Tenant tenant = server.newTenant("curl -d");
        byte[] bytes = TestContent.random(3, 100);
        server.uploaded(tenant.key(), Multipart.form().file("hashed.bin", bytes));
        // curl -d sends application/x-www-form-urlencoded unless told otherwise.
        JsonNode r = curl("-X", "POST", server.base() + "/files/check-hash", "-H", "X-API-Key: " + tenant.key(),
                "-d", "{\"hash\": \"sha256:" + TestContent.sha256(bytes) + "\"}");
        assertTrue(r.get("success").asBoolean(), r.toString());
        assertTrue(r.get("data").get("exists").asBoolean());
    }
}
