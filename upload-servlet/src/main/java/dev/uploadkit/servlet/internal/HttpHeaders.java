package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.ContentDisposition;
import dev.uploadkit.core.store.ByteRange;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The download headers: {@code Content-Disposition} (RFC 6266), {@code Range} (RFC 9110, one range) and ETags. */
final class HttpHeaders {
    private static final Pattern RANGE = Pattern.compile("bytes=\\s*(\\d*)\\s*-\\s*(\\d*)\\s*", Pattern.CASE_INSENSITIVE);
    private static final String ATTR_CHARS = "!#$&+-.^_`|~";

    private HttpHeaders() {
    }

    /**
     * Returns e.g. {@code attachment; filename="na_ve.txt"; filename*=UTF-8''na%C3%AFve.txt}: an ASCII fallback
     * (non-ASCII and {@code %} replaced by {@code _}, quotes and backslashes escaped) and the exact UTF-8 name
     * in RFC 5987 encoding.
     */
    static String contentDisposition(ContentDisposition type, String filename) {
        StringBuilder ascii = new StringBuilder();
        StringBuilder encoded = new StringBuilder();
        filename.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                ascii.append('\\').append((char) c);
            } else if (c >= 0x20 && c < 0x7F && c != '%') {
                ascii.append((char) c);
            } else {
                ascii.append('_');
            }
        });
        for (byte b : filename.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || ATTR_CHARS.indexOf(c) >= 0) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return type.wireName() + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }

    /** What a {@code Range} header asks of an object of a known size. */
    sealed interface RangeRequest {
        /** No range, or one the server ignores (malformed, several ranges, another unit): the whole object. */
        record Whole() implements RangeRequest {
        }

        record Part(ByteRange range) implements RangeRequest {
        }

        /** A range outside the object: {@code 416} with {@code Content-Range: bytes *}{@code /size}. */
        record Unsatisfiable() implements RangeRequest {
        }
    }

    static RangeRequest range(String header, long size) {
        if (header == null || header.indexOf(',') >= 0) {
            return new RangeRequest.Whole();
        }
        Matcher m = RANGE.matcher(header.strip());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return new RangeRequest.Whole();
        }
        if (m.group(1).isEmpty()) {
            long suffix = parse(m.group(2));
            if (suffix == 0 || size == 0) {
                return new RangeRequest.Unsatisfiable();
            }
            return new RangeRequest.Part(new ByteRange(Math.max(0, size - suffix), size - 1));
        }
        long first = parse(m.group(1));
        long last = m.group(2).isEmpty() ? Long.MAX_VALUE : parse(m.group(2));
        if (last < first) {
            return new RangeRequest.Whole();
        }
        if (first >= size) {
            return new RangeRequest.Unsatisfiable();
        }
        return new RangeRequest.Part(new ByteRange(first, Math.min(last, size - 1)));
    }

    private static long parse(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Returns true if an {@code If-None-Match} header (weak comparison) matches {@code etag}. */
    static boolean noneMatchHits(String header, String etag) {
        if (header == null) {
            return false;
        }
        for (String candidate : header.split(",")) {
            String c = candidate.strip();
            if (c.equals("*")) {
                return true;
            }
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /** Returns true unless an {@code If-Range} header names another representation (strong comparison). */
    static boolean ifRangeHolds(String header, String etag) {
        return header == null || header.strip().equals(etag);
    }

    /** Returns true for types a browser renders as an active document (scripts could run on this origin). */
    static boolean isActiveContent(String mime) {
        if (mime == null) {
            return false;
        }
        String m = mime.toLowerCase(Locale.ROOT);
        return m.startsWith("text/html") || m.contains("xml") || m.contains("javascript")
                || m.startsWith("text/xsl") || m.startsWith("multipart/");
    }

    static Optional<String> etag(String sha256) {
        return Optional.ofNullable(sha256).map(h -> "\"" + h + "\"");
    }
}
