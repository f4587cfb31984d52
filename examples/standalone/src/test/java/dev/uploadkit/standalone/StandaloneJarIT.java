package dev.uploadkit.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the built jar as a user would: the README's curl tour, then SIGTERM during an upload.
 */
class StandaloneJarIT {
    private static final Path JAR = Path.of("target", "uploadkit-standalone.jar");
    private final ObjectMapper json = new ObjectMapper();
    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path work;

    private String base;
    private String key;
    private ForkedServer forked;

    @AfterEach
    void killLeftovers() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void readmeCurlTourWorks() throws Exception {
        Process server = start();
        Path photo = work.resolve("photo.png");
        Files.write(photo, pngBytes());

        JsonNode up = curl("-X", "POST", base + "/files/upload", "-H", "X-API-Key: " + key,
                "-F", "file=@" + photo, "-F", "folder=uploads", "-F", "is_public=false",
                "-F", "content_disposition=attachment");
        String uuid = up.path("data").path("uuid").asText();
        assertEquals("image/png", up.path("data").path("mime_type").asText());
        assertEquals("uploads", up.path("data").path("folder").asText());

        assertEquals(1, curl(base + "/files?folder=uploads&mime_type=image/*&sort=size_bytes&order=desc",
                "-H", "X-API-Key: " + key).path("meta").path("total").asInt());

        byte[] range = curlBytes(base + "/files/" + uuid + "/download", "-H", "X-API-Key: " + key, "-H", "Range: bytes=0-7");
        assertEquals("89504e470d0a1a0a", HexFormat.of().formatHex(range), "the PNG signature");

        assertEquals("cover.png", curl("-X", "PATCH", base + "/files/" + uuid, "-H", "X-API-Key: " + key,
                "-H", "Content-Type: application/json", "-d", "{\"filename\":\"cover.png\"}")
                .path("data").path("filename").asText());
        curl("-X", "DELETE", base + "/files/" + uuid, "-H", "X-API-Key: " + key);
        assertEquals(1, curl(base + "/files/trash", "-H", "X-API-Key: " + key).path("meta").path("total").asInt());
        curl("-X", "POST", base + "/files/" + uuid + "/restore", "-H", "X-API-Key: " + key);

        JsonNode dup = curl("-X", "POST", base + "/files/upload", "-H", "X-API-Key: " + key, "-F", "file=@" + photo);
        assertTrue(dup.path("data").path("deduplicated").asBoolean());
        String hash = dup.path("data").path("file_hash").asText();
        assertTrue(curl("-X", "POST", base + "/files/check-hash", "-H", "X-API-Key: " + key,
                "-H", "Content-Type: application/json", "-d", "{\"hash\":\"" + hash + "\"}")
                .path("data").path("exists").asBoolean());
        assertEquals(1, curl(base + "/files/deduplication-stats", "-H", "X-API-Key: " + key)
                .path("data").path("duplicate_files").asInt());

        JsonNode copy = curl("-X", "POST", base + "/files/" + uuid + "/copy", "-H", "X-API-Key: " + key);
        assertEquals(uuid.length(), copy.path("data").path("uuid").asText().length());
        assertEquals("42", curl("-X", "PUT", base + "/files/" + uuid + "/metadata/order_id", "-H", "X-API-Key: " + key,
                "-H", "Content-Type: application/json", "-d", "\"42\"").path("data").asText());
        assertTrue(curl("-X", "POST", base + "/files/bulk-delete", "-H", "X-API-Key: " + key, "-d",
                "{\"uuids\":[\"" + copy.path("data").path("uuid").asText() + "\"]}").path("data").path("problems").isEmpty());
        assertEquals("3.1.0", json.readTree(curlBytes(base + "/openapi.json")).path("openapi").asText());
        assertTrue(new String(curlBytes(base + "/docs"), StandardCharsets.UTF_8).contains("swagger-ui-bundle.js"));
        assertTrue(curlBytes(base + "/docs/swagger-ui-bundle.js").length > 100_000, "Swagger UI is in the jar");

        curl("-X", "DELETE", base + "/files/" + uuid + "/force", "-H", "X-API-Key: " + key);
        assertEquals(1, curl(base + "/files", "-H", "X-API-Key: " + key).path("meta").path("total").asInt());

        // Plans and limits: a project created without a plan is free, and its answers carry the limit headers
        String project = curl("-X", "POST", base + "/admin/projects", "-H", "X-API-Key: " + key, "-H",
                "Content-Type: application/json", "-d", "{\"name\":\"shop\"}").path("data").path("id").asText();
        String shopKey = curl("-X", "POST", base + "/admin/projects/" + project + "/api-keys", "-H", "X-API-Key: " + key,
                "-H", "Content-Type: application/json", "-d", "{\"name\":\"r\",\"permissions\":[\"files:read\"]}")
                .path("data").path("key").asText();
        String headers = new String(curlBytes("-o", "/dev/null", "-D", "-", base + "/files", "-H", "X-API-Key: " + shopKey),
                StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
        assertTrue(headers.contains("x-ratelimit-limit: 10"), headers);
        assertTrue(headers.contains("x-ratelimit-remaining: 9"), headers);
        assertTrue(headers.contains("x-ratelimit-reset: "), headers);

        // Usage and the request log of the admin's project, written asynchronously
        JsonNode logs = null;
        for (int i = 0; i < 100; i++) {
            logs = curl(base + "/logs?method=POST&path=/files/upload", "-H", "X-API-Key: " + key);
            if (logs.path("data").size() >= 2) {
                break;
            }
            pause();
        }
        assertEquals(2, logs.path("data").size(), logs::toString);
        assertTrue(!logs.toString().contains(key), "the log holds no key");
        JsonNode usage = curl(base + "/usage", "-H", "X-API-Key: " + key).path("data").path("totals");
        assertEquals(2, usage.path("uploads").path("count").asInt(), usage::toString);
        // A new user's first start and tour log nothing alarming.
        assertEquals(List.of(), forked.warnings());
        stop(server);
    }

    @Test
    void sigtermFinishesAnInFlightUploadAndLeavesNoPartialFile() throws Exception {
        Process server = start();
        long size = 24L * 1024 * 1024;
        CountDownLatch halfway = new CountDownLatch(1);
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        String boundary = "sigterm-boundary";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        InputStream body = new InputStream() {
            private long pos;
            private final byte[] chunk = new byte[64 * 1024];
            private int phase;

            @Override
            public int read() {
                throw new UnsupportedOperationException("bulk reads only");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (phase == 0) {
                    phase = 1;
                    System.arraycopy(head, 0, b, off, head.length);
                    return head.length;
                }
                if (phase == 1) {
                    if (pos >= size) {
                        phase = 2;
                        System.arraycopy(tail, 0, b, off, tail.length);
                        return tail.length;
                    }
                    if (pos == size / 2) {
                        halfway.countDown();
                        pause();
                    }
                    int n = (int) Math.min(Math.min(len, chunk.length), size - pos);
                    java.util.Arrays.fill(chunk, 0, n, (byte) (pos / chunk.length));
                    System.arraycopy(chunk, 0, b, off, n);
                    sent.update(chunk, 0, n);
                    pos += n;
                    return n;
                }
                return -1;
            }
        };
        HttpClient http = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> response = http.sendAsync(HttpRequest.newBuilder(URI.create(base + "/files/upload"))
                .header("X-API-Key", key).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(halfway.await(60, TimeUnit.SECONDS));
        server.destroy(); // SIGTERM while half the file is on the wire
        HttpResponse<String> r = response.get(60, TimeUnit.SECONDS);
        assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server exits after SIGTERM");
        assertEquals(201, r.statusCode(), "graceful stop lets the in-flight upload finish: " + r.body());
        JsonNode upload = json.readTree(r.body()).path("data");
        assertEquals(size, upload.path("size_bytes").asLong());
        assertEquals("sha256:" + HexFormat.of().formatHex(sent.digest()), upload.path("file_hash").asText());

        try (Stream<Path> files = Files.walk(work.resolve("data").resolve("files"))) {
            List<Path> regular = files.filter(Files::isRegularFile).toList();
            assertEquals(1, regular.size(), "exactly the completed file, no partial or temp file: " + regular);
            assertEquals(size, Files.size(regular.get(0)));
        }
    }

    @Test
    void helpPrintsTheUsageAlone() throws Exception {
        Process p = new ProcessBuilder("java", "-jar", JAR.toString(), "--help").redirectErrorStream(true).start();
        processes.add(p);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.startsWith("Usage: java -jar uploadkit-standalone.jar"), out);
        assertTrue(!out.contains("needs a value"), out);
    }

    @Test
    void aTakenPortOrALockedDatabaseIsOneLineAndTheNextStartStillPrintsTheAdminKey() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            Process p = new ProcessBuilder("java", "-jar", JAR.toString(), "--port",
                    String.valueOf(taken.getLocalPort()), "--data-dir", work.resolve("data").toString())
                    .redirectErrorStream(true).start();
            processes.add(p);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(2, p.waitFor(), out);
            assertTrue(out.contains("Cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": "), out);
            assertTrue(!out.contains("Admin API key:") && !out.contains("\tat "), out);
        }
        ForkedServer server = ForkedServer.start(List.of("-Xmx128m"), List.of("-jar", JAR.toAbsolutePath().toString()),
                work.resolve("data"), Map.of());
        processes.add(server.process());
        JsonNode list = curl(server.baseUrl() + "/files", "-H", "X-API-Key: " + server.printedKey());
        assertEquals(0, list.path("meta").path("total").asInt());

        // A second server on the same data dir finds H2's file locked: one line too.
        Process second = new ProcessBuilder("java", "-jar", JAR.toString(), "--port", "0", "--data-dir",
                work.resolve("data").toString()).redirectErrorStream(true).start();
        processes.add(second);
        String out = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, second.waitFor(), out);
        assertTrue(out.contains("Cannot start: The database is unavailable.") && !out.contains("\tat "), out);
        stop(server.process());
    }

    /**
     * The README's start-up archive: {@code cds-archive.sh} writes an archive this JDK maps (a CDS archive before JDK
     * 25, an AOT cache from 25 on), and a start that insists on it ({@code -Xshare:on} / {@code -XX:AOTMode=on}:
     * an archive that cannot be used stops the JVM) answers a list.
     */
    @Test
    void startUpArchiveScriptWritesAnArchiveTheServerStartsWith() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        boolean aot = Runtime.version().feature() >= 25;
        Path archive = work.resolve(aot ? "uploadkit.aot" : "uploadkit.jsa");
        ProcessBuilder script = new ProcessBuilder("sh", "cds-archive.sh", JAR.toString(), archive.toString())
                .redirectErrorStream(true);
        script.environment().put("JAVA", java.toString());
        Process p = script.start();
        processes.add(p);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(Files.size(archive) > 1_000_000, out);
        assertTrue(out.contains(aot ? "-XX:AOTCache=" + archive : "-XX:SharedArchiveFile=" + archive), out);

        List<String> options = aot ? List.of("-Xmx128m", "-XX:AOTMode=on", "-XX:AOTCache=" + archive)
                : List.of("-Xmx128m", "-Xshare:on", "-XX:SharedArchiveFile=" + archive);
        ForkedServer server = ForkedServer.start(options, List.of("-jar", JAR.toAbsolutePath().toString()),
                work.resolve("data"), Map.of());
        processes.add(server.process());
        JsonNode list = curl(server.baseUrl() + "/files", "-H", "X-API-Key: " + server.printedKey());
        assertEquals(0, list.path("meta").path("total").asInt());
        stop(server.process());
    }

    /** The tour's URL imports, cancel and storage, against an origin on 127.0.0.1 let through by the allow-list. */
    @Test
    void urlImportsCancelAndStorageThroughTheJar() throws Exception {
        try (dev.uploadkit.core.testing.OriginServer origin = new dev.uploadkit.core.testing.OriginServer()) {
            origin.put("hello.txt", "hello from the origin\n".getBytes(StandardCharsets.UTF_8));
            Process server = start(Map.of("UPLOADKIT_OUTBOUND_ALLOW", "127.0.0.1/32"));
            String[] auth = {"-H", "X-API-Key: " + key, "-H", "Content-Type: application/json"};
            JsonNode sync = curl(concat(new String[] {"-X", "POST", base + "/files/upload-from-url"}, auth,
                    "-d", "{\"url\":\"" + origin.url("/files/hello.txt") + "\",\"folder\":\"imports\"}"));
            assertEquals("completed", sync.path("data").path("status").asText());
            assertEquals("hello.txt", sync.path("data").path("filename").asText());

            JsonNode async = curl(concat(new String[] {"-X", "POST", base + "/files/upload-from-url"}, auth,
                    "-d", "{\"url\":\"" + origin.url("/named/hello.txt") + "\",\"async\":true,\"store\":false}"));
            String job = async.path("data").path("uuid").asText();
            assertEquals("pending", async.path("data").path("status").asText());
            JsonNode done = null;
            for (int i = 0; i < 200 && (done == null || !done.path("data").path("status").asText().equals("completed")); i++) {
                pause();
                done = curl(base + "/files/" + job, "-H", "X-API-Key: " + key);
            }
            assertEquals("completed", done.path("data").path("status").asText(), done.toString());
            assertTrue(done.path("data").path("deduplicated").asBoolean());
            assertEquals(false, done.path("data").path("is_stored").asBoolean());
            assertEquals(1, curl(base + "/files?is_stored=false", "-H", "X-API-Key: " + key).path("meta").path("total")
                    .asInt());
            assertTrue(curl("-X", "PUT", base + "/files/" + job + "/storage", "-H", "X-API-Key: " + key)
                    .path("data").path("is_stored").asBoolean());

            JsonNode drip = curl(concat(new String[] {"-X", "POST", base + "/files/upload-from-url"}, auth,
                    "-d", "{\"url\":\"" + origin.url("/drip") + "\",\"async\":true}"));
            assertEquals("cancelled", curl("-X", "POST", base + "/files/" + drip.path("data").path("uuid").asText()
                    + "/cancel", "-H", "X-API-Key: " + key).path("data").path("status").asText());
            stop(server);
        }
    }

    private static String[] concat(String[] head, String[] middle, String... tail) {
        List<String> all = new ArrayList<>(List.of(head));
        all.addAll(List.of(middle));
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }

    private Process start() throws Exception {
        return start(Map.of());
    }

    private Process start(Map<String, String> env) throws Exception {
        assertTrue(Files.exists(JAR), "run after package: " + JAR.toAbsolutePath());
        ForkedServer server = ForkedServer.start(List.of("-Xmx128m"), List.of("-jar", JAR.toString()),
                work.resolve("data"), env);
        processes.add(server.process());
        forked = server;
        base = server.baseUrl();
        key = server.printedKey();
        assertNotNull(key, "the admin key is printed before the server listens");
        return server.process();
    }

    private void stop(Process server) throws InterruptedException {
        server.destroy();
        assertTrue(server.waitFor(60, TimeUnit.SECONDS));
    }

    private JsonNode curl(String... args) throws Exception {
        JsonNode node = json.readTree(curlBytes(args));
        assertTrue(node.path("success").asBoolean(), node::toString);
        return node;
    }

    private byte[] curlBytes(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--fail-with-body", "--noproxy", "*"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), () -> "curl failed: " + cmd + " -> " + new String(out, StandardCharsets.UTF_8));
        return out;
    }

    private static void pause() {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
    }

    private static byte[] pngBytes() throws IOException {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(4, 3, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
