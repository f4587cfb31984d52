package dev.uploadkit.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhooks end to end: the standalone server (configured only through its variables) POSTs to a real receiver on
 * loopback, which {@code UPLOADKIT_OUTBOUND_ALLOW} permits.
 */
class WebhooksTest {
    private static final Pattern ADMIN_LINE = Pattern.compile("(?m)^Admin API key: (\\S+)$");
    private static final String ALL_EVENTS = "[\"upload.completed\",\"upload.failed\",\"upload.deleted\","
            + "\"upload.restored\",\"upload.metadata_updated\"]";
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dataDir;
    private StandaloneServer server;
    private WebhookReceiver receiver;
    private String key;

    @BeforeEach
    void start() throws Exception {
        receiver = new WebhookReceiver();
        server = startServer(Map.of("UPLOADKIT_OUTBOUND_ALLOW", "127.0.0.1/32",
                "UPLOADKIT_WEBHOOK_RETRY_DELAYS", "100ms,100ms,100ms", "UPLOADKIT_STORAGE_TRANSIENT", "true"));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        receiver.close();
    }

    private StandaloneServer startServer(Map<String, String> env) throws Exception {
        StandaloneConfig config = StandaloneConfig.from(new String[] {"--port", "0", "--data-dir", dataDir.toString()},
                env);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StandaloneServer s = StandaloneServer.start(config, new PrintStream(out, true, StandardCharsets.UTF_8));
        Matcher m = ADMIN_LINE.matcher(out.toString(StandardCharsets.UTF_8));
        if (m.find()) {
            key = m.group(1);
        }
        return s;
    }

    @Test
    void everyUploadEventArrivesSignedWithItsHeaders() throws Exception {
        JsonNode created = call("POST", "/webhooks", key, "{\"url\":\"" + receiver.url("/hooks") + "\",\"events\":"
                + ALL_EVENTS + "}");
        assertEquals(201, created.path("status").asInt(), created.toString());
        JsonNode hook = created.path("body").path("data");
        String secret = hook.path("secret").asText();
        assertTrue(secret.startsWith("whsec_") && secret.length() > 30, "the secret is returned at creation");
        assertTrue(hook.path("is_active").asBoolean());
        String id = hook.path("id").asText();
        JsonNode read = call("GET", "/webhooks/" + id, key, null).path("body").path("data");
        assertTrue(read.path("secret").isMissingNode(), "the secret is shown once: " + read);
        assertFalse(call("GET", "/webhooks", key, null).toString().contains(secret), "nor in the list");

        ApiClient api = new ApiClient(server.baseUrl(), key);
        JsonNode upload = api.upload("report.txt", "quarterly numbers".getBytes(StandardCharsets.UTF_8)).data();
        String uuid = upload.path("uuid").asText();
        JsonNode completed = verified(receiver.nextOf("upload.completed", 20), secret, "upload.completed");
        JsonNode u = completed.path("data").path("upload");
        assertEquals(uuid, u.path("id").asText());
        assertEquals("report.txt", u.path("filename").asText());
        assertEquals(upload.path("object_key").asText(), u.path("object_key").asText());
        assertEquals("text/plain", u.path("mime_type").asText());
        assertEquals(17, u.path("size_bytes").asLong());
        assertEquals("17 B", u.path("size_formatted").asText());
        assertEquals(upload.path("file_hash").asText(), u.path("file_hash").asText());
        assertFalse(u.path("is_public").asBoolean());
        assertEquals(upload.path("created_at").asText(), u.path("created_at").asText());
        String link = u.path("download_url").asText();
        assertTrue(link.startsWith(server.baseUrl() + "/files/" + uuid + "/download?token="), link);
        HttpResponse<String> fetched = http.send(HttpRequest.newBuilder(URI.create(link)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("quarterly numbers", fetched.body(), "the payload's link serves the file without a key");

        call("PATCH", "/files/" + uuid, key, "{\"metadata\":{\"order\":\"42\"}}");
        JsonNode meta = verified(receiver.nextOf("upload.metadata_updated", 20), secret, "upload.metadata_updated");
        assertEquals("42", meta.path("data").path("upload").path("metadata").path("order").asText());
        call("DELETE", "/files/" + uuid, key, null);
        JsonNode trashed = verified(receiver.nextOf("upload.deleted", 20), secret, "upload.deleted");
        assertFalse(trashed.path("data").path("upload").path("deleted_at").isNull());
        assertFalse(trashed.path("data").path("permanent").asBoolean(true), "moved to the trash: restorable");
        call("POST", "/files/" + uuid + "/restore", key, null);
        verified(receiver.nextOf("upload.restored", 20), secret, "upload.restored");
        call("DELETE", "/files/" + uuid + "/force", key, null);
        JsonNode gone = verified(receiver.nextOf("upload.deleted", 20), secret, "upload.deleted");
        assertEquals(uuid, gone.path("data").path("upload").path("id").asText());
        assertTrue(gone.path("data").path("permanent").asBoolean(), gone.toString());
        assertFalse(gone.path("data").path("upload").path("deleted_at").isNull(), "says when it went");
        assertTrue(gone.path("data").path("upload").path("download_url").isNull(), "links nothing");

        JsonNode log = await(() -> {
            JsonNode page = call("GET", "/webhooks/" + id + "/deliveries", key, null).path("body");
            for (JsonNode d : page.path("data")) {
                if (!"succeeded".equals(d.path("status").asText())) {
                    return null;
                }
            }
            return page.path("meta").path("total").asInt() == 5 ? page : null;
        });
        JsonNode newest = log.path("data").get(0);
        assertEquals("upload.deleted", newest.path("event").asText());
        assertEquals(1, newest.path("attempt").asInt());
        assertEquals(200, newest.path("status_code").asInt());
        assertTrue(newest.has("latency_ms") && newest.has("next_retry_at") && newest.has("error"), newest.toString());
    }

    @Test
    void aPublicFileOnAStorageWithAPublicBaseUrlIsLinkedThereInPayloads() throws Exception {
        String secret = create(receiver.url("/public"), "[\"upload.completed\"]").path("secret").asText();
        JsonNode added = call("POST", "/storage", key, "{\"name\":\"cdn\",\"provider\":\"transient\","
                + "\"bucket\":\"cdn\",\"public_base_url\":\"https://cdn.example.com/m\"}");
        assertEquals(201, added.path("status").asInt(), added.toString());
        String storage = added.path("body").path("data").path("id").asText();
        JsonNode upload = new ApiClient(server.baseUrl(), key).upload("pub lic.txt", "shown".getBytes(
                StandardCharsets.UTF_8), java.util.Map.of("storage_id", storage, "is_public", "true")).data();
        assertEquals("https://cdn.example.com/m/pub%20lic.txt", upload.path("download_url").asText());
        JsonNode completed = verified(receiver.nextOf("upload.completed", 20), secret, "upload.completed");
        assertEquals(upload.path("download_url").asText(),
                completed.path("data").path("upload").path("download_url").asText(), "as in the API (SPEC §3)");
    }

    @Test
    void storageConnectionsAnnounceThemselves() throws Exception {
        String secret = create(receiver.url("/storage"), "[\"storage.connected\",\"storage.disconnected\"]")
                .path("secret").asText();
        JsonNode added = call("POST", "/storage", key, "{\"name\":\"scratch\",\"provider\":\"transient\","
                + "\"bucket\":\"scratch\"}");
        assertEquals(201, added.path("status").asInt(), added.toString());
        String id = added.path("body").path("data").path("id").asText();
        JsonNode connected = verified(receiver.nextOf("storage.connected", 20), secret, "storage.connected");
        assertEquals(id, connected.path("data").path("storage").path("id").asText());
        assertEquals("transient", connected.path("data").path("storage").path("provider").asText());
        assertFalse(connected.toString().contains("secret_key"));
        assertEquals(200, call("DELETE", "/storage/" + id, key, null).path("status").asInt());
        JsonNode disconnected = verified(receiver.nextOf("storage.disconnected", 20), secret, "storage.disconnected");
        assertEquals(id, disconnected.path("data").path("storage").path("id").asText());
    }

    @Test
    void aFailingReceiverGetsTheSameDeliveryAgainUntilItAnswers2xx() throws Exception {
        receiver.answer(500, 503);
        String secret = create(receiver.url("/flaky"), "[\"upload.completed\"]").path("secret").asText();
        new ApiClient(server.baseUrl(), key).upload("a.txt", "abc".getBytes(StandardCharsets.UTF_8));
        WebhookReceiver.Received first = receiver.next(20);
        WebhookReceiver.Received second = receiver.next(20);
        WebhookReceiver.Received third = receiver.next(20);
        assertEquals(500, first.answered());
        assertEquals(503, second.answered());
        assertEquals(200, third.answered());
        String id = first.header("X-Webhook-ID");
        assertEquals(id, second.header("X-Webhook-ID"), "X-Webhook-ID is stable across retries");
        assertEquals(id, third.header("X-Webhook-ID"));
        assertEquals(first.body(), third.body(), "every attempt sends the same bytes");
        verified(third, secret, "upload.completed");

        String hookId = call("GET", "/webhooks", key, null).path("body").path("data").get(0).path("id").asText();
        JsonNode entry = awaitDelivery(hookId, "succeeded");
        assertEquals(3, entry.path("attempt").asInt());
        assertEquals(200, entry.path("status_code").asInt());
        assertEquals(id, entry.path("id").asText());
        assertEquals(0, call("GET", "/webhooks/" + hookId, key, null).path("body").path("data")
                .path("consecutive_failures").asInt(), "a success resets the count of failures");
    }

    @Test
    void aReceiverAnswering410DisablesTheSubscription() throws Exception {
        receiver.answer(410);
        String id = create(receiver.url("/gone"), "[\"upload.completed\"]").path("id").asText();
        new ApiClient(server.baseUrl(), key).upload("b.txt", "b".getBytes(StandardCharsets.UTF_8));
        assertEquals(410, receiver.next(20).answered());
        JsonNode hook = awaitWebhook(id, h -> !h.path("is_active").asBoolean());
        assertTrue(hook.path("disabled_reason").asText().contains("410"), hook.toString());
        assertEquals("failed", awaitDelivery(id, "failed").path("status").asText(), "no retry after 410");

        JsonNode on = call("PATCH", "/webhooks/" + id, key, "{\"is_active\":true}").path("body").path("data");
        assertTrue(on.path("is_active").asBoolean());
        assertTrue(on.path("disabled_reason").isNull(), "switching it on clears the reason");
    }

    @Test
    void twentyFailuresInARowDisableTheSubscription() throws Exception {
        Integer[] failures = new Integer[20];
        java.util.Arrays.fill(failures, 500);
        receiver.answer(failures);
        String id = create(receiver.url("/down"), "[\"upload.completed\"]").path("id").asText();
        ApiClient api = new ApiClient(server.baseUrl(), key);
        for (int i = 0; i < 5; i++) {   // 5 deliveries × 4 attempts (3 retries) = 20 failures
            api.upload("f" + i + ".txt", ("f" + i).getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < 20; i++) {
            assertEquals(500, receiver.next(30).answered());
        }
        JsonNode hook = awaitWebhook(id, h -> !h.path("is_active").asBoolean());
        assertTrue(hook.path("disabled_reason").asText().contains("20 failed attempts in a row"), hook.toString());
        assertTrue(hook.path("consecutive_failures").asInt() >= 20);
    }

    @Test
    void eventsWaitWhileTheReceiverIsDownAndArriveOnceItIsBack() throws Exception {
        int port = receiver.port();
        create(receiver.url("/later"), "[\"upload.completed\"]");
        receiver.close();
        ApiClient api = new ApiClient(server.baseUrl(), key);
        Map<String, Boolean> uploads = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            uploads.put(api.upload("d" + i + ".txt", ("d" + i).getBytes(StandardCharsets.UTF_8)).data()
                    .path("uuid").asText(), false);
        }
        String hookId = call("GET", "/webhooks", key, null).path("body").path("data").get(0).path("id").asText();
        JsonNode failed = awaitDeliveryWhere(hookId, d -> d.path("attempt").asInt() >= 1
                && d.path("error").asText().startsWith("UNREACHABLE"));
        assertTrue(failed.path("status_code").isNull());
        receiver = new WebhookReceiver(port);
        for (int i = 0; i < 3; i++) {
            JsonNode body = json.readTree(receiver.nextOf("upload.completed", 30).body());
            uploads.put(body.path("data").path("upload").path("id").asText(), true);
        }
        assertFalse(uploads.containsValue(false), "every upload's event arrived: " + uploads);
    }

    @Test
    void testAndRedeliverSendNowAndAnswerWithTheResult() throws Exception {
        JsonNode hook = create(receiver.url("/t"), "[\"upload.completed\"]");
        String id = hook.path("id").asText();
        String secret = hook.path("secret").asText();
        JsonNode test = call("POST", "/webhooks/" + id + "/test", key, null).path("body").path("data");
        assertTrue(test.path("success").asBoolean(), test.toString());
        assertEquals(200, test.path("status_code").asInt());
        assertTrue(test.has("latency_ms"));
        JsonNode ping = verified(receiver.next(10), secret, "webhook.test");
        assertEquals(id, ping.path("data").path("webhook").path("id").asText());

        new ApiClient(server.baseUrl(), key).upload("r.txt", "r".getBytes(StandardCharsets.UTF_8));
        WebhookReceiver.Received original = receiver.nextOf("upload.completed", 20);
        JsonNode delivery = awaitDelivery(id, "succeeded");
        JsonNode again = call("POST", "/webhooks/" + id + "/deliveries/" + delivery.path("id").asText() + "/redeliver",
                key, null).path("body").path("data");
        WebhookReceiver.Received resent = receiver.nextOf("upload.completed", 10);
        assertEquals(original.header("X-Webhook-ID"), resent.header("X-Webhook-ID"));
        assertEquals(original.body(), resent.body());
        assertEquals(2, again.path("attempt").asInt(), again.toString());
        assertEquals("succeeded", again.path("status").asText());

        receiver.answer(500);
        JsonNode failing = call("POST", "/webhooks/" + id + "/test", key, null).path("body").path("data");
        assertFalse(failing.path("success").asBoolean());
        assertEquals(500, failing.path("status_code").asInt());
        assertEquals(404, call("POST", "/webhooks/" + id + "/deliveries/" + UUID.randomUUID() + "/redeliver", key,
                null).path("status").asInt());
    }

    @Test
    void invalidAndPrivateTargetsAreRefusedWithTheirReason() throws Exception {
        server.close();
        server = startServer(Map.of());   // the default: no allow-list, only public addresses
        for (String url : new String[] {"http://127.0.0.1:8080/hook", "http://169.254.169.254/latest/meta-data",
                "http://[::1]/hook", "http://10.0.0.5/hook", "http://2130706433/hook", "http://0x7f.1/hook",
                "http://[::ffff:127.0.0.1]/hook", "http://localhost/hook", "http://[fd00:ec2::254]/hook"}) {
            JsonNode answer = call("POST", "/webhooks", key, "{\"url\":\"" + url + "\",\"events\":[\"upload.completed\"]}");
            assertEquals(422, answer.path("status").asInt(), url + " → " + answer);
            JsonNode error = answer.path("body").path("error");
            assertEquals("VALIDATION_ERROR", error.path("code").asText());
            assertFalse(error.path("details").path("url").isMissingNode(), error.toString());
        }
        for (String body : new String[] {"{\"url\":\"ftp://example.com/x\",\"events\":[\"upload.completed\"]}",
                "{\"url\":\"not a url\",\"events\":[\"upload.completed\"]}",
                "{\"events\":[\"upload.completed\"]}",
                "{\"url\":\"https://example.com/x\",\"events\":[]}",
                "{\"url\":\"https://example.com/x\",\"events\":[\"upload.exploded\"]}",
                "{\"url\":\"https://example.com/x\"}"}) {
            JsonNode answer = call("POST", "/webhooks", key, body);
            assertEquals(422, answer.path("status").asInt(), body + " → " + answer);
            assertEquals("VALIDATION_ERROR", answer.path("body").path("error").path("code").asText());
        }
        assertEquals(400, call("POST", "/webhooks", key, "{\"url\":").path("status").asInt());
        assertEquals(0, call("GET", "/webhooks", key, null).path("body").path("data").size(), "nothing was created");
    }

    @Test
    void webhooksNeedTheirPermissionAndStayInTheirProject() throws Exception {
        String mine = create(receiver.url("/mine"), "[\"upload.completed\"]").path("id").asText();
        JsonNode project = call("POST", "/admin/projects", key, "{\"name\":\"other\"}").path("body").path("data");
        String pid = project.path("id").asText();
        String otherKey = call("POST", "/admin/projects/" + pid + "/api-keys", key,
                "{\"name\":\"all\",\"permissions\":[\"files:read\",\"files:write\",\"webhooks:manage\"]}")
                .path("body").path("data").path("key").asText();
        String readOnly = call("POST", "/admin/projects/" + pid + "/api-keys", key,
                "{\"name\":\"ro\",\"permissions\":[\"files:read\"]}").path("body").path("data").path("key").asText();

        assertEquals(403, call("GET", "/webhooks", readOnly, null).path("status").asInt());
        assertEquals(403, call("POST", "/webhooks", readOnly, "{\"url\":\"" + receiver.url("/x")
                + "\",\"events\":[\"upload.completed\"]}").path("status").asInt());
        assertEquals(401, call("GET", "/webhooks", null, null).path("status").asInt());
        assertEquals(0, call("GET", "/webhooks", otherKey, null).path("body").path("data").size());
        for (String[] route : new String[][] {{"GET", ""}, {"PATCH", ""}, {"DELETE", ""}, {"GET", "/deliveries"},
                {"POST", "/test"}}) {
            JsonNode answer = call(route[0], "/webhooks/" + mine + route[1], otherKey, route[0].equals("PATCH")
                    ? "{\"is_active\":false}" : null);
            assertEquals(404, answer.path("status").asInt(), route[0] + route[1] + " → " + answer);
        }

        String otherUpload = new ApiClient(server.baseUrl(), otherKey).upload("theirs.txt",
                "theirs".getBytes(StandardCharsets.UTF_8)).data().path("uuid").asText();
        String myUpload = new ApiClient(server.baseUrl(), key).upload("mine.txt", "mine".getBytes(StandardCharsets.UTF_8))
                .data().path("uuid").asText();
        JsonNode event = json.readTree(receiver.nextOf("upload.completed", 20).body());
        assertEquals(myUpload, event.path("data").path("upload").path("id").asText(),
                "only the project's own events reach its webhook, not " + otherUpload);

        assertEquals(200, call("DELETE", "/webhooks/" + mine, key, null).path("status").asInt());
        assertEquals(404, call("GET", "/webhooks/" + mine, key, null).path("status").asInt());
    }

    /** Checks the headers and signature of a delivery and returns its parsed body. */
    private JsonNode verified(WebhookReceiver.Received r, String secret, String event) throws Exception {
        assertEquals("application/json", r.header("Content-Type"));
        assertEquals(event, r.header("X-Webhook-Event"));
        assertNotNull(UUID.fromString(r.header("X-Webhook-ID")));
        long ts = Long.parseLong(r.header("X-Webhook-Timestamp"));
        assertTrue(Math.abs(Instant.now().getEpochSecond() - ts) < 120, "timestamp is current Unix seconds: " + ts);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(r.body().getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, r.header("X-Webhook-Signature"));
        JsonNode body = json.readTree(r.body());
        assertEquals(event, body.path("event").asText());
        assertTrue(body.path("timestamp").asText().endsWith("Z"), body.toString());
        return body;
    }

    private JsonNode create(String url, String events) throws Exception {
        JsonNode answer = call("POST", "/webhooks", key, "{\"url\":\"" + url + "\",\"events\":" + events + "}");
        assertEquals(201, answer.path("status").asInt(), answer.toString());
        return answer.path("body").path("data");
    }

    private JsonNode awaitDelivery(String hookId, String status) throws Exception {
        return awaitDeliveryWhere(hookId, d -> status.equals(d.path("status").asText()));
    }

    private JsonNode awaitDeliveryWhere(String hookId, java.util.function.Predicate<JsonNode> test) throws Exception {
        return await(() -> {
            for (JsonNode d : call("GET", "/webhooks/" + hookId + "/deliveries", key, null).path("body").path("data")) {
                if (test.test(d)) {
                    return d;
                }
            }
            return null;
        });
    }

    private JsonNode awaitWebhook(String id, java.util.function.Predicate<JsonNode> test) throws Exception {
        return await(() -> {
            JsonNode hook = call("GET", "/webhooks/" + id, key, null).path("body").path("data");
            return test.test(hook) ? hook : null;
        });
    }

    private interface Probe {
        JsonNode get() throws Exception;
    }

    /** Asks {@code probe} until it answers, for up to 20 s, waiting on the receiver's queue between asks. */
    private JsonNode await(Probe probe) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode found = probe.get();
            if (found != null) {
                return found;
            }
            Object lock = new Object();
            synchronized (lock) {
                lock.wait(50);
            }
        }
        throw new AssertionError("condition not met within 20 s");
    }

    private JsonNode call(String method, String path, String apiKey, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) {
            b.header("X-API-Key", apiKey);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode parsed = r.body().isEmpty() ? json.nullNode() : json.readTree(r.body());
        return json.createObjectNode().put("status", r.statusCode()).set("body", parsed);
    }
}
