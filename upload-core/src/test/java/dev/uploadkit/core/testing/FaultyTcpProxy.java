package dev.uploadkit.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on {@code 127.0.0.1} in front of one server that spoils a share of the connections it accepts,
 * decided by a seeded random: on the request of a spoiled connection it resets the connection after
 * reading the request's headers, answers {@code HTTP/1.1 500} and closes, or forwards the request and resets
 * the connection partway through the reply's headers (the server acted, the client never learns). Other
 * connections are relayed, with {@code Connection: close} added to the request so that every request comes on a
 * connection of its own and takes its own chance.
 */
public final class FaultyTcpProxy implements AutoCloseable {
    /** What a spoiled connection does. */
    public enum Fault { RESET, ERROR_500, CUT_REPLY }

    private final ServerSocket listener;
    private final InetSocketAddress upstream;
    private final Random random;
    private final double share;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "faulty-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger[] counts = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};

    private FaultyTcpProxy(URI upstream, long seed, double share) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.upstream = new InetSocketAddress(upstream.getHost(), upstream.getPort());
        this.random = new Random(seed);
        this.share = share;
    }

    /** Starts a proxy to {@code upstream} spoiling about {@code share} of its connections. */
    public static FaultyTcpProxy start(URI upstream, long seed, double share) throws IOException {
        FaultyTcpProxy proxy = new FaultyTcpProxy(upstream, seed, share);
        proxy.threads.execute(proxy::acceptLoop);
        return proxy;
    }

    /** Returns {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** Returns how many connections suffered {@code fault}. */
    public int count(Fault fault) {
        return counts[fault.ordinal()].get();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Fault fault = nextFault();
                threads.execute(() -> serve(client, fault));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private synchronized Fault nextFault() {
        if (random.nextDouble() >= share) {
            return null;
        }
        return Fault.values()[random.nextInt(Fault.values().length)];
    }

    private void serve(Socket client, Fault fault) {
        try (client; Socket server = fault == Fault.RESET || fault == Fault.ERROR_500 ? null : connect()) {
            if (fault != null) {
                counts[fault.ordinal()].incrementAndGet();
            }
            if (fault == Fault.RESET) {
                readHeaders(client.getInputStream());
                client.setSoLinger(true, 0);
                return;
            }
            if (fault == Fault.ERROR_500) {
                readHeaders(client.getInputStream());
                OutputStream out = client.getOutputStream();
                out.write(("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n"
                        + "Connection: close\r\n\r\nfault\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            byte[] headers = readHeaders(client.getInputStream());
            OutputStream toServer = server.getOutputStream();
            // One request per connection, so that each request is a new draw of the dice.
            toServer.write(headers, 0, headers.length - 2);
            toServer.write("Connection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            toServer.flush();
            threads.execute(() -> pipe(client, server, Long.MAX_VALUE));
            // A cut reply: the request reaches the server whole, the first 20 bytes of its reply reach the client.
            pipe(server, client, fault == Fault.CUT_REPLY ? 20 : Long.MAX_VALUE);
            if (fault == Fault.CUT_REPLY) {
                client.setSoLinger(true, 0);
            }
        } catch (IOException e) {
            // The client or the server went away: so does the relay.
        }
    }

    private Socket connect() throws IOException {
        return new Socket(upstream.getAddress(), upstream.getPort());
    }

    /** Copies {@code from} to {@code to} until the end, a failure, or {@code limit} bytes. */
    private static void pipe(Socket from, Socket to, long limit) {
        byte[] buffer = new byte[64 * 1024];
        long copied = 0;
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while (copied < limit && (n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - copied))) > 0) {
                out.write(buffer, 0, n);
                out.flush();
                copied += n;
            }
            if (limit == Long.MAX_VALUE) {
                to.shutdownOutput();
            }
        } catch (IOException e) {
            // Either side closed.
        }
    }

    private static byte[] readHeaders(InputStream in) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        int b;
        while (matched < end.length && (b = in.read()) >= 0) {
            seen.write(b);
            matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
        }
        if (matched < end.length) {
            throw new IOException("the client closed before the end of the request headers");
        }
        return seen.toByteArray();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        threads.shutdownNow();
    }
}
