package dev.uploadkit.servlet;

import dev.uploadkit.core.Upload;
import dev.uploadkit.core.webhook.DownloadLinks;
import dev.uploadkit.servlet.internal.DownloadTokens;
import dev.uploadkit.servlet.internal.UploadViews;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The servlet's own {@code download_url}s for uploads, made outside a request (webhook payloads): signed links
 * valid for the TTL from when they are made. Give it the same signing key
 * and base URL as the {@link UploadServlet}, and it to {@code UploadServiceBuilder.downloadLinks}.
 */
public final class SignedDownloadLinks implements DownloadLinks {
    private final UploadViews views;
    private final Supplier<String> baseUrl;

    /**
     * @param signingKey the servlet's {@code signingKey}
     * @param baseUrl the absolute URL the API is mounted at, e.g. {@code https://files.example.com/v1/external},
     *     asked for each link (so a server can supply its address once it is bound)
     */
    public SignedDownloadLinks(byte[] signingKey, Duration ttl, Supplier<String> baseUrl) {
        Objects.requireNonNull(signingKey, "signingKey");
        this.views = new UploadViews(new DownloadTokens(signingKey.clone(), Clock.systemUTC(),
                Objects.requireNonNull(ttl, "ttl")));
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    }

    @Override
    public String downloadUrl(Upload upload) {
        return views.downloadUrl(upload, baseUrl.get());
    }
}
