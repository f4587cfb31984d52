package dev.uploadkit.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.testing.TestContent;
import dev.uploadkit.core.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Uploads cut off by {@code kill -9}: a forked server on the embedded default (H2 file, local folder) is killed
 * while large uploads stream into it, then started again with a short stale threshold. Its crash sweep must leave
 * no {@code processing} upload, no object without a completed record and no temporary file behind.
 */
class CrashSweepForkedTest {
    private static final String ADMIN_KEY = "crash-sweep-admin-key-0123456789";
    private static final int CUT_OFF = 3;
    private static final String BOUNDARY = "crash-sweep-boundary";

    @TempDir
    Path dataDir;

    @Test
    void uploadsCutOffByAKillAreFailedAndLeaveNoBytes() throws Exception {
        // The sweep grace stays at its default (10m): the partial files must go with the sweep that fails their
        // uploads, not with the later sweep of stale temporary files.
        Map<String, String> env = Map.of("UPLOADKIT_ADMIN_KEY", ADMIN_KEY, "UPLOADKIT_INTERRUPTED_AFTER", "2s",
                "UPLOADKIT_JOB_INTERVAL", "300ms");
        List<Socket> streaming = new ArrayList<>();
        try (ForkedServer server = ForkedServer.fromClassPath(dataDir, env)) {
            ApiClient api = new ApiClient(server.baseUrl(), ADMIN_KEY);
            assertEquals(201, api.upload("kept.bin", TestContent.random(1, 10_000)).status());
            try {
                for (int i = 0; i < CUT_OFF; i++) {
                    streaming.add(startUpload(URI.create(server.baseUrl()), "cut-off-" + i + ".bin"));
                }
                assertTrue(Poll.until(() -> temporaryFiles().size() == CUT_OFF, Duration.ofSeconds(60)),
                        "the uploads were streaming into temporary files: " + temporaryFiles());
                server.kill();
            } finally {
                for (Socket s : streaming) {
                    s.close();
                }
            }
        }
        assertEquals(CUT_OFF, temporaryFiles().size(), "the kill left the partial files behind");

        try (ForkedServer restarted = ForkedServer.fromClassPath(dataDir, env)) {
            ApiClient api = new ApiClient(restarted.baseUrl(), ADMIN_KEY);
            assertTrue(Poll.until(() -> total(api, "processing") == 0 && temporaryFiles().isEmpty(),
                    Duration.ofSeconds(120)),
                    "the sweep failed the cut-off uploads and removed their partial files: processing "
                            + total(api, "processing") + ", temporary files " + temporaryFiles());
            assertEquals(CUT_OFF, total(api, "failed"));
            JsonNode failed = api.get("/files?per_page=100&status=failed").json().path("data");
            assertEquals(CUT_OFF, failed.size(), failed.toString());
            for (JsonNode listed : failed) {
                JsonNode upload = api.get("/files/" + listed.path("uuid").asText()).json().path("data");
                assertEquals("failed", upload.path("status").asText(), upload.toString());
                assertEquals("INTERRUPTED", upload.path("error").path("code").asText(), upload.toString());
                assertEquals("The upload was cut off by a crash or restart of the server that received it.",
                        upload.path("error").path("message").asText());
            }
            assertEquals(1, total(api, "completed"));
            assertEquals(1, objects().size(), "only the completed upload's object is stored: " + objects());
        }
    }

    /** Opens a multipart upload announcing 64 MiB, sends its first 4 MiB and holds the connection open. */
    private static Socket startUpload(URI base, String filename) throws IOException {
        byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        long length = head.length + (64L << 20) + ("\r\n--" + BOUNDARY + "--\r\n").length();
        Socket socket = new Socket(base.getHost(), base.getPort());
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + base.getPath() + "/files/upload HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nX-API-Key: " + ADMIN_KEY + "\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY
                + "\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(head);
        byte[] chunk = TestContent.random(7, 1 << 20);
        for (int i = 0; i < 4; i++) {
            out.write(chunk);
        }
        out.flush();
        return socket;
    }

    private static int total(ApiClient api, String status) {
        try {
            return api.get("/files?per_page=1&status=" + status).json().path("meta").path("total").asInt(-1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private List<Path> temporaryFiles() {
        return filesUnderStore().stream().filter(p -> p.getFileName().toString().startsWith(".uploadkit-")).toList();
    }

    private List<Path> objects() {
        return filesUnderStore().stream().filter(p -> !p.getFileName().toString().startsWith(".uploadkit-")).toList();
    }

    private List<Path> filesUnderStore() {
        Path files = dataDir.resolve("files");
        if (!Files.exists(files)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(files)) {
            return walk.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes. */
}
