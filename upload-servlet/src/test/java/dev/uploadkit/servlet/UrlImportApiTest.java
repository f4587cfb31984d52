package dev.uploadkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.net.OutboundPolicy;
import dev.uploadkit.core.testing.OriginServer;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Synchronous {@code files/upload-from-url} over real sockets: a loopback origin (JDK HttpServer) reached through an
 * allow-list of 127.0.0.1/32 only, and a second server with the default policy, which refuses every private target
 * in every spelling before connecting anywhere.
 */
class UrlImportApiTest {
    @TempDir
    static Path dir;
    static OriginServer origin;
    static TestServer server;
    static TestServer defaults;

    @BeforeAll
    static void start() {
        origin = new OriginServer()
                .put("hello.txt", "hello from the origin\n".getBytes(StandardCharsets.UTF_8))
                .put("doc.pdf", TestContent.pdf())
                .put("big.bin", TestContent.random(3, 300_000));
        server = TestServer.builder(dir.resolve("allowed")).maxFileSize(DataSize.ofKibibytes(512))
                .allowedTypes(List.of("text/plain", "application/octet-stream", "image/*"))
                .service(b -> b.outboundPolicy(OutboundPolicy.parse("127.0.0.1/32"))
                        .importTimeout(Duration.ofSeconds(2)))
                .start();
        defaults = TestServer.start(dir.resolve("defaults"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            server.close();
            defaults.close();
        } finally {
            origin.close();
        }
    }

    private static TestServer.Response importUrl(TestServer s, String json) {
        return s.send("POST", "files/upload-from-url", s.key, json);
    }

    private static TestServer.Response importUrl(String url) {
        return importUrl(server, "{\"url\":\"" + url + "\"}");
    }

    @Test
    void importsAFileCompletedWithItsHashAndSourceUrl() {
        String url = origin.url("/files/hello.txt");
        TestServer.Response r = importUrl(server, "{\"url\":\"" + url + "\",\"folder\":\"imports\","
                + "\"metadata\":{\"k\":\"v\"},\"is_public\":true}");

        assertEquals(201, r.status(), r.text());
        JsonNode u = r.data();
        assertEquals("completed", u.get("status").asText());
        assertEquals("hello.txt", u.get("filename").asText());
        assertEquals("imports", u.get("folder").asText());
        assertEquals(url, u.get("source_url").asText());
        assertEquals("text/plain", u.get("mime_type").asText());
        assertEquals("v", u.get("metadata").get("k").asText());
        byte[] bytes = "hello from the origin\n".getBytes(StandardCharsets.UTF_8);
        assertEquals("sha256:" + TestContent.sha256(bytes), u.get("file_hash").asText());
        TestServer.Response download = server.get("files/" + u.get("uuid").asText() + "/download");
        assertArrayEquals(bytes, download.body());

        JsonNode again = importUrl(url).data();
        assertTrue(again.get("deduplicated").asBoolean(), "the same bytes again are deduplicated");
    }

    @Test
    void theNameComesFromTheRequestThenContentDispositionThenThePath() {
        assertEquals("given.txt", importUrl(server, "{\"url\":\"" + origin.url("/named/hello.txt")
                + "\",\"filename\":\"given.txt\"}").data().get("filename").asText());
        origin.put("x", "named by disposition".getBytes(StandardCharsets.UTF_8));
        assertEquals("x", importUrl(origin.url("/named/x")).data().get("filename").asText());
        assertEquals("hello.txt", importUrl(origin.url("/redirect/2/files/hello.txt")).data().get("filename").asText());
    }

    @Test
    void unsafeNamesAreNeutralisedAsForAFormUpload() {
        origin.put("neutral.txt", "named from outside the folder".getBytes(StandardCharsets.UTF_8));
        JsonNode u = importUrl(server, "{\"url\":\"" + origin.url("/files/neutral.txt")
                + "\",\"filename\":\"..\\\\..\\\\n.txt\",\"folder\":\"a/../../b\"}").data();
        assertEquals("n.txt", u.get("filename").asText());
        assertEquals("a/b", u.get("folder").asText());
        assertEquals("a/b/n.txt", u.get("object_key").asText(), u.toString());
        TestServer.Response bulk = server.send("POST", "files/bulk-upload-from-urls", server.key, "{\"urls\":[\""
                + origin.url("/files/hello.txt") + "\"],\"folder\":\"../up\"}");
        assertEquals(202, bulk.status(), bulk.text());
        assertEquals("up", bulk.data().get("uploads").get(0).get("folder").asText());
    }

    @Test
    void storeFalseGivesAnUnstoredUpload() {
        JsonNode u = importUrl(server, "{\"url\":\"" + origin.url("/files/big.bin") + "\",\"store\":false}").data();
        assertEquals(false, u.get("is_stored").asBoolean());
        assertEquals(300_000, u.get("size_bytes").asLong());
    }

    @Test
    void everyBadFieldIsNamedAtOnce() {
        TestServer.Response one = importUrl(server, "{\"url\":\"" + origin.url("/files/big.bin") + "\",\"is_public\":\"q\","
                + "\"filename\":\"../\",\"folder\":\"" + "y".repeat(256) + "\",\"async\":\"z\",\"store\":\"maybe\"}");
        assertEquals(422, one.status(), one.text());
        JsonNode details = one.json().get("error").get("details");
        for (String field : List.of("is_public", "filename", "folder", "async", "store")) {
            assertTrue(details.has(field), field + " in " + details);
        }
        TestServer.Response bulk = server.send("POST", "files/bulk-upload-from-urls", server.key, "{\"urls\":[\""
                + origin.url("/files/big.bin") + "\"],\"folder\":\"" + "y".repeat(256) + "\",\"is_public\":\"q\"}");
        assertEquals(422, bulk.status(), bulk.text());
        assertTrue(bulk.json().get("error").get("details").has("folder"), bulk.text());
        assertTrue(bulk.json().get("error").get("details").has("is_public"), bulk.text());
    }

    @Test
    void sourceFailuresAnswerSourceErrorAndLeaveNothing() {
        long before = server.uploadCount(server.project.id());
        int files = server.storedFiles().size();
        for (String path : List.of("/status/404", "/status/500", "/files/missing", "/loop", "/drip")) {
            TestServer.Response r = importUrl(origin.url(path));
            assertEquals(502, r.status(), path + ": " + r.text());
            assertEquals("SOURCE_ERROR", r.errorCode());
            assertTrue(r.json().get("error").get("details").has("url"), r.text());
        }
        assertTrue(importUrl(origin.url("/status/404")).json().get("error").get("details").get("url").get(0)
                .asText().contains("404"));
        List<String> failed = server.eventPayloads("upload.failed");
        assertTrue(failed.size() >= 6, failed.toString());
        assertTrue(failed.get(failed.size() - 1).contains("\"code\":\"SOURCE_HTTP_ERROR\""),
                "upload.failed says why: " + failed.get(failed.size() - 1));
        TestServer.Response cutShort = importUrl(origin.lyingUrl(100_000, 1000));
        assertEquals(502, cutShort.status(), "a body shorter than its Content-Length: " + cutShort.text());
        assertEquals(before, server.uploadCount(server.project.id()));
        assertEquals(files, server.storedFiles().size());
    }

    @Test
    void sizeIsCappedWhileStreamingWhateverContentLengthSays() {
        long before = server.uploadCount(server.project.id());
        assertEquals(413, importUrl(origin.url("/endless")).status(), "no length, endless body");
        assertEquals(413, importUrl(origin.lyingUrl(10L << 30, -1)).status(), "announces 10 GiB");
        assertEquals(before, server.uploadCount(server.project.id()));
    }

    @Test
    void theTypeIsCheckedFromTheBytes() {
        TestServer.Response r = importUrl(origin.url("/files/doc.pdf"));
        assertEquals(415, r.status(), r.text());
        assertEquals("INVALID_FILE_TYPE", r.errorCode());
    }

    @Test
    void malformedUrlsAreValidationErrors() {
        for (String body : List.of("{}", "{\"url\":\"\"}", "{\"url\":\"not a url\"}", "{\"url\":\"ftp://example.com/x\"}",
                "{\"url\":\"file:///etc/passwd\"}", "{\"url\":\"http://user:pw@127.0.0.1/x\"}", "{\"url\":42}",
                "{\"url\":\"http:///nohost\"}")) {
            TestServer.Response r = importUrl(server, body);
            assertEquals(422, r.status(), body + ": " + r.text());
            assertTrue(r.json().get("error").get("details").has("url"), r.text());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"169.254.169.254/latest/meta-data/", "[fd00:ec2::254]/", "10.0.0.1/x", "[::1]/x",
            "192.168.0.1/", "0x7f.2/"})
    void redirectsIntoRefusedAddressesAreRefusedAsTheSourcesFault(String target) {
        int before = origin.requests();
        TestServer.Response r = importUrl(origin.url("/to?http://" + target));
        assertEquals(502, r.status(), r.text());
        assertEquals("SOURCE_ERROR", r.errorCode(), "the url was fine: its source redirected where it may not go");
        assertTrue(r.json().get("error").get("details").get("url").get(0).asText().contains("refused"), r.text());
        assertEquals(before + 1, origin.requests(), "only the redirecting origin was reached");
    }

    /** The default policy refuses each of these before any connection; the origin on 127.0.0.1 sees nothing. */
    /**
     * A synchronous import is {@code processing} from before it connects: cancelled while its source has sent no
     * body byte (no answer at all, or a head only), its client gets {@code CONFLICT} within a second.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/stall/none", "/stall/head"})
    void aSyncImportCanBeCancelledBeforeItsSourceSendsAByte(String path) throws Exception {
        try (TestServer patient = TestServer.builder(dir.resolve("patient" + path.replace('/', '-')))
                .service(b -> b.outboundPolicy(OutboundPolicy.parse("127.0.0.1/32"))
                        .importTimeout(Duration.ofSeconds(60)))
                .start()) {
            int stalls = origin.stalls();
            String url = origin.url(path);
            java.util.concurrent.CompletableFuture<TestServer.Response> answer = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> importUrl(patient, "{\"url\":\"" + url + "\",\"filename\":\"stalled.txt\"}"));
            AsyncImportApiTest.await(() -> origin.stalls() > stalls ? Boolean.TRUE : null, "the source to be asked");
            JsonNode processing = AsyncImportApiTest.await(() -> {
                JsonNode list = patient.get("files?status=processing").data();
                return list.size() == 0 ? null : list.get(0);
            }, "the import to be listed processing");
            assertEquals(url, processing.get("source_url").asText());
            assertEquals("stalled.txt", processing.get("filename").asText());

            String uuid = processing.get("uuid").asText();
            long cancelled = System.nanoTime();
            TestServer.Response cancel = patient.send("POST", "files/" + uuid + "/cancel", patient.key, null);
            assertEquals(200, cancel.status(), cancel.text());
            TestServer.Response r = answer.get(30, java.util.concurrent.TimeUnit.SECONDS);
            long took = System.nanoTime() - cancelled;
            assertEquals(409, r.status(), r.text());
            assertEquals("CONFLICT", r.errorCode());
            assertTrue(took < Duration.ofSeconds(1).toNanos(), "answered within a second, took " + took / 1_000_000
                    + " ms");
            JsonNode after = patient.get("files/" + uuid).data();
            assertEquals("cancelled", after.get("status").asText());
            assertEquals("CANCELLED", after.get("error").get("code").asText());
            assertEquals(1, patient.uploadCount(patient.project.id()), "only the cancelled record");
            assertEquals(List.of(), patient.storedFiles(), "no bytes");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1:PORT/files/hello.txt",   // loopback
            "http://127.8.9.10/",                      // loopback /8
            "http://localhost:PORT/files/hello.txt",   // a name resolving to loopback
            "http://10.1.2.3/", "http://172.16.0.1/", "http://172.31.255.255/", "http://192.168.1.1/", // RFC 1918
            "http://169.254.1.1/",                     // link-local
            "http://169.254.169.254/latest/meta-data/", // cloud metadata
            "http://100.64.0.1/", "http://100.127.255.254/", // CGNAT 100.64/10
            "http://224.0.0.1/", "http://239.255.255.250/", // multicast
            "http://0.0.0.0/", "http://0/",            // unspecified
            "http://255.255.255.255/",                 // broadcast
            "http://[::1]/", "http://[::]/",           // IPv6 loopback, unspecified
            "http://[fd00:ec2::254]/", "http://[fc00::1]/", "http://[fd12:3456::1]/", // ULA, AWS metadata
            "http://[fe80::1]/", "http://[ff02::1]/",  // IPv6 link-local, multicast
            "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[::ffff:10.0.0.1]/",
            "http://[::ffff:169.254.169.254]/",        // IPv4-mapped IPv6
            "http://2130706433/", "http://0177.0.0.1/", "http://0x7f.1/", "http://0x7f000001/", "http://127.1/",
            "http://017700000001/", "http://0xA9FEA9FE/", // decimal / octal / hex spellings (the last is metadata)
            "ftp://example.com/x", "gopher://127.0.0.1/", "file:///etc/passwd", "javascript:alert(1)"})
    void theDefaultPolicyRefusesEveryPrivateTarget(String url) {
        int before = origin.requests();
        String target = url.replace("PORT", Integer.toString(java.net.URI.create(origin.base()).getPort()));
        TestServer.Response r = importUrl(defaults, "{\"url\":\"" + target + "\"}");
        assertEquals(422, r.status(), target + ": " + r.text());
        assertEquals("VALIDATION_ERROR", r.errorCode());
        assertTrue(r.json().get("error").get("details").has("url"), r.text());
        assertEquals(before, origin.requests(), "nothing reached the origin");
        assertEquals(0, defaults.uploadCount(defaults.project.id()));
    }
}
