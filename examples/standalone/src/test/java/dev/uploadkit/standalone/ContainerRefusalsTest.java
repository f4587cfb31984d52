package dev.uploadkit.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests Jetty refuses before the servlet (issue 8, finding 5e) and the admin-key findings (5f): the standalone
 * server answers the former with the API's JSON envelope and the right status, never naming Jetty or its version,
 * and a configured admin key can neither be revoked by a key manager nor stay revoked across a restart.
 */
class ContainerRefusalsTest {
    private static final String ADMIN_KEY = "configured-admin-key-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;
    static StandaloneServer server;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        server = StandaloneServer.start(config(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        port = URI.create(server.baseUrl()).getPort();
    }

    private static StandaloneConfig config() {
        return StandaloneConfig.from(new String[] {"--port", "0", "--data-dir", dataDir.toString()},
                Map.of("UPLOADKIT_ADMIN_KEY", ADMIN_KEY));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** What came back: the status line's code, the head and the body. */
    record Raw(int status, String head, String body) {
    }

    private static Raw raw(String request) throws IOException {
        return raw(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Raw raw(byte[] request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    answer.write(buffer, 0, n);
                }
            } catch (SocketException reset) {
                // Jetty may reset after answering a request it refused to read: what arrived is the answer.
            }
            String text = answer.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            assertTrue(end > 0, "an HTTP answer: " + text);
            return new Raw(Integer.parseInt(text.substring(9, 12)), text.substring(0, end), text.substring(end + 4));
        }
    }

    private static String get(String target, String extraHeaders) {
        return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: " + ADMIN_KEY + "\r\n" + extraHeaders
                + "Connection: close\r\n\r\n";
    }

    private static void assertEnvelope(Raw r, int status, String code) throws IOException {
        assertEquals(status, r.status(), r.head() + "\n" + r.body());
        String head = r.head().toLowerCase(Locale.ROOT);
        assertTrue(head.contains("content-type: application/json"), r.head());
        assertTrue(head.matches("(?s).*\r\nx-request-id: [0-9a-f]{16}(\r\n.*)?"), "a request id: " + r.head());
        assertFalse(head.contains("jetty") || head.contains("\r\nserver:"), "no server name or version: " + r.head());
        assertFalse(r.body().toLowerCase(Locale.ROOT).contains("jetty"), r.body());
        JsonNode json = JSON.readTree(r.body());
        assertFalse(json.get("success").asBoolean());
        assertEquals(code, json.get("error").get("code").asText());
        assertTrue(json.get("error").get("message").isTextual());
        assertTrue(json.get("error").get("details").isObject());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/external/files/..;/api-keys", "/v1/external/files/%2e%2e/api-keys",
            "/v1/external//files", "/v1/external/files/%00", "/v1/external/files/%2e%2e%2f%2e%2e/x"})
    void ambiguousPathsAreRefusedWithTheEnvelope(String target) throws IOException {
        Raw r = raw(get(target, ""));
        assertTrue(r.status() == 400 || r.status() == 404, r.head());
        assertEnvelope(r, r.status(), r.status() == 400 ? "PAYLOAD_MALFORMED" : "NOT_FOUND");
    }

    @Test
    void anOverlongUriIs414() throws IOException {
        assertEnvelope(raw(get("/v1/external/files?search=" + "a".repeat(9000), "")), 414, "PAYLOAD_MALFORMED");
    }

    @Test
    void anOverlongHeaderIs431() throws IOException {
        assertEnvelope(raw(get("/v1/external/files", "X-Big: " + "b".repeat(10 * 1024) + "\r\n")), 431,
                "PAYLOAD_MALFORMED");
    }

    @Test
    void controlBytesInAHeaderAre400() throws IOException {
        assertEnvelope(raw(get("/v1/external/files", "X-Bad: a\u0001b\r\n")), 400, "PAYLOAD_MALFORMED");
    }

    @Test
    void contradictoryOrNegativeLengthsAre400() throws IOException {
        assertEnvelope(raw("POST /v1/external/files/check-hash HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n"), 400, "PAYLOAD_MALFORMED");
        assertEnvelope(raw("POST /v1/external/files/check-hash HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n"
                + "Connection: close\r\n\r\n"), 400, "PAYLOAD_MALFORMED");
    }

    @Test
    void pathsOutsideTheMountAreJson404() throws IOException {
        assertEnvelope(raw(get("/nothing-here", "")), 404, "NOT_FOUND");
        assertEnvelope(raw("DELETE /nothing-here HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), 405,
                "METHOD_NOT_ALLOWED");
    }

    @Test
    void theDocsPageIsOnByDefault() throws IOException {
        Raw page = raw(get("/v1/external/docs", ""));
        assertEquals(200, page.status(), page.head());
        assertTrue(page.body().contains("/v1/external/openapi.json"), page.body());
        assertEquals(200, raw(get("/v1/external/docs/swagger-ui-bundle.js", "")).status());
        assertEquals(false, StandaloneConfig.from(new String[0], Map.of("UPLOADKIT_DOCS", "false")).docs());
    }

    @Test
    void apiAnswersNameNoServer() throws IOException {
        Raw ok = raw(get("/v1/external/files", ""));
        assertEquals(200, ok.status(), ok.body());
        assertFalse(ok.head().toLowerCase(Locale.ROOT).contains("\r\nserver:"), ok.head());
    }

    @Test
    void theConfiguredAdminKeyCannotBeRevokedByAKeyManagerAndComesBackOnRestart() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = server.baseUrl();
        JsonNode created = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api-keys"))
                .header("X-API-Key", ADMIN_KEY).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"manager\",\"permissions\":[\"keys:manage\"]}")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        String manager = created.path("data").path("key").asText();
        String adminId = null;
        for (JsonNode k : JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api-keys"))
                .header("X-API-Key", manager).build(), HttpResponse.BodyHandlers.ofString()).body()).path("data")) {
            if (k.path("name").asText().equals("admin")) {
                adminId = k.path("id").asText();
            }
        }
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(base + "/api-keys/" + adminId))
                .header("X-API-Key", manager).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, refused.statusCode(), refused.body());

        // The admin may revoke itself; a restart with the same UPLOADKIT_ADMIN_KEY brings it back.
        HttpResponse<String> revoked = http.send(HttpRequest.newBuilder(URI.create(base + "/api-keys/" + adminId))
                .header("X-API-Key", ADMIN_KEY).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, revoked.statusCode(), revoked.body());
        assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(base + "/files")).header("X-API-Key", ADMIN_KEY)
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        server.close();
        server = StandaloneServer.start(config(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        port = URI.create(server.baseUrl()).getPort();
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/admin/projects"))
                .header("X-API-Key", ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }
}
