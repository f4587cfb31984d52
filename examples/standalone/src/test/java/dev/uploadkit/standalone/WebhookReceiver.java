package dev.uploadkit.standalone;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A webhook receiver on loopback (JDK HttpServer): records every POST with its headers and raw body, and answers
 * the statuses queued with {@link #answer}, then 200.
 */
final class WebhookReceiver implements AutoCloseable {
    /** One request as received. */
    record Received(String path, Map<String, List<String>> headers, String body, int answered) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();

    WebhookReceiver() throws IOException {
        this(0);
    }

    WebhookReceiver(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Integer queued = statuses.poll();
            int status = queued == null ? 200 : queued;
            received.add(new Received(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()),
                    new String(body, StandardCharsets.UTF_8), status));
            byte[] answer = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    /** Answers the next requests with these statuses, in order. */
    void answer(Integer... codes) {
        statuses.addAll(List.of(codes));
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** Returns the next request, waiting up to {@code seconds}; fails the test if none came. */
    Received next(int seconds) throws InterruptedException {
        Received r = received.poll(seconds, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no webhook request arrived within " + seconds + " s");
        }
        return r;
    }

    /** Returns the next request whose event is {@code event}, skipping others, waiting up to {@code seconds}. */
    Received nextOf(String event, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = deadline - System.nanoTime();
            Received r = left <= 0 ? null : received.poll(left, TimeUnit.NANOSECONDS);
            if (r == null) {
                throw new AssertionError("no " + event + " request arrived within " + seconds + " s");
            }
            if (event.equals(r.header("X-Webhook-Event"))) {
                return r;
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
