package dev.uploadkit.servlet.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntSupplier;

/** A part as the parser tests compare it: headers and all its bytes. */
record ParsedPart(PartHeaders headers, byte[] content) {
    static final String BOUNDARY = "----test-boundary-7MA4YWxkTrZu0gW";

    String text() {
        return new String(content, StandardCharsets.UTF_8);
    }

    /** Parses every part, reading each body {@code chunk.getAsInt()} bytes at a time. */
    static List<ParsedPart> parseAll(InputStream in, String boundary, IntSupplier chunk) throws IOException {
        return parseAll(in, boundary, chunk, -1);
    }

    /** As {@link #parseAll(InputStream, String, IntSupplier)}, the parser told to expect a body of this length. */
    static List<ParsedPart> parseAll(InputStream in, String boundary, IntSupplier chunk, long expectedLength)
            throws IOException {
        MultipartParser parser = new MultipartParser(in, boundary, 8192, Long.MAX_VALUE, expectedLength);
        List<ParsedPart> parts = new ArrayList<>();
        MultipartParser.Part part;
        while ((part = parser.next()) != null) {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            byte[] buffer = new byte[70_000];
            int n;
            while ((n = part.body().read(buffer, 1, Math.min(buffer.length - 1, chunk.getAsInt()))) >= 0) {
                content.write(buffer, 1, n);
            }
            parts.add(new ParsedPart(part.headers(), content.toByteArray()));
        }
        return parts;
    }

    static List<ParsedPart> parseAll(byte[] body) throws IOException {
        return parseAll(new ByteArrayInputStream(body), BOUNDARY, () -> Integer.MAX_VALUE);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : pieces) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Hands out its bytes in reads no longer than {@code sizes} says, as a socket may. */
    static final class ChunkedInputStream extends InputStream {
        private final byte[] data;
        private final IntSupplier sizes;
        private int position;

        ChunkedInputStream(byte[] data, IntSupplier sizes) {
            this.data = data;
            this.sizes = sizes;
        }

        @Override
        public int read() {
            return position < data.length ? data[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position == data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, Math.max(1, sizes.getAsInt())), data.length - position);
            System.arraycopy(data, position, b, off, n);
            position += n;
            return n;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParsedPart p && headers.equals(p.headers) && Arrays.equals(content, p.content);
    }

    @Override
    public int hashCode() {
        return 31 * headers.hashCode() + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
        return "ParsedPart[" + headers + ", " + content.length + " bytes]";
    }
}
