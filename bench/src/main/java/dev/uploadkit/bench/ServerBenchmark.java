package dev.uploadkit.bench;

import dev.uploadkit.core.DataSize;
import dev.uploadkit.standalone.StandaloneConfig;
import dev.uploadkit.standalone.StandaloneServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Uploads one large file with curl, in the same run, to (1) a bare servlet that writes the raw request body
 * to a file while hashing it (sent once as a raw body, once as a multipart form, to separate curl's own cost
 * of building a form), and (2) the standalone Uploadkit server (multipart parsing, hashing, type detection,
 * catalog, dedup). Both servers run in this JVM; run it under the heap the server is meant to have:
 *
 * <pre>java -Xmx128m -cp bench/target/uploadkit-bench.jar dev.uploadkit.bench.ServerBenchmark [MiB]</pre>
 */
public final class ServerBenchmark {
    private ServerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        Path dir = Files.createTempDirectory("uploadkit-server-bench");
        try {
            Path file = dir.resolve("upload.bin");
            try (OutputStream out = Files.newOutputStream(file);
                 InputStream in = new IngestBenchmark.GeneratedStream(mib * 1024 * 1024)) {
                in.transferTo(out);
            }
            System.out.printf("file          %s%n", DataSize.ofBytes(Files.size(file)).format());

            Server raw = rawServer(dir.resolve("raw"));
            String rawUrl = "http://127.0.0.1:" + ((ServerConnector) raw.getConnectors()[0]).getLocalPort() + "/raw";
            ByteArrayOutputStream banner = new ByteArrayOutputStream();
            StandaloneConfig config = StandaloneConfig.from(
                    new String[] {"--port", "0", "--data-dir", dir.resolve("uploadkit").toString()}, Map.of());
            try (StandaloneServer uploadkit = StandaloneServer.start(config, new PrintStream(banner, true, StandardCharsets.UTF_8))) {
                Matcher m = Pattern.compile("Admin API key: (\\S+)").matcher(banner.toString(StandardCharsets.UTF_8));
                if (!m.find()) {
                    throw new IllegalStateException("no admin key printed");
                }
                String key = m.group(1);

                HeapMeter.reset();
                double rawSpeed = curl("-X", "POST", "-T", file.toString(), "-H", "Content-Type: application/octet-stream", rawUrl);
                long rawPeak = HeapMeter.peak();
                double rawFormSpeed = curl("-F", "file=@" + file, rawUrl);
                HeapMeter.reset();
                double ukSpeed = curl("-H", "X-API-Key: " + key, "-F", "file=@" + file, "-F", "folder=bench",
                        uploadkit.baseUrl() + "/files/upload");
                long ukPeak = HeapMeter.peak();

                System.out.printf("raw servlet   %.1f MB/s (MiB/s)   peak heap %s%n", rawSpeed, DataSize.ofBytes(rawPeak).format());
                System.out.printf("raw, curl -F  %.1f MB/s (MiB/s)   the same servlet, body sent as a multipart form%n",
                        rawFormSpeed);
                System.out.printf("uploadkit     %.1f MB/s (MiB/s)   peak heap %s%n", ukSpeed, DataSize.ofBytes(ukPeak).format());
                System.out.printf("ratio         %.0f %% of the raw servlet%n", 100 * ukSpeed / rawSpeed);
                System.out.printf("max heap      %s (-Xmx)%n", DataSize.ofBytes(Runtime.getRuntime().maxMemory()).format());
            } finally {
                raw.stop();
            }
        } finally {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Returns curl's average upload speed in MiB/s; fails unless the server answered 2xx. */
    static double curl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-sS", "--noproxy", "*", "-o", "/dev/null",
                "-w", "%{http_code} %{speed_upload}"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String[] out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split(" ");
        if (p.waitFor() != 0 || !out[0].startsWith("2")) {
            throw new IllegalStateException("upload failed: HTTP " + out[0]);
        }
        return Double.parseDouble(out[1]) / 1048576.0;
    }

    private static Server rawServer(Path target) throws Exception {
        Files.createDirectories(target);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new RawBodyServlet(target)), "/raw");
        server.setHandler(context);
        server.start();
        return server;
    }

    /** The baseline: request body straight to a file, hashed on the way, nothing else. */
    static final class RawBodyServlet extends HttpServlet {
        private final Path target;

        RawBodyServlet(Path target) {
            this.target = target;
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            MessageDigest sha;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            Path file = target.resolve("raw-" + System.nanoTime());
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha)) {
                req.getInputStream().transferTo(out);
            }
            resp.setStatus(201);
            resp.getWriter().write(HexFormat.of().formatHex(sha.digest()));
        }
    }


}
