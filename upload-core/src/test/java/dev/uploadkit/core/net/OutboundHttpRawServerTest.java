package dev.uploadkit.core.net;

import dev.uploadkit.core.net.OutboundException.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Responses the JDK server will not produce (lying lengths, silence), from a scripted socket on 127.0.0.1. */
class OutboundHttpRawServerTest {
    private final List<Socket> opened = new ArrayList<>();
    private ServerSocket listener;
    private Thread serving;

    @AfterEach
    void stop() throws Exception {
        for (Socket socket : opened) {
            socket.close();
        }
        if (listener != null) {
            listener.close();
        }
        if (serving != null) {
            serving.join(5_000);
        }
    }

    private OutboundHttp.Builder client() {
        return OutboundHttp.builder().policy(OutboundPolicy.parse("127.0.0.1/32"));
    }

    /** Answers one request with {@code head} then {@code body}, then closes the connection. */
    private URI serveOnce(String head, byte[] body) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        serving = new Thread(() -> {
            try (Socket socket = listener.accept()) {
                readRequestHead(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
            } catch (IOException e) {
                // the client hung up early, which some tests expect
            }
        }, "raw-http-server");
        serving.start();
        return URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/file");
    }

    @Test
    void lyingShortContentLengthYieldsOnlyTheAnnouncedBytes() throws IOException {
        URI uri = serveOnce("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", OutboundHttpTest.bytes(50_000));
        try (OutboundDownload download = client().maxResponseBytes(1000).build().open(uri)) {
            assertArrayEquals(java.util.Arrays.copyOf(OutboundHttpTest.bytes(50_000), 10),
                    download.body().readAllBytes());
        }
    }

    @Test
    void lyingLongContentLengthEndingEarlyIsUnreachable() throws IOException {
        URI uri = serveOnce("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n", new byte[100]);
        try (OutboundDownload download = client().build().open(uri)) {
            InputStream body = download.body();
            OutboundException e = assertThrows(OutboundException.class, body::readAllBytes);
            assertEquals(Reason.UNREACHABLE, e.reason());
        }
    }

    @Test
    void bodyWithoutLengthIsCappedWhileStreaming() throws IOException {
        URI uri = serveOnce("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", OutboundHttpTest.bytes(200_000));
        try (OutboundDownload download = client().maxResponseBytes(100_000).build().open(uri)) {
            InputStream body = download.body();
            OutboundException e = assertThrows(OutboundException.class, body::readAllBytes);
            assertEquals(Reason.TOO_LARGE, e.reason());
        }
    }

    @Test
    void chunkedBodyOverTheCapIsTooLargeForSendToo() throws IOException {
        String chunk = Integer.toHexString(60_000) + "\r\n";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < 3; i++) {
            body.write(chunk.getBytes(StandardCharsets.ISO_8859_1));
            body.write(new byte[60_000]);
            body.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        body.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        URI uri = serveOnce("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", body.toByteArray());
        OutboundException e = assertThrows(OutboundException.class, () -> client().maxResponseBytes(100_000).build()
                .send(OutboundRequest.post(uri, java.util.Map.of(), new byte[0])));
        assertEquals(Reason.TOO_LARGE, e.reason());
    }

    @Test
    void silentServerHitsTheTotalTimeout() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")); // the kernel accepts, no one answers
        URI uri = URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/");
        long start = System.nanoTime();
        OutboundException e = assertThrows(OutboundException.class,
                () -> client().totalTimeout(Duration.ofMillis(300)).build().open(uri));
        assertEquals(Reason.TIMEOUT, e.reason());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
    }

    @Test
    void fullBacklogHitsTheConnectTimeout() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        InetSocketAddress address = new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
        // Fill the accept queue until a connection attempt itself times out: from then on SYNs are dropped.
        boolean full = false;
        for (int i = 0; i < 20 && !full; i++) {
            Socket filler = new Socket();
            opened.add(filler);
            try {
                filler.connect(address, 200);
            } catch (SocketTimeoutException e) {
                full = true;
            }
        }
        assertTrue(full, "the listener's backlog should fill up");
        URI uri = URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/");
        OutboundException e = assertThrows(OutboundException.class,
                () -> client().connectTimeout(Duration.ofMillis(200)).build().open(uri));
        assertEquals(Reason.TIMEOUT, e.reason());
        assertTrue(e.getMessage().startsWith("Connecting"), e.getMessage());
    }

    @Test
    void refusedConnectionIsUnreachable() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = closed.getLocalPort();
        }
        OutboundException e = assertThrows(OutboundException.class,
                () -> client().build().open(URI.create("http://127.0.0.1:" + port + "/")));
        assertEquals(Reason.UNREACHABLE, e.reason());
    }

    private static void readRequestHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }
}
