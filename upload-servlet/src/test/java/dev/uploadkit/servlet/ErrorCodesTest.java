package dev.uploadkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.net.OutboundPolicy;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.store.JcloudsFileStore;
import dev.uploadkit.core.testing.FailingFileStore;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@link ErrorCode} answered with its status and the error envelope. Codes a request can cause are
 * driven by real requests; those no endpoint produces yet (rate limits, quotas, an unreachable database) and
 * an unexpected exception are thrown by a test {@link Authenticator}, which is a legitimate SPI to throw from.
 */
class ErrorCodesTest {
    private static final String SECRET = "jdbc-password-hunter2";

    @TempDir
    static Path dir;
    static JcloudsFileStore broken;
    static TestServer server;

    @BeforeAll
    static void start() {
        broken = JcloudsFileStore.filesystem("broken", dir.resolve("broken"));
        server = TestServer.builder(dir.resolve("local"))
                .maxFileSize(DataSize.ofKibibytes(1))
                .allowedTypes(List.of("image/*", "text/plain", "application/octet-stream"))
                .extraStore(new FailingFileStore(broken, 100))
                .service(b -> b.outboundPolicy(OutboundPolicy.parse("127.0.0.1/32")))
                .authenticator(access -> request -> {
                    String fail = request.getHeader("X-Test-Fail");
                    if ("UNEXPECTED".equals(fail)) {
                        throw new IllegalStateException("cannot connect with " + SECRET);
                    }
                    if (fail != null) {
                        throw new UploadException(ErrorCode.valueOf(fail), "Injected " + fail + ".");
                    }
                    return Authenticator.apiKeys(access).authenticate(request);
                })
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            server.close();
        } finally {
            broken.close();
        }
    }

    private static TestServer.Response injected(ErrorCode code) {
        return server.send(server.request("files", server.key).header("X-Test-Fail", code.name()).GET());
    }

    private static TestServer.Response cause(ErrorCode code) {
        return switch (code) {
            case VALIDATION_ERROR -> server.get("files?per_page=0");
            case UNAUTHENTICATED -> server.get("files", null);
            case FORBIDDEN -> server.upload(server.keyWith(Permission.FILES_READ),
                    Multipart.form().file("f.txt", "x".getBytes(StandardCharsets.UTF_8)));
            case NOT_FOUND -> server.get("files/" + UUID.randomUUID());
            case STORAGE_ERROR -> server.upload(server.key, Multipart.form().field("storage_id", "broken")
                    .file("s.bin", TestContent.random(1, 900)));
            case FILE_TOO_LARGE -> server.upload("big.bin", TestContent.random(2, 1025));
            case INVALID_FILE_TYPE -> server.upload("doc.pdf", TestContent.pdf());
            case CONFLICT -> {
                JsonNode live = server.uploaded("live.txt", "live".getBytes(StandardCharsets.UTF_8));
                yield server.send("POST", "files/" + live.get("uuid").asText() + "/restore", server.key, null);
            }
            case METHOD_NOT_ALLOWED -> server.send("PUT", "files", server.key, "{}");
            case PAYLOAD_MALFORMED -> server.send("POST", "files/check-hash", server.key, "{\"hash\":");
            case RATE_LIMITED, QUOTA_EXCEEDED, SERVICE_UNAVAILABLE -> injected(code);
            case SOURCE_ERROR -> server.send("POST", "files/upload-from-url", server.key,
                    "{\"url\":\"http://127.0.0.1:" + closedPort() + "/gone.txt\"}");
            case INTERNAL_ERROR -> server.send(server.request("files", server.key)
                    .header("X-Test-Fail", "UNEXPECTED").GET());
        };
    }

    private static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyCodeIsAnsweredWithItsStatusAndTheEnvelope(ErrorCode code) {
        long recordsBefore = server.uploadCount(server.project.id());

        TestServer.Response r = cause(code);

        assertEquals(code.httpStatus(), r.status(), r.text());
        assertTrue(r.header("Content-Type").orElseThrow().startsWith("application/json"));
        JsonNode body = r.json();
        assertEquals(2, body.size(), "only success and error: " + body);
        assertFalse(body.get("success").asBoolean());
        JsonNode error = body.get("error");
        assertEquals(3, error.size(), "only code, message, details: " + error);
        assertEquals(code.name(), error.get("code").asText());
        assertTrue(error.get("message").isTextual() && !error.get("message").asText().isBlank());
        assertTrue(error.get("details").isObject());
        String requestId = r.header("X-Request-Id").orElseThrow();
        assertFalse(requestId.isBlank());

        if (code.httpStatus() >= 500) {
            assertTrue(error.get("message").asText().contains(requestId), error.toString());
        }
        boolean retryAfter = code == ErrorCode.RATE_LIMITED || code == ErrorCode.SERVICE_UNAVAILABLE;
        assertEquals(retryAfter, r.header("Retry-After").isPresent(), "Retry-After for " + code);
        retryAfterIsSeconds(r);
        if (code == ErrorCode.METHOD_NOT_ALLOWED) {
            assertEquals("GET, HEAD", r.header("Allow").orElseThrow());
        }
        if (code != ErrorCode.CONFLICT) {
            assertEquals(recordsBefore, server.uploadCount(server.project.id()), "no record left by " + code);
        }
    }

    private static void retryAfterIsSeconds(TestServer.Response r) {
        r.header("Retry-After").ifPresent(v -> assertTrue(Integer.parseInt(v) > 0));
    }

    @Test
    void aFileFarOverTheLimitIsRefusedNamingTheFileLimitNotTheRequests() {
        // Just over: found while streaming. Far over (Content-Length above the file limit plus 16 MiB for the other
        // fields): refused before reading. Both name the configured file limit.
        TestServer.Response justOver = server.upload("over.bin", TestContent.random(3, 1025));
        TestServer.Response farOver = server.upload("far.bin", TestContent.random(4, 17 * 1024 * 1024));
        assertEquals(413, justOver.status());
        assertEquals(413, farOver.status());
        assertEquals("The file exceeds the size limit of 1 KB.", justOver.json().get("error").get("message").asText());
        assertEquals(justOver.json().get("error"), farOver.json().get("error"));
    }

    @Test
    void aClientWritingAllOfABodyRefusedUnreadStillReadsTheRefusal() {
        // Refused on its Content-Length before a byte is read; this client, like the JDK's HttpClient, writes the
        // whole body before it reads. Were the connection closed on the unread bytes, its write would be reset.
        byte[] body = TestContent.random(5, 20 * 1024 * 1024);
        byte[] head = server.rawHead("POST", "files/upload", "multipart/form-data; boundary=b", body.length)
                .getBytes(StandardCharsets.US_ASCII);
        byte[] request = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, request, head.length, body.length);

        String answer = server.raw(request, false);

        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertTrue(answer.contains("The file exceeds the size limit of 1 KB."), answer);
    }

    @Test
    void aClientWaitingFor100ContinueIsRefusedWithoutBeingAskedForItsBody() {
        // curl asks before sending a large body; a refusal (a wrong or missing key, a body over the limit) should not
        // ask for bytes it will not read. Tomcat's connector sends 100 Continue as soon as it has read the headers.
        String asking = server.rawHead("POST", "files/upload", "multipart/form-data; boundary=b", 20 * 1024 * 1024)
                .replace("\r\n\r\n", "\r\nExpect: 100-continue\r\n\r\n");
        String keyLine = "X-API-Key: " + server.key + "\r\n";
        for (String[] c : List.of(new String[] {asking.replace(keyLine, "X-API-Key: nope\r\n"), "HTTP/1.1 401"},
                new String[] {asking.replace(keyLine, ""), "HTTP/1.1 401"}, new String[] {asking, "HTTP/1.1 413"})) {
            String answer = server.raw(c[0].getBytes(StandardCharsets.US_ASCII), false);
            String last = answer.startsWith("HTTP/1.1 100") && server.container() instanceof TomcatTestContainer
                    ? answer.substring(answer.indexOf("\r\n\r\n") + 4) : answer;
            assertTrue(last.startsWith(c[1]), answer);
        }
    }

    @Test
    void internalErrorsShowNoStackTraceOrSecret() {
        TestServer.Response r = cause(ErrorCode.INTERNAL_ERROR);
        String text = r.text();
        assertFalse(text.contains(SECRET), text);
        assertFalse(text.contains("IllegalStateException"), text);
        assertFalse(text.contains("at dev.uploadkit"), text);
        assertTrue(r.json().get("error").get("details").isEmpty());
    }

    @Test
    void failedUploadsLeaveNoFilesInEitherStore() {
        List<Path> before = server.storedFiles();
        assertEquals(500, cause(ErrorCode.STORAGE_ERROR).status());
        assertEquals(413, cause(ErrorCode.FILE_TOO_LARGE).status());
        assertEquals(415, cause(ErrorCode.INVALID_FILE_TYPE).status());
        assertEquals(before, server.storedFiles());
        assertEquals(List.of(), TestContent.filesUnder(dir.resolve("broken")));
    }

    @Test
    void aFileOfExactlyTheLimitIsAccepted() {
        assertEquals(201, server.upload("edge.bin", TestContent.random(3, 1024)).status());
    }
}
