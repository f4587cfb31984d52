package dev.uploadkit.standalone;

import dev.uploadkit.core.store.StoreIds;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploadkit.core.testing.S3ProxyServer;
import dev.uploadkit.core.testing.TestContent;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two standalone instances on one PostgreSQL database and one S3-compatible bucket (S3Proxy on 127.0.0.1),
 * configured only through the settings of SPEC §6, behave as one service: each has a data dir of its own, and
 * download links signed by one open on the other with the key they share through the database.
 */
class SharedBackendTest {
    private static final String ADMIN_KEY = "shared-admin-key-for-two-instances";
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dataA;
    @TempDir
    Path dataB;
    @TempDir
    Path bucketDir;

    @Test
    void twoInstancesOnPostgresAndS3ShareFilesKeysAndLinks() throws Exception {
        try (TestDatabase db = TestDatabases.postgres(); S3ProxyServer s3 = S3ProxyServer.start(bucketDir)) {
            Map<String, String> env = new HashMap<>(Map.of(
                    "UPLOADKIT_DATABASE_URL", db.jdbcUrl(),
                    "UPLOADKIT_DATABASE_USER", db.username(),
                    "UPLOADKIT_S3_ENDPOINT", s3.endpoint().toString(),
                    "UPLOADKIT_S3_BUCKET", "shared",
                    "UPLOADKIT_S3_ACCESS_KEY", s3.accessKey(),
                    "UPLOADKIT_S3_SECRET_KEY", s3.secretKey(),
                    "UPLOADKIT_S3_REGION", S3ProxyServer.REGION,
                    "UPLOADKIT_ADMIN_KEY", ADMIN_KEY)); // no UPLOADKIT_SIGNING_KEY: not a SPEC §6 setting
            if (!db.password().isEmpty()) {
                env.put("UPLOADKIT_DATABASE_PASSWORD", db.password());
            }
            try (StandaloneServer a = start(dataA, env); StandaloneServer b = start(dataB, env)) {
                byte[] bytes = TestContent.random(21, 6 * 1024 * 1024 + 3);
                JsonNode uploaded = upload(a.baseUrl(), "shared.bin", bytes).path("data");
                String uuid = uploaded.path("uuid").asText();
                assertEquals(StoreIds.wire("s3"), uploaded.path("storage_id").asText());
                assertEquals(List.of("shared.bin"), s3.keys("shared"), "the bytes went to the bucket");

                HttpResponse<byte[]> viaB = http.send(HttpRequest.newBuilder(URI.create(b.baseUrl() + "/files/" + uuid
                        + "/download")).header("X-API-Key", ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, viaB.statusCode());
                assertArrayEquals(bytes, viaB.body());

                String signedByA = uploaded.path("download_url").asText();
                String portB = b.baseUrl().replaceAll(".*:(\\d+)/.*", "$1");
                HttpResponse<byte[]> linkViaB = http.send(HttpRequest.newBuilder(URI.create(
                        signedByA.replaceFirst(":\\d+/", ":" + portB + "/"))).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, linkViaB.statusCode(), "a link signed by one instance is honoured by the other");

                JsonNode dup = upload(b.baseUrl(), "again.bin", bytes).path("data");
                assertTrue(dup.path("deduplicated").asBoolean(), "dedup spans instances");
                assertEquals(1, s3.keys("shared").size());

                HttpResponse<String> force = http.send(HttpRequest.newBuilder(URI.create(b.baseUrl() + "/files/" + uuid
                        + "/force")).header("X-API-Key", ADMIN_KEY).DELETE().build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, force.statusCode());
                HttpResponse<String> gone = http.send(HttpRequest.newBuilder(URI.create(a.baseUrl() + "/files/" + uuid))
                        .header("X-API-Key", ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(404, gone.statusCode());
                assertEquals(1, s3.keys("shared").size(), "still referenced by the second upload");
                assertEquals(0, s3.pendingMultipartUploads("shared"));
            }
        }
    }

    private static StandaloneServer start(Path dataDir, Map<String, String> env) throws Exception {
        StandaloneConfig config = StandaloneConfig.from(new String[] {"--port", "0", "--data-dir", dataDir.toString()}, env);
        return StandaloneServer.start(config, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private JsonNode upload(String base, String filename, byte[] bytes) throws Exception {
        ApiClient.Answer answer = new ApiClient(base, ADMIN_KEY).upload(filename, bytes);
        assertEquals(201, answer.status(), answer.json()::toString);
        return answer.json();
    }
}
