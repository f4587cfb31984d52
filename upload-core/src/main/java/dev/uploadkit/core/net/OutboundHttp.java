package dev.uploadkit.core.net;

import dev.uploadkit.core.internal.net.ConnectionPool;
import dev.uploadkit.core.internal.net.Http1Exchange;
import dev.uploadkit.core.internal.net.OutboundTarget;
import dev.uploadkit.core.internal.net.UnreachableOnFailure;
import dev.uploadkit.core.net.OutboundException.Reason;

import javax.net.SocketFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Sends HTTP requests only to addresses its {@link OutboundPolicy} allows (SPEC §5), for webhook deliveries
 * ({@link #send}) and imports from a URL ({@link #open}).
 *
 * <p>For every URL, the first one and each redirect target alike: the scheme must be {@code http} or
 * {@code https} and the URL carry no credentials; the host is parsed by the WHATWG rules, so every spelling of an
 * IP address ({@code 2130706433}, {@code 0177.0.0.1}, {@code 0x7f.1}, {@code 127.1}, {@code [::ffff:7f00:1]}) is
 * checked as that address and never resolved; a name is resolved once through the {@link Resolver} and
 * <em>every</em> address it returns must be allowed. The socket is then connected to a checked
 * {@link InetAddress} itself, so no second lookup can swap the destination (DNS rebinding).
 *
 * <p>Why not {@code java.net.http.HttpClient}: it resolves the host itself and cannot be pinned to an address.
 * This class writes HTTP/1.1 by hand over a plain {@link Socket}, and for {@code https} layers TLS over that
 * connected socket with the original host name for SNI and certificate verification. By default a connection
 * carries one request; with {@link Builder#keepAlive} a {@link #send} leaves it open for the next request to
 * the same checked address, port, scheme and host name (see there). It sends {@code Accept-Encoding: identity};
 * responses may be chunked or have a {@code Content-Length}. Redirects (301, 302, 303, 307, 308) are followed up
 * to {@code maxRedirects}; a 303, and a 301 or 302 answering a POST, continue as a GET without body, as browsers
 * do; {@code Authorization} and {@code Cookie} headers are dropped when a redirect leaves the origin.
 *
 * <p>Limits: {@code connectTimeout} per connection attempt, {@code totalTimeout} for everything from the first
 * lookup to the last body byte (each read waits only the time left), {@code maxResponseBytes} for the body,
 * enforced while it streams. Failures are {@link OutboundException}s with a {@link Reason}.
 *
 * <p>Thread-safe; holds no threads, and no connections between calls unless {@link Builder#keepAlive} is set.
 */
public final class OutboundHttp {
    /** The connect timeout used when none is given: 10 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The total timeout used when none is given: 10 minutes. */
    public static final Duration DEFAULT_TOTAL_TIMEOUT = Duration.ofMinutes(10);
    /** The redirects followed when no other number is given. */
    public static final int DEFAULT_MAX_REDIRECTS = 5;
    /** The most redirects that may be configured. */
    public static final int MAX_REDIRECTS_LIMIT = 20;
    /** The response body cap used when none is given: 10 MiB. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 10L * 1024 * 1024;

    private final OutboundPolicy policy;
    private final Resolver resolver;
    private final Duration connectTimeout;
    private final Duration totalTimeout;
    private final int maxRedirects;
    private final long maxResponseBytes;
    private final SocketFactory socketFactory;
    /** The builder's; null: the JDK's default, taken at the first https call (it loads the trust store). */
    private final SSLSocketFactory sslSocketFactory;
    private final String userAgent;
    /** Idle connections kept for reuse by {@link #send}; {@code null} without keep-alive. */
    private final ConnectionPool pool;

    private OutboundHttp(Builder builder) {
        this.policy = builder.policy;
        this.resolver = builder.resolver;
        this.connectTimeout = builder.connectTimeout;
        this.totalTimeout = builder.totalTimeout;
        this.maxRedirects = builder.maxRedirects;
        this.maxResponseBytes = builder.maxResponseBytes;
        this.socketFactory = builder.socketFactory;
        this.sslSocketFactory = builder.sslSocketFactory;
        this.userAgent = builder.userAgent;
        this.pool = builder.maxIdle == 0 ? null : new ConnectionPool(builder.idleTimeout, builder.maxIdle);
    }

    /** Returns a builder with the defaults: {@link OutboundPolicy#defaults()}, the system resolver, 10 s, 10 min, 5. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * POSTs the request and returns the final answer whatever its status (a webhook records it); the whole
     * response body is read, at most {@code maxResponseBytes}.
     *
     * @throws OutboundException for FORBIDDEN, UNREACHABLE, TIMEOUT, TOO_LARGE, TOO_MANY_REDIRECTS, INVALID_URL
     */
    public OutboundResponse send(OutboundRequest request) {
        Objects.requireNonNull(request, "request");
        Call call = execute("POST", request.uri(), request.headers(), request.bodyUnsafe(), null);
        try {
            OutboundResponse response = new OutboundResponse(call.uri, call.head.status(), call.head.headers(),
                    call.body.readAllBytes());
            if (pool != null) {
                pool.offer(call.key, call.exchange);
            } else {
                closeQuietly(call.exchange);
            }
            return response;
        } catch (IOException e) {
            closeQuietly(call.exchange);
            throw unreachable(call.host, e);
        } catch (RuntimeException e) {
            closeQuietly(call.exchange);
            throw e;
        }
    }

    /**
     * Closes the idle connections kept for reuse ({@link Builder#keepAlive}) now, instead of when their idle time
     * has passed; a later {@link #send} connects anew and may keep connections again. Does nothing without
     * keep-alive.
     */
    public void closeIdleConnections() {
        if (pool != null) {
            pool.closeIdle();
        }
    }

    /** Returns how many idle connections are kept for reuse now (0 without keep-alive). */
    public int idleConnections() {
        return pool == null ? 0 : pool.idleCount();
    }

    /**
     * GETs {@code uri} and returns the answer with its body still to be read; the caller closes it.
     *
     * @throws OutboundException for FORBIDDEN, UNREACHABLE, TIMEOUT, HTTP_ERROR (a status of 400 or more, or a
     *     3xx that is not a followable redirect), TOO_LARGE (announced by {@code Content-Length}),
     *     TOO_MANY_REDIRECTS, INVALID_URL
     */
    public OutboundDownload open(URI uri) {
        return open(uri, new OutboundAbort());
    }

    /**
     * Like {@link #open(URI)}, and {@code abort} ends the call from another thread at any point, also while it
     * connects or waits for the answer, and while the body is read.
     */
    public OutboundDownload open(URI uri, OutboundAbort abort) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(abort, "abort");
        Call call = execute("GET", uri, Map.of(), null, abort);
        int status = call.head.status();
        if (status >= 300) {
            closeQuietly(call.exchange);
            throw new OutboundException(Reason.HTTP_ERROR, "The server at '" + call.host + "' answered HTTP "
                    + status + ".", status, null);
        }
        return new OutboundDownload(call.uri, status, call.head.headers(), new UnreachableOnFailure(call.body,
                call.host), call.exchange);
    }

    /**
     * Checks {@code uri} as {@link #send} would before connecting, without connecting: the URL's form, and the
     * policy for its address (a literal in any spelling) or, for a name, every address it resolves to now. A webhook
     * checks its URL with this when it is created; every delivery checks again.
     *
     * @throws OutboundException for INVALID_URL, FORBIDDEN, or UNREACHABLE (a name that does not resolve)
     */
    public void check(URI uri) {
        Objects.requireNonNull(uri, "uri");
        checkedAddress(OutboundTarget.of(uri));
    }

    private record Call(URI uri, String host, ConnectionPool.Key key, Http1Exchange exchange,
                        Http1Exchange.Head head, InputStream body) {
    }

    private Call execute(String method, URI first, Map<String, String> headers, byte[] body, OutboundAbort abort) {
        long deadline = System.nanoTime() + totalTimeout.toNanos();
        URI uri = first;
        OutboundTarget target = OutboundTarget.of(uri);
        Map<String, String> sent = headers;
        for (int redirects = 0; ; redirects++) {
            InetAddress address = checkedAddress(target, redirects > 0);
            // Only a send keeps connections (a download's body is the caller's to read), and only for the address
            // just checked: the key holds it, with the scheme, port and host name that TLS verified.
            boolean keepAlive = pool != null && abort == null;
            ConnectionPool.Key key = new ConnectionPool.Key(target.https(), target.host(), address, target.port());
            Http1Exchange exchange = keepAlive ? pool.take(key, deadline) : null;
            boolean reused = exchange != null;
            if (!reused) {
                exchange = connect(target, address, deadline, abort, keepAlive);
            }
            try {
                List<Map.Entry<String, String>> lines = new ArrayList<>();
                lines.add(Map.entry("User-Agent", userAgent));
                if (method.equals("GET")) {
                    lines.add(Map.entry("Accept-Encoding", "identity"));
                }
                lines.addAll(sent.entrySet());
                try {
                    exchange.send(method, target.requestTarget(), target.hostHeader(), lines, body);
                } catch (IOException e) {
                    if (!reused) {
                        throw e;
                    }
                    // A kept connection the server closed meanwhile. The request did not get out whole, so the
                    // server cannot have acted on it: it is sent once more, on a new connection.
                    closeQuietly(exchange);
                    exchange = connect(target, address, deadline, null, true);
                    reused = false;
                    exchange.send(method, target.requestTarget(), target.hostHeader(), lines, body);
                }
                Http1Exchange.Head head = reused ? readHeadOfReused(exchange, target) : exchange.readHead();
                String location = head.first("location");
                if (!Redirects.STATUSES.contains(head.status()) || location == null) {
                    return new Call(uri, target.host(), key, exchange, head,
                            exchange.body(method, head, maxResponseBytes));
                }
                closeQuietly(exchange);
                if (redirects >= maxRedirects) {
                    throw new OutboundException(Reason.TOO_MANY_REDIRECTS, "More than " + maxRedirects
                            + " redirects, the last from '" + target.host() + "'.");
                }
                URI next = Redirects.next(uri, location, target.host());
                OutboundTarget nextTarget = Redirects.target(next);
                if (!nextTarget.sameOrigin(target)) {
                    sent = Redirects.withoutCredentials(sent);
                }
                int status = head.status();
                if (status == 303 || ((status == 301 || status == 302) && method.equals("POST"))) {
                    method = "GET";
                    body = null;
                }
                uri = next;
                target = nextTarget;
            } catch (IOException e) {
                closeQuietly(exchange);
                throw unreachable(target.host(), e);
            } catch (RuntimeException e) {
                closeQuietly(exchange);
                throw e;
            }
        }
    }

    /**
     * Reads the answer to a request sent whole over a kept connection. If the connection fails before an answer, the
     * server may have closed it as idle before reading the request, or it may have received and acted on the request
     * and then failed: which one cannot be known, so the request is not sent again here and the failure says so.
     */
    private static Http1Exchange.Head readHeadOfReused(Http1Exchange exchange, OutboundTarget target) {
        try {
            return exchange.readHead();
        } catch (IOException e) {
            throw new OutboundException(Reason.UNREACHABLE, "The connection to '" + target.host() + "', kept from an "
                    + "earlier request, failed before an answer (" + e.getClass().getSimpleName() + "); the request "
                    + "may have reached the server, so it was not sent again.", e);
        }
    }

    /** As {@link #checkedAddress(OutboundTarget)}; a refusal of a redirect's target fails as met on a redirect. */
    private InetAddress checkedAddress(OutboundTarget target, boolean redirected) {
        try {
            return checkedAddress(target);
        } catch (OutboundException e) {
            throw redirected ? e.afterRedirect() : e;
        }
    }

    /** Returns the address to connect to, after checking it and, for a name, every address it resolves to. */
    private InetAddress checkedAddress(OutboundTarget target) {
        if (target.literal() != null) {
            policy.check(target.host(), target.literal());
            return target.literal();
        }
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(target.host());
        } catch (UnknownHostException e) {
            throw new OutboundException(Reason.UNREACHABLE, "The host '" + target.host() + "' does not resolve.", e);
        }
        if (addresses == null || addresses.isEmpty()) {
            throw new OutboundException(Reason.UNREACHABLE, "The host '" + target.host() + "' has no address.");
        }
        for (InetAddress address : addresses) {
            policy.check(target.host(), address);
        }
        return addresses.get(0);
    }

    private Http1Exchange connect(OutboundTarget target, InetAddress address, long deadline, OutboundAbort abort,
                                  boolean keepAlive) {
        Socket socket = null;
        try {
            socket = socketFactory.createSocket();
            if (abort != null) {
                abort.attach(socket);
            }
            int timeout = (int) Math.min(connectTimeout.toMillis(), Http1Exchange.millisLeft(deadline));
            socket.connect(new InetSocketAddress(address, target.port()), timeout);
            socket.setTcpNoDelay(true);
            if (target.https()) {
                socket.setSoTimeout(Http1Exchange.millisLeft(deadline));
                SSLSocketFactory tlsFactory = sslSocketFactory != null ? sslSocketFactory
                        : (SSLSocketFactory) SSLSocketFactory.getDefault();
                SSLSocket tls = (SSLSocket) tlsFactory.createSocket(socket,
                        target.literal() != null ? address.getHostAddress() : target.host(), target.port(), true);
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                if (target.literal() == null) {
                    parameters.setServerNames(List.of(new SNIHostName(target.host())));
                }
                tls.setSSLParameters(parameters);
                tls.startHandshake();
                socket = tls;
            }
            return new Http1Exchange(socket, deadline, keepAlive);
        } catch (SocketTimeoutException e) {
            closeQuietly(socket);
            throw new OutboundException(Reason.TIMEOUT, "Connecting to '" + target.host() + "' timed out.", e);
        } catch (IOException e) {
            closeQuietly(socket);
            throw unreachable(target.host(), e);
        } catch (RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    private static OutboundException unreachable(String host, IOException e) {
        return UnreachableOnFailure.unreachable(host, e);
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }

    /**
     * Collects the settings; {@link #build()} returns the client. Each setter validates its value and throws
     * {@link IllegalArgumentException} naming the property, the value and the fix. Not thread-safe.
     */
    public static final class Builder {
        private OutboundPolicy policy = OutboundPolicy.defaults();
        private Resolver resolver = Resolver.system();
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration totalTimeout = DEFAULT_TOTAL_TIMEOUT;
        private int maxRedirects = DEFAULT_MAX_REDIRECTS;
        private long maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
        private SocketFactory socketFactory = SocketFactory.getDefault();
        private SSLSocketFactory sslSocketFactory;
        private String userAgent = "Uploadkit";
        private Duration idleTimeout = Duration.ZERO;
        private int maxIdle;

        private Builder() {
        }

        /**
         * Keeps up to {@code maxIdlePerDestination} connections open after a {@link #send} whose answer was read to
         * its end (HTTP/1.1, a {@code Content-Length} or chunked body, no {@code Connection: close}), and reuses one
         * for the next send to the same destination: the same address, checked again for that send, scheme, port
         * and host name. A connection idle for {@code idleTimeout} is closed (at the next call, or by
         * {@link OutboundHttp#closeIdleConnections()}); one idle for over a second is checked for a close by the
         * server before reuse. If a kept connection fails while the request is written, the request is written again
         * on a new connection (the server cannot have had it whole); if it fails after, before an answer, the call
         * fails {@code UNREACHABLE} without sending again. Downloads ({@link OutboundHttp#open}) never keep their
         * connection. Default: no keep-alive, one request per connection.
         */
        public Builder keepAlive(Duration idleTimeout, int maxIdlePerDestination) {
            if (maxIdlePerDestination < 1 || maxIdlePerDestination > 1000) {
                throw new IllegalArgumentException("keepAlive: maxIdlePerDestination " + maxIdlePerDestination
                        + " is out of range; use 1 to 1000 (such as the number of requests sent at once)");
            }
            this.idleTimeout = positive("keepAlive idleTimeout", idleTimeout, Duration.ofSeconds(4));
            this.maxIdle = maxIdlePerDestination;
            return this;
        }

        /** Sets which addresses may be contacted; default {@link OutboundPolicy#defaults()}. */
        public Builder policy(OutboundPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy must not be null; use OutboundPolicy.defaults()");
            return this;
        }

        /** Sets how names are resolved; default {@link Resolver#system()}. */
        public Builder resolver(Resolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver must not be null; use Resolver.system()");
            return this;
        }

        /** Sets the longest wait for one TCP connection (and TLS handshake start); default 10 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive("connectTimeout", connectTimeout, DEFAULT_CONNECT_TIMEOUT);
            return this;
        }

        /** Sets the longest time for a whole call, redirects and body included; default 10 min. */
        public Builder totalTimeout(Duration totalTimeout) {
            this.totalTimeout = positive("totalTimeout", totalTimeout, DEFAULT_TOTAL_TIMEOUT);
            return this;
        }

        /** Sets how many redirects are followed, 0–{@value #MAX_REDIRECTS_LIMIT}; default 5. */
        public Builder maxRedirects(int maxRedirects) {
            if (maxRedirects < 0 || maxRedirects > MAX_REDIRECTS_LIMIT) {
                throw new IllegalArgumentException("maxRedirects: " + maxRedirects + " is out of range; use 0 (no "
                        + "redirects) to " + MAX_REDIRECTS_LIMIT + "; the default is " + DEFAULT_MAX_REDIRECTS);
            }
            this.maxRedirects = maxRedirects;
            return this;
        }

        /** Sets the largest response body accepted, in bytes (a URL import passes its upload limit); default 10 MiB. */
        public Builder maxResponseBytes(long maxResponseBytes) {
            if (maxResponseBytes < 0) {
                throw new IllegalArgumentException("maxResponseBytes: " + maxResponseBytes + " is negative; use 0 "
                        + "or more bytes; the default is " + DEFAULT_MAX_RESPONSE_BYTES);
            }
            this.maxResponseBytes = maxResponseBytes;
            return this;
        }

        /**
         * Sets the factory of the unconnected sockets that are then connected to checked addresses; default
         * {@link SocketFactory#getDefault()}. Its {@code createSocket()} without arguments must be supported.
         */
        public Builder socketFactory(SocketFactory socketFactory) {
            this.socketFactory = Objects.requireNonNull(socketFactory,
                    "socketFactory must not be null; use SocketFactory.getDefault()");
            return this;
        }

        /** Sets the TLS layered over connected sockets for https; default the JDK's default trust and protocols. */
        public Builder sslSocketFactory(SSLSocketFactory sslSocketFactory) {
            this.sslSocketFactory = Objects.requireNonNull(sslSocketFactory,
                    "sslSocketFactory must not be null; omit it for the JDK's default");
            return this;
        }

        /** Sets the {@code User-Agent} header; default {@code Uploadkit}. */
        public Builder userAgent(String userAgent) {
            if (userAgent == null || userAgent.isBlank() || userAgent.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
                throw new IllegalArgumentException("userAgent: '" + userAgent + "' is blank or has control "
                        + "characters; use a single-line product name such as 'Uploadkit'");
            }
            this.userAgent = userAgent;
            return this;
        }

        public OutboundHttp build() {
            return new OutboundHttp(this);
        }

        private static Duration positive(String property, Duration value, Duration fallback) {
            if (value == null || value.isNegative() || value.isZero() || value.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(property + ": " + value + " is not a positive duration of at "
                        + "most " + Integer.MAX_VALUE + " ms; the default is " + fallback);
            }
            return value;
        }
    }
}
