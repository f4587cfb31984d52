package dev.uploadkit.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A webhook receiver on 127.0.0.1 (a JDK HttpServer) that records every POST it gets, checks its signature against
 * the webhook's secret, and answers with the status currently set ({@link #answer(int)}, 200 at first).
 */
final class RecordingReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile int answer = 200;
    private volatile String secret;

    /** One POST as the receiver saw it, and what it answered. */
    record Received(String id, String event, boolean signatureValid, JsonNode body, int answered) {
        String uploadId() {
            return body.path("data").path("upload").path("id").asText();
        }

        @Override
        public String toString() {
            return body.path("data").path("upload").path("filename").asText() + " " + id + " -> " + answered;
        }
    }

    private RecordingReceiver(HttpServer server) {
        this.server = server;
        server.setExecutor(threads);
        server.createContext("/hook", this::handle);
        server.start();
    }

    static RecordingReceiver start() throws IOException {
        return new RecordingReceiver(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
    }

    /** Returns the URL to subscribe. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** Sets the status every following POST is answered with. */
    void answer(int status) {
        answer = status;
    }

    /** Sets the secret signatures are checked with. */
    void secret(String value) {
        secret = value;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex; InputStream in = ex.getRequestBody()) {
            byte[] body = in.readAllBytes();
            String signature = ex.getRequestHeaders().getFirst("X-Webhook-Signature");
            String key = secret;
            boolean valid = key != null && signature != null && signature.equals(sign(key, body));
            int status = answer;
            received.add(new Received(ex.getRequestHeaders().getFirst("X-Webhook-ID"),
                    ex.getRequestHeaders().getFirst("X-Webhook-Event"), valid, JSON.readTree(body), status));
            ex.sendResponseHeaders(status, -1);
        }
    }

    static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
