package dev.uploadkit.core.internal.net;

import dev.uploadkit.core.testing.Poll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a kept connection may carry another request, on real loopback sockets. */
class Http1ExchangeReuseTest {
    private static final long LONG_AGO_DEADLINE = Duration.ofSeconds(30).toNanos();

    @Test
    void idleConnectionClosedByThePeerIsSeenAsSuchAndALiveOneIsNot() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
             Socket alive = new Socket(listener.getInetAddress(), listener.getLocalPort());
             Socket accepted = listener.accept();
             Socket closing = new Socket(listener.getInetAddress(), listener.getLocalPort())) {
            Http1Exchange live = new Http1Exchange(alive, System.nanoTime() + LONG_AGO_DEADLINE, true);
            Http1Exchange dead = new Http1Exchange(closing, System.nanoTime() + LONG_AGO_DEADLINE, true);
            listener.accept().close();
            assertTrue(Poll.until(dead::closedByPeer, Duration.ofSeconds(10)));
            assertFalse(live.closedByPeer());
            accepted.getOutputStream().write('x');
            assertTrue(Poll.until(live::closedByPeer, Duration.ofSeconds(10)), "unasked-for bytes end reuse too");
        }
    }

    @Test
    void onlyAFullyReadFramedHttp11AnswerLeavesTheConnectionReusable() throws Exception {
        String fixed = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n";
        assertTrue(reusableAfter(fixed, true, true));
        assertTrue(reusableAfter(chunked, true, true));
        assertTrue(reusableAfter("HTTP/1.1 204 No Content\r\n\r\n", true, true));
        assertFalse(reusableAfter(fixed, false, true), "not without keep-alive");
        assertFalse(reusableAfter(fixed, true, false), "not before the body was read");
        assertFalse(reusableAfter(fixed + "extra", true, true), "not with bytes after the body");
        assertFalse(reusableAfter("HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 2\r\n\r\nok",
                true, true));
        assertFalse(reusableAfter("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", true, true));
        assertFalse(reusableAfter("HTTP/1.1 200 OK\r\n\r\nok", true, true), "not when the body ends the connection");
    }

    private static boolean reusableAfter(String response, boolean keepAlive, boolean readBody) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
             Socket client = new Socket(listener.getInetAddress(), listener.getLocalPort());
             Socket server = listener.accept()) {
            Http1Exchange exchange = new Http1Exchange(client, System.nanoTime() + LONG_AGO_DEADLINE, keepAlive);
            exchange.send("POST", "/", "127.0.0.1", List.of(), new byte[] {1});
            OutputStream out = server.getOutputStream();
            out.write(response.getBytes(StandardCharsets.ISO_8859_1));
            server.shutdownOutput(); // so that a body without framing ends; a kept connection cannot see this
            Http1Exchange.Head head = exchange.readHead();
            InputStream body = exchange.body("POST", head, 1000);
            if (readBody) {
                body.readAllBytes();
            }
            return exchange.reusable();
        }
    }
}
