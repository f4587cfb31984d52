package dev.uploadkit.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.uploadkit.core.DataSize;
import dev.uploadkit.standalone.StandaloneConfig;
import dev.uploadkit.standalone.StandaloneServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * URL imports into the standalone server (H2 + local folder, in this JVM, {@code UPLOADKIT_OUTBOUND_ALLOW=127.0.0.1/32})
 * from an origin on 127.0.0.1 (a JDK HttpServer, in this JVM too), in one run:
 * <ol>
 *   <li>{@code count} asynchronous imports of 1 MiB each (distinct bytes), at most {@code parallel} outstanding
 *       (submitted, not yet completed) at a time, with {@code UPLOADKIT_IMPORT_CONCURRENCY=parallel}: imports/s and
 *       peak heap;</li>
 *   <li>as a yardstick, {@code count} direct multipart uploads of other 1 MiB files from {@code parallel} clients;</li>
 *   <li>one synchronous import of a {@code large} MiB file vs {@code curl} downloading the same URL to a file:
 *       MiB/s of each and their ratio, and the peak heap of the import.</li>
 * </ol>
 * Run it under the heap the server is meant to have:
 * <pre>java -Xmx128m -cp bench/target/uploadkit-bench.jar dev.uploadkit.bench.ImportBenchmark [count] [parallel] [large MiB]</pre>
 */
public final class ImportBenchmark {
    private static final int SMALL = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ImportBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int parallel = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        long largeMib = args.length > 2 ? Long.parseLong(args[2]) : 1024;
        Path dir = Files.createTempDirectory("uploadkit-import-bench");
        Path big = dir.resolve("big.bin");
        try (OutputStream out = Files.newOutputStream(big);
             InputStream in = new IngestBenchmark.GeneratedStream(largeMib << 20)) {
            in.transferTo(out);
        }
        HttpServer origin = origin(big);
        String originBase = "http://127.0.0.1:" + origin.getAddress().getPort();
        ByteArrayOutputStream banner = new ByteArrayOutputStream();
        StandaloneConfig config = StandaloneConfig.from(new String[] {"--port", "0", "--data-dir",
                dir.resolve("uploadkit").toString()}, Map.of("UPLOADKIT_OUTBOUND_ALLOW", "127.0.0.1/32",
                "UPLOADKIT_IMPORT_CONCURRENCY", Integer.toString(parallel)));
        try (StandaloneServer server = StandaloneServer.start(config,
                new PrintStream(banner, true, StandardCharsets.UTF_8))) {
            Matcher m = Pattern.compile("Admin API key: (\\S+)").matcher(banner.toString(StandardCharsets.UTF_8));
            if (!m.find()) {
                throw new IllegalStateException("no admin key printed");
            }
            Client client = new Client(server.baseUrl(), m.group(1));
            System.out.printf("async imports  %d x %s, %d outstanding at a time%n", count,
                    DataSize.ofBytes(SMALL).format(), parallel);
            HeapMeter.reset();
            long started = System.nanoTime();
            asyncImports(client, originBase, count, parallel);
            double seconds = (System.nanoTime() - started) / 1e9;
            long asyncPeak = HeapMeter.peak();
            System.out.printf("               %.1f imports/s (%.1f MiB/s), %.1f s, peak heap %s%n", count / seconds,
                    count * (SMALL / 1048576.0) / seconds, seconds, DataSize.ofBytes(asyncPeak).format());

            HeapMeter.reset();
            long d0 = System.nanoTime();
            directUploads(client, dir.resolve("direct"), count, parallel);
            double directSeconds = (System.nanoTime() - d0) / 1e9;
            System.out.printf("direct uploads %.1f uploads/s, %.1f s, peak heap %s (curl -F of 1 MiB files, "
                    + "%d at a time)%n", count / directSeconds, directSeconds,
                    DataSize.ofBytes(HeapMeter.peak()).format(), parallel);
            System.out.printf("ratio          %.2f (async imports / direct uploads)%n",
                    (count / seconds) / (count / directSeconds));

            Path curled = dir.resolve("curled.bin");
            double curlSpeed = curlDownload(originBase + "/big", curled);
            Files.delete(curled);
            HeapMeter.reset();
            long t0 = System.nanoTime();
            JsonNode imported = client.send("/files/upload-from-url", "{\"url\":\"" + originBase + "/big\"}");
            double importSeconds = (System.nanoTime() - t0) / 1e9;
            long importPeak = HeapMeter.peak();
            if (!imported.path("data").path("status").asText().equals("completed")) {
                throw new IllegalStateException("the large import failed: " + imported);
            }
            double importSpeed = largeMib / importSeconds;
            System.out.printf("large file     %s%n", DataSize.ofBytes(largeMib << 20).format());
            System.out.printf("curl -o file   %.1f MiB/s%n", curlSpeed);
            System.out.printf("sync import    %.1f MiB/s, peak heap %s%n", importSpeed,
                    DataSize.ofBytes(importPeak).format());
            System.out.printf("ratio          %.2f (import / curl)%n", importSpeed / curlSpeed);
            System.out.printf("max heap       %s (-Xmx)%n", DataSize.ofBytes(Runtime.getRuntime().maxMemory()).format());
        } finally {
            origin.stop(0);
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Keeps {@code parallel} imports outstanding until {@code count} have completed. */
    private static void asyncImports(Client client, String originBase, int count, int parallel) throws Exception {
        List<String> outstanding = new ArrayList<>();
        int submitted = 0;
        int completed = 0;
        while (completed < count) {
            while (outstanding.size() < parallel && submitted < count) {
                JsonNode r = client.send("/files/upload-from-url", "{\"url\":\"" + originBase + "/gen/" + submitted
                        + "\",\"async\":true}");
                outstanding.add(r.path("data").path("uuid").asText());
                submitted++;
            }
            for (String uuid : List.copyOf(outstanding)) {
                String status = client.get("/files/" + uuid).path("data").path("status").asText();
                if (status.equals("completed")) {
                    outstanding.remove(uuid);
                    completed++;
                } else if (status.equals("failed") || status.equals("cancelled")) {
                    throw new IllegalStateException("import " + uuid + " ended " + status);
                }
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    /**
     * Uploads {@code count} distinct 1 MiB files (other seeds than the imports), written to {@code dir} first, with
     * {@code curl -F} from {@code parallel} threads, so that the clients' memory is not the server's.
     */
    private static void directUploads(Client client, Path dir, int count, int parallel) throws Exception {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] bytes = new byte[SMALL];
            new Random(1_000_000 + i).nextBytes(bytes);
            files.add(Files.write(dir.resolve("direct-" + i + ".bin"), bytes));
        }
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (Path file : files) {
                done.add(pool.submit(() -> {
                    ServerBenchmark.curl("-H", "X-API-Key: " + client.key(), "-F", "file=@" + file,
                            client.base() + "/files/upload");
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Returns curl's average download speed in MiB/s. */
    private static double curlDownload(String url, Path target) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("curl", "-sS", "--noproxy", "*", "-o", target.toString(), "-w",
                "%{http_code} %{speed_download}", url).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String[] out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split(" ");
        if (p.waitFor() != 0 || !out[0].startsWith("2")) {
            throw new IllegalStateException("download failed: HTTP " + out[0]);
        }
        return Double.parseDouble(out[1]) / 1048576.0;
    }

    /** {@code /big}: the file, with its length; {@code /gen/<n>}: 1 MiB of random bytes seeded by n. */
    private static HttpServer origin(Path big) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "origin");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", ex -> {
            try (ex) {
                serve(ex, big);
            }
        });
        server.start();
        return server;
    }

    private static void serve(HttpExchange ex, Path big) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (path.equals("/big")) {
            ex.sendResponseHeaders(200, Files.size(big));
            try (InputStream in = Files.newInputStream(big)) {
                in.transferTo(ex.getResponseBody());
            }
        } else if (path.startsWith("/gen/")) {
            byte[] bytes = new byte[SMALL];
            new Random(Long.parseLong(path.substring(5))).nextBytes(bytes);
            ex.sendResponseHeaders(200, bytes.length);
            ex.getResponseBody().write(bytes);
        } else {
            ex.sendResponseHeaders(404, -1);
        }
    }

    private record Client(String base, String key) {
        private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        JsonNode send(String path, String json) throws IOException, InterruptedException {
            return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("X-API-Key", key)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
        }

        JsonNode get(String path) throws IOException, InterruptedException {
            return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).header("X-API-Key", key)
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
        }
    }
}
