package dev.uploadkit.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.testing.OriginServer;
import dev.uploadkit.core.testing.TestContent;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import dev.uploadkit.core.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cancels reach the instance holding the stream: two standalone instances share PostgreSQL; a 200 MiB direct upload
 * streaming into one and an import running on either are cancelled through the other, and their streams end within
 * about a second, leaving no bytes.
 */
class SharedCancelTest {
    private static final String ADMIN_KEY = "shared-cancel-admin-key-0123456789";
    private static final String BOUNDARY = "shared-cancel-boundary";

    @TempDir
    Path dataA;
    @TempDir
    Path dataB;

    @Test
    void cancelsThroughOneInstanceAbortStreamsOnTheOther() throws Exception {
        try (TestDatabase db = TestDatabases.postgres(); OriginServer origin = new OriginServer()) {
            Map<String, String> env = new HashMap<>(Map.of(
                    "UPLOADKIT_DATABASE_URL", db.jdbcUrl(),
                    "UPLOADKIT_DATABASE_USER", db.username(),
                    "UPLOADKIT_ADMIN_KEY", ADMIN_KEY,
                    "UPLOADKIT_OUTBOUND_ALLOW", "127.0.0.1/32",
                    "UPLOADKIT_SIGNING_KEY", "one-signing-secret-shared-by-every-instance"));
            if (!db.password().isEmpty()) {
                env.put("UPLOADKIT_DATABASE_PASSWORD", db.password());
            }
            try (StandaloneServer a = start(dataA, env); StandaloneServer b = start(dataB, env)) {
                ApiClient viaA = new ApiClient(a.baseUrl(), ADMIN_KEY);
                ApiClient viaB = new ApiClient(b.baseUrl(), ADMIN_KEY);
                cancelDirectUpload(URI.create(a.baseUrl()), viaA, viaB);

                ApiClient.Answer queued = viaA.send("POST", "/files/upload-from-url",
                        "{\"url\":\"" + origin.url("/drip") + "\",\"async\":true}");
                assertEquals(202, queued.status(), queued.json()::toString);
                String uuid = queued.data().path("uuid").asText();
                assertTrue(Poll.until(() -> origin.activeDrips() == 1 && status(viaA, uuid).equals("processing"),
                        Duration.ofSeconds(20)), "the import runs");
                long started = System.nanoTime();
                ApiClient.Answer cancelled = viaB.send("POST", "/files/" + uuid + "/cancel", null);
                assertEquals(200, cancelled.status(), cancelled.json()::toString);
                assertTrue(Poll.until(() -> origin.activeDrips() == 0, Duration.ofSeconds(5)), "the source was let go");
                long tookMs = (System.nanoTime() - started) / 1_000_000;
                assertTrue(tookMs < 1500, "the import's stream ended about a second after the cancel: " + tookMs + " ms");
                assertEquals("cancelled", status(viaA, uuid));
                assertEquals("CANCELLED", viaB.get("/files/" + uuid).data().path("error").path("code").asText());
            }
        }
    }

    /** Streams a 200 MiB upload into instance A, cancels it through B, and expects A's client to get 409. */
    private void cancelDirectUpload(URI base, ApiClient viaA, ApiClient viaB) throws Exception {
        byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        long size = 200L << 20;
        long length = head.length + size + ("\r\n--" + BOUNDARY + "--\r\n").length();
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + base.getPath() + "/files/upload HTTP/1.1\r\nHost: " + base.getHost() + ":"
                    + base.getPort() + "\r\nX-API-Key: " + ADMIN_KEY + "\r\nContent-Type: multipart/form-data; boundary="
                    + BOUNDARY + "\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(head);
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                byte[] chunk = TestContent.random(9, 64 * 1024);
                try {
                    for (long sent = 0; sent < size && !stop.get(); sent += chunk.length) {
                        out.write(chunk);
                        // a client on a slow link: 200 MiB would take a minute
                        LockSupport.parkNanos(15_000_000);
                    }
                } catch (IOException e) {
                    // the server stopped reading after it answered
                }
            }, "slow-client");
            writer.start();
            String[] uuid = new String[1];
            assertTrue(Poll.until(() -> {
                JsonNode list = list(viaA, "processing");
                uuid[0] = list.size() == 0 ? null : list.get(0).path("uuid").asText();
                return uuid[0] != null;
            }, Duration.ofSeconds(30)), "the upload streams");
            long started = System.nanoTime();
            ApiClient.Answer cancelled = viaB.send("POST", "/files/" + uuid[0] + "/cancel", null);
            assertEquals(200, cancelled.status(), cancelled.json()::toString);
            String statusLine = readLine(socket.getInputStream());
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            stop.set(true);
            assertTrue(statusLine.startsWith("HTTP/1.1 409"), statusLine);
            assertTrue(tookMs < 1500, "A answered its client about a second after B's cancel: " + tookMs + " ms");
            assertEquals("cancelled", status(viaA, uuid[0]));
            socket.close();
            writer.join(10_000);
        }
        assertTrue(Poll.until(() -> filesUnder(dataA.resolve("files")) == 0, Duration.ofSeconds(10)),
                "no bytes of the cancelled upload remain");
    }

    static String status(ApiClient api, String uuid) {
        try {
            return api.get("/files/" + uuid).data().path("status").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode list(ApiClient api, String status) {
        try {
            return api.get("/files?status=" + status).data();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long filesUnder(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.write(c);
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static StandaloneServer start(Path dataDir, Map<String, String> env) throws Exception {
        StandaloneConfig config = StandaloneConfig.from(new String[] {"--port", "0", "--data-dir", dataDir.toString()}, env);
        return StandaloneServer.start(config, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }
}
