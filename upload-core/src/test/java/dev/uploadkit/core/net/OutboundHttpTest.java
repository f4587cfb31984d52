package dev.uploadkit.core.net;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.uploadkit.core.net.OutboundException.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTP behaviour against a JDK server on 127.0.0.1; nothing else is ever connected to. */
class OutboundHttpTest {
    private static final OutboundPolicy LOOPBACK = OutboundPolicy.parse("127.0.0.1/32");

    private HttpServer server;
    private String base;
    private final SpySocketFactory sockets = new SpySocketFactory();
    private final List<String> resolved = new CopyOnWriteArrayList<>();
    private final AtomicReference<HttpExchange> lastRequest = new AtomicReference<>();
    private final AtomicReference<byte[]> lastBody = new AtomicReference<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/echo", exchange -> {
            lastBody.set(exchange.getRequestBody().readAllBytes());
            lastRequest.set(exchange);
            respond(exchange, 201, "received".getBytes(StandardCharsets.UTF_8), false);
        });
        server.createContext("/chunked", exchange -> respond(exchange, 200, bytes(size(exchange)), true));
        server.createContext("/fixed", exchange -> {
            exchange.getResponseHeaders().add("Content-Disposition",
                    "attachment; filename=\"fallback.txt\"; filename*=UTF-8''na%C3%AFve%20report.pdf");
            respond(exchange, 200, bytes(size(exchange)), false);
        });
        server.createContext("/redirect", exchange -> {
            int left = Integer.parseInt(exchange.getRequestURI().getPath().substring("/redirect/".length()));
            lastRequest.set(exchange);
            lastBody.set(exchange.getRequestBody().readAllBytes());
            if (left == 0) {
                respond(exchange, 200, "done".getBytes(StandardCharsets.UTF_8), false);
            } else {
                redirect(exchange, 302, "/redirect/" + (left - 1));
            }
        });
        server.createContext("/to", exchange -> redirect(exchange, 307, exchange.getRequestURI().getQuery()));
        server.createContext("/status", exchange -> respond(exchange, 404, "gone".getBytes(StandardCharsets.UTF_8),
                false));
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private OutboundHttp.Builder client() {
        return OutboundHttp.builder().policy(LOOPBACK).socketFactory(sockets).resolver(host -> {
            resolved.add(host);
            throw new UnknownHostException(host);
        });
    }

    @Test
    void postDeliversBodyAndHeaders() {
        byte[] payload = "{\"event\":\"upload.completed\"}".getBytes(StandardCharsets.UTF_8);
        OutboundResponse response = client().build().send(OutboundRequest.post(URI.create(base + "/echo?x=1"),
                Map.of("Content-Type", "application/json", "X-Uploadkit-Signature", "sha256=abc"), payload));

        assertEquals(201, response.status());
        assertArrayEquals("received".getBytes(StandardCharsets.UTF_8), response.body());
        assertArrayEquals(payload, lastBody.get());
        HttpExchange request = lastRequest.get();
        assertEquals("POST", request.getRequestMethod());
        assertEquals("/echo?x=1", request.getRequestURI().toString());
        assertEquals("application/json", request.getRequestHeaders().getFirst("Content-Type"));
        assertEquals("sha256=abc", request.getRequestHeaders().getFirst("X-Uploadkit-Signature"));
        assertEquals("127.0.0.1:" + server.getAddress().getPort(), request.getRequestHeaders().getFirst("Host"));
    }

    @Test
    void getStreamsChunkedAndFixedBodiesWithHeaders() throws IOException {
        OutboundHttp http = client().build();
        try (OutboundDownload download = http.open(URI.create(base + "/chunked?size=300000"))) {
            assertEquals(200, download.status());
            assertTrue(download.contentLength().isEmpty());
            assertArrayEquals(bytes(300_000), download.body().readAllBytes());
        }
        try (OutboundDownload download = http.open(URI.create(base + "/fixed?size=1000"))) {
            assertEquals(1000, download.contentLength().orElseThrow());
            assertEquals("naïve report.pdf", download.filename().orElseThrow());
            assertArrayEquals(bytes(1000), download.body().readAllBytes());
        }
    }

    @Test
    void sizeCapHoldsForChunkedAndAnnouncedBodies() throws IOException {
        OutboundHttp http = client().maxResponseBytes(100_000).build();
        try (OutboundDownload download = http.open(URI.create(base + "/chunked?size=100000"))) {
            assertEquals(100_000, download.body().readAllBytes().length, "exactly the cap is fine");
        }
        try (OutboundDownload download = http.open(URI.create(base + "/chunked?size=100001"))) {
            InputStream body = download.body();
            OutboundException e = assertThrows(OutboundException.class, body::readAllBytes);
            assertEquals(Reason.TOO_LARGE, e.reason());
        }
        OutboundException e = assertThrows(OutboundException.class,
                () -> http.open(URI.create(base + "/fixed?size=100001")));
        assertEquals(Reason.TOO_LARGE, e.reason(), "a Content-Length over the cap fails before streaming");
    }

    @Test
    void redirectChainOfFiveIsFollowedSixIsTooMany() {
        OutboundHttp http = client().build();
        try (OutboundDownload download = http.open(URI.create(base + "/redirect/5"))) {
            assertEquals(200, download.status());
            assertEquals(URI.create(base + "/redirect/0"), download.uri());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        OutboundException e = assertThrows(OutboundException.class,
                () -> http.open(URI.create(base + "/redirect/6")));
        assertEquals(Reason.TOO_MANY_REDIRECTS, e.reason());
    }

    @Test
    void postRedirectedWith302ContinuesAsGet() {
        OutboundResponse response = client().build().send(OutboundRequest.post(URI.create(base + "/redirect/1"),
                Map.of(), "x".getBytes(StandardCharsets.UTF_8)));
        assertEquals(200, response.status());
        assertEquals("GET", lastRequest.get().getRequestMethod());
        assertEquals(0, lastBody.get().length);
    }

    @ParameterizedTest(name = "redirect to {0} is refused before connecting")
    @ValueSource(strings = {"http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://0x7f.2/",
            "http://[fd00:ec2::254]/", "http://[::ffff:169.254.169.254]/"})
    void redirectIntoPrivateAddressIsRefusedBeforeConnecting(String target) {
        OutboundException e = assertThrows(OutboundException.class,
                () -> client().build().open(URI.create(base + "/to?" + target)));
        assertEquals(Reason.FORBIDDEN, e.reason());
        assertTrue(e.redirected(), "refused on a redirect's target");
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", server.getAddress().getPort())), sockets.connects,
                "only the loopback server was connected to");
        assertTrue(resolved.isEmpty(), "literals are never resolved");
    }

    @Test
    void redirectToNameResolvingPrivateIsRefusedBeforeConnecting() {
        OutboundHttp http = client().resolver(host -> {
            resolved.add(host);
            return List.of(InetAddress.getByAddress(host, new byte[] {10, 0, 0, 5}));
        }).build();
        OutboundException e = assertThrows(OutboundException.class,
                () -> http.open(URI.create(base + "/to?http://internal.example/")));
        assertEquals(Reason.FORBIDDEN, e.reason());
        assertEquals(List.of("internal.example"), resolved);
        assertEquals(1, sockets.connects.size());
    }

    @Test
    void connectsToTheCheckedAddressWithoutSecondLookup() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        OutboundHttp http = client().resolver(host -> {
            byte[] address = calls.incrementAndGet() == 1 ? new byte[] {127, 0, 0, 1} : new byte[] {10, 9, 9, 9};
            return List.of(InetAddress.getByAddress(host, address));
        }).build();
        int port = server.getAddress().getPort();
        OutboundResponse response = http.send(OutboundRequest.post(URI.create("http://uploads.test:" + port
                + "/echo"), Map.of(), new byte[] {1, 2, 3}));

        assertEquals(201, response.status());
        assertEquals(1, calls.get(), "the name is resolved exactly once");
        assertEquals(List.of(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port)),
                sockets.connects);
        assertEquals("uploads.test:" + port, lastRequest.get().getRequestHeaders().getFirst("Host"));
    }

    @Test
    void nameResolvingToLoopbackIsRefusedByDefault() {
        OutboundHttp http = OutboundHttp.builder().socketFactory(sockets)
                .resolver(host -> List.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}))).build();
        OutboundException e = assertThrows(OutboundException.class,
                () -> http.open(URI.create("http://localhost:" + server.getAddress().getPort() + "/fixed")));
        assertEquals(Reason.FORBIDDEN, e.reason());
        assertTrue(e.getMessage().contains("loopback"), e.getMessage());
        assertTrue(sockets.connects.isEmpty());
    }

    @Test
    void oneForbiddenAddressAmongSeveralRefusesTheName() {
        OutboundHttp http = OutboundHttp.builder().socketFactory(sockets).resolver(host -> List.of(
                InetAddress.getByAddress(host, new byte[] {93, (byte) 184, (byte) 216, 34}),
                InetAddress.getByAddress(host, new byte[] {10, 0, 0, 1}))).build();
        OutboundException e = assertThrows(OutboundException.class,
                () -> http.open(URI.create("https://mixed.example/file")));
        assertEquals(Reason.FORBIDDEN, e.reason());
        assertTrue(sockets.connects.isEmpty());
    }

    @Test
    void defaultPolicyRefusesLoopbackInAnySpelling() {
        OutboundHttp http = OutboundHttp.builder().socketFactory(sockets).build();
        for (String url : List.of("http://127.0.0.1/", "http://2130706433/", "http://0177.0.0.1/",
                "http://0x7f.1/", "http://127.1/", "http://[::ffff:127.0.0.1]/", "http://[::1]/")) {
            OutboundException e = assertThrows(OutboundException.class, () -> http.open(URI.create(url)), url);
            assertEquals(Reason.FORBIDDEN, e.reason(), url);
        }
        assertTrue(sockets.connects.isEmpty());
    }

    @ParameterizedTest(name = "{0} is refused")
    @ValueSource(strings = {"ftp://127.0.0.1/x", "file:///etc/passwd", "gopher://127.0.0.1:70/", "jar:http://x/!/",
            "http://user:pass@127.0.0.1/", "http://127.0.0.1:0/", "http://127.0.0.1:99999/", "http://1.2.3.4.5/"})
    void invalidUrlsAreRefused(String url) {
        OutboundException e = assertThrows(OutboundException.class, () -> client().build().open(URI.create(url)));
        assertEquals(Reason.INVALID_URL, e.reason());
        assertTrue(!e.getMessage().contains("pass"), "credentials are never echoed");
        assertTrue(sockets.connects.isEmpty());
    }

    @Test
    void errorStatusOnGetIsHttpError() {
        OutboundException e = assertThrows(OutboundException.class,
                () -> client().build().open(URI.create(base + "/status")));
        assertEquals(Reason.HTTP_ERROR, e.reason());
        assertEquals(404, e.status());
    }

    @Test
    void unresolvableNameIsUnreachable() {
        OutboundException e = assertThrows(OutboundException.class,
                () -> client().build().open(URI.create("http://nowhere.invalid/")));
        assertEquals(Reason.UNREACHABLE, e.reason());
    }

    private static int size(HttpExchange exchange) {
        String query = exchange.getRequestURI().getQuery();
        return query == null ? 0 : Integer.parseInt(query.substring("size=".length()));
    }

    static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + (i >>> 8));
        }
        return bytes;
    }

    private static void respond(HttpExchange exchange, int status, byte[] body, boolean chunked) throws IOException {
        exchange.sendResponseHeaders(status, chunked ? 0 : body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void redirect(HttpExchange exchange, int status, String location) throws IOException {
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().add("Location", location);
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }
}
