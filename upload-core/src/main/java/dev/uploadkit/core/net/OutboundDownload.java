package dev.uploadkit.core.net;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A successful ({@code 2xx}) answer to {@link OutboundHttp#open(URI)}, its body not yet read. Close it to
 * release the connection.
 *
 * <p>{@link #body()} never yields more than the client's {@code maxResponseBytes}: when more arrive, whatever
 * {@code Content-Length} said, a read throws {@link OutboundException} ({@code TOO_LARGE}); reads also throw it
 * for {@code TIMEOUT} (the total timeout passed) and {@code UNREACHABLE} (the connection broke or ended early).
 */
public final class OutboundDownload implements Closeable {
    private final URI uri;
    private final int status;
    private final Map<String, List<String>> headers;
    private final InputStream body;
    private final Closeable connection;

    OutboundDownload(URI uri, int status, Map<String, List<String>> headers, InputStream body,
                     Closeable connection) {
        this.uri = uri;
        this.status = status;
        this.headers = Map.copyOf(headers);
        this.body = body;
        this.connection = connection;
    }

    /** Returns the URL that answered, after redirects. */
    public URI uri() {
        return uri;
    }

    public int status() {
        return status;
    }

    /** Returns lowercase header name → values in arrival order. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** Returns the first value of a header, matched without regard to case. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Returns the announced {@code Content-Length}, when there is one and the body is not chunked. */
    public OptionalLong contentLength() {
        if (header("transfer-encoding").isPresent()) {
            return OptionalLong.empty();
        }
        return header("content-length").filter(v -> v.matches("\\d{1,18}"))
                .map(v -> OptionalLong.of(Long.parseLong(v))).orElse(OptionalLong.empty());
    }

    /**
     * Returns the file name of the {@code Content-Disposition} header ({@code filename*} per RFC 6266/5987 first,
     * then {@code filename}), reduced to its last path segment; empty when there is none.
     */
    public Optional<String> filename() {
        return header("content-disposition").map(OutboundDownload::filenameOf).filter(n -> !n.isBlank());
    }

    /** Returns the body stream; see the class description for the exceptions its reads throw. */
    public InputStream body() {
        return body;
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }

    static String filenameOf(String disposition) {
        String plain = null;
        String extended = null;
        int i = disposition.indexOf(';');
        while (i >= 0 && i < disposition.length()) {
            int eq = disposition.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = disposition.substring(i + 1, eq).strip().toLowerCase(Locale.ROOT);
            int pos = eq + 1;
            while (pos < disposition.length() && disposition.charAt(pos) == ' ') {
                pos++;
            }
            StringBuilder value = new StringBuilder();
            if (pos < disposition.length() && disposition.charAt(pos) == '"') {
                pos++;
                while (pos < disposition.length() && disposition.charAt(pos) != '"') {
                    char c = disposition.charAt(pos);
                    if (c == '\\' && pos + 1 < disposition.length()) {
                        c = disposition.charAt(++pos);
                    }
                    value.append(c);
                    pos++;
                }
                pos++;
            } else {
                while (pos < disposition.length() && disposition.charAt(pos) != ';') {
                    value.append(disposition.charAt(pos++));
                }
            }
            if (name.equals("filename")) {
                plain = value.toString().strip();
            } else if (name.equals("filename*")) {
                extended = decodeExtended(value.toString().strip());
            }
            i = disposition.indexOf(';', pos);
        }
        String chosen = extended != null ? extended : plain;
        if (chosen == null) {
            return "";
        }
        int slash = Math.max(chosen.lastIndexOf('/'), chosen.lastIndexOf('\\'));
        return chosen.substring(slash + 1);
    }

    /** Decodes {@code charset'lang'pct-encoded}; {@code null} when it is not that form. */
    private static String decodeExtended(String value) {
        int first = value.indexOf('\'');
        int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
        if (second < 0) {
            return null;
        }
        try {
            Charset charset = Charset.forName(value.substring(0, first));
            String encoded = value.substring(second + 1);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int k = 0; k < encoded.length(); k++) {
                char c = encoded.charAt(k);
                if (c == '%' && k + 2 < encoded.length()) {
                    bytes.write(Integer.parseInt(encoded.substring(k + 1, k + 3), 16));
                    k += 2;
                } else {
                    bytes.write(c);
                }
            }
            return bytes.toString(charset);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
