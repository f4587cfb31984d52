package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.auth.Principal;
import dev.uploadkit.core.usage.RequestLogEntry;
import dev.uploadkit.core.usage.RequestLogWriter;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The pipeline's outermost step: hands every request of a known project to the request log once it is answered
 * (errors included, and requests of a valid key to unknown routes), without waiting for the log. Records the path
 * with query secrets redacted, the key's id and public prefix (never the key), the client address ({@code X-Forwarded-For} believed only from trusted proxies), and
 * the bytes of an upload or download for the usage roll-ups. A signed download, which carries no key, is counted for
 * the project its token names.
 */
final class RecordStep implements Step {
    /** Request attribute: the size of the file the request stored. */
    static final String UPLOADED_BYTES = "dev.uploadkit.uploaded_bytes";
    private static final Pattern SECRET_PARAM = Pattern.compile(
            ".*(token|key|secret|signature|password|passwd|auth|credential|session|code).*");

    private final RequestLogWriter writer;
    private final AddressRanges trustedProxies;
    private final DownloadTokens tokens;
    private final Clock clock;

    RecordStep(RequestLogWriter writer, AddressRanges trustedProxies, DownloadTokens tokens, Clock clock) {
        this.writer = writer;
        this.trustedProxies = trustedProxies;
        this.tokens = tokens;
        this.clock = clock;
    }

    @Override
    public void apply(Exchange ex, Chain next) throws IOException {
        long started = System.nanoTime();
        Instant at = clock.instant();
        CountingResponse counting = null;
        if (isDownload(ex)) {
            counting = new CountingResponse(ex.response());
            ex.response(counting);
        }
        try {
            next.proceed(ex);
        } finally {
            record(ex, at, started, counting);
        }
    }

    private void record(Exchange ex, Instant at, long started, CountingResponse counting) {
        HttpServletRequest request = ex.request();
        int status = ex.response().getStatus();
        Optional<Principal> principal = ex.optionalPrincipal();
        UUID project = principal.map(Principal::projectId).orElse(null);
        if (project == null && counting != null && status < 300) {
            project = downloadProject(ex);
        }
        if (project == null) {
            return;
        }
        UUID keyId = principal.map(Principal::keyId).orElse(null);
        String prefix = keyId == null ? null : AccessService.publicPrefix(presentedKey(request)).orElse(null);
        Object uploaded = request.getAttribute(UPLOADED_BYTES);
        long downloaded = counting != null && status < 300 ? counting.count() : -1;
        writer.record(new RequestLogEntry(0, project, at, request.getMethod(), redactedPath(ex), status,
                ex.errorCode(), (System.nanoTime() - started) / 1_000_000, keyId, prefix, clientIp(request),
                uploaded instanceof Long n ? n : -1, downloaded));
    }

    private static boolean isDownload(Exchange ex) {
        String path = ex.path();
        String method = ex.request().getMethod();
        return path != null && path.endsWith("/download") && ("GET".equals(method) || "HEAD".equals(method));
    }

    private UUID downloadProject(Exchange ex) {
        String[] segments = ex.path().split("/");
        Optional<UUID> uuid = segments.length >= 2 ? Exchange.parseUuid(segments[segments.length - 2])
                : Optional.empty();
        if (uuid.isEmpty()) {
            return null;
        }
        Optional<String> token = ex.query("token");
        if (token.isEmpty()) {
            return null;
        }
        try {
            return tokens.verify(uuid.get(), token.get());
        } catch (UploadException e) {
            return null;
        }
    }

    private static String presentedKey(HttpServletRequest request) {
        String key = request.getHeader("X-API-Key");
        if (key != null) {
            return key.strip();
        }
        String auth = request.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).strip();
        }
        return null;
    }

    /** The path relative to the mount with every query value whose name suggests a secret replaced. */
    static String redactedPath(Exchange ex) {
        String path = ex.path();
        String query = ex.request().getQueryString();
        if (query == null || query.isEmpty()) {
            return path;
        }
        StringBuilder out = new StringBuilder(path).append('?');
        String[] pairs = query.split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
            if (i > 0) {
                out.append('&');
            }
            int eq = pairs[i].indexOf('=');
            String name = eq < 0 ? pairs[i] : pairs[i].substring(0, eq);
            boolean secret = SECRET_PARAM.matcher(name.toLowerCase(Locale.ROOT)).matches();
            out.append(name);
            if (eq >= 0) {
                out.append('=').append(secret ? "REDACTED" : pairs[i].substring(eq + 1));
            }
        }
        return out.toString();
    }

    /**
     * The client's address: the connection's peer, unless that is a trusted proxy; then the right-most
     * {@code X-Forwarded-For} entry that is not a trusted proxy (entries to its left could be forged by the client).
     */
    String clientIp(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        if (!trustedProxies.contains(peer)) {
            return peer;
        }
        String forwarded = request.getHeader("X-Forwarded-For");
        if (forwarded == null || forwarded.isBlank()) {
            return peer;
        }
        String[] hops = forwarded.split(",");
        String candidate = peer;
        for (int i = hops.length - 1; i >= 0; i--) {
            candidate = hops[i].strip();
            if (!trustedProxies.contains(candidate)) {
                return candidate;
            }
        }
        return candidate;
    }

    /** Counts the body bytes a handler writes, for download usage. */
    static final class CountingResponse extends HttpServletResponseWrapper {
        private long count;
        private ServletOutputStream stream;

        CountingResponse(HttpServletResponse response) {
            super(response);
        }

        long count() {
            return count;
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (stream == null) {
                ServletOutputStream inner = super.getOutputStream();
                stream = new ServletOutputStream() {
                    @Override
                    public boolean isReady() {
                        return inner.isReady();
                    }

                    @Override
                    public void setWriteListener(WriteListener listener) {
                        inner.setWriteListener(listener);
                    }

                    @Override
                    public void write(int b) throws IOException {
                        inner.write(b);
                        count++;
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        inner.write(b, off, len);
                        count += len;
                    }

                    @Override
                    public void flush() throws IOException {
                        inner.flush();
                    }

                    @Override
                    public void close() throws IOException {
                        inner.close();
                    }
                };
            }
            return stream;
        }
    }
}
