package dev.uploadkit.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.testing.OriginServer;
import dev.uploadkit.core.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Async imports are durable jobs: a forked standalone server (H2 file, local folder, configured only by
 * {@code UPLOADKIT_*} variables) is killed with eight imports in flight from a slow source and two still queued
 * behind them. After a restart none stays {@code pending} or {@code processing}: the queued ones complete, the cut-off
 * ones are run again and end with a reason.
 */
class ImportRestartForkedTest {
    private static final String ADMIN_KEY = "import-restart-admin-key-0123456789";
    private static final int IN_FLIGHT = 8;

    @TempDir
    Path dataDir;

    @Test
    void importsCutOffByAKillEndAfterARestart() throws Exception {
        try (OriginServer origin = new OriginServer()) {
            origin.put("a.txt", "queued a\n".getBytes(StandardCharsets.UTF_8))
                    .put("b.txt", "queued b\n".getBytes(StandardCharsets.UTF_8));
            Map<String, String> env = Map.of("UPLOADKIT_ADMIN_KEY", ADMIN_KEY, "UPLOADKIT_INTERRUPTED_AFTER", "2s",
                    "UPLOADKIT_JOB_INTERVAL", "300ms", "UPLOADKIT_OUTBOUND_ALLOW", "127.0.0.1/32",
                    "UPLOADKIT_IMPORT_TIMEOUT", "60s");
            Map<String, String> restartEnv = new java.util.HashMap<>(env);
            restartEnv.put("UPLOADKIT_IMPORT_TIMEOUT", "3s");
            List<String> uuids = new ArrayList<>();
            try (ForkedServer server = ForkedServer.fromClassPath(dataDir, env)) {
                ApiClient api = new ApiClient(server.baseUrl(), ADMIN_KEY);
                for (int i = 0; i < IN_FLIGHT; i++) {
                    uuids.add(enqueue(api, origin.url("/drip")));
                }
                assertTrue(Poll.until(() -> total(api, "processing") == IN_FLIGHT, Duration.ofSeconds(30)),
                        "every import thread is busy: processing " + total(api, "processing"));
                uuids.add(enqueue(api, origin.url("/files/a.txt")));
                uuids.add(enqueue(api, origin.url("/files/b.txt")));
                assertEquals(2, total(api, "pending"), "two imports wait behind the busy threads");
                server.kill();
            }

            try (ForkedServer restarted = ForkedServer.fromClassPath(dataDir, restartEnv)) {
                ApiClient api = new ApiClient(restarted.baseUrl(), ADMIN_KEY);
                assertTrue(Poll.until(() -> total(api, "pending") == 0 && total(api, "processing") == 0,
                        Duration.ofSeconds(120)), "no import stays pending or processing: pending "
                        + total(api, "pending") + ", processing " + total(api, "processing"));
                assertEquals(2, total(api, "completed"));
                for (String uuid : uuids.subList(0, IN_FLIGHT)) {
                    JsonNode upload = api.get("/files/" + uuid).data();
                    assertEquals("failed", upload.path("status").asText(), upload.toString());
                    assertTrue(Set.of("SOURCE_TIMEOUT", "INTERRUPTED").contains(upload.path("error").path("code")
                            .asText()), upload.toString());
                }
            }
        }
    }

    /**
     * SIGTERM hands the imports in progress back at once: with the crash sweep a long way off (10 minutes), the one
     * cut off runs again from the start as soon as the server is back, and no partial file is left meanwhile.
     */
    @Test
    void importsRunningAtASigtermAreHandedBackAndRunAgainAtTheNextStart() throws Exception {
        byte[] bytes = dev.uploadkit.core.testing.TestContent.random(17, 1 << 20);
        try (OriginServer origin = new OriginServer()) {
            origin.put("big.bin", bytes);
            Map<String, String> env = Map.of("UPLOADKIT_ADMIN_KEY", ADMIN_KEY, "UPLOADKIT_INTERRUPTED_AFTER", "10m",
                    "UPLOADKIT_JOB_INTERVAL", "300ms", "UPLOADKIT_OUTBOUND_ALLOW", "127.0.0.1/32",
                    "UPLOADKIT_IMPORT_TIMEOUT", "5m");
            String uuid;
            try (ForkedServer server = ForkedServer.fromClassPath(dataDir, env)) {
                ApiClient api = new ApiClient(server.baseUrl(), ADMIN_KEY);
                uuid = enqueue(api, origin.url("/slow/big.bin"));
                assertTrue(Poll.until(() -> origin.activeDrips() == 1 && total(api, "processing") == 1,
                        Duration.ofSeconds(30)), "the import is running");
                assertTrue(Poll.until(() -> partFiles() > 0, Duration.ofSeconds(30)), "partial bytes are written");
                server.stop();
            }
            assertEquals(0, partFiles(), "a graceful stop leaves no partial file");
            origin.releaseSlow();
            try (ForkedServer restarted = ForkedServer.fromClassPath(dataDir, env)) {
                ApiClient api = new ApiClient(restarted.baseUrl(), ADMIN_KEY);
                assertTrue(Poll.until(() -> "completed".equals(SharedCancelTest.status(api, uuid)),
                        Duration.ofSeconds(60)),
                        "the handed-back import completes after the restart, not after the crash sweep: "
                                + SharedCancelTest.status(api, uuid));
                JsonNode upload = api.get("/files/" + uuid).data();
                assertEquals(bytes.length, upload.path("size_bytes").asLong());
            }
        }
    }

    private long partFiles() {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dataDir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".part")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String enqueue(ApiClient api, String url) throws IOException, InterruptedException {
        ApiClient.Answer answer = api.send("POST", "/files/upload-from-url", "{\"url\":\"" + url + "\",\"async\":true}");
        assertEquals(202, answer.status(), answer.json()::toString);
        return answer.data().path("uuid").asText();
    }

    private static int total(ApiClient api, String status) {
        try {
            return api.get("/files?per_page=1&status=" + status).json().path("meta").path("total").asInt(-1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
