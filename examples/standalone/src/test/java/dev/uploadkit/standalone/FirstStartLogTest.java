package dev.uploadkit.standalone;

import dev.uploadkit.core.testing.TestContent;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A first start on an empty MariaDB database, and uploads of the same bytes racing, log no warning: MariaDB's
 * driver logs every error packet at WARN, and both meet errors Uploadkit expects (Flyway looking for its history
 * table; the unique content key settling a race), so the standalone server sets that logger to ERROR.
 */
class FirstStartLogTest {
    private static final String ADMIN_KEY = "first-start-log-admin-key";

    @TempDir
    Path dataDir;

    @Test
    void aFirstStartOnMariaDbAndRacingDuplicatesLogNoWarning() throws Exception {
        try (TestDatabases.EmptyDatabase db = TestDatabases.emptyMariadb()) {
            Map<String, String> env = new HashMap<>(Map.of("UPLOADKIT_DATABASE_URL", db.url(),
                    "UPLOADKIT_DATABASE_USER", db.user(), "UPLOADKIT_ADMIN_KEY", ADMIN_KEY));
            if (!db.password().isEmpty()) {
                env.put("UPLOADKIT_DATABASE_PASSWORD", db.password());
            }
            try (ForkedServer server = ForkedServer.fromClassPath(dataDir, env)) {
                ApiClient api = new ApiClient(server.baseUrl(), ADMIN_KEY);
                byte[] same = TestContent.random(7, 50_000);
                ExecutorService clients = Executors.newFixedThreadPool(8);
                try {
                    for (int round = 0; round < 5; round++) {
                        List<Future<Integer>> answers = new ArrayList<>();
                        for (int c = 0; c < 8; c++) {
                            answers.add(clients.submit(() -> api.upload("same.bin", same).status()));
                        }
                        for (Future<Integer> answer : answers) {
                            assertEquals(201, answer.get(60, TimeUnit.SECONDS));
                        }
                    }
                } finally {
                    clients.shutdownNow();
                }
                assertEquals(40, api.get("/files?per_page=1").json().path("meta").path("total").asInt());
                assertEquals(List.of(), server.warnings());
                server.stop();
            }
        }
    }
}
