package dev.uploadkit.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.storage.SecretBox;
import dev.uploadkit.core.testing.S3ProxyServer;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bring your own bucket through the standalone server, configured only by environment variables: a bucket on S3Proxy
 * (127.0.0.1, let through by UPLOADKIT_OUTBOUND_ALLOW) takes the uploads, the generated master key is kept in the
 * data dir, and a master-key rotation over two restarts keeps the storage working.
 */
class StandaloneStorageTest {
    private static final String ADMIN_KEY = "standalone-storage-admin-key-0123456789";

    @TempDir
    Path dataDir;

    private StandaloneServer start(Map<String, String> env) throws Exception {
        StandaloneConfig config = StandaloneConfig.from(new String[] {"--port", "0", "--data-dir", dataDir.toString()},
                env);
        return StandaloneServer.start(config, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @Test
    void aBucketOnS3ProxyTakesUploadsAndSurvivesAMasterKeyRotation() throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start()) {
            Map<String, String> env = new HashMap<>(Map.of("UPLOADKIT_ADMIN_KEY", ADMIN_KEY,
                    "UPLOADKIT_OUTBOUND_ALLOW", "127.0.0.1/32"));
            byte[] bytes = TestContent.random(31, 70_000);
            String uuid;
            try (StandaloneServer server = start(env)) {
                ApiClient api = new ApiClient(server.baseUrl(), ADMIN_KEY);
                ApiClient.Answer added = api.send("POST", "/storage", "{\"name\": \"mine\", \"provider\": \"minio\","
                        + " \"endpoint\": \"" + s3.endpoint() + "\", \"bucket\": \"byob\", \"access_key\": \""
                        + s3.accessKey() + "\", \"secret_key\": \"" + s3.secretKey() + "\", \"is_default\": true}");
                assertEquals(201, added.status(), added.json()::toString);
                ApiClient.Answer check = api.send("POST", "/storage/" + added.data().get("id").asText() + "/test", null);
                assertTrue(check.data().get("ok").asBoolean(), check.json()::toString);
                ApiClient.Answer up = api.upload("byob.bin", bytes);
                assertEquals(201, up.status(), up.json()::toString);
                uuid = up.data().get("uuid").asText();
                assertEquals(added.data().get("id").asText(), up.data().get("storage_id").asText());
                assertEquals(List.of("byob.bin"), s3.keys("byob"));
            }
            Path kept = dataDir.resolve("master.key");
            assertTrue(Files.isRegularFile(kept), "the generated master key is kept in the data dir");
            String oldKey = Files.readString(kept).strip();

            String newKey = SecretBox.generateKey();
            env.put("UPLOADKIT_MASTER_KEY", newKey);
            env.put("UPLOADKIT_MASTER_KEY_PREVIOUS", oldKey);
            try (StandaloneServer server = start(env)) {
                assertArrayEquals(bytes, new ApiClient(server.baseUrl(), ADMIN_KEY).bytes("/files/" + uuid
                        + "/download").body());
            }
            env.remove("UPLOADKIT_MASTER_KEY_PREVIOUS");
            try (StandaloneServer server = start(env)) {
                ApiClient api = new ApiClient(server.baseUrl(), ADMIN_KEY);
                assertArrayEquals(bytes, api.bytes("/files/" + uuid + "/download").body(), "re-sealed under the new key");
                assertEquals(201, api.upload("after.bin", TestContent.random(32, 10)).status());
                assertEquals(List.of("after.bin", "byob.bin"), s3.keys("byob"));
            }
        }
    }

    @Test
    void withoutAnAllowListAnEndpointOnLoopbackOrTheMetadataServiceIsRefused() throws Exception {
        try (StandaloneServer server = start(Map.of("UPLOADKIT_ADMIN_KEY", ADMIN_KEY))) {
            ApiClient api = new ApiClient(server.baseUrl(), ADMIN_KEY);
            for (String endpoint : List.of("http://127.0.0.1:9000", "http://169.254.169.254")) {
                ApiClient.Answer r = api.send("POST", "/storage", "{\"name\": \"x\", \"provider\": \"s3\", \"endpoint\":"
                        + " \"" + endpoint + "\", \"bucket\": \"bbb\", \"access_key\": \"a\", \"secret_key\": \"s\"}");
                assertEquals(422, r.status());
                JsonNode details = r.json().path("error").path("details");
                assertTrue(details.has("endpoint"), r.json()::toString);
            }
            assertEquals(0, api.get("/storage").data().size());
        }
    }
}
