package dev.uploadkit.servlet;

import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.webhook.WebhookService;
import dev.uploadkit.core.limits.RequestLimits;
import dev.uploadkit.core.usage.RequestLogWriter;
import dev.uploadkit.servlet.internal.AddressRanges;
import dev.uploadkit.servlet.internal.Api;
import dev.uploadkit.servlet.internal.InitParams;
import dev.uploadkit.servlet.internal.Settings;
import jakarta.servlet.ServletException;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Uploadkit REST API (files, trash, deduplication, downloads, API keys, project administration) as a
 * Jakarta Servlet 6 over an {@link UploadService} and an {@link AccessService}.
 *
 * <p>Mount it with a path pattern ending in {@code /*}; routes are matched against the rest of the path:
 * <pre>{@code
 * UploadServlet servlet = UploadServlet.builder()
 *         .uploadService(uploads)
 *         .accessService(access)
 *         .signingKey(System.getenv("UPLOADKIT_SIGNING_KEY"))
 *         .build();
 * context.addServlet(new ServletHolder(servlet), "/v1/external/*");   // Jetty; any container works
 * }</pre>
 *
 * <p>A container that creates the servlet itself ({@code web.xml}) uses the no-argument constructor; the
 * services then come from a {@link ServletComponents} and the settings from these init-params:
 * {@value #FACTORY_PARAM}, {@value #SIGNING_KEY_PARAM}, {@value #DOWNLOAD_TOKEN_TTL_PARAM} (ISO-8601 such as
 * {@code PT1H}, or seconds), {@value #PUBLIC_BASE_URL_PARAM}, {@value #MAX_REQUEST_SIZE_PARAM} and
 * {@value #MAX_FORM_FIELD_SIZE_PARAM} (bytes, or with a {@code KB}/{@code MB}/{@code GB} suffix, powers of
 * 1024) and {@value #MAX_FILE_COUNT_PARAM}.
 *
 * <p>Requests block their container thread while they stream; uploads and downloads are streamed through
 * fixed buffers, never held in memory. Every error is answered with the JSON error envelope of the
 * contract; a 5xx response carries a request id (also in {@code X-Request-Id}) under which the cause is logged.
 * The servlet uses no container-specific API.
 */
public final class UploadServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(UploadServlet.class);

    /** Init-param naming the {@link ServletComponents} class; without it, {@link java.util.ServiceLoader} finds one. */
    public static final String FACTORY_PARAM = "uploadkit.servlet.factory";
    /** Init-param: the secret download tokens are signed with, at least 32 characters. */
    public static final String SIGNING_KEY_PARAM = "signing-key";
    /** Init-param: how long a signed download URL stays valid. */
    public static final String DOWNLOAD_TOKEN_TTL_PARAM = "download-token-ttl";
    /** Init-param: the absolute URL the servlet is reachable at, e.g. {@code https://files.example.com/v1/external}. */
    public static final String PUBLIC_BASE_URL_PARAM = "public-base-url";
    /** Init-param: the largest multipart request body. */
    public static final String MAX_REQUEST_SIZE_PARAM = "max-request-size";
    /** Init-param: the most parts (fields and files) of a multipart request. */
    public static final String MAX_FILE_COUNT_PARAM = "max-file-count";
    /** Init-param: the largest value of one multipart form field. */
    public static final String MAX_FORM_FIELD_SIZE_PARAM = "max-form-field-size";
    /** Init-param: {@code true} serves the Swagger UI page at {@code docs} (see {@link Builder#docs}). */
    public static final String DOCS_PARAM = "docs";

    private transient volatile Api api;
    private transient List<AutoCloseable> resources = List.of();

    /**
     * Creates a servlet that takes its services from a {@link ServletComponents} and its settings from
     * init-params when the container calls {@link #init()}. Code should use {@link #builder()} instead.
     */
    public UploadServlet() {
    }

    private UploadServlet(Builder builder) {
        this.api = new Api(builder.settings(), builder.observer);
        this.resources = List.copyOf(builder.resources);
    }

    /** Returns a builder; {@link Builder#uploadService} and {@link Builder#accessService} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Does nothing for a servlet made by {@link #builder()}; otherwise builds the services from the
     * {@link ServletComponents} and the init-params.
     *
     * @throws UnavailableException if no components are found or a setting is invalid; the message names it
     */
    @Override
    public void init() throws ServletException {
        if (api != null) {
            return;
        }
        Builder builder = builder();
        try {
            InitParams params = InitParams.of(getServletConfig());
            params.apply(builder);
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            params.components(loader != null ? loader : UploadServlet.class.getClassLoader())
                    .configure(builder, params.asMap());
            Settings settings = builder.settings();
            resources = List.copyOf(builder.resources);
            api = new Api(settings, builder.observer);
        } catch (RuntimeException e) {
            closeAll(builder.resources);
            throw unavailable(e);
        }
    }

    private static UnavailableException unavailable(RuntimeException cause) {
        UnavailableException e = new UnavailableException("Uploadkit servlet: " + cause.getMessage());
        e.initCause(cause);
        return e;
    }

    /** Returns the routes as {@code METHOD pattern}; for the tests that check them against openapi.json. */
    List<String> routes() {
        Api current = api;
        return current == null ? List.of() : current.routes();
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Api current = api;
        if (current == null) {
            Api.answerUnavailable(request, response);
            return;
        }
        current.handle(request, response);
    }

    /** Closes the resources registered with {@link Builder#closeOnDestroy}, last registered first. */
    @Override
    public void destroy() {
        api = null;
        closeAll(resources);
        resources = List.of();
    }

    private static void closeAll(List<AutoCloseable> toClose) {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                LOG.warn("Could not close {}", toClose.get(i), e);
            }
        }
    }

    /**
     * Configures an {@link UploadServlet}. Single values are checked when set; {@link #build()} checks that
     * the required services are present.
     */
    public static final class Builder {
        private static final int MIN_KEY_BYTES = 32;

        private UploadService uploadService;
        private AccessService accessService;
        private WebhookService webhookService;
        private Authenticator authenticator;
        private byte[] signingKey;
        private Duration downloadTokenTtl = Duration.ofHours(1);
        private String publicBaseUrl;
        private DataSize maxRequestSize;
        private int maxFileCount = 100;
        private DataSize maxFormFieldSize = DataSize.ofKibibytes(64);
        private Clock clock = Clock.systemUTC();
        private boolean docs;
        private RequestObserver observer = RequestObserver.NONE;
        private RequestLimits limits;
        private RequestLogWriter requestLog;
        private List<String> trustedProxies = List.of();
        private final List<AutoCloseable> resources = new ArrayList<>();

        private Builder() {
        }

        /** Sets the file operations the servlet exposes. Required. */
        public Builder uploadService(UploadService uploadService) {
            this.uploadService = Objects.requireNonNull(uploadService, "uploadService");
            return this;
        }

        /**
         * Sets the projects and keys service: it backs the default authenticator and the {@code api-keys} and
         * {@code admin/projects} routes. Required unless an {@link #authenticator} is set; without it those
         * routes answer {@code 404 NOT_FOUND}.
         */
        public Builder accessService(AccessService accessService) {
            this.accessService = Objects.requireNonNull(accessService, "accessService");
            return this;
        }

        /** Replaces the default API-key authenticator ({@link Authenticator#apiKeys}). */
        public Builder authenticator(Authenticator authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
            return this;
        }

        /**
         * Sets the HMAC-SHA256 key signed download URLs are made with; every instance serving the same files
         * needs the same key. Without one, a random key is made per servlet: its links stop working on restart
         * and are not accepted by other instances.
         *
         * @throws IllegalArgumentException if shorter than 32 bytes
         */
        public Builder signingKey(byte[] key) {
            Objects.requireNonNull(key, "key");
            if (key.length < MIN_KEY_BYTES) {
                throw new IllegalArgumentException("signingKey: must be at least " + MIN_KEY_BYTES + " bytes, was "
                        + key.length + "; use 32 random bytes, e.g. from SecureRandom");
            }
            this.signingKey = key.clone();
            return this;
        }

        /**
         * Sets the signing key from a secret string (its UTF-8 bytes).
         *
         * @throws IllegalArgumentException if shorter than 32 characters
         */
        public Builder signingKey(String secret) {
            Objects.requireNonNull(secret, "secret");
            if (secret.length() < MIN_KEY_BYTES) {
                throw new IllegalArgumentException("signingKey: must be at least " + MIN_KEY_BYTES
                        + " characters, was " + secret.length() + "; use a long random secret, e.g. "
                        + "`openssl rand -base64 48`");
            }
            this.signingKey = secret.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /** Sets how long a signed download URL stays valid (default 1 hour). */
        public Builder downloadTokenTtl(Duration ttl) {
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofDays(365)) > 0) {
                throw new IllegalArgumentException("downloadTokenTtl: must be between 1 second and 365 days, was "
                        + ttl + "; use e.g. Duration.ofHours(1)");
            }
            this.downloadTokenTtl = ttl;
            return this;
        }

        /**
         * Sets the absolute URL the servlet's mount is reachable at, used for {@code download_url} and
         * {@code Location}, e.g. {@code https://files.example.com/v1/external}. Without it the base is taken from
         * each request: {@code scheme://host[:port]} plus context path and servlet path.
         *
         * @throws IllegalArgumentException unless an absolute http or https URL without query or fragment
         */
        public Builder publicBaseUrl(String url) {
            Objects.requireNonNull(url, "url");
            String fix = "; use an absolute URL such as https://files.example.com/v1/external";
            try {
                URI uri = new URI(url);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                        || uri.getQuery() != null || uri.getFragment() != null) {
                    throw new IllegalArgumentException("publicBaseUrl: '" + url + "' is not an http(s) base URL" + fix);
                }
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("publicBaseUrl: '" + url + "' is not a URL" + fix, e);
            }
            this.publicBaseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            return this;
        }

        /**
         * Sets the largest multipart request body, fields included (default: the service's
         * {@link UploadService#maxFileSize()} plus 16 MiB). Larger requests are refused with {@code FILE_TOO_LARGE}.
         */
        public Builder maxRequestSize(DataSize size) {
            Objects.requireNonNull(size, "size");
            if (size.bytes() < 1024) {
                throw new IllegalArgumentException("maxRequestSize: must be at least 1 KB, was " + size
                        + "; use e.g. DataSize.ofGibibytes(5)");
            }
            this.maxRequestSize = size;
            return this;
        }

        /**
         * Sets the most parts, files and fields together, a multipart request may have (default 100); more are
         * refused with {@code VALIDATION_ERROR}. One request uploads one file.
         */
        public Builder maxFileCount(int count) {
            if (count < 1 || count > 10_000) {
                throw new IllegalArgumentException("maxFileCount: must be between 1 and 10000, was " + count
                        + "; use e.g. 100");
            }
            this.maxFileCount = count;
            return this;
        }

        /** Sets the largest value of one multipart form field (default 64 KB); larger ones get {@code VALIDATION_ERROR}. */
        public Builder maxFormFieldSize(DataSize size) {
            Objects.requireNonNull(size, "size");
            if (size.bytes() < 1024 || size.bytes() > Integer.MAX_VALUE - 1) {
                throw new IllegalArgumentException("maxFormFieldSize: must be between 1 KB and 2 GB, was " + size
                        + "; use e.g. DataSize.ofKibibytes(64)");
            }
            this.maxFormFieldSize = size;
            return this;
        }

        /** Sets the clock download tokens are issued and checked with (default: the system UTC clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the webhooks service behind the {@code webhooks} routes; without it they answer {@code 404 NOT_FOUND}.
         */
        public Builder webhookService(WebhookService webhookService) {
            this.webhookService = Objects.requireNonNull(webhookService, "webhookService");
            return this;
        }

        /**
         * Counts every request of an authenticated caller against its project's plan, e.g.
         * {@code RequestLimits.create(database.rateLimiter(), access)}: {@code X-RateLimit-*} headers on every
         * response of a limited plan, {@code 429 RATE_LIMITED} or {@code 403 QUOTA_EXCEEDED} with {@code Retry-After}
         * when spent. Without it nothing is limited.
         */
        public Builder limits(RequestLimits value) {
            this.limits = Objects.requireNonNull(value, "limits");
            return this;
        }

        /**
         * Serves a Swagger UI page over {@code openapi.json} at {@code docs} (default off). Its files come from
         * {@code org.webjars:swagger-ui}, an optional dependency the host then adds; {@link #build()} fails without it.
         */
        public Builder docs(boolean enabled) {
            this.docs = enabled;
            return this;
        }

        /** Sets who is told about each answered request (metrics, accounting); default {@link RequestObserver#NONE}. */
        public Builder observer(RequestObserver observer) {
            this.observer = Objects.requireNonNull(observer, "observer");
            return this;
        }

        /**
         * Logs every request of a known project to this writer (which the host starts and closes) and serves the
         * {@code usage} and {@code logs} routes from its store. Without it there is no request log and those routes
         * answer {@code 404}.
         */
        public Builder requestLog(RequestLogWriter value) {
            this.requestLog = Objects.requireNonNull(value, "requestLog");
            return this;
        }

        /**
         * Sets the proxies (addresses or CIDR ranges such as {@code 10.0.0.0/8}) whose {@code X-Forwarded-For} the
         * request log believes for the client address; default none, so the connection's peer is logged.
         *
         * @throws IllegalArgumentException for an entry that is not an IP address or range
         */
        public Builder trustedProxies(List<String> value) {
            AddressRanges.parse(value);
            this.trustedProxies = List.copyOf(value);
            return this;
        }

        /** Registers a resource to close when the servlet is destroyed, e.g. a database pool or a store. */
        public Builder closeOnDestroy(AutoCloseable resource) {
            resources.add(Objects.requireNonNull(resource, "resource"));
            return this;
        }

        /**
         * Returns the servlet.
         *
         * @throws IllegalStateException if {@link #uploadService} is missing, or both {@link #accessService} and
         *     {@link #authenticator} are
         */
        public UploadServlet build() {
            return new UploadServlet(this);
        }

        Settings settings() {
            if (uploadService == null) {
                throw new IllegalStateException("uploadService: not set; call uploadService(...) with an "
                        + "UploadService built by UploadService.builder()");
            }
            if (accessService == null && authenticator == null) {
                throw new IllegalStateException("accessService: not set; call accessService(...) with "
                        + "AccessService.create(database.projects()), or set an authenticator(...) of your own");
            }
            byte[] key = signingKey;
            if (key == null) {
                LOG.warn("No signing key set: signed download URLs will stop working on restart and are not "
                        + "shared between instances; set signingKey(...) or the '{}' init-param", SIGNING_KEY_PARAM);
                key = new byte[MIN_KEY_BYTES];
                new SecureRandom().nextBytes(key);
            }
            long requestSize = maxRequestSize != null ? maxRequestSize.bytes()
                    : saturatedAdd(uploadService.maxFileSize().bytes(), DataSize.ofMebibytes(16).bytes());
            Authenticator auth = authenticator != null ? authenticator : Authenticator.apiKeys(accessService);
            return new Settings(uploadService, accessService, auth, key, downloadTokenTtl, publicBaseUrl, requestSize,
                    maxFileCount, maxFormFieldSize.bytes(), clock, webhookService, docs, limits, requestLog,
                    AddressRanges.parse(trustedProxies));
        }

        private static long saturatedAdd(long a, long b) {
            long sum = a + b;
            return sum < 0 ? Long.MAX_VALUE : sum;
        }
    }
}
