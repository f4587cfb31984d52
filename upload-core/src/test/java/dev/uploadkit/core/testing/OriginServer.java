package dev.uploadkit.core.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A source for URL imports in tests: a JDK {@link HttpServer} on 127.0.0.1 serving
 * <ul>
 *   <li>{@code /files/<name>}: bytes put with {@link #put}, with a {@code Content-Length};</li>
 *   <li>{@code /named/<name>}: the same bytes with {@code Content-Disposition: attachment; filename="<name>"} under
 *       a URL path that names nothing ({@code /named/x} serves file {@code x} as {@code x});</li>
 *   <li>{@code /drip}: one byte every 100 ms, for ever (chunked); {@code /endless}: random bytes as fast as they go
 *       (chunked, no length);</li>
 *   <li>{@code /slow/<name>}: the first 256 KiB of file {@code <name>} at once, then one byte every 100 ms until
 *       {@link #releaseSlow()}, then the rest at once (chunked);</li>
 *   <li>{@code /stall/head}: a 200 head and then no body byte; {@code /stall/none}: no answer at all (both until
 *       closed);</li>
 *   <li>{@code /redirect/<n>/<path>}: {@code n} redirects, then {@code /<path>}; {@code /loop}: redirects to itself;
 *       {@code /to?url}: redirects to the given URL;</li>
 *   <li>{@code /status/<code>}: that status with a short body.</li>
 * </ul>
 * A second, raw server ({@link #lyingUrl}) answers with a {@code Content-Length} that is not the body's length.
 * {@link #requests()} counts what reached either.
 */
public final class OriginServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "origin");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger drips = new AtomicInteger();
    private final AtomicInteger stalls = new AtomicInteger();
    private volatile boolean slowReleased;
    private final ServerSocket raw;
    private volatile boolean closed;

    public OriginServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            raw = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        executor.execute(this::serveRaw);
    }

    /** Serves {@code bytes} at {@code /files/<name>} and {@code /named/<name>}. */
    public OriginServer put(String name, byte[] bytes) {
        files.put(name, bytes.clone());
        return this;
    }

    /** Returns the base URL, e.g. {@code http://127.0.0.1:1234}. */
    public String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String url(String path) {
        return base() + (path.startsWith("/") ? path : "/" + path);
    }

    /**
     * Returns the URL of the raw server, which announces {@code announced} bytes and sends {@code sent} then closes
     * (or, with {@code sent < 0}, sends without end).
     */
    public String lyingUrl(long announced, long sent) {
        return "http://127.0.0.1:" + raw.getLocalPort() + "/lying/" + announced + "/" + sent;
    }

    /** Returns how many {@code /drip} and dripping {@code /slow} responses are still being sent (their client is there). */
    public int activeDrips() {
        return drips.get();
    }

    /** Makes {@code /slow} responses in progress, and later ones, send the rest of their file at once. */
    public void releaseSlow() {
        slowReleased = true;
    }

    /** Returns how many {@code /stall} requests have arrived and are being held. */
    public int stalls() {
        return stalls.get();
    }

    /** Returns how many requests reached the origin. */
    public int requests() {
        return requests.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        String path = ex.getRequestURI().getPath();
        try (ex) {
            if (path.startsWith("/files/") || path.startsWith("/named/")) {
                String name = path.substring(7);
                byte[] bytes = files.get(name);
                if (bytes == null) {
                    send(ex, 404, "no such file");
                    return;
                }
                if (path.startsWith("/named/")) {
                    ex.getResponseHeaders().add("Content-Disposition", "attachment; filename=\"" + name + "\"");
                }
                ex.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
                ex.getResponseBody().write(bytes);
            } else if (path.equals("/drip")) {
                drips.incrementAndGet();
                try {
                    ex.sendResponseHeaders(200, 0);
                    OutputStream out = ex.getResponseBody();
                    while (!closed) {
                        out.write('x');
                        out.flush();
                        sleep(100);
                    }
                } finally {
                    drips.decrementAndGet();
                }
            } else if (path.startsWith("/slow/")) {
                slow(ex, files.get(path.substring(6)));
            } else if (path.startsWith("/stall/")) {
                stalls.incrementAndGet();
                if (path.equals("/stall/head")) {
                    ex.sendResponseHeaders(200, 0);
                    ex.getResponseBody().flush();
                }
                while (!closed) {
                    sleep(50);
                }
            } else if (path.equals("/endless")) {
                ex.sendResponseHeaders(200, 0);
                OutputStream out = ex.getResponseBody();
                byte[] chunk = TestContent.random(7, 64 * 1024);
                while (!closed) {
                    out.write(chunk);
                }
            } else if (path.startsWith("/redirect/")) {
                String rest = path.substring("/redirect/".length());
                int slash = rest.indexOf('/');
                int n = Integer.parseInt(rest.substring(0, slash));
                String target = rest.substring(slash);
                redirect(ex, n <= 1 ? target : "/redirect/" + (n - 1) + target);
            } else if (path.equals("/loop")) {
                redirect(ex, "/loop");
            } else if (path.equals("/to")) {
                redirect(ex, ex.getRequestURI().getRawQuery());
            } else if (path.startsWith("/status/")) {
                send(ex, Integer.parseInt(path.substring(8)), "status");
            } else {
                send(ex, 404, "unknown path");
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private void slow(HttpExchange ex, byte[] bytes) throws IOException {
        if (bytes == null) {
            send(ex, 404, "no such file");
            return;
        }
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        int sent = Math.min(bytes.length, 256 * 1024);
        out.write(bytes, 0, sent);
        out.flush();
        drips.incrementAndGet();
        try {
            while (!closed && !slowReleased && sent < bytes.length) {
                out.write(bytes, sent++, 1);
                out.flush();
                sleep(100);
            }
        } finally {
            drips.decrementAndGet();
        }
        out.write(bytes, sent, bytes.length - sent);
    }

    private static void redirect(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().add("Location", location);
        ex.sendResponseHeaders(302, -1);
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private void serveRaw() {
        while (!closed) {
            Socket socket;
            try {
                socket = raw.accept();
            } catch (IOException e) {
                return;
            }
            executor.execute(() -> answerRaw(socket));
        }
    }

    private void answerRaw(Socket socket) {
        requests.incrementAndGet();
        try (socket) {
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            int c;
            while (!head.toString().endsWith("\r\n\r\n") && (c = in.read()) >= 0) {
                head.append((char) c);
            }
            String[] parts = head.toString().split(" ")[1].split("/");
            long announced = Long.parseLong(parts[2]);
            long sent = Long.parseLong(parts[3]);
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + announced + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk = TestContent.random(11, 64 * 1024);
            long left = sent < 0 ? Long.MAX_VALUE : sent;
            while (left > 0 && !closed) {
                int n = (int) Math.min(chunk.length, left);
                out.write(chunk, 0, n);
                left -= n;
            }
            out.flush();
        } catch (IOException | RuntimeException e) {
            // the client went away
        }
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        try {
            raw.close();
        } catch (IOException e) {
            // closing anyway
        }
        executor.shutdownNow();
    }
}
