package dev.uploadkit.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploadkit.core.testing.S3ProxyServer;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files of several parts sent with curl to the standalone server storing into S3 (S3Proxy on 127.0.0.1), in each
 * order of a form's parts: the file's length is guessed from the request's Content-Length, so a file that ends the
 * form goes as one PUT, and one followed by fields is mended in the bucket; either way the object holds exactly the
 * file under {@code folder/filename}.
 */
class S3FormOrderTest {
    private static final String ADMIN_KEY = "s3-form-order-admin-key-0123";
    private static final String BUCKET = "forms";
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path data;
    @TempDir
    Path bucketDir;
    @TempDir
    Path files;

    @Test
    void eachOrderOfTheFormStoresExactlyTheFileUnderItsKey() throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start(bucketDir)) {
            StandaloneConfig config = StandaloneConfig.from(new String[] {"--port", "0", "--data-dir", data.toString()},
                    Map.of("UPLOADKIT_S3_ENDPOINT", s3.endpoint().toString(), "UPLOADKIT_S3_BUCKET", BUCKET,
                            "UPLOADKIT_S3_ACCESS_KEY", s3.accessKey(), "UPLOADKIT_S3_SECRET_KEY", s3.secretKey(),
                            "UPLOADKIT_S3_REGION", S3ProxyServer.REGION, "UPLOADKIT_ADMIN_KEY", ADMIN_KEY));
            try (StandaloneServer server = StandaloneServer.start(config,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
                byte[] alone = TestContent.random(31, 12 * 1024 * 1024 + 5);
                byte[] first = TestContent.random(32, 11 * 1024 * 1024 + 7);
                byte[] after = TestContent.random(33, 10 * 1024 * 1024 + 9);
                byte[] metadataAfter = TestContent.random(34, 9 * 1024 * 1024 + 1);

                JsonNode a = curl(server, "alone.bin", alone, List.of(), List.of());
                JsonNode b = curl(server, "first.bin", first, List.of("folder=f1"), List.of());
                JsonNode c = curl(server, "after.bin", after, List.of(), List.of("folder=f2"));
                JsonNode d = curl(server, "meta.bin", metadataAfter, List.of("folder=f3"),
                        List.of("metadata={\"k\":\"v\"}"));

                assertEquals("alone.bin", a.path("object_key").asText());
                assertEquals("f1/first.bin", b.path("object_key").asText());
                assertEquals("f2/after.bin", c.path("object_key").asText());
                assertEquals("f3/meta.bin", d.path("object_key").asText());
                assertEquals("v", d.path("metadata").path("k").asText());
                assertDownloads(server, a, alone);
                assertDownloads(server, b, first);
                assertDownloads(server, c, after);
                assertDownloads(server, d, metadataAfter);
                // A file ending the form was one PUT (a multipart object's ETag ends in -<parts>).
                assertFalse(s3.eTag(BUCKET, "alone.bin").orElseThrow().contains("-"));
                assertFalse(s3.eTag(BUCKET, "f1/first.bin").orElseThrow().contains("-"));
                assertEquals(List.of("alone.bin", "f1/first.bin", "f2/after.bin", "f3/meta.bin"), s3.keys(BUCKET));
                assertEquals(0, s3.pendingMultipartUploads(BUCKET));
            }
        }
    }

    private JsonNode curl(StandaloneServer server, String filename, byte[] bytes, List<String> before,
                          List<String> after) throws Exception {
        Path file = Files.write(files.resolve(filename), bytes);
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--noproxy", "*", "-H",
                "X-API-Key: " + ADMIN_KEY));
        before.forEach(field -> command.addAll(List.of("-F", field)));
        command.addAll(List.of("-F", "file=@" + file));
        after.forEach(field -> command.addAll(List.of("-F", field)));
        command.add(server.baseUrl() + "/files/upload");
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = curl.getInputStream().readAllBytes();
        assertTrue(curl.waitFor(60, TimeUnit.SECONDS));
        JsonNode answer = json.readTree(out);
        assertEquals(filename, answer.path("data").path("filename").asText(), answer::toString);
        return answer.path("data");
    }

    private void assertDownloads(StandaloneServer server, JsonNode upload, byte[] bytes) throws Exception {
        HttpResponse<byte[]> download = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/files/"
                + upload.path("uuid").asText() + "/download")).header("X-API-Key", ADMIN_KEY).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, download.statusCode());
        assertArrayEquals(bytes, download.body());
    }
}
