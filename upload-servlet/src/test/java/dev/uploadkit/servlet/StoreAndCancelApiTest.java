package dev.uploadkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.event.UploadEvent;
import dev.uploadkit.core.testing.MutableClock;
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
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code store=false} and storing ({@code PUT files/{uuid}/storage}, {@code PUT files/storage}), the removal of
 * unstored, failed and cancelled uploads after their time to live, and cancelling a direct upload while it streams.
 */
class StoreAndCancelApiTest {
    @TempDir
    static Path dir;
    static final MutableClock CLOCK = new MutableClock(Instant.now());
    static final Queue<UploadEvent> EVENTS = new ConcurrentLinkedQueue<>();
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.builder(dir).maxFileSize(DataSize.ofGibibytes(1))
                .service(b -> b.clock(CLOCK).webhookSink(EVENTS::add)).start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static JsonNode upload(String name, boolean store) {
        return server.uploaded(server.key, Multipart.form().field("store", Boolean.toString(store))
                .file(name, (name + " content").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void unstoredUploadsAreListedStoredOnRequestAndRemovedAfterTheirTimeToLive() {
        JsonNode kept = upload("kept.txt", false);
        JsonNode dropped = upload("dropped.txt", false);
        JsonNode bulk = upload("bulk.txt", false);
        JsonNode stored = upload("stored.txt", true);
        assertEquals(false, kept.get("is_stored").asBoolean());
        assertEquals(true, stored.get("is_stored").asBoolean());
        JsonNode unstored = server.get("files?is_stored=false&per_page=100").json();
        assertTrue(unstored.get("data").size() >= 3);
        unstored.get("data").forEach(u -> assertEquals(false, u.get("is_stored").asBoolean()));

        TestServer.Response one = server.send("PUT", "files/" + kept.get("uuid").asText() + "/storage", server.key, null);
        assertEquals(200, one.status(), one.text());
        assertEquals(true, one.data().get("is_stored").asBoolean());
        TestServer.Response many = server.send("PUT", "files/storage", server.key, "{\"uuids\":[\""
                + bulk.get("uuid").asText() + "\",\"" + java.util.UUID.randomUUID() + "\",\""
                + bulk.get("uuid").asText() + "\"]}");
        assertEquals(200, many.status(), many.text());
        assertEquals(1, many.data().get("stored").size(), "named twice, counted once: " + many.text());
        assertEquals(bulk.get("uuid").asText(), many.data().get("stored").get(0).asText());
        assertEquals(1, many.data().get("problems").size());
        TestServer.Response junk = server.send("PUT", "files/storage", server.key, "{\"uuids\":[\"junk\"]}");
        assertEquals("Not a valid uuid.", junk.data().get("problems").get("junk").asText(), "as bulk-delete says");
        assertEquals(422, server.send("PUT", "files/storage", server.key, "{\"uuids\":[]}").status());
        String keptUuid = kept.get("uuid").asText();
        server.uploads.deliverEvents();
        assertTrue(EVENTS.stream().anyMatch(e -> e.type().wireName().equals("upload.stored")
                && e.upload().uuid().toString().equals(keptUuid)));

        CLOCK.advance(Duration.ofHours(23));
        server.uploads.removeUnstored(Duration.ofHours(24));
        assertEquals(200, server.get("files/" + dropped.get("uuid").asText()).status(), "kept for 24 h");
        CLOCK.advance(Duration.ofHours(2));
        assertTrue(server.uploads.removeUnstored(Duration.ofHours(24)) >= 1);
        assertEquals(404, server.get("files/" + dropped.get("uuid").asText()).status());
        for (JsonNode alive : new JsonNode[] {kept, bulk, stored}) {
            assertEquals(200, server.get("files/" + alive.get("uuid").asText()).status());
        }
        server.uploads.deliverEvents();
        assertTrue(EVENTS.stream().anyMatch(e -> e.type().wireName().equals("upload.deleted")
                && e.upload().uuid().toString().equals(dropped.get("uuid").asText())));
    }

    @Test
    void cancellingADirectUploadMidStreamAnswersItsClientConflictAndKeepsNoBytes() throws Exception {
        long declared = 200L << 20;
        String head = Multipart.BOUNDARY;
        byte[] partHead = ("--" + head + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] close = ("\r\n--" + head + "--\r\n").getBytes(StandardCharsets.UTF_8);
        long length = partHead.length + declared + close.length;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(server.rawHead("POST", "files/upload", Multipart.contentType(), length)
                    .replace("Connection: close\r\n", "").getBytes(StandardCharsets.ISO_8859_1));
            out.write(partHead);
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                byte[] chunk = dev.uploadkit.core.testing.TestContent.random(5, 64 * 1024);
                try {
                    for (long sent = 0; sent < declared && !stop.get(); sent += chunk.length) {
                        out.write(chunk);
                    }
                } catch (IOException e) {
                    // the server stopped reading: expected once it answered
                }
            }, "slow-client");
            writer.start();
            String uuid = processing("big");
            cancelExpectingConflictWithinASecond(uuid, socket);
            stop.set(true);
            socket.close();
            writer.join(10_000);
        }
        awaitNoBytes("big");
    }

    /** 100 MiB announced: more than a container drains after answering; 1.5 MiB: little enough that it may try. */
    @ParameterizedTest
    @ValueSource(longs = {100L << 20, 3L << 19})
    void aCancelledDirectUploadWhoseClientStalledIsAnsweredConflictWithinASecond(long declared) throws Exception {
        byte[] partHead = ("--" + Multipart.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; "
                + "filename=\"stalled.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] close = ("\r\n--" + Multipart.BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
        java.util.Set<Thread> earlier = readingAhead();
        java.util.Set<Thread> ours;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(server.rawHead("POST", "files/upload", Multipart.contentType(),
                    partHead.length + declared + close.length)
                    .replace("Connection: close\r\n", "").getBytes(StandardCharsets.ISO_8859_1));
            out.write(partHead);
            out.write(dev.uploadkit.core.testing.TestContent.random(9, 1 << 20)); // then nothing more
            out.flush();
            String uuid = processing("stalled");
            AsyncImportApiTest.await(() -> server.storedFiles().stream()
                    .anyMatch(p -> p.getFileName().toString().startsWith("stalled")
                            || p.getFileName().toString().endsWith(".part")) ? Boolean.TRUE : null,
                    "bytes being written");
            ours = AsyncImportApiTest.await(() -> {
                java.util.Set<Thread> now = new java.util.HashSet<>(readingAhead());
                now.removeAll(earlier);
                return now.isEmpty() ? null : now;
            }, "the upload's read-ahead to wait for the client");

            cancelExpectingConflictWithinASecond(uuid, socket);
        }
        // The read the stalled client held up returns once the connection is gone; nothing keeps reading it.
        AsyncImportApiTest.await(() -> java.util.Collections.disjoint(readingAhead(), ours) ? Boolean.TRUE : null,
                "the read-ahead to let go of the request");
        awaitNoBytes("stalled");
    }

    private static String processing(String search) {
        return AsyncImportApiTest.await(() -> {
            JsonNode list = server.get("files?status=processing&search=" + search).data();
            return list.size() == 0 ? null : list.get(0).get("uuid").asText();
        }, "the upload to be processing");
    }

    /** Cancels {@code uuid}; its client, on {@code socket}, reads 409 within a second. */
    private static void cancelExpectingConflictWithinASecond(String uuid, Socket socket) throws IOException {
        long cancelled = System.nanoTime();
        TestServer.Response r = server.send("POST", "files/" + uuid + "/cancel", server.key, null);
        assertEquals(200, r.status(), r.text());
        String answer = readStatusLine(socket.getInputStream());
        long took = System.nanoTime() - cancelled;
        assertTrue(answer.startsWith("HTTP/1.1 409"), answer);
        assertTrue(took < Duration.ofSeconds(1).toNanos(), "answered within a second, took " + took / 1_000_000
                + " ms");
        JsonNode after = server.get("files/" + uuid).data();
        assertEquals("cancelled", after.get("status").asText());
        assertEquals("CANCELLED", after.get("error").get("code").asText());
    }

    private static void awaitNoBytes(String name) {
        AsyncImportApiTest.await(() -> server.storedFiles().stream()
                .noneMatch(p -> p.getFileName().toString().startsWith(name)
                        || p.getFileName().toString().endsWith(".part")) ? Boolean.TRUE : null, "no bytes left");
    }

    /** The threads reading an upload's source ahead now. */
    private static java.util.Set<Thread> readingAhead() {
        java.util.Set<Thread> threads = new java.util.HashSet<>();
        Thread.getAllStackTraces().forEach((thread, trace) -> {
            if (java.util.Arrays.stream(trace).anyMatch(f -> f.getMethodName().equals("pump")
                    && f.getClassName().endsWith("ReadAheadInputStream"))) {
                threads.add(thread);
            }
        });
        return threads;
    }

    private static String readStatusLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.write(c);
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
