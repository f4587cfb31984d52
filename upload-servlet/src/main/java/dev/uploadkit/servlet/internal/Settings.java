package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.webhook.WebhookService;
import dev.uploadkit.core.limits.RequestLimits;
import dev.uploadkit.core.usage.RequestLogWriter;
import dev.uploadkit.servlet.Authenticator;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The validated configuration of one servlet, as {@code UploadServlet.Builder} produced it.
 *
 * @param access {@code null} when the host authenticates on its own and has no key management
 * @param webhooks {@code null} when the host has no webhooks (the routes answer 404)
 * @param publicBaseUrl {@code null} to derive the base of links from each request
 * @param docs whether the Swagger UI page is served at {@code docs}
 * @param limits {@code null} for no rate limits
 * @param requestLog {@code null} for no request log (and no {@code usage} and {@code logs} routes)
 */
public record Settings(UploadService uploads, AccessService access, Authenticator authenticator, byte[] signingKey,
                       Duration downloadTokenTtl, String publicBaseUrl, long maxRequestSize, int maxFileCount,
                       long maxFormFieldSize, Clock clock, WebhookService webhooks,
                       boolean docs, RequestLimits limits, RequestLogWriter requestLog,
                       AddressRanges trustedProxies) {
    public Settings {
        Objects.requireNonNull(uploads, "uploads");
        Objects.requireNonNull(authenticator, "authenticator");
        signingKey = signingKey.clone();
        Objects.requireNonNull(downloadTokenTtl, "downloadTokenTtl");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(trustedProxies, "trustedProxies");
    }

    @Override
    public byte[] signingKey() {
        return signingKey.clone();
    }
}
