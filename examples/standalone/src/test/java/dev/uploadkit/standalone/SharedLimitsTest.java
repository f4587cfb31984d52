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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two standalone instances on one PostgreSQL or MariaDB database, configured only through environment variables,
 * share a free project's burst limit: whichever instance takes the 11th request of a minute answers 429. A plan change
 * or a revoked key applies at once on the instance that made it and within {@code UPLOADKIT_LOOKUP_CACHE_TTL} on the
 * other; the job runner purges the limiter's rows of past months.
 */
class SharedLimitsTest {
    private static final String ADMIN_KEY = "shared-admin-key-for-two-limited-instances";
    private static final String BUCKET_IDS = "SELECT id FROM rate_limit_buckets";
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
            Map<String, String> env = env(db);
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

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"POSTGRESQL", "MARIADB"})
    void changesApplyAtOnceWhereMadeAndWithinTheLookupTtlElsewhereAndOldMonthsArePurged(TestDatabases.Kind kind)
            throws Exception {
        try (TestDatabase db = kind.open()) {
            String oldMonth = "2020-01:" + UUID.randomUUID();
            try (Connection c = db.dataSource().getConnection();
                 PreparedStatement insert = c.prepareStatement("INSERT INTO rate_limit_buckets (id) VALUES (?)")) {
                insert.setString(1, oldMonth);
                insert.executeUpdate();
            }
            Map<String, String> env = env(db);
            env.put("UPLOADKIT_LOOKUP_CACHE_TTL", "1s");
            env.put("UPLOADKIT_JOB_INTERVAL", "1s");
            try (StandaloneServer a = start(dataA, env); StandaloneServer b = start(dataB, env)) {
                String key = freeProjectKey(a.baseUrl(), "changes");
                assertEquals("10", get(a.baseUrl() + "/files", key).headers().firstValue("X-RateLimit-Limit")
                        .orElseThrow(), "free, and now known to A");
                assertEquals("10", get(b.baseUrl() + "/files", key).headers().firstValue("X-RateLimit-Limit")
                        .orElseThrow(), "free, and now known to B");
                String project = null;
                for (JsonNode p : json.readTree(get(a.baseUrl() + "/admin/projects", ADMIN_KEY).body()).path("data")) {
                    project = p.path("name").asText().equals("changes") ? p.path("id").asText() : project;
                }
                assertTrue(project != null);
                String projectId = project;

                HttpResponse<String> patched = send("PATCH", a.baseUrl() + "/admin/projects/" + projectId, ADMIN_KEY,
                        "{\"plan\":\"starter\"}");
                assertEquals(200, patched.statusCode(), patched.body());
                assertEquals("100", get(a.baseUrl() + "/files", key).headers().firstValue("X-RateLimit-Limit")
                        .orElseThrow(), "at once on the instance that changed the plan");
                await(() -> get(b.baseUrl() + "/files", key).headers().firstValue("X-RateLimit-Limit")
                        .orElse("").equals("100"), "the plan change on the other instance");

                String keyId = json.readTree(get(a.baseUrl() + "/api-keys", key).body()).path("data").get(0)
                        .path("id").asText();
                HttpResponse<String> revoked = send("DELETE", a.baseUrl() + "/api-keys/" + keyId, key, null);
                assertEquals(200, revoked.statusCode(), revoked.body());
                assertEquals(401, get(a.baseUrl() + "/files", key).statusCode(), "at once where it was revoked");
                await(() -> get(b.baseUrl() + "/files", key).statusCode() == 401,
                        "the revocation on the other instance");

                await(() -> !db.strings(BUCKET_IDS).contains(oldMonth),
                        "the job runner to purge the row of a past month");
                assertTrue(db.strings(BUCKET_IDS).stream().anyMatch(id -> id.endsWith(":" + projectId)),
                        "the current month's row stays");
            }
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    private static Map<String, String> env(TestDatabase db) {
        Map<String, String> env = new HashMap<>(Map.of(
                "UPLOADKIT_DATABASE_URL", db.jdbcUrl(),
                "UPLOADKIT_DATABASE_USER", db.username(),
                "UPLOADKIT_ADMIN_KEY", ADMIN_KEY,
                "UPLOADKIT_SIGNING_KEY", "one-signing-secret-shared-by-every-instance"));
        if (!db.password().isEmpty()) {
            env.put("UPLOADKIT_DATABASE_PASSWORD", db.password());
        }
        return env;
    }

    private HttpResponse<String> send(String method, String url, String key, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("X-API-Key", key)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String freeProjectKey(String base, String name) throws Exception {
        JsonNode project = json.readTree(post(base + "/admin/projects", "{\"name\":\"" + name + "\"}").body());
        assertEquals("free", project.path("data").path("plan").asText(), "admin/projects without plan → free");
        String id = project.path("data").path("id").asText();
        HttpResponse<String> key = post(base + "/admin/projects/" + id + "/api-keys",
                "{\"name\":\"k\",\"permissions\":[\"files:read\",\"keys:manage\"]}");
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
