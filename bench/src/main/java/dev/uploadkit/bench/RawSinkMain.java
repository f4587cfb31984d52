package dev.uploadkit.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The large-upload baseline {@link UploadSpeedBenchmark} runs in its own JVM: the JDK's HttpServer writing
 * each request's raw body to a new file under DIR while computing its SHA-256, answering 201 with the hex
 * digest. Prints {@code RawSink listening on port N}, then serves until killed.
 *
 * <pre>java -cp bench/target/uploadkit-bench.jar dev.uploadkit.bench.RawSinkMain DIR</pre>
 */
public final class RawSinkMain {
    private RawSinkMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("Usage: RawSinkMain DIR   (each request body becomes a file under DIR)");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> sink(exchange, dir));
        server.start();
        System.out.println("RawSink listening on port " + server.getAddress().getPort());
        System.out.flush();
    }

    private static void sink(HttpExchange exchange, Path dir) throws IOException {
        try (exchange) {
            MessageDigest sha;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            Path file = dir.resolve("raw-" + System.nanoTime());
            // 64 KiB writes, so the baseline is not held back by transferTo's 8 KiB ones
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = exchange.getRequestBody();
                 OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha)) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    out.write(buffer, 0, n);
                }
            }
            byte[] answer = HexFormat.of().formatHex(sha.digest()).getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(201, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }
}
