package dev.uploadkit.standalone;

import dev.uploadkit.core.testing.TestContent;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An acknowledged upload survives {@code kill -9}: a server JVM takes uploads from several clients, is killed
 * with SIGKILL right after the last acknowledgement, and is started again on the same data; every upload it
 * answered 201 must then be listed as completed with exactly its bytes. On the embedded H2 default, PostgreSQL and
 * MariaDB.
 */
class CrashDurabilityTest {
    private static final String ADMIN_KEY = "crash-durability-admin-key";
    private static final int UPLOADS = 150;
    private static final int CLIENTS = 6;

    @TempDir
    Path dataDir;

    @Test
    void acknowledgedUploadsSurviveKillOnH2() throws Exception {
        killAndCheck(Map.of());
    }

    @Test
    void acknowledgedUploadsSurviveKillOnPostgres() throws Exception {
        try (TestDatabase db = TestDatabases.postgres()) {
            killAndCheck(databaseEnv(db));
        }
    }

    @Test
    void acknowledgedUploadsSurviveKillOnMariaDb() throws Exception {
        try (TestDatabase db = TestDatabases.mariadb()) {
            killAndCheck(databaseEnv(db));
        }
    }

    private static Map<String, String> databaseEnv(TestDatabase db) {
        Map<String, String> env = new HashMap<>(Map.of("UPLOADKIT_DATABASE_URL", db.jdbcUrl(),
                "UPLOADKIT_DATABASE_USER", db.username()));
        if (!db.password().isEmpty()) {
            env.put("UPLOADKIT_DATABASE_PASSWORD", db.password());
        }
        return env;
    }

    private void killAndCheck(Map<String, String> databaseEnv) throws Exception {
        Map<String, String> env = new HashMap<>(databaseEnv);
        env.put("UPLOADKIT_ADMIN_KEY", ADMIN_KEY);
        Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
        try (ForkedServer server = ForkedServer.fromClassPath(dataDir, env)) {
            ApiClient api = new ApiClient(server.baseUrl(), ADMIN_KEY);
            AtomicInteger next = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    running.add(clients.submit(() -> {
                        for (int i = next.getAndIncrement(); i < UPLOADS; i = next.getAndIncrement()) {
                            byte[] bytes = TestContent.random(i, 1000 + i * 37);
                            ApiClient.Answer answer = api.upload("crash-" + i + ".bin", bytes);
                            assertEquals(201, answer.status(), answer.json()::toString);
                            acknowledged.put(answer.data().path("uuid").asText(), bytes);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : running) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                clients.shutdownNow();
            }
            // A first start and a burst of uploads log nothing alarming on any database.
            assertEquals(List.of(), server.warnings());
            server.kill();
        }
        assertEquals(UPLOADS, acknowledged.size());

        try (ForkedServer restarted = ForkedServer.fromClassPath(dataDir, env)) {
            ApiClient api = new ApiClient(restarted.baseUrl(), ADMIN_KEY);
            List<String> lost = new ArrayList<>();
            for (Map.Entry<String, byte[]> upload : acknowledged.entrySet()) {
                ApiClient.Answer details = api.get("/files/" + upload.getKey());
                HttpResponse<byte[]> bytes = api.bytes("/files/" + upload.getKey() + "/download");
                boolean intact = details.status() == 200
                        && "completed".equals(details.data().path("status").asText())
                        && bytes.statusCode() == 200
                        && TestContent.sha256(bytes.body()).equals(TestContent.sha256(upload.getValue()));
                if (!intact) {
                    lost.add(upload.getKey() + " (details " + details.status() + ", download " + bytes.statusCode() + ")");
                }
            }
            assertTrue(lost.isEmpty(), lost.size() + " of " + UPLOADS + " acknowledged uploads lost: " + lost);
            assertEquals(UPLOADS, api.get("/files?per_page=1").json().path("meta").path("total").asInt(),
                    "exactly the acknowledged uploads are listed");
        }
    }
}
