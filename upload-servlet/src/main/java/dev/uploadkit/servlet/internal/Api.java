package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.auth.Principal;
import dev.uploadkit.servlet.RequestObserver;
import dev.uploadkit.servlet.RequestOutcome;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The servlet's request pipeline, as steps around the handlers: record (the request log, when configured) →
 * answer failures ({@link ErrorResponder}) → authenticate → limit (when configured) → route → authorise → handle.
 * Authenticating and limiting before routing makes a request of a known caller to an unknown route (404, 405) count
 * against its project's plan and show in its log like any other.
 */
public final class Api {
    private static final Logger LOG = LoggerFactory.getLogger(Api.class);

    private final Settings settings;
    private final RequestObserver observer;
    private final Router router = new Router();
    private final List<Step> steps = new ArrayList<>();

    public Api(Settings settings) {
        this(settings, RequestObserver.NONE);
    }

    public Api(Settings settings, RequestObserver observer) {
        this.settings = settings;
        this.observer = Objects.requireNonNull(observer, "observer");
        DownloadTokens tokens = new DownloadTokens(settings.signingKey(), settings.clock(), settings.downloadTokenTtl());
        UploadViews views = new UploadViews(tokens, settings.uploads().storage()::publicBaseUrl);
        MultipartUpload multipart = new MultipartUpload(settings.uploads(), settings.maxRequestSize(),
                settings.maxFileCount(), settings.maxFormFieldSize());
        new FilesHandler(settings.uploads(), views, multipart).register(router);
        new TrashHandler(settings.uploads(), views).register(router);
        new FileOpsHandler(settings.uploads(), views).register(router);
        new MetadataHandler(settings.uploads()).register(router);
        new DedupHandler(settings.uploads(), views).register(router);
        new DownloadHandler(settings.uploads(), tokens).register(router);
        new ImportsHandler(settings.uploads(), views).register(router);
        new LifecycleHandler(settings.uploads(), views).register(router);
        new OpenApiHandler().register(router);
        if (settings.docs()) {
            DocsHandler.create().orElseThrow(() -> new IllegalStateException(
                    "docs: the Swagger UI page needs org.webjars:swagger-ui on the class path")).register(router);
        }
        new StorageHandler(settings.uploads().storage()).register(router);
        if (settings.access() != null) {
            KeysHandler keys = new KeysHandler(settings.access());
            keys.register(router);
            new AdminProjectsHandler(settings.access(), settings.uploads(), keys).register(router);
        }
        if (settings.webhooks() != null) {
            new WebhooksHandler(settings.webhooks()).register(router);
        }
        steps.add(this::observe);
        if (settings.requestLog() != null) {
            steps.add(new RecordStep(settings.requestLog(), settings.trustedProxies(), tokens, settings.clock()));
            new UsageHandler(settings.requestLog().store(), settings.uploads(), settings.clock()).register(router);
        }
        steps.add(this::answerFailures);
        steps.add(this::authenticate);
        if (settings.limits() != null) {
            steps.add(new LimitStep(settings.limits()));
        }
        steps.add(this::route);
        steps.add(this::authorize);
    }

    /** Returns every route as {@code METHOD pattern}, e.g. {@code GET files/{uuid}}, in registration order. */
    public java.util.List<String> routes() {
        return router.routes().stream().map(r -> r.method() + " " + r.pattern()).toList();
    }

    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String requestId = newRequestId();
        response.setHeader("X-Request-Id", requestId);
        Exchange exchange = new Exchange(request, response, requestId, settings.publicBaseUrl());
        proceed(0, exchange);
    }

    private void proceed(int step, Exchange exchange) throws IOException {
        if (step == steps.size()) {
            exchange.route().handler().handle(exchange);
        } else {
            steps.get(step).apply(exchange, ex -> proceed(step + 1, ex));
        }
    }

    /** Tells the observer about the request once it is answered, whatever happened (the outermost step). */
    private void observe(Exchange exchange, Step.Chain next) throws IOException {
        long started = System.nanoTime();
        try {
            next.proceed(exchange);
        } finally {
            String code = exchange.errorCode();
            RequestOutcome outcome = new RequestOutcome(exchange.request().getMethod(),
                    exchange.route() == null ? "" : exchange.route().pattern(), exchange.response().getStatus(),
                    Optional.ofNullable(code).map(ErrorCode::valueOf), exchange.transferred(),
                    Duration.ofNanos(System.nanoTime() - started));
            try {
                observer.completed(outcome);
            } catch (RuntimeException e) {
                LOG.warn("The request observer failed on {}", outcome, e);
            }
        }
    }

    private void answerFailures(Exchange exchange, Step.Chain next) throws IOException {
        try {
            next.proceed(exchange);
        } catch (Exception e) {
            exchange.errorCode(ErrorResponder.codeOf(e).name());
            ErrorResponder.respond(exchange.request(), exchange.response(), exchange.requestId(), e);
        }
    }

    private void route(Exchange exchange, Step.Chain next) throws IOException {
        HttpServletRequest request = exchange.request();
        Router.Match match = router.match(request.getMethod(), exchange.path());
        if (!match.found()) {
            if (match.allowed().isEmpty()) {
                throw new UploadException(ErrorCode.NOT_FOUND, "No such endpoint.");
            }
            exchange.response().setHeader("Allow", String.join(", ", match.allowed()));
            throw new UploadException(ErrorCode.METHOD_NOT_ALLOWED,
                    "The method " + request.getMethod() + " is not allowed here; use " + match.allowed() + ".");
        }
        exchange.pathParams(match.params());
        exchange.route(match.route());
        next.proceed(exchange);
    }

    /** Finds the caller, if the request names one; a key that is presented but unknown or revoked is refused. */
    private void authenticate(Exchange exchange, Step.Chain next) throws IOException {
        settings.authenticator().authenticate(exchange.request()).ifPresent(exchange::principal);
        next.proceed(exchange);
    }

    private void authorize(Exchange exchange, Step.Chain next) throws IOException {
        Access access = exchange.route().access();
        if (access.authenticated()) {
            check(exchange.optionalPrincipal(), access);
        }
        next.proceed(exchange);
    }

    private static void check(Optional<Principal> principal, Access access) {
        Principal p = principal.orElseThrow(() -> new UploadException(ErrorCode.UNAUTHENTICATED,
                "Authentication is required: send an API key in the X-API-Key header."));
        if (access.admin() && !p.admin()) {
            throw new UploadException(ErrorCode.FORBIDDEN, "Only a server-admin key may call admin endpoints.");
        }
        if (!access.anyOf().isEmpty() && access.anyOf().stream().noneMatch(p::has)) {
            throw Exchange.forbidden();
        }
    }

    /** Answers a request that reached a servlet whose {@code init()} has not completed. */
    public static void answerUnavailable(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String requestId = newRequestId();
        ErrorResponder.respond(request, response, requestId,
                new UploadException(ErrorCode.SERVICE_UNAVAILABLE, "The upload service is not running."));
    }

    private static String newRequestId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
