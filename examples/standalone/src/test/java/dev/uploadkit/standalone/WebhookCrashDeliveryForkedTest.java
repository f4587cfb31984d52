package dev.uploadkit.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.testing.TestContent;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import dev.uploadkit.core.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhook events survive {@code kill -9}: a forked server takes uploads while its webhook's receiver (on 127.0.0.1,
 * allowed by {@code UPLOADKIT_OUTBOUND_ALLOW}) answers 503, so their {@code upload.completed} events are committed
 * but not delivered — some already tried once and waiting for their retry, the last ones maybe not even handed to
 * the webhook yet — and is killed with SIGKILL. Started again on the same data with the receiver answering 200,
 * it delivers every acknowledged upload's event, signed, with the same {@code X-Webhook-ID} as the refused attempts,
 * and none twice. On the embedded H2 default and on PostgreSQL.
 */
class WebhookCrashDeliveryForkedTest {
    private static final String ADMIN_KEY = "webhook-crash-admin-key-0123456789";
    /** Uploads whose deliveries are refused once before the kill. */
    private static final int REFUSED = 6;
    /** Uploads acknowledged just before the kill. */
    private static final int LAST = 3;

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void eventsCommittedBeforeAKillAreDeliveredAfterTheRestartOnH2() throws Exception {
        killAndCheck(Map.of());
    }

    @Test
    void eventsCommittedBeforeAKillAreDeliveredAfterTheRestartOnPostgres() throws Exception {
        try (TestDatabase db = TestDatabases.postgres()) {
            Map<String, String> env = new HashMap<>(Map.of("UPLOADKIT_DATABASE_URL", db.jdbcUrl(),
                    "UPLOADKIT_DATABASE_USER", db.username()));
            if (!db.password().isEmpty()) {
                env.put("UPLOADKIT_DATABASE_PASSWORD", db.password());
            }
            killAndCheck(env);
        }
    }

    private void killAndCheck(Map<String, String> databaseEnv) throws Exception {
        Map<String, String> env = new HashMap<>(databaseEnv);
        env.put("UPLOADKIT_ADMIN_KEY", ADMIN_KEY);
        env.put("UPLOADKIT_OUTBOUND_ALLOW", "127.0.0.1/32");
        // The first retry waits 10 s: the kill comes before any refused delivery is sent again, so the webhook stays
        // far from the 20 failures in a row that disable it; retries after the restart come every second.
        env.put("UPLOADKIT_WEBHOOK_RETRY_DELAYS", "10s,1s,1s,1s,1s,1s,1s,1s");
        List<String> refusedUploads = new ArrayList<>();
        List<String> lastUploads = new ArrayList<>();
        String webhookId;
        try (RecordingReceiver receiver = RecordingReceiver.start()) {
            receiver.answer(503);
            try (ForkedServer server = ForkedServer.fromClassPath(dataDir, env)) {
                ApiClient api = new ApiClient(server.baseUrl(), ADMIN_KEY);
                JsonNode created = postJson(server.baseUrl() + "/webhooks",
                        "{\"url\": \"" + receiver.url() + "\", \"events\": [\"upload.completed\"]}");
                webhookId = created.path("id").asText();
                receiver.secret(created.path("secret").asText());
                for (int i = 0; i < REFUSED; i++) {
                    refusedUploads.add(upload(api, "refused-" + i + ".bin", i));
                }
                String deliveries = server.baseUrl() + "/webhooks/" + webhookId + "/deliveries?per_page=100";
                assertTrue(Poll.until(() -> triedOnceEach(deliveries, REFUSED), Duration.ofSeconds(30)),
                        "each refused delivery was tried once and waits for its retry: " + get(deliveries));
                for (int i = 0; i < LAST; i++) {
                    lastUploads.add(upload(api, "last-" + i + ".bin", 100 + i));
                }
                server.kill();
            }
            Set<String> refusedBeforeKill = receiver.received().stream().map(RecordingReceiver.Received::uploadId)
                    .collect(Collectors.toSet());
            assertTrue(refusedBeforeKill.containsAll(refusedUploads), "refused before the kill: " + refusedBeforeKill);
            assertTrue(receiver.received().stream().allMatch(r -> r.answered() == 503), "nothing was accepted yet");

            receiver.answer(200);
            List<String> acknowledged = new ArrayList<>(refusedUploads);
            acknowledged.addAll(lastUploads);
            try (ForkedServer restarted = ForkedServer.fromClassPath(dataDir, env)) {
                String deliveries = restarted.baseUrl() + "/webhooks/" + webhookId + "/deliveries?per_page=100";
                assertTrue(Poll.until(() -> accepted(receiver).keySet().containsAll(acknowledged),
                        Duration.ofSeconds(120)),
                        () -> "every acknowledged upload's upload.completed arrived after the restart; missing: "
                                + acknowledged.stream().filter(u -> !accepted(receiver).containsKey(u)).toList()
                                + "; received " + receiver.received() + "; log " + log(get(deliveries)));
                JsonNode log = get(deliveries);
                assertEquals(acknowledged.size(), log.path("data").size(), log.toString());
                for (JsonNode d : log.path("data")) {
                    assertEquals("succeeded", d.path("status").asText(), d.toString());
                }
            }
            List<RecordingReceiver.Received> all = receiver.received();
            assertTrue(all.stream().allMatch(RecordingReceiver.Received::signatureValid), "every POST is signed");
            assertTrue(all.stream().allMatch(r -> "upload.completed".equals(r.event())
                    && "upload.completed".equals(r.body().path("event").asText())), "only upload.completed");
            Map<String, List<RecordingReceiver.Received>> byUpload = all.stream()
                    .collect(Collectors.groupingBy(RecordingReceiver.Received::uploadId));
            assertEquals(Set.copyOf(acknowledged), byUpload.keySet(), "events of exactly the acknowledged uploads");
            byUpload.forEach((upload, posts) -> {
                assertEquals(1, posts.stream().map(RecordingReceiver.Received::id).distinct().count(),
                        "one X-Webhook-ID across the retries of " + upload + ": " + posts);
                assertEquals(1, posts.stream().filter(r -> r.answered() == 200).count(),
                        "accepted exactly once: " + upload);
            });
            for (String upload : refusedUploads) {
                assertTrue(byUpload.get(upload).size() >= 2, "refused, then retried after the restart: " + upload);
            }
        }
    }

    private static String log(JsonNode page) {
        StringBuilder out = new StringBuilder();
        for (JsonNode d : page.path("data")) {
            out.append('\n').append(d.path("id").asText()).append(' ').append(d.path("status").asText()).append(" attempt ")
                    .append(d.path("attempt").asInt()).append(" next ").append(d.path("next_retry_at").asText())
                    .append(" updated ").append(d.path("updated_at").asText()).append(' ').append(d.path("error").asText());
        }
        return out.toString();
    }

    /** Returns the accepted POSTs by upload id. */
    private static Map<String, RecordingReceiver.Received> accepted(RecordingReceiver receiver) {
        Map<String, RecordingReceiver.Received> accepted = new HashMap<>();
        for (RecordingReceiver.Received r : receiver.received()) {
            if (r.answered() == 200) {
                accepted.put(r.uploadId(), r);
            }
        }
        return accepted;
    }

    private boolean triedOnceEach(String deliveries, int expected) {
        JsonNode data = get(deliveries).path("data");
        if (data.size() != expected) {
            return false;
        }
        for (JsonNode d : data) {
            if (d.path("attempt").asInt() != 1 || !"pending".equals(d.path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    private static String upload(ApiClient api, String filename, int seed) throws IOException, InterruptedException {
        ApiClient.Answer answer = api.upload(filename, TestContent.random(seed, 2_000 + seed));
        assertEquals(201, answer.status(), answer.json()::toString);
        return answer.data().path("uuid").asText();
    }

    private JsonNode postJson(String url, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("X-API-Key", ADMIN_KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).path("data");
    }

    private JsonNode get(String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .header("X-API-Key", ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString());
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes. */
}
