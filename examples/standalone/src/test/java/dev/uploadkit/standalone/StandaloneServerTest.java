package dev.uploadkit.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StandaloneServerTest {
    private static final Pattern ADMIN_LINE = Pattern.compile("(?m)^Admin API key: (\\S+)$");
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void firstStartPrintsAnAdminKeyOnceAndEverythingSurvivesARestart() throws Exception {
        StandaloneConfig config = StandaloneConfig.from(new String[] {"--port", "0", "--data-dir", dataDir.toString()},
                Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String key;
        String downloadUrl;
        try (StandaloneServer server = StandaloneServer.start(config, new PrintStream(out, true, StandardCharsets.UTF_8))) {
            Matcher m = ADMIN_LINE.matcher(out.toString(StandardCharsets.UTF_8));
            assertTrue(m.find(), "prints the admin key line");
            key = m.group(1);
            assertTrue(server.baseUrl().startsWith("http://127.0.0.1:"));
            assertEquals(StandaloneServer.INPUT_BUFFER_SIZE, server.inputBufferSize(), "reads bodies in 64 KiB");

            JsonNode created = send(server.baseUrl() + "/admin/projects", key, "POST", "{\"name\":\"shop\",\"plan\":\"starter\"}");
            assertEquals("shop", created.path("data").path("name").asText());
            JsonNode upload = uploadText(server.baseUrl(), key, "note.txt", "kept across restarts");
            downloadUrl = upload.path("data").path("download_url").asText();
        }

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        try (StandaloneServer server = StandaloneServer.start(config, new PrintStream(again, true, StandardCharsets.UTF_8))) {
            assertFalse(ADMIN_LINE.matcher(again.toString(StandardCharsets.UTF_8)).find(), "no second admin key");
            JsonNode list = send(server.baseUrl() + "/files", key, "GET", null);
            assertEquals(1, list.path("meta").path("total").asInt());
            String port = server.baseUrl().replaceAll(".*:(\\d+)/.*", "$1");
            String sameLink = downloadUrl.replaceFirst(":\\d+/", ":" + port + "/");
            HttpResponse<String> file = http.send(HttpRequest.newBuilder(URI.create(sameLink)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, file.statusCode(), "signed links outlive a restart: the signing key is kept");
            assertEquals("kept across restarts", file.body());
        }
    }

    @Test
    void theSigningKeyFileOfAnEarlierVersionIsAdoptedAsTheKeyKeptInTheDatabase() throws Exception {
        // Before V17 the key lived in <data-dir>/signing.key, base64; its links must keep working after an upgrade.
        String secret = "an-earlier-versions-signing-key-of-44-chars";
        Files.writeString(dataDir.resolve("signing.key"),
                Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
        StandaloneConfig plain = StandaloneConfig.from(new String[] {"--port", "0", "--data-dir", dataDir.toString()},
                Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String key;
        String downloadUrl;
        try (StandaloneServer server = StandaloneServer.start(plain,
                new PrintStream(out, true, StandardCharsets.UTF_8))) {
            Matcher m = ADMIN_LINE.matcher(out.toString(StandardCharsets.UTF_8));
            assertTrue(m.find(), "prints the admin key line");
            key = m.group(1);
            downloadUrl = uploadText(server.baseUrl(), key, "old.txt", "signed with the old key")
                    .path("data").path("download_url").asText();
        }
        Files.delete(dataDir.resolve("signing.key"));
        // The same key given explicitly (its UTF-8 bytes) opens the link: the first start signed with the file's key.
        StandaloneConfig explicit = StandaloneConfig.from(new String[] {"--port", "0", "--data-dir",
                dataDir.toString()}, Map.of("UPLOADKIT_SIGNING_KEY", secret));
        try (StandaloneServer server = StandaloneServer.start(explicit, new PrintStream(new ByteArrayOutputStream(),
                true, StandardCharsets.UTF_8))) {
            assertEquals(200, get(server, downloadUrl).statusCode(), "signed with the file's key");
        }
        // Without the file or the setting, the key kept in the database still opens it.
        try (StandaloneServer server = StandaloneServer.start(plain, new PrintStream(new ByteArrayOutputStream(),
                true, StandardCharsets.UTF_8))) {
            HttpResponse<String> file = get(server, downloadUrl);
            assertEquals(200, file.statusCode(), "the file's key was kept in the database");
            assertEquals("signed with the old key", file.body());
        }
    }

    /** GETs {@code link}, made by an earlier server, from {@code server}. */
    private HttpResponse<String> get(StandaloneServer server, String link) throws Exception {
        String port = server.baseUrl().replaceAll(".*:(\\d+)/.*", "$1");
        return http.send(HttpRequest.newBuilder(URI.create(link.replaceFirst(":\\d+/", ":" + port + "/"))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aStopRightAfterListeningSkipsTheRestOfTheStartAndLeavesTheDataReadable() throws Exception {
        StandaloneConfig config = StandaloneConfig.from(new String[] {"--port", "0", "--data-dir", dataDir.toString()},
                Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // What SIGTERM does when it comes as the port opens: the shutdown hook closes the server while the start
        // still has the store and the background work to open.
        AtomicReference<String> base = new AtomicReference<>();
        StandaloneServer.start(config, new PrintStream(out, true, StandardCharsets.UTF_8), running -> {
            base.set(running.baseUrl());
            running.close();
        }, Duration.ofSeconds(30));
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("Uploadkit listening on"),
                "a stopped start does not announce itself");
        assertThrows(Exception.class, () -> http.send(HttpRequest.newBuilder(URI.create(base.get() + "/files"))
                .build(), HttpResponse.BodyHandlers.ofString()), "nothing listens any more");

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        try (StandaloneServer server = StandaloneServer.start(config, new PrintStream(again, true, StandardCharsets.UTF_8))) {
            assertTrue(again.toString(StandardCharsets.UTF_8).contains("Uploadkit listening on"));
        }
    }

    @Test
    void theProgramAnnouncesItselfAtOnceAndOpensTheStoreAfterItsFirstAnswer() throws Exception {
        StandaloneConfig config = StandaloneConfig.from(new String[] {"--port", "0", "--data-dir", dataDir.toString()},
                Map.of());
        CountDownLatch announced = new CountDownLatch(1);
        ByteArrayOutputStream out = new ByteArrayOutputStream() {
            @Override
            public synchronized void flush() {
                if (toString(StandardCharsets.UTF_8).contains("Uploadkit listening on")) {
                    announced.countDown();
                }
            }
        };
        AtomicReference<String> base = new AtomicReference<>();
        ExecutorService starter = Executors.newSingleThreadExecutor();
        try {
            // A wait far longer than the test may take: only the first answer can end it.
            Future<StandaloneServer> started = starter.submit(() -> StandaloneServer.start(config,
                    new PrintStream(out, true, StandardCharsets.UTF_8), running -> base.set(running.baseUrl()),
                    Duration.ofMinutes(10)));
            assertTrue(announced.await(60, TimeUnit.SECONDS), "announced before the store is opened: " + out);
            assertFalse(started.isDone(), "the start waits for its first answer");
            HttpResponse<String> first = http.send(HttpRequest.newBuilder(URI.create(base.get() + "/files"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, first.statusCode(), "any answer counts, an error envelope too");
            try (StandaloneServer server = started.get(60, TimeUnit.SECONDS)) {
                Matcher key = ADMIN_LINE.matcher(out.toString(StandardCharsets.UTF_8));
                assertTrue(key.find(), out.toString(StandardCharsets.UTF_8));
                JsonNode uploaded = uploadText(server.baseUrl(), key.group(1), "a.txt", "stored after the first answer");
                assertEquals("a.txt", uploaded.path("data").path("filename").asText());
            }
        } finally {
            starter.shutdownNow();
        }
    }

    @Test
    void configuredAdminKeyIsInstalledAndNeverPrinted() throws Exception {
        String adminKey = "my-very-own-admin-key-0123456789";
        StandaloneConfig config = StandaloneConfig.from(new String[] {"--port", "0", "--data-dir", dataDir.toString()},
                Map.of("UPLOADKIT_ADMIN_KEY", adminKey));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (StandaloneServer server = StandaloneServer.start(config, new PrintStream(out, true, StandardCharsets.UTF_8))) {
            assertFalse(out.toString(StandardCharsets.UTF_8).contains(adminKey));
            assertFalse(ADMIN_LINE.matcher(out.toString(StandardCharsets.UTF_8)).find());
            assertEquals(true, send(server.baseUrl() + "/admin/projects", adminKey, "GET", null).path("success").asBoolean());
            HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/files"))
                    .header("X-API-Key", adminKey + "x").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, wrong.statusCode());
        }
        assertEquals(Optional.of(adminKey), config.adminKey());
    }

    private JsonNode uploadText(String base, String key, String filename, String text) throws Exception {
        String boundary = "----uploadkit-test";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: text/plain\r\n\r\n" + text + "\r\n--" + boundary + "--\r\n";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/files/upload"))
                .header("X-API-Key", key).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        return json.readTree(r.body());
    }

    private JsonNode send(String url, String key, String method, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("X-API-Key", key)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() < 300, () -> r.statusCode() + " " + r.body());
        return json.readTree(r.body());
    }
}
