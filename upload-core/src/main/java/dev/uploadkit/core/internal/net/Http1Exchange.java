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
 * One HTTP/1.1 request and its response over a socket already connected (and, for https, handshaken) to a
 * checked address; {@code Connection: close}, so the socket is never reused.
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
    private final long deadlineNanos;
    private final InputStream in;

    public Http1Exchange(Socket socket, long deadlineNanos) throws IOException {
        this.socket = socket;
        this.deadlineNanos = deadlineNanos;
        this.in = new BufferedInputStream(new DeadlineInputStream(socket.getInputStream()), 16 * 1024);
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
        head.append("Connection: close\r\n\r\n");
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
            return InputStream.nullInputStream();
        }
        String transferEncoding = head.first("transfer-encoding");
        if (transferEncoding != null && transferEncoding.equalsIgnoreCase("chunked")) {
            return new BodyStreams.Capped(new BodyStreams.Chunked(in), limit);
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
            return new BodyStreams.Capped(new BodyStreams.Fixed(in, length), limit);
        }
        return new BodyStreams.Capped(in, limit);
    }

    @Override
    public void close() throws IOException {
        socket.close();
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
