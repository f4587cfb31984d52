package dev.uploadkit.core.net;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The answer to {@link OutboundHttp#send(OutboundRequest)}, whatever its status.
 *
 * @param uri the URL that answered, after redirects
 * @param status the HTTP status
 * @param headers lowercase header name → values in arrival order
 * @param body the whole response body (at most the client's {@code maxResponseBytes})
 */
public record OutboundResponse(URI uri, int status, Map<String, List<String>> headers, byte[] body) {
    public OutboundResponse {
        headers = Map.copyOf(headers);
    }

    /** Returns the first value of a header, matched without regard to case. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Returns whether the status is 2xx. */
    public boolean isSuccessful() {
        return status >= 200 && status < 300;
    }

    @Override
    public String toString() {
        return "OutboundResponse[status=" + status + ", body=" + body.length + " bytes]";
    }
}
