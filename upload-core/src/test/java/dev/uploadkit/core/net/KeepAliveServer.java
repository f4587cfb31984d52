package dev.uploadkit.core.net;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted HTTP/1.1 server on 127.0.0.1 that serves many requests per connection and counts what it sees:
 * connections accepted, requests read whole, connections that the client closed. What it does after reading a
 * request is the {@link Script}'s choice.
 */
final class KeepAliveServer implements AutoCloseable {
    /** What to do with the {@code n}-th request (from 1) of the {@code c}-th connection (from 1). */
    enum Action {
        /** Answer 200 with a 2-byte body and keep the connection. */
        ANSWER,
        /** Answer 200 with a 2-byte body, then close the connection without saying so. */
        ANSWER_THEN_CLOSE,
        /** Close the connection without answering. */
        CLOSE
    }

    interface Script {
        Action on(int connection, int request);
    }

    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger closedByClient = new AtomicInteger();
    final List<String> requestHeads = new CopyOnWriteArrayList<>();
    private final ServerSocket listener;
    private final String responseHead;
    private final Script script;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    KeepAliveServer(String responseHead, Script script) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        this.responseHead = responseHead;
        this.script = script;
        this.acceptor = new Thread(this::accept, "keep-alive-server");
        acceptor.start();
    }

    /** A server answering every request with {@code HTTP/1.1 200} and {@code Content-Length: 2}. */
    static KeepAliveServer answering() throws IOException {
        return new KeepAliveServer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", (c, n) -> Action.ANSWER);
    }

    int port() {
        return listener.getLocalPort();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port() + "/hook");
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                sockets.add(socket);
                int connection = accepted.incrementAndGet();
                Thread serving = new Thread(() -> serve(socket, connection), "keep-alive-connection-" + connection);
                serving.setDaemon(true);
                serving.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket, int connection) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            for (int n = 1; ; n++) {
                String head = readHead(in);
                if (head == null) {
                    closedByClient.incrementAndGet();
                    return;
                }
                long length = contentLength(head);
                for (long left = length; left > 0; ) {
                    long skipped = in.skip(left);
                    if (skipped <= 0) {
                        if (in.read() < 0) {
                            return;
                        }
                        skipped = 1;
                    }
                    left -= skipped;
                }
                requests.incrementAndGet();
                requestHeads.add(head);
                Action action = script.on(connection, n);
                if (action == Action.CLOSE) {
                    return;
                }
                out.write((responseHead + "ok").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (action == Action.ANSWER_THEN_CLOSE) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away mid-request; not a whole request
        }
    }

    /** Returns the request head up to its blank line, or {@code null} if the connection ended before one began. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                if (head.length() == 0) {
                    return null;
                }
                throw new IOException("the connection ended inside a request head");
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Long.parseLong(line.substring("content-length:".length()).strip());
            }
        }
        return 0;
    }

    @Override
    public void close() throws Exception {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
        acceptor.join(5_000);
    }
}
