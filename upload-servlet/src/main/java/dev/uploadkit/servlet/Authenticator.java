package dev.uploadkit.servlet;

import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.auth.Principal;
import dev.uploadkit.servlet.internal.ApiKeyAuthenticator;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Objects;
import java.util.Optional;

/**
 * Decides who is calling: the project a request is scoped to and the permissions it carries.
 *
 * <p>The default, {@link #apiKeys(AccessService)}, reads {@code X-API-Key: <key>} or
 * {@code Authorization: Bearer <key>}. A host plugs its own to map its users (a session, a JWT, mutual TLS)
 * to a project and permissions, and may chain it with the default through {@link #orElse}.
 *
 * <p>Called once per request on the request thread, before the body is read; implementations are
 * thread-safe and may block (a database lookup). This interface does not check permissions: the servlet
 * compares {@link Principal#permissions()} with what each route needs.
 */
@FunctionalInterface
public interface Authenticator {

    /**
     * Returns the caller, or empty when the request carries no credentials this authenticator understands
     * (the servlet then answers {@code 401 UNAUTHENTICATED}, or serves a public file or a signed download).
     *
     * @throws dev.uploadkit.core.UploadException {@code UNAUTHENTICATED} when the request carries credentials
     *     that are malformed, unknown or revoked; any other {@code UploadException} (for example
     *     {@code RATE_LIMITED} or {@code SERVICE_UNAVAILABLE}) is answered with its code as well
     */
    Optional<Principal> authenticate(HttpServletRequest request);

    /**
     * Returns an authenticator that asks this one first and {@code fallback} when this one finds no
     * credentials. A request with bad credentials for this one is refused without asking {@code fallback}.
     */
    default Authenticator orElse(Authenticator fallback) {
        Objects.requireNonNull(fallback, "fallback");
        return request -> {
            Optional<Principal> principal = authenticate(request);
            return principal.isPresent() ? principal : fallback.authenticate(request);
        };
    }

    /**
     * Returns the API-key authenticator: {@code X-API-Key} first, else an {@code Authorization} header with
     * the {@code Bearer} scheme, checked with {@link AccessService#authenticate(String)}. A present but
     * unknown, malformed or revoked key throws {@code UNAUTHENTICATED}; other {@code Authorization} schemes
     * are ignored.
     */
    static Authenticator apiKeys(AccessService access) {
        return new ApiKeyAuthenticator(access);
    }
}
