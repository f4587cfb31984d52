package dev.uploadkit.core.net;

import dev.uploadkit.core.net.KeepAliveServer.Action;
import dev.uploadkit.core.net.OutboundException.Reason;
import dev.uploadkit.core.testing.Poll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keep-alive of {@link OutboundHttp#send}: counted on a scripted loopback server that accepts many requests. */
class OutboundHttpKeepAliveTest {
    private static final OutboundPolicy LOOPBACK = OutboundPolicy.parse("127.0.0.1/32");
    private static final byte[] BODY = "{\"event\":\"upload.completed\"}".getBytes();

    private static OutboundHttp.Builder client() {
        return OutboundHttp.builder().policy(LOOPBACK);
    }

    private static OutboundResponse post(OutboundHttp http, URI uri) {
        return http.send(OutboundRequest.post(uri, Map.of("Content-Type", "application/json"), BODY));
    }

    @Test
    void sequentialSendsShareOneConnection() throws Exception {
        try (KeepAliveServer server = KeepAliveServer.answering()) {
            OutboundHttp http = client().keepAlive(Duration.ofSeconds(30), 4).build();
            for (int i = 0; i < 20; i++) {
                assertEquals(200, post(http, server.uri()).status());
            }
            assertEquals(1, server.accepted.get());
            assertEquals(20, server.requests.get());
            assertEquals(1, http.idleConnections());
            assertFalse(server.requestHeads.get(0).toLowerCase().contains("connection: close"));
        }
    }

    @Test
    void withoutKeepAliveEverySendHasItsOwnConnection() throws Exception {
        try (KeepAliveServer server = KeepAliveServer.answering()) {
            OutboundHttp http = client().build();
            for (int i = 0; i < 5; i++) {
                assertEquals(200, post(http, server.uri()).status());
            }
            assertEquals(5, server.accepted.get());
            assertEquals(0, http.idleConnections());
            assertTrue(server.requestHeads.get(0).contains("Connection: close\r\n"));
        }
    }

    @Test
    void concurrentSendsKeepAtMostTheConfiguredIdleConnections() throws Exception {
        try (KeepAliveServer server = KeepAliveServer.answering()) {
            OutboundHttp http = client().keepAlive(Duration.ofSeconds(30), 2).build();
            List<Thread> threads = new java.util.ArrayList<>();
            AtomicInteger ok = new AtomicInteger();
            for (int t = 0; t < 6; t++) {
                Thread thread = new Thread(() -> {
                    for (int i = 0; i < 30; i++) {
                        if (post(http, server.uri()).status() == 200) {
                            ok.incrementAndGet();
                        }
                    }
                });
                thread.start();
                threads.add(thread);
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(180, ok.get());
            assertEquals(180, server.requests.get());
            assertTrue(server.accepted.get() < 180, "connections were reused: " + server.accepted.get());
            assertTrue(http.idleConnections() <= 2, "idle kept: " + http.idleConnections());
        }
    }

    @Test
    void responsesThatEndTheirConnectionAreNotReused() throws Exception {
        for (String head : List.of("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n",
                "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n")) {
            try (KeepAliveServer server = new KeepAliveServer(head, (c, n) -> Action.ANSWER)) {
                OutboundHttp http = client().keepAlive(Duration.ofSeconds(30), 4).build();
                for (int i = 0; i < 3; i++) {
                    assertEquals(200, post(http, server.uri()).status(), head);
                }
                assertEquals(3, server.accepted.get(), head);
                assertEquals(0, http.idleConnections(), head);
            }
        }
        // A body that ends with the connection is not fully framed: that connection cannot serve again.
        try (KeepAliveServer server = new KeepAliveServer("HTTP/1.1 200 OK\r\n\r\n",
                (c, n) -> Action.ANSWER_THEN_CLOSE)) {
            OutboundHttp http = client().keepAlive(Duration.ofSeconds(30), 4).build();
            for (int i = 0; i < 3; i++) {
                assertEquals(200, post(http, server.uri()).status());
            }
            assertEquals(3, server.accepted.get());
            assertEquals(3, server.requests.get());
        }
    }

    @Test
    void everyReuseChecksTheAddressAgainAndKeepsNamesApart() throws Exception {
        try (KeepAliveServer server = KeepAliveServer.answering()) {
            AtomicInteger lookups = new AtomicInteger();
            OutboundHttp http = client().keepAlive(Duration.ofSeconds(30), 4).resolver(host -> {
                byte[] address = host.equals("moving.test") && lookups.incrementAndGet() > 2
                        ? new byte[] {10, 0, 0, 7} : new byte[] {127, 0, 0, 1};
                return List.of(InetAddress.getByAddress(host, address));
            }).build();
            URI moving = URI.create("http://moving.test:" + server.port() + "/hook");
            assertEquals(200, post(http, moving).status());
            assertEquals(200, post(http, moving).status());
            assertEquals(1, server.accepted.get());
            OutboundException e = assertThrows(OutboundException.class, () -> post(http, moving));
            assertEquals(Reason.FORBIDDEN, e.reason(), "the kept connection to 127.0.0.1 is not used for 10.0.0.7");
            assertEquals(2, server.requests.get());

            assertEquals(200, post(http, URI.create("http://other.test:" + server.port() + "/hook")).status());
            assertEquals(200, post(http, server.uri()).status());
            assertEquals(3, server.accepted.get(), "another host name, or a literal, gets its own connection");
        }
    }

    @Test
    void keptConnectionFailingWhileTheRequestIsWrittenIsRetriedOnceOnANewOne() throws Exception {
        // The first connection answers once, then closes without saying so; the next request is 16 MiB, so the
        // server's reset reaches the client while it is still writing: the server never had that request whole.
        try (KeepAliveServer server = new KeepAliveServer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n",
                (c, n) -> c == 1 ? Action.ANSWER_THEN_CLOSE : Action.ANSWER)) {
            OutboundHttp http = client().keepAlive(Duration.ofSeconds(30), 4).build();
            assertEquals(200, post(http, server.uri()).status());
            assertEquals(1, http.idleConnections());
            byte[] large = new byte[16 * 1024 * 1024];
            OutboundResponse response = http.send(OutboundRequest.post(server.uri(), Map.of(), large));
            assertEquals(200, response.status());
            assertEquals(2, server.accepted.get());
            assertEquals(2, server.requests.get(), "each request reached the server whole exactly once");
        }
    }

    @Test
    void keptConnectionFailingAfterTheRequestWasSentIsReportedNotResent() throws Exception {
        // The server reads the second request whole and then closes without an answer: it may have acted on it,
        // so sending it again would deliver it twice.
        try (KeepAliveServer server = new KeepAliveServer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n",
                (c, n) -> n == 2 ? Action.CLOSE : Action.ANSWER)) {
            OutboundHttp http = client().keepAlive(Duration.ofSeconds(30), 4).build();
            assertEquals(200, post(http, server.uri()).status());
            OutboundException e = assertThrows(OutboundException.class, () -> post(http, server.uri()));
            assertEquals(Reason.UNREACHABLE, e.reason());
            assertEquals(2, server.requests.get());
            assertEquals(1, server.accepted.get(), "not sent again on a new connection");
            assertEquals(0, http.idleConnections());
            assertEquals(200, post(http, server.uri()).status(), "the next send connects anew");
            assertEquals(2, server.accepted.get());
        }
    }

    @Test
    void idleConnectionsAreClosedAfterTheIdleTimeoutAndOnRequest() throws Exception {
        try (KeepAliveServer server = KeepAliveServer.answering()) {
            OutboundHttp http = client().keepAlive(Duration.ofMillis(10), 4).build();
            assertEquals(200, post(http, server.uri()).status());
            // Every poll comes 20 ms after the last send, past the 10 ms idle time: the kept one is closed.
            assertTrue(Poll.until(() -> post(http, server.uri()).status() == 200
                    && server.closedByClient.get() >= 1, Duration.ofSeconds(10)));
            assertTrue(server.accepted.get() >= 2);

            OutboundHttp patient = client().keepAlive(Duration.ofSeconds(30), 4).build();
            assertEquals(200, post(patient, server.uri()).status());
            int closedBefore = server.closedByClient.get();
            assertEquals(1, patient.idleConnections());
            patient.closeIdleConnections();
            assertEquals(0, patient.idleConnections());
            assertTrue(Poll.until(() -> server.closedByClient.get() == closedBefore + 1, Duration.ofSeconds(10)));
            assertEquals(200, post(patient, server.uri()).status(), "still usable after closing idle connections");
        }
    }

    @Test
    void keepAliveSettingsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> client().keepAlive(Duration.ofSeconds(1), 0));
        assertThrows(IllegalArgumentException.class, () -> client().keepAlive(Duration.ZERO, 4));
        assertThrows(IllegalArgumentException.class, () -> client().keepAlive(null, 4));
    }
}
