package dev.uploadkit.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uploadkit.core.storage.SecretBox;
import dev.uploadkit.core.testing.TestContent;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import dev.uploadkit.core.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two standalone instances on one PostgreSQL database share the outbox and the webhook deliveries: uploads spread
 * over both, and every event reaches the one webhook exactly once (no X-Webhook-ID twice, every delivery sent in one
 * attempt), whichever instance's relay and dispatcher took it. (That two instances' job runners never run a job at
 * once is {@code DbSchedulerJobRunnerTest.twoRunnersOnOneDatabaseNeverRunAJobAtOnce}.)
 */
class TwoInstanceWebhookTest {
    private static final String ADMIN_KEY = "two-instance-webhook-admin-key-0123";
    private static final int UPLOADS = 120;
    private static final int CLIENTS = 6;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dataA;
    @TempDir
    Path dataB;

    @Test
    void eachEventIsDeliveredOnceByOneOfTwoInstances() throws Exception {
        try (TestDatabase db = TestDatabases.postgres(); RecordingReceiver receiver = RecordingReceiver.start()) {
            Map<String, String> env = new HashMap<>(Map.of("UPLOADKIT_DATABASE_URL", db.jdbcUrl(),
                    "UPLOADKIT_DATABASE_USER", db.username(), "UPLOADKIT_ADMIN_KEY", ADMIN_KEY,
                    "UPLOADKIT_OUTBOUND_ALLOW", "127.0.0.1/32",
                    // Instances on one database share the master key that seals the webhook's signing secret.
                    "UPLOADKIT_MASTER_KEY", SecretBox.generateKey()));
            if (!db.password().isEmpty()) {
                env.put("UPLOADKIT_DATABASE_PASSWORD", db.password());
            }
            try (StandaloneServer a = start(dataA, env); StandaloneServer b = start(dataB, env)) {
                JsonNode created = send(HttpRequest.newBuilder(URI.create(a.baseUrl() + "/webhooks"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                "{\"url\": \"" + receiver.url() + "\", \"events\": [\"upload.completed\"]}")), 201);
                String webhookId = created.path("id").asText();
                receiver.secret(created.path("secret").asText());

                Set<String> acknowledged = uploadToBoth(List.of(a.baseUrl(), b.baseUrl()));
                assertEquals(UPLOADS, acknowledged.size());
                String deliveries = b.baseUrl() + "/webhooks/" + webhookId + "/deliveries?per_page=100";
                assertTrue(Poll.until(() -> allSucceeded(deliveries), Duration.ofSeconds(60)),
                        "every delivery is recorded as succeeded");
                List<JsonNode> log = log(deliveries);
                Map<String, Long> perEvent = log.stream().collect(Collectors.groupingBy(
                        d -> d.path("event_id").asText(), Collectors.counting()));
                assertEquals(List.of(), perEvent.entrySet().stream().filter(e -> e.getValue() > 1)
                        .map(Map.Entry::getKey).toList(), "events fanned out more than once: " + log);
                assertEquals(UPLOADS, perEvent.size(), "one delivery per event");
                for (JsonNode d : log) {
                    assertEquals(1, d.path("attempt").asInt(), "sent in one attempt: " + d);
                }
                List<RecordingReceiver.Received> all = receiver.received();
                assertTrue(all.stream().allMatch(RecordingReceiver.Received::signatureValid), "every POST is signed");
                Map<String, Long> perId = all.stream().collect(Collectors.groupingBy(RecordingReceiver.Received::id,
                        Collectors.counting()));
                List<String> duplicates = perId.entrySet().stream().filter(e -> e.getValue() > 1)
                        .map(Map.Entry::getKey).toList();
                assertEquals(List.of(), duplicates, "X-Webhook-IDs received more than once");
                assertEquals(UPLOADS, all.size(), "one POST per event");
                assertEquals(acknowledged, all.stream().map(RecordingReceiver.Received::uploadId)
                        .collect(Collectors.toSet()), "an event for every acknowledged upload");
            }
        }
    }

    /** Uploads {@value #UPLOADS} files from several clients, alternating between the instances. */
    private Set<String> uploadToBoth(List<String> bases) throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger next = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                running.add(clients.submit(() -> {
                    for (int i = next.getAndIncrement(); i < UPLOADS; i = next.getAndIncrement()) {
                        ApiClient api = new ApiClient(bases.get(i % bases.size()), ADMIN_KEY);
                        ApiClient.Answer answer = api.upload("both-" + i + ".bin", TestContent.random(i, 500 + i));
                        assertEquals(201, answer.status(), answer.json()::toString);
                        acknowledged.add(answer.data().path("uuid").asText());
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
        return acknowledged;
    }

    private boolean allSucceeded(String deliveries) {
        List<JsonNode> log = log(deliveries);
        return log.stream().map(d -> d.path("event_id").asText()).distinct().count() == UPLOADS
                && log.stream().allMatch(d -> "succeeded".equals(d.path("status").asText()));
    }

    /** Returns every entry of a deliveries log, following its pages. */
    private List<JsonNode> log(String firstPage) {
        List<JsonNode> entries = new ArrayList<>();
        for (int page = 1; ; page++) {
            JsonNode answer = send(HttpRequest.newBuilder(URI.create(firstPage + "&page=" + page)).GET(), 200);
            JsonNode data = answer.isArray() ? answer : answer.path("data");
            data.forEach(entries::add);
            if (data.size() < 100) {
                return entries;
            }
        }
    }

    /** Sends with the admin key, checks the status and returns the answer's {@code data}. */
    private JsonNode send(HttpRequest.Builder request, int status) {
        try {
            HttpResponse<String> response = http.send(request.header("X-API-Key", ADMIN_KEY).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(status, response.statusCode(), response.body());
            return json.readTree(response.body()).path("data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static StandaloneServer start(Path dataDir, Map<String, String> env) throws Exception {
        StandaloneConfig config = StandaloneConfig.from(new String[] {"--port", "0", "--data-dir", dataDir.toString()},
                env);
        return StandaloneServer.start(config, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes. */
}
