package dev.uploadkit.bench;

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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A webhook receiver on 127.0.0.1 (JDK HttpServer, {@code threads} handler threads) for {@link
 * WebhookDeliveryBenchmark}: {@code POST /hook/<n>} is webhook n's; it checks the signature with that webhook's
 * secret, answers 200, and records the delivery id, the upload id and {@link System#nanoTime()} of receipt.
 */
final class LoopbackReceiver implements AutoCloseable {
    private static final Pattern UPLOAD_ID = Pattern.compile("\"upload\":\\{\"id\":\"([^\"]+)\"");

    /** One accepted POST. */
    record Receipt(String deliveryId, String uploadId, long nanos) {
    }

    private final HttpServer server;
    private final ExecutorService threads;
    private final Map<Integer, String> secrets = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Receipt> receipts = new ConcurrentLinkedQueue<>();
    private final Map<String, Integer> seen = new ConcurrentHashMap<>();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong badSignatures = new AtomicLong();

    LoopbackReceiver(int threadCount) throws IOException {
        threads = Executors.newFixedThreadPool(threadCount);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.setExecutor(threads);
        server.createContext("/hook/", this::handle);
        server.start();
    }

    /** Returns webhook {@code n}'s URL. */
    String url(int n) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook/" + n;
    }

    void secret(int n, String secret) {
        secrets.put(n, secret);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex; InputStream in = ex.getRequestBody()) {
            byte[] body = in.readAllBytes();
            long now = System.nanoTime();
            String path = ex.getRequestURI().getPath();
            String secret = secrets.get(Integer.parseInt(path.substring(path.lastIndexOf('/') + 1)));
            String signature = ex.getRequestHeaders().getFirst("X-Webhook-Signature");
            if (secret == null || !sign(secret, body).equals(signature)) {
                badSignatures.incrementAndGet();
            }
            String id = ex.getRequestHeaders().getFirst("X-Webhook-ID");
            Matcher m = UPLOAD_ID.matcher(new String(body, StandardCharsets.UTF_8));
            receipts.add(new Receipt(id, m.find() ? m.group(1) : "?", now));
            seen.merge(id, 1, Integer::sum);
            received.incrementAndGet();
            ex.sendResponseHeaders(200, -1);
        }
    }

    private static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** POSTs received so far, duplicates included. */
    long received() {
        return received.get();
    }

    /** Distinct delivery ids received so far. */
    long distinct() {
        return seen.size();
    }

    long badSignatures() {
        return badSignatures.get();
    }

    Iterable<Receipt> receipts() {
        return receipts;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
