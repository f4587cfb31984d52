package dev.uploadkit.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two standalone instances on one PostgreSQL or MariaDB database, configured only through environment variables,
 * share a free project's burst limit: whichever instance takes the 11th request of a minute answers 429.
 */
class SharedLimitsTest {
    private static final String ADMIN_KEY = "shared-admin-key-for-two-limited-instances";
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dataA;
    @TempDir
    Path dataB;

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"POSTGRESQL", "MARIADB"})
    void theEleventhRequestOfAMinuteIsRefusedByEitherInstance(TestDatabases.Kind kind) throws Exception {
        try (TestDatabase db = kind.open()) {
            Map<String, String> env = new HashMap<>(Map.of(
                    "UPLOADKIT_DATABASE_URL", db.jdbcUrl(),
                    "UPLOADKIT_DATABASE_USER", db.username(),
                    "UPLOADKIT_ADMIN_KEY", ADMIN_KEY,
                    "UPLOADKIT_SIGNING_KEY", "one-signing-secret-shared-by-every-instance"));
            if (!db.password().isEmpty()) {
                env.put("UPLOADKIT_DATABASE_PASSWORD", db.password());
            }
            try (StandaloneServer a = start(dataA, env); StandaloneServer b = start(dataB, env)) {
                // A minute boundary between the first and the last request refills the burst; then the round is
                // repeated with a fresh project (the Reset header tells), rather than waiting for a quiet minute.
                for (int round = 1; ; round++) {
                    String key = freeProjectKey(a.baseUrl(), "round-" + round);
                    Set<String> resets = new HashSet<>();
                    for (int i = 0; i < 10; i++) {
                        HttpResponse<String> ok = get((i % 2 == 0 ? a : b).baseUrl() + "/files", key);
                        assertEquals(200, ok.statusCode(), ok.body());
                        assertEquals("10", ok.headers().firstValue("X-RateLimit-Limit").orElseThrow());
                        resets.add(ok.headers().firstValue("X-RateLimit-Reset").orElseThrow());
                    }
                    HttpResponse<String> onB = get(b.baseUrl() + "/files", key);
                    HttpResponse<String> onA = get(a.baseUrl() + "/files", key);
                    resets.add(onB.headers().firstValue("X-RateLimit-Reset").orElseThrow());
                    resets.add(onA.headers().firstValue("X-RateLimit-Reset").orElseThrow());
                    if (resets.size() > 1 && round < 3) {
                        continue;
                    }
                    assertEquals(429, onB.statusCode(), onB.body());
                    assertEquals("RATE_LIMITED", json.readTree(onB.body()).path("error").path("code").asText());
                    assertTrue(onB.headers().firstValue("Retry-After").isPresent());
                    assertEquals(429, onA.statusCode(), "the other instance refuses too");
                    break;
                }
                HttpResponse<String> admin = get(a.baseUrl() + "/files", ADMIN_KEY);
                assertEquals(200, admin.statusCode());
                assertTrue(admin.headers().firstValue("X-RateLimit-Limit").isEmpty(), "the first project is unlimited");
            }
        }
    }

    private String freeProjectKey(String base, String name) throws Exception {
        JsonNode project = json.readTree(post(base + "/admin/projects", "{\"name\":\"" + name + "\"}").body());
        assertEquals("free", project.path("data").path("plan").asText(), "admin/projects without plan → free");
        String id = project.path("data").path("id").asText();
        HttpResponse<String> key = post(base + "/admin/projects/" + id + "/api-keys",
                "{\"name\":\"k\",\"permissions\":[\"files:read\"]}");
        assertEquals(201, key.statusCode(), key.body());
        return json.readTree(key.body()).path("data").path("key").asText();
    }

    private HttpResponse<String> get(String url, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("X-API-Key", key).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("X-API-Key", ADMIN_KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static StandaloneServer start(Path dataDir, Map<String, String> env) throws Exception {
        StandaloneConfig config = StandaloneConfig.from(new String[] {"--port", "0", "--data-dir", dataDir.toString()},
                env);
        return StandaloneServer.start(config, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }
}
