package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.auth.Principal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** The servlet's request pipeline: route, authenticate, authorise, handle; failures go to {@link ErrorResponder}. */
public final class Api {
    private final Settings settings;
    private final Router router = new Router();

    public Api(Settings settings) {
        this.settings = settings;
        DownloadTokens tokens = new DownloadTokens(settings.signingKey(), settings.clock(), settings.downloadTokenTtl());
        UploadViews views = new UploadViews(tokens, settings.uploads().storage()::publicBaseUrl);
        MultipartUpload multipart = new MultipartUpload(settings.uploads(), settings.maxRequestSize(),
                settings.maxFileCount(), settings.maxFormFieldSize());
        new FilesHandler(settings.uploads(), views, multipart).register(router);
        new TrashHandler(settings.uploads(), views).register(router);
        new DedupHandler(settings.uploads(), views).register(router);
        new DownloadHandler(settings.uploads(), tokens).register(router);
        new StorageHandler(settings.uploads().storage()).register(router);
        if (settings.access() != null) {
            KeysHandler keys = new KeysHandler(settings.access());
            keys.register(router);
            new AdminProjectsHandler(settings.access(), settings.uploads(), keys).register(router);
        }
    }

    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String requestId = newRequestId();
        response.setHeader("X-Request-Id", requestId);
        Exchange exchange = new Exchange(request, response, requestId, settings.publicBaseUrl());
        try {
            Router.Match match = router.match(request.getMethod(), exchange.path());
            if (!match.found()) {
                if (match.allowed().isEmpty()) {
                    throw new UploadException(ErrorCode.NOT_FOUND, "No such endpoint.");
                }
                response.setHeader("Allow", String.join(", ", match.allowed()));
                throw new UploadException(ErrorCode.METHOD_NOT_ALLOWED,
                        "The method " + request.getMethod() + " is not allowed here; use " + match.allowed() + ".");
            }
            exchange.pathParams(match.params());
            authorize(exchange, match.route().access());
            match.route().handler().handle(exchange);
        } catch (Exception e) {
            ErrorResponder.respond(request, response, requestId, e);
        }
    }

    private void authorize(Exchange exchange, Access access) {
        Optional<Principal> principal = settings.authenticator().authenticate(exchange.request());
        principal.ifPresent(exchange::principal);
        if (!access.authenticated()) {
            return;
        }
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
