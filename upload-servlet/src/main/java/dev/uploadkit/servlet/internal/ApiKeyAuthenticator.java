package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.auth.Principal;
import dev.uploadkit.servlet.Authenticator;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/** The default authenticator: {@code X-API-Key}, else {@code Authorization: Bearer}. */
public final class ApiKeyAuthenticator implements Authenticator {
    private static final String BEARER = "bearer ";

    private final AccessService access;

    public ApiKeyAuthenticator(AccessService access) {
        this.access = Objects.requireNonNull(access, "access");
    }

    @Override
    public Optional<Principal> authenticate(HttpServletRequest request) {
        String key = request.getHeader("X-API-Key");
        if (key == null) {
            String authorization = request.getHeader("Authorization");
            if (authorization != null && authorization.length() > BEARER.length()
                    && authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
                key = authorization.substring(BEARER.length());
            }
        }
        if (key == null) {
            return Optional.empty();
        }
        Optional<Principal> principal = access.authenticate(key.strip());
        if (principal.isEmpty()) {
            throw new UploadException(ErrorCode.UNAUTHENTICATED, "The API key is invalid or revoked.");
        }
        return principal;
    }
}
