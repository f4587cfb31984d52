package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.auth.Principal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** One request being answered: the servlet request and response, its id, route parameters and caller. */
public final class Exchange {
    private final HttpServletRequest request;
    private HttpServletResponse response;
    private final String requestId;
    private final String configuredBaseUrl;
    private Map<String, String> pathParams = Map.of();
    private Principal principal;
    private QueryString queryString;
    private long transferred;
    private Router.Route route;
    private String errorCode;

    Exchange(HttpServletRequest request, HttpServletResponse response, String requestId, String configuredBaseUrl) {
        this.request = request;
        this.response = response;
        this.requestId = requestId;
        this.configuredBaseUrl = configuredBaseUrl;
    }

    public HttpServletRequest request() {
        return request;
    }

    public HttpServletResponse response() {
        return response;
    }

    public String requestId() {
        return requestId;
    }

    /** Returns true for a {@code HEAD} request: headers as for {@code GET}, no body. */
    public boolean isHead() {
        return "HEAD".equals(request.getMethod());
    }

    void pathParams(Map<String, String> params) {
        this.pathParams = params;
    }

    /** Records the file bytes this request moved (an upload's size, a download's body), for the request observer. */
    void transferred(long bytes) {
        this.transferred = bytes;
    }

    long transferred() {
        return transferred;
    }

    /** Replaces the response a step wraps (to count what the handler writes). */
    void response(HttpServletResponse wrapped) {
        this.response = wrapped;
    }

    void route(Router.Route matched) {
        this.route = matched;
    }

    /** Returns the matched route; only after routing. */
    Router.Route route() {
        return route;
    }

    void errorCode(String code) {
        this.errorCode = code;
    }

    /** Returns the error code the request was answered with, or {@code null} if it succeeded. */
    String errorCode() {
        return errorCode;
    }

    void principal(Principal principal) {
        this.principal = principal;
    }

    /** Returns the authenticated caller; only for routes that require one. */
    public Principal principal() {
        if (principal == null) {
            throw new IllegalStateException("route has no authenticated caller");
        }
        return principal;
    }

    /** Returns the caller if the route authenticated one. */
    public Optional<Principal> optionalPrincipal() {
        return Optional.ofNullable(principal);
    }

    /** Returns a path parameter as the path gave it (decoded by the container). */
    public String pathParam(String name) {
        String v = pathParams.get(name);
        if (v == null) {
            throw new IllegalStateException("route has no path parameter " + name);
        }
        return v;
    }

    /** Returns a path parameter parsed as a UUID; anything else is {@code NOT_FOUND} for {@code what}. */
    public UUID pathUuid(String name, String what) {
        return parseUuid(pathParams.get(name)).orElseThrow(() -> UploadException.notFound(what));
    }

    /**
     * Returns the first value of a query parameter, treating an empty value as absent.
     *
     * @throws UploadException {@code PAYLOAD_MALFORMED} if the query string is not percent-encoded UTF-8
     */
    public Optional<String> query(String name) {
        if (queryString == null) {
            queryString = QueryString.parse(request.getQueryString());
        }
        return queryString.get(name).filter(v -> !v.isEmpty());
    }

    /** Returns the request's {@code Content-Type} header as sent, without the container's charset checks. */
    public static String contentType(HttpServletRequest request) {
        return request.getHeader("Content-Type");
    }

    /** Returns the absolute URL of the mount, without a trailing slash. */
    public String baseUrl() {
        if (configuredBaseUrl != null) {
            return configuredBaseUrl;
        }
        String scheme = request.getScheme();
        String host = request.getServerName();
        int port = request.getServerPort();
        StringBuilder url = new StringBuilder(scheme).append("://");
        url.append(host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host);
        boolean defaultPort = ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
        if (!defaultPort && port > 0) {
            url.append(':').append(port);
        }
        url.append(request.getContextPath());
        if (request.getPathInfo() != null) {
            url.append(request.getServletPath());
        }
        return url.toString();
    }

    /** Returns the path relative to the mount, e.g. {@code /files/upload}. */
    public String path() {
        String info = request.getPathInfo();
        // Mapped as the default servlet ("/"), the whole path is the servlet path.
        return info != null ? info : request.getServletPath();
    }

    static Optional<UUID> parseUuid(String text) {
        if (text == null || text.length() != 36) {
            return Optional.empty();
        }
        try {
            UUID uuid = UUID.fromString(text);
            return uuid.toString().equalsIgnoreCase(text) ? Optional.of(uuid) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static UploadException forbidden() {
        return new UploadException(ErrorCode.FORBIDDEN, "The API key lacks the permission for this request.");
    }
}
