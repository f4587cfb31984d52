package dev.uploadkit.core.net;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@code POST} to send with {@link OutboundHttp#send(OutboundRequest)}, such as a webhook delivery.
 *
 * @param uri the target, an absolute {@code http} or {@code https} URL (checked when sent, not here)
 * @param headers header name → value, sent in this order; names are HTTP tokens, values contain no CR, LF or
 *     NUL; {@code Host}, {@code Content-Length}, {@code Transfer-Encoding}, {@code Connection} and the other
 *     framing headers are set by {@link OutboundHttp} and refused here
 * @param body the request body, sent with a {@code Content-Length}; copied, never shared
 */
public record OutboundRequest(URI uri, Map<String, String> headers, byte[] body) {
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Set<String> FRAMING = Set.of("host", "content-length", "transfer-encoding", "connection",
            "keep-alive", "te", "trailer", "upgrade", "expect", "proxy-connection");

    public OutboundRequest {
        Objects.requireNonNull(uri, "uri must not be null; give the absolute http(s) URL to POST to");
        Objects.requireNonNull(headers, "headers must not be null; use Map.of() for none");
        Objects.requireNonNull(body, "body must not be null; use new byte[0] for an empty body");
        Map<String, String> copy = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            if (name == null || !TOKEN.matcher(name).matches()) {
                throw new IllegalArgumentException("headers: '" + name + "' is not a header name; use letters, "
                        + "digits and !#$%&'*+.^_`|~-");
            }
            if (FRAMING.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("headers: '" + name + "' is set by OutboundHttp itself; remove "
                        + "it from the request");
            }
            if (value == null || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw new IllegalArgumentException("headers: the value of '" + name + "' is null or contains CR, "
                        + "LF or NUL; give a single-line value");
            }
            copy.put(name, value);
        });
        headers = java.util.Collections.unmodifiableMap(copy);
        body = body.clone();
    }

    /** Returns a POST of {@code body} to {@code uri} with {@code headers}. */
    public static OutboundRequest post(URI uri, Map<String, String> headers, byte[] body) {
        return new OutboundRequest(uri, headers, body);
    }

    /** Returns a copy of the body. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OutboundRequest that && uri.equals(that.uri) && headers.equals(that.headers)
                && java.util.Arrays.equals(body, that.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(uri, headers, java.util.Arrays.hashCode(body));
    }

    /** Shows the URL without its query (which may hold a token) and the body's length only. */
    @Override
    public String toString() {
        return "OutboundRequest[POST " + uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath()
                + ", headers=" + headers.keySet() + ", body=" + body.length + " bytes]";
    }

    byte[] bodyUnsafe() {
        return body;
    }
}
