package dev.uploadkit.servlet.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads a {@code multipart/form-data} body (RFC 7578, RFC 2046 §5.1.1) as a stream of parts, in constant memory
 * whatever their size: {@link #next()} returns each part's headers and a stream of its bytes.
 *
 * <p>Internal: public only so that the benchmark module can measure it; it may change without notice.
 *
 * <ul>
 *   <li>A delimiter is CRLF {@code --boundary}; the first one may also open the body without the CRLF. The
 *       preamble before it and the epilogue after the close delimiter ({@code --boundary--}) are ignored;
 *       spaces and tabs between a delimiter and its CRLF are skipped.</li>
 *   <li>A part's headers end at the first empty line and may take at most {@code maxHeaderSize} bytes
 *       (terminating CRLFs included).</li>
 *   <li>A part's {@link Part#body() body} yields exactly the bytes up to the next delimiter, in spans as long
 *       as the buffered input allows (up to 64 KiB per read, less for a small body); anything that is not a
 *       whole delimiter, however close, is content. {@link #next()} skips whatever of the previous part was left
 *       unread.</li>
 *   <li>At most {@code maxBodySize} bytes are read from the input.</li>
 * </ul>
 *
 * <p>Failures are {@link IOException}s: {@link MalformedException} when the body breaks the syntax or ends
 * before its close delimiter, {@link LimitExceededException} when a limit is exceeded, and whatever the input
 * throws. After a failure the parser must not be used any more. An instance is not thread-safe; it may pass
 * from one thread to another with a happens-before edge between them.
 */
public final class MultipartParser {
    /** The longest boundary RFC 2046 allows. */
    public static final int MAX_BOUNDARY_LENGTH = 70;
    static final int BUFFER_SIZE = 64 * 1024;
    /** The smallest buffer: room for the longest delimiter many times over. */
    static final int MIN_BUFFER_SIZE = 1024;

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final long CRS = 0x0D0D_0D0D_0D0D_0D0DL;
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGHS = 0x8080_8080_8080_8080L;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final InputStream in;
    private final byte[] delimiter;
    private final int maxHeaderSize;
    private final long maxBodySize;
    private final byte[] buffer;
    /** The body's Content-Length, or -1. */
    private final long bodyLength;
    private int head;
    private int tail;
    private long received;
    /** Where the delimiter ending the current part starts in the buffer, or -1 while it is not buffered. */
    private int delimiterAt = -1;
    /** While the delimiter is not buffered: the end of the bytes known to be content. */
    private int contentEnd;
    private PartInput current;
    private boolean ended;

    /**
     * @param in            the body, read in large blocks and never closed
     * @param boundary      the boundary parameter of the request's Content-Type; see {@link #boundary(String)}
     * @param maxHeaderSize the most bytes the header section of one part may take
     * @param maxBodySize   the most bytes to read from {@code in}
     * @throws IllegalArgumentException if the boundary is not one {@link #boundary(String)} would return
     */
    public MultipartParser(InputStream in, String boundary, int maxHeaderSize, long maxBodySize) {
        this(in, boundary, maxHeaderSize, maxBodySize, -1);
    }

    /**
     * As {@link #MultipartParser(InputStream, String, int, long)}, with a buffer sized for a body of
     * {@code expectedLength} bytes (its Content-Length; negative if unknown): a small form is read whole into a
     * buffer of its size, at least {@value #MIN_BUFFER_SIZE} bytes, instead of one of 64 KiB. A body of another
     * length is parsed all the same.
     */
    public MultipartParser(InputStream in, String boundary, int maxHeaderSize, long maxBodySize,
                           long expectedLength) {
        if (!validBoundary(boundary)) {
            throw new IllegalArgumentException("invalid multipart boundary");
        }
        this.in = Objects.requireNonNull(in, "in");
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        this.maxHeaderSize = maxHeaderSize;
        this.maxBodySize = maxBodySize;
        this.bodyLength = Math.max(-1, expectedLength);
        this.buffer = new byte[expectedLength < 0 ? BUFFER_SIZE
                : (int) Math.max(MIN_BUFFER_SIZE, Math.min(BUFFER_SIZE, expectedLength + 2))];
        // A body may open with its first delimiter; a CRLF put in front makes that the general case.
        buffer[0] = CR;
        buffer[1] = LF;
        tail = 2;
        current = new PartInput();
        scan();
    }

    /**
     * Returns the {@code boundary} parameter of a Content-Type (name in any case, value quoted or not), or empty
     * when it is missing or invalid: empty, longer than {@value #MAX_BOUNDARY_LENGTH} characters, ending in a
     * space, or holding anything but printable ASCII. Characters outside RFC 2046's {@code bchars} (such as
     * {@code *}) are accepted because hand-written clients commonly use them.
     */
    public static Optional<String> boundary(String contentType) {
        String boundary = contentType == null ? null : PartHeaders.parameters(contentType).get("boundary");
        return validBoundary(boundary) ? Optional.of(boundary) : Optional.empty();
    }

    private static boolean validBoundary(String boundary) {
        if (boundary == null || boundary.isEmpty() || boundary.length() > MAX_BOUNDARY_LENGTH
                || boundary.endsWith(" ")) {
            return false;
        }
        return boundary.chars().allMatch(c -> c >= 0x20 && c < 0x7F);
    }

    /**
     * Moves to the next part, skipping the rest of the current one.
     *
     * @return the next part, or {@code null} after the close delimiter
     */
    public Part next() throws IOException {
        if (ended) {
            return null;
        }
        current.skipRest();
        if (closeDelimiterFollows()) {
            ended = true;
            return null;
        }
        PartHeaders headers = readHeaders();
        scan();
        current = new PartInput();
        return new Part(headers, current);
    }

    /**
     * Returns, right after {@link #next} has returned a part, how many bytes its content holds if it is the body's
     * last part and the body ends as browsers and curl end it (the close delimiter and a CRLF): the Content-Length
     * less what came before and that ending; -1 if the length is unknown or leaves nothing. A guess, for a store
     * that writes faster knowing the length: parts after this one or an epilogue make the content shorter, a close
     * delimiter without its CRLF two bytes longer.
     */
    public long contentLengthIfLast() {
        // The buffer began with a CRLF of its own, which received does not count and head is past.
        long consumed = received - (tail - head);
        long guess = bodyLength - consumed - (delimiter.length + 4);
        return bodyLength < 0 || guess < 0 ? -1 : guess;
    }

    /** After a delimiter: {@code --} closes the body; otherwise optional padding and CRLF start a part. */
    private boolean closeDelimiterFollows() throws IOException {
        int b = nextByte();
        if (b == '-') {
            if (nextByte() != '-') {
                throw new MalformedException("A multipart delimiter is followed by unexpected bytes.");
            }
            return true;
        }
        while (b == ' ' || b == '\t') {
            b = nextByte();
        }
        if (b != CR || nextByte() != LF) {
            throw new MalformedException("A multipart delimiter is followed by unexpected bytes.");
        }
        return false;
    }

    private PartHeaders readHeaders() throws IOException {
        byte[] section = new byte[Math.min(maxHeaderSize, 256)];
        int size = 0;
        while (true) {
            int b = nextByte();
            if (size == maxHeaderSize) {
                throw new LimitExceededException(LimitExceededException.Limit.PART_HEADERS, maxHeaderSize,
                        "The header section of a part exceeds " + maxHeaderSize + " bytes.");
            }
            if (size == section.length) {
                section = Arrays.copyOf(section, (int) Math.min(maxHeaderSize, 2L * size));
            }
            section[size++] = (byte) b;
            boolean lineEnd = b == LF && size >= 2 && section[size - 2] == CR;
            // An empty line ends the section: right at its start (no headers) or after a header line.
            if (lineEnd && (size == 2 || size >= 4 && section[size - 3] == LF && section[size - 4] == CR)) {
                return PartHeaders.parse(section, size);
            }
        }
    }

    private int nextByte() throws IOException {
        if (head == tail) {
            fill();
        }
        return buffer[head++] & 0xFF;
    }

    /** Keeps the unread bytes, moved to the front of the buffer, and reads once more behind them. */
    private void fill() throws IOException {
        if (head > 0) {
            System.arraycopy(buffer, head, buffer, 0, tail - head);
            tail -= head;
            head = 0;
        }
        int n = in.read(buffer, tail, buffer.length - tail);
        if (n < 0) {
            throw new MalformedException("The multipart body ended before its closing delimiter.");
        }
        received += n;
        if (received > maxBodySize) {
            throw new LimitExceededException(LimitExceededException.Limit.BODY, maxBodySize,
                    "The multipart body exceeds " + maxBodySize + " bytes.");
        }
        tail += n;
    }

    /**
     * Finds the delimiter in the unread bytes, or else how many are surely content: all but a tail that could
     * begin a delimiter still arriving. Candidates start with CR, which occurs nowhere else in a delimiter, so
     * checked candidates never overlap and the scan is linear however hostile the content.
     */
    private void scan() {
        int length = delimiter.length;
        int i = head;
        while ((i = indexOfCr(buffer, i, tail)) >= 0) {
            int n = Math.min(length, tail - i);
            if (Arrays.equals(buffer, i, i + n, delimiter, 0, n)) {
                delimiterAt = n == length ? i : -1;
                contentEnd = i;
                return;
            }
            i++;
        }
        delimiterAt = -1;
        contentEnd = tail;
    }

    /** Returns the index of the first CR in {@code [from, to)}, or -1; eight bytes per step (SWAR). */
    static int indexOfCr(byte[] a, int from, int to) {
        int i = from;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            long v = (long) LONGS.get(a, i) ^ CRS;
            // The lowest high bit set marks the first zero byte (higher ones may be false positives).
            long zeros = (v - ONES) & ~v & HIGHS;
            if (zeros != 0) {
                return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (a[i] == CR) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Returns how many unread bytes belong to the current part, reading more input if none is known yet;
     * 0 once the delimiter is next.
     */
    private int contentAvailable() throws IOException {
        while (true) {
            if (delimiterAt >= 0) {
                return delimiterAt - head;
            }
            if (contentEnd > head) {
                return contentEnd - head;
            }
            fill();
            scan();
        }
    }

    /** One part: its headers and its content, which ends where the next delimiter begins. */
    public record Part(PartHeaders headers, InputStream body) {
    }

    /** The content of the current part (or of the preamble, which nobody reads). */
    private final class PartInput extends InputStream {
        private boolean finished;
        private boolean closed;

        @Override
        public int read() throws IOException {
            ensureOpen();
            if (finished || advance() == 0) {
                return -1;
            }
            return buffer[head++] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            ensureOpen();
            if (len == 0) {
                return 0;
            }
            if (finished) {
                return -1;
            }
            int n = advance();
            if (n == 0) {
                return -1;
            }
            n = Math.min(n, len);
            System.arraycopy(buffer, head, b, off, n);
            head += n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            ensureOpen();
            if (n <= 0 || finished) {
                return 0;
            }
            int skipped = (int) Math.min(n, advance());
            head += skipped;
            return skipped;
        }

        @Override
        public int available() throws IOException {
            ensureOpen();
            if (finished) {
                return 0;
            }
            return (delimiterAt >= 0 ? delimiterAt : contentEnd) - head;
        }

        /** Stops reading this part; {@link #next()} skips what is left of it. */
        @Override
        public void close() {
            closed = true;
        }

        /** Returns the content bytes now available; at the delimiter, moves past it and returns 0. */
        private int advance() throws IOException {
            int n = contentAvailable();
            if (n == 0) {
                finished = true;
                head = delimiterAt + delimiter.length;
                delimiterAt = -1;
            }
            return n;
        }

        private void skipRest() throws IOException {
            while (!finished) {
                int n = advance(); // before reading head: at the delimiter, advance() moves it
                head += n;
            }
        }

        private void ensureOpen() throws IOException {
            if (closed) {
                throw new IOException("The part's stream is closed.");
            }
        }
    }

    /** The body does not follow the multipart syntax, or ends before its close delimiter. */
    public static final class MalformedException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    /** The body exceeds one of the limits the parser was given. */
    public static final class LimitExceededException extends IOException {
        private static final long serialVersionUID = 1L;

        /** Which limit. */
        public enum Limit {
            /** {@code maxHeaderSize}: the header section of one part. */
            PART_HEADERS,
            /** {@code maxBodySize}: the whole body. */
            BODY
        }

        private final Limit limit;
        private final long permitted;

        LimitExceededException(Limit limit, long permitted, String message) {
            super(message);
            this.limit = limit;
            this.permitted = permitted;
        }

        public Limit limit() {
            return limit;
        }

        /** The limit in bytes. */
        public long permitted() {
            return permitted;
        }
    }
}
