package dev.uploadkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.event.UploadEvent;
import dev.uploadkit.core.jobs.BackgroundWork;
import dev.uploadkit.core.net.OutboundPolicy;
import dev.uploadkit.core.testing.OriginServer;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Asynchronous and bulk imports, and cancelling them, run by {@link BackgroundWork} on the test server: every
 * failure leaves a {@code failed} upload with its reason and an {@code upload.failed} event.
 */
class AsyncImportApiTest {
    @TempDir
    static Path dir;
    static OriginServer origin;
    static TestServer server;
    static BackgroundWork work;
    static final Queue<UploadEvent> EVENTS = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() {
        origin = new OriginServer()
                .put("a.txt", "file a\n".getBytes(StandardCharsets.UTF_8))
                .put("b.txt", "file b\n".getBytes(StandardCharsets.UTF_8))
                .put("doc.pdf", TestContent.pdf());
        server = TestServer.builder(dir).maxFileSize(DataSize.ofKibibytes(512))
                .allowedTypes(List.of("text/plain", "application/octet-stream"))
                .service(b -> b.outboundPolicy(OutboundPolicy.parse("127.0.0.1/32")).importTimeout(Duration.ofSeconds(3))
                        .webhookSink(EVENTS::add))
                .start();
        work = server.backgroundWork().build();
        work.start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            work.close();
            server.close();
        } finally {
            origin.close();
        }
    }

    private static JsonNode enqueue(String json) {
        TestServer.Response r = server.send("POST", "files/upload-from-url", server.key, json);
        assertEquals(202, r.status(), r.text());
        return r.data();
    }

    private static JsonNode enqueueUrl(String url) {
        JsonNode pending = enqueue("{\"url\":\"" + url + "\",\"async\":true}");
        assertEquals("pending", pending.get("status").asText());
        assertEquals(url, pending.get("source_url").asText());
        return pending;
    }

    static JsonNode awaitStatus(String uuid, String... statuses) {
        return awaitStatus(server, uuid, statuses);
    }

    static JsonNode awaitStatus(TestServer server, String uuid, String... statuses) {
        return await(() -> {
            JsonNode u = server.get("files/" + uuid).data();
            return List.of(statuses).contains(u.get("status").asText()) ? u : null;
        }, "upload " + uuid + " to become " + List.of(statuses));
    }

    static <T> T await(Supplier<T> condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            T value = condition.get();
            if (value != null) {
                return value;
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        return fail("timed out waiting for " + what);
    }

    private static UploadEvent awaitEvent(String uuid, String type) {
        return await(() -> EVENTS.stream().filter(e -> e.upload().uuid().toString().equals(uuid)
                && e.type().wireName().equals(type)).findFirst().orElse(null), type + " of " + uuid);
    }

    @Test
    void anAsyncImportCompletesWithItsEvent() {
        JsonNode pending = enqueueUrl(origin.url("/named/a.txt"));
        JsonNode done = awaitStatus(pending.get("uuid").asText(), "completed", "failed");
        assertEquals("completed", done.get("status").asText(), done.toString());
        assertEquals("a.txt", done.get("filename").asText());
        assertEquals("sha256:" + TestContent.sha256("file a\n".getBytes(StandardCharsets.UTF_8)),
                done.get("file_hash").asText());
        assertNull(done.get("error").textValue());
        awaitEvent(pending.get("uuid").asText(), "upload.completed");
    }

    @Test
    void failedAsyncImportsRecordWhyAndFireUploadFailed() {
        Map<String, String> expected = Map.of(
                origin.url("/status/404"), "SOURCE_HTTP_ERROR",
                origin.url("/loop"), "SOURCE_HTTP_ERROR",
                origin.url("/to?http://169.254.169.254/latest/meta-data/"), "SOURCE_FORBIDDEN",
                "http://10.0.0.1/x", "SOURCE_FORBIDDEN",
                "http://127.0.0.1:" + closedPort() + "/x", "SOURCE_UNREACHABLE",
                origin.url("/drip"), "SOURCE_TIMEOUT",
                origin.url("/endless"), "FILE_TOO_LARGE",
                origin.lyingUrl(10L << 30, -1), "FILE_TOO_LARGE",
                origin.url("/files/doc.pdf"), "INVALID_FILE_TYPE");
        Map<String, String> uuids = new java.util.HashMap<>();
        expected.keySet().forEach(url -> uuids.put(url, enqueueUrl(url).get("uuid").asText()));
        int files = server.storedFiles().size();
        expected.forEach((url, code) -> {
            JsonNode failed = awaitStatus(uuids.get(url), "failed", "completed");
            assertEquals("failed", failed.get("status").asText(), url);
            assertEquals(code, failed.get("error").get("code").asText(), url + ": " + failed);
            assertTrue(failed.get("error").get("message").asText().length() > 0);
            assertNull(failed.get("download_url").textValue());
            UploadEvent event = awaitEvent(uuids.get(url), "upload.failed");
            assertEquals(code, event.upload().error().code());
        });
        assertTrue(server.get("files/" + uuids.get(origin.url("/status/404"))).data().get("error").get("message")
                .asText().contains("404"), "the message names the status");
        assertTrue(server.storedFiles().size() <= files, "failed imports hold no bytes");
    }

    @Test
    void bulkImportsAcceptEachValidItemAndReportTheOthers() {
        TestServer.Response r = server.send("POST", "files/bulk-upload-from-urls", server.key,
                "{\"folder\":\"bulk\",\"items\":[{\"url\":\"" + origin.url("/files/a.txt") + "\"},"
                        + "{\"url\":\"" + origin.url("/files/b.txt") + "\",\"filename\":\"bee.txt\",\"store\":false},"
                        + "{\"url\":\"ftp://nope/\"},{\"filename\":\"no-url.txt\"}]}");
        assertEquals(202, r.status(), r.text());
        JsonNode uploads = r.data().get("uploads");
        assertEquals(2, uploads.size());
        assertEquals(List.of("2", "3"), TestServer.Response.fieldNames(r.data().get("problems")));
        JsonNode first = awaitStatus(uploads.get(0).get("uuid").asText(), "completed");
        JsonNode second = awaitStatus(uploads.get(1).get("uuid").asText(), "completed");
        assertEquals("bulk", first.get("folder").asText());
        assertEquals("bee.txt", second.get("filename").asText());
        assertEquals(false, second.get("is_stored").asBoolean());

        TestServer.Response urls = server.send("POST", "files/bulk-upload-from-urls", server.key,
                "{\"urls\":[\"" + origin.url("/files/a.txt") + "\"]}");
        assertEquals(202, urls.status(), urls.text());
        assertEquals(1, urls.data().get("uploads").size());

        StringBuilder many = new StringBuilder("{\"urls\":[");
        for (int i = 0; i < 101; i++) {
            many.append(i == 0 ? "" : ",").append("\"").append(origin.url("/files/a.txt")).append("\"");
        }
        TestServer.Response tooMany = server.send("POST", "files/bulk-upload-from-urls", server.key, many + "]}");
        assertEquals(422, tooMany.status(), tooMany.text());
    }

    @Test
    void cancellingAnImportInFlightAbortsItWithinASecond() {
        await(() -> origin.activeDrips() == 0 ? Boolean.TRUE : null, "earlier drips to end");
        JsonNode pending = enqueueUrl(origin.url("/drip"));
        String uuid = pending.get("uuid").asText();
        awaitStatus(uuid, "processing");
        await(() -> origin.activeDrips() == 1 ? Boolean.TRUE : null, "the source to drip");
        long started = System.nanoTime();
        TestServer.Response r = server.send("POST", "files/" + uuid + "/cancel", server.key, null);
        assertEquals(200, r.status(), r.text());
        assertEquals("cancelled", r.data().get("status").asText());
        assertEquals("CANCELLED", r.data().get("error").get("code").asText());
        await(() -> origin.activeDrips() == 0 ? Boolean.TRUE : null, "the source to be let go");
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(1).toNanos(), "aborted within a second");
        JsonNode after = server.get("files/" + uuid).data();
        assertEquals("cancelled", after.get("status").asText());
        assertEquals(409, server.send("POST", "files/" + uuid + "/cancel", server.key, null).status());
    }

    /** Storing an unstored import while it streams is not undone when it completes (it is not removed after 24 h). */
    @Test
    void anUnstoredImportStoredWhileItStreamsCompletesStored() {
        byte[] bytes = TestContent.random(23, 300_000);
        origin.put("stored-meanwhile.bin", bytes);
        JsonNode pending = enqueue("{\"url\":\"" + origin.url("/slow/stored-meanwhile.bin") + "\",\"async\":true,"
                + "\"store\":false}");
        assertEquals(false, pending.get("is_stored").asBoolean());
        String uuid = pending.get("uuid").asText();
        await(() -> server.storedFiles().stream().anyMatch(p -> p.getFileName().toString().endsWith(".part"))
                ? Boolean.TRUE : null, "its bytes to stream");
        TestServer.Response stored = server.send("PUT", "files/" + uuid + "/storage", server.key, null);
        assertEquals(200, stored.status(), stored.text());
        assertEquals(true, stored.data().get("is_stored").asBoolean());
        origin.releaseSlow();
        JsonNode done = awaitStatus(uuid, "completed", "failed");
        assertEquals("completed", done.get("status").asText(), done.toString());
        assertEquals(true, done.get("is_stored").asBoolean(), done.toString());
        assertEquals(true, awaitEvent(uuid, "upload.completed").upload().isStored());
    }

    @Test
    void cancellingCompletedOrUnknownUploadsIsRefused() {
        JsonNode done = server.uploaded("done.txt", "done".getBytes(StandardCharsets.UTF_8));
        TestServer.Response r = server.send("POST", "files/" + done.get("uuid").asText() + "/cancel", server.key, null);
        assertEquals(409, r.status());
        assertEquals("CONFLICT", r.errorCode());
        assertEquals(404, server.send("POST", "files/" + java.util.UUID.randomUUID() + "/cancel", server.key, null)
                .status());

        JsonNode dripping = enqueueUrl(origin.url("/drip"));
        TestServer.Response bulk = server.send("POST", "files/bulk-cancel", server.key, "{\"uuids\":[\""
                + dripping.get("uuid").asText() + "\",\"" + done.get("uuid").asText() + "\",\"nonsense\"]}");
        assertEquals(200, bulk.status(), bulk.text());
        assertEquals(1, bulk.data().get("cancelled").size());
        assertEquals(2, bulk.data().get("problems").size());
        awaitStatus(dripping.get("uuid").asText(), "cancelled");
    }

    private static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
