package dev.uploadkit.core.internal.net;

import dev.uploadkit.core.internal.Streams;
import dev.uploadkit.core.net.OutboundException;
import dev.uploadkit.core.net.OutboundException.Reason;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 requests and their responses over a socket already connected (and, for https, handshaken) to a
 * checked address. Without keep-alive it sends {@code Connection: close}, so the socket serves one request; with
 * keep-alive the socket may serve another request after {@link #reusable()} says the last response was read to
 * its end and nothing asked to close, and {@link #restart} gave it the next request's deadline.
 *
 * <p>Every read waits at most until the deadline: the socket's read timeout is set to the time left before each
 * read, and a read that times out, or starts after the deadline, throws {@code TIMEOUT}.
 */
public final class Http1Exchange implements Closeable {
    private static final int MAX_HEADERS = 100;

    /** A response's status line and headers; header names are lowercase, values in arrival order. */
    public record Head(int status, Map<String, List<String>> headers) {
        /** Returns the first value of a header, or {@code null}. */
        public String first(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    private final Socket socket;
    private final boolean keepAlive;
    private final InputStream in;
    private long deadlineNanos;
    /** Whether the last response allows another request on this connection (HTTP/1.1, no close). */
    private boolean persistent;
    /** The last response's framed body (fixed length or chunked), or {@code null} if it has none that ends. */
    private BodyStreams.Framed body;

    /** An exchange that sends {@code Connection: close}: the socket serves one request. */
    public Http1Exchange(Socket socket, long deadlineNanos) throws IOException {
        this(socket, deadlineNanos, false);
    }

    /** An exchange that, with {@code keepAlive}, leaves the connection open for another request. */
    public Http1Exchange(Socket socket, long deadlineNanos, boolean keepAlive) throws IOException {
        this.socket = socket;
        this.deadlineNanos = deadlineNanos;
        this.keepAlive = keepAlive;
        this.in = new BufferedInputStream(new DeadlineInputStream(socket.getInputStream()), 16 * 1024);
    }

    /** Prepares a reused connection for the next request, which must end by {@code deadlineNanos}. */
    public void restart(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
        this.persistent = false;
        this.body = null;
    }

    /**
     * Returns whether this connection may carry another request: keep-alive was asked for, the last response was
     * HTTP/1.1 without {@code Connection: close}, its body had a length or chunks and was read to its end, and
     * nothing unread follows it.
     */
    public boolean reusable() {
        if (!keepAlive || !persistent || body == null || !body.atEnd() || socket.isClosed()) {
            return false;
        }
        try {
            return in.available() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Returns whether an idle kept connection looks closed by its peer: it sent something (nothing is expected while
     * idle) or ended the stream. Waits up to a millisecond for the answer; meant for connections idle a while.
     */
    public boolean closedByPeer() {
        try {
            if (in.available() > 0) {
                return true;
            }
            socket.setSoTimeout(1);
            socket.getInputStream().read();
            return true; // the end of the stream, or bytes no request asked for: either way not reusable
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Writes the request: {@code target} is the raw path and query, {@code host} the {@code Host} header value,
     * {@code body} {@code null} for none.
     */
    public void send(String method, String target, String host, List<Map.Entry<String, String>> headers,
                     byte[] body) throws IOException {
        StringBuilder head = new StringBuilder(256);
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(host).append("\r\n");
        for (Map.Entry<String, String> header : headers) {
            head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append(keepAlive ? "\r\n" : "Connection: close\r\n\r\n");
        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            out.write(body);
        }
        out.flush();
    }

    /** Reads the status line and headers, skipping interim 1xx responses. */
    public Head readHead() throws IOException {
        while (true) {
            String statusLine = BodyStreams.readLine(in);
            if (statusLine == null) {
                throw new java.io.EOFException("the server closed the connection without answering");
            }
            int status = parseStatus(statusLine);
            boolean http11 = statusLine.startsWith("HTTP/1.1 ");
            Map<String, List<String>> headers = new TreeMap<>();
            for (int count = 0; ; count++) {
                String line = BodyStreams.readLine(in);
                if (line == null) {
                    throw new java.io.EOFException("the server closed the connection inside the headers");
                }
                if (line.isEmpty()) {
                    break;
                }
                if (count >= MAX_HEADERS) {
                    throw new IOException("more than " + MAX_HEADERS + " response headers");
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("a response header line has no name");
                }
                String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                headers.computeIfAbsent(name, n -> new ArrayList<>()).add(line.substring(colon + 1).strip());
            }
            if (status >= 200 || status == 101) {
                Map<String, List<String>> frozen = new TreeMap<>();
                headers.forEach((name, values) -> frozen.put(name, List.copyOf(values)));
                persistent = http11 && !asksToClose(headers.get("connection"));
                return new Head(status, Collections.unmodifiableMap(frozen));
            }
        }
    }

    /**
     * Returns the body of the response to {@code method} with this head, at most {@code limit} bytes: chunked,
     * by {@code Content-Length}, or up to the connection's end; {@code TOO_LARGE} as soon as more arrive, or at
     * once when {@code Content-Length} announces more.
     */
    public InputStream body(String method, Head head, long limit) throws IOException {
        int status = head.status();
        if (method.equals("HEAD") || status == 204 || status == 304 || status < 200) {
            body = BodyStreams.Framed.EMPTY;
            return InputStream.nullInputStream();
        }
        String transferEncoding = head.first("transfer-encoding");
        if (transferEncoding != null && transferEncoding.equalsIgnoreCase("chunked")) {
            BodyStreams.Chunked chunked = new BodyStreams.Chunked(in);
            body = chunked;
            return new BodyStreams.Capped(chunked, limit);
        }
        if (transferEncoding != null) {
            throw new IOException("unsupported Transfer-Encoding (only chunked is accepted)");
        }
        List<String> lengths = head.headers().get("content-length");
        if (lengths != null) {
            long length = parseLength(lengths);
            if (length > limit) {
                throw BodyStreams.tooLarge(limit);
            }
            BodyStreams.Fixed fixed = new BodyStreams.Fixed(in, length);
            body = fixed;
            return new BodyStreams.Capped(fixed, limit);
        }
        return new BodyStreams.Capped(in, limit);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static boolean asksToClose(List<String> values) {
        if (values == null) {
            return false;
        }
        for (String value : values) {
            for (String token : value.split(",")) {
                if (token.strip().equalsIgnoreCase("close")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int parseStatus(String line) throws IOException {
        if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
            throw new IOException("the server did not answer HTTP/1.x");
        }
        String code = line.substring(9, 12);
        if (!code.chars().allMatch(c -> c >= '0' && c <= '9') || (line.length() > 12 && line.charAt(12) != ' ')) {
            throw new IOException("invalid status line");
        }
        return Integer.parseInt(code);
    }

    private static long parseLength(List<String> values) throws IOException {
        long length = -1;
        for (String value : values) {
            for (String part : value.split(",")) {
                String digits = part.strip();
                if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new IOException("invalid Content-Length");
                }
                long parsed = Long.parseLong(digits);
                if (length >= 0 && parsed != length) {
                    throw new IOException("conflicting Content-Length values");
                }
                length = parsed;
            }
        }
        return length;
    }

    /** Sets the socket's read timeout to the time left before every read. */
    private final class DeadlineInputStream extends InputStream {
        private final InputStream raw;

        DeadlineInputStream(InputStream raw) {
            this.raw = raw;
        }

        @Override
        public int read() throws IOException {
            return Streams.readOne(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            socket.setSoTimeout(millisLeft(deadlineNanos));
            try {
                return raw.read(b, off, len);
            } catch (SocketTimeoutException e) {
                throw timeout(e);
            }
        }

        @Override
        public int available() throws IOException {
            return raw.available();
        }
    }

    /** Returns the whole milliseconds left before the deadline, at least 1; {@code TIMEOUT} when none are. */
    public static int millisLeft(long deadlineNanos) {
        long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw timeout(null);
        }
        return (int) Math.min(left, Integer.MAX_VALUE);
    }

    private static OutboundException timeout(Throwable cause) {
        return new OutboundException(Reason.TIMEOUT, "The outbound request took longer than its total timeout.",
                cause);
    }
}
