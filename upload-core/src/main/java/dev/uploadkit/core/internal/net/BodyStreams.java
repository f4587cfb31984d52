package dev.uploadkit.core.internal.net;

import dev.uploadkit.core.internal.Streams;
import dev.uploadkit.core.net.OutboundException;
import dev.uploadkit.core.net.OutboundException.Reason;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** The framings of an HTTP/1.1 response body, and the size cap applied on top of any of them. */
final class BodyStreams {
    private static final int MAX_LINE = 8192;

    private BodyStreams() {
    }

    /** Reads one CRLF- (or LF-) terminated line as ISO-8859-1, without the terminator; {@code null} at EOF. */
    static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return line.length() == 0 ? null : line.toString();
            }
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new IOException("response line longer than " + MAX_LINE + " bytes");
            }
            line.append((char) b);
        }
    }

    /** A body whose end is known from its framing, so the connection can carry another response after it. */
    interface Framed {
        /** The body of a response that has none (HEAD, 204, 304). */
        Framed EMPTY = () -> true;

        /** Returns whether the body was read to its end, and nothing of it is left on the connection. */
        boolean atEnd();
    }

    /** Exactly {@code length} bytes; EOF before them is an error. */
    static final class Fixed extends FilterInputStream implements Framed {
        private long remaining;

        Fixed(InputStream in, long length) {
            super(in);
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            return Streams.readOne(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("the server closed the connection " + remaining
                        + " bytes before the end of the body its Content-Length announced");
            }
            remaining -= n;
            return n;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), remaining);
        }

        @Override
        public boolean atEnd() {
            return remaining == 0;
        }
    }

    /** {@code Transfer-Encoding: chunked}: chunks until the zero-length one, then trailers, which are skipped. */
    static final class Chunked extends FilterInputStream implements Framed {
        private long chunkLeft;
        private boolean done;

        Chunked(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            return Streams.readOne(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (done) {
                return -1;
            }
            if (chunkLeft == 0) {
                chunkLeft = nextChunkSize();
                if (chunkLeft == 0) {
                    skipTrailers();
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, chunkLeft));
            if (n < 0) {
                throw new EOFException("the server closed the connection inside a chunk");
            }
            chunkLeft -= n;
            if (chunkLeft == 0) {
                String end = readLine(in);
                if (end == null || !end.isEmpty()) {
                    throw new IOException("a chunk is not followed by CRLF");
                }
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return done ? 0 : (int) Math.min(in.available(), chunkLeft);
        }

        @Override
        public boolean atEnd() {
            return done;
        }

        private long nextChunkSize() throws IOException {
            String line = readLine(in);
            if (line == null) {
                throw new EOFException("the server closed the connection before the last chunk");
            }
            int semicolon = line.indexOf(';');
            String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
            if (hex.isEmpty() || hex.length() > 15 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new IOException("invalid chunk size");
            }
            return Long.parseLong(hex, 16);
        }

        private void skipTrailers() throws IOException {
            for (int i = 0; i < 100; i++) {
                String line = readLine(in);
                if (line == null || line.isEmpty()) {
                    return;
                }
            }
            throw new IOException("too many trailer lines");
        }
    }

    /** Throws {@code TOO_LARGE} as soon as more than {@code limit} bytes have been read, whatever the framing. */
    static final class Capped extends FilterInputStream {
        private final long limit;
        private long count;

        Capped(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            return Streams.readOne(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
                if (count > limit) {
                    throw tooLarge(limit);
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[(int) Math.min(n, 8192)];
            int read = read(buffer, 0, buffer.length);
            return Math.max(read, 0);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

    static OutboundException tooLarge(long limit) {
        return new OutboundException(Reason.TOO_LARGE, "The response body is larger than the limit of " + limit
                + " bytes.");
    }
}
