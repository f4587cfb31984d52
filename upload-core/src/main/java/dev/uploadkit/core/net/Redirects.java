package dev.uploadkit.core.net;

import dev.uploadkit.core.internal.net.OutboundTarget;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How {@link OutboundHttp} follows a redirect: the statuses it follows, the target a {@code Location} names (which
 * must be a URL any request may go to), and the headers that do not cross to another origin. A target refused here
 * or by the policy fails as met on a redirect ({@link OutboundException#redirected()}): the source's doing, not the
 * caller's URL.
 */
final class Redirects {
    /** The statuses followed: 301, 302, 303, 307, 308. */
    static final Set<Integer> STATUSES = Set.of(301, 302, 303, 307, 308);
    private static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "cookie", "proxy-authorization");

    private Redirects() {
    }

    /** Returns the URL {@code location} names, resolved against {@code base} (the URL that answered from host). */
    static URI next(URI base, String location, String host) {
        try {
            return base.resolve(new URI(location));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new OutboundException(OutboundException.Reason.INVALID_URL, "The redirect from '" + host
                    + "' has an invalid Location.", e).afterRedirect();
        }
    }

    /** Returns the target of {@code next}; one no request may go to fails as met on a redirect. */
    static OutboundTarget target(URI next) {
        try {
            return OutboundTarget.of(next);
        } catch (OutboundException e) {
            throw e.afterRedirect();
        }
    }

    /** Returns {@code headers} without those that carry credentials, for a redirect that leaves the origin. */
    static Map<String, String> withoutCredentials(Map<String, String> headers) {
        Map<String, String> kept = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            if (!CREDENTIAL_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                kept.put(name, value);
            }
        });
        return kept;
    }
}
