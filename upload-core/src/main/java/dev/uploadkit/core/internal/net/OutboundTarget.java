package dev.uploadkit.core.internal.net;

import dev.uploadkit.core.net.OutboundException;
import dev.uploadkit.core.net.OutboundException.Reason;

import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;

/**
 * A URL checked for scheme, credentials, host and port, not yet for its address: {@code literal} is the address an
 * IP literal in any spelling denotes (never resolved), {@code null} for a name.
 */
public record OutboundTarget(boolean https, String host, InetAddress literal, int port, String requestTarget,
                             String hostHeader) {
    public static OutboundTarget of(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw invalid("only http and https URLs can be fetched, not '" + scheme + "'");
        }
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) {
            throw invalid("the URL has no host");
        }
        if (authority.indexOf('@') >= 0) {
            throw invalid("credentials in the URL are not supported");
        }
        String rawHost = authority;
        String rawPort = null;
        int close = authority.lastIndexOf(']');
        int colon = authority.lastIndexOf(':');
        if (colon > close) {
            rawHost = authority.substring(0, colon);
            rawPort = authority.substring(colon + 1);
        }
        boolean https = scheme.equals("https");
        int port = https ? 443 : 80;
        if (rawPort != null && !rawPort.isEmpty()) {
            if (!rawPort.matches("\\d{1,5}") || Integer.parseInt(rawPort) < 1 || Integer.parseInt(rawPort) > 65535) {
                throw invalid("the port is not 1-65535");
            }
            port = Integer.parseInt(rawPort);
        }
        HostLiterals.Host host;
        try {
            host = HostLiterals.parse(rawHost);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        String shown = host.isLiteral() ? literalText(host.address()) : host.name();
        boolean defaultPort = port == (https ? 443 : 80);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return new OutboundTarget(https, shown, host.address(), port, path + query,
                defaultPort ? shown : shown + ":" + port);
    }

    public boolean sameOrigin(OutboundTarget other) {
        return https == other.https && host.equals(other.host) && port == other.port;
    }

    private static String literalText(InetAddress address) {
        String text = address.getHostAddress();
        return text.indexOf(':') >= 0 ? "[" + text + "]" : text;
    }

    private static OutboundException invalid(String problem) {
        return new OutboundException(Reason.INVALID_URL, "Invalid outbound URL: " + problem + ".");
    }
}
