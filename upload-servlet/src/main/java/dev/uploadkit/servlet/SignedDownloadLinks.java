package dev.uploadkit.servlet;

import dev.uploadkit.core.Upload;
import dev.uploadkit.core.webhook.DownloadLinks;
import dev.uploadkit.servlet.internal.DownloadTokens;
import dev.uploadkit.core.storage.SecretBox;
import dev.uploadkit.servlet.internal.UploadViews;

import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The servlet's own {@code download_url}s for uploads, made outside a request (webhook payloads): signed links
 * valid for the TTL from when they are made. Give it the same signing key
 * and base URL as the {@link UploadServlet}, and it to {@code UploadServiceBuilder.downloadLinks}.
 */
public final class SignedDownloadLinks implements DownloadLinks {
    /**
     * The name under which a host keeps the signing key it shares among its instances, when it keeps it in
     * Uploadkit's database ({@code UploadkitDatabase.sharedSecret(KEPT_KEY_NAME, SignedDownloadLinks::newKey)}), as the
     * standalone server and the Spring Boot auto-configuration do; {@link #decodeKey} turns it into the key.
     */
    public static final String KEPT_KEY_NAME = "download-link-signing-key";
    private static final int MIN_KEY_BYTES = 32;

    private final UploadViews views;
    private final Supplier<String> baseUrl;

    /**
     * @param signingKey the servlet's {@code signingKey}
     * @param baseUrl the absolute URL the API is mounted at, e.g. {@code https://files.example.com/v1/external},
     *     asked for each link (so a server can supply its address once it is bound; {@code null} until then)
     */
    public SignedDownloadLinks(byte[] signingKey, Duration ttl, Supplier<String> baseUrl) {
        Objects.requireNonNull(signingKey, "signingKey");
        this.views = new UploadViews(new DownloadTokens(signingKey.clone(), Clock.systemUTC(),
                Objects.requireNonNull(ttl, "ttl")));
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    }

    /** Returns a new random signing key of 32 bytes, in base64 (made as a master key is). */
    public static String newKey() {
        return SecretBox.generateKey();
    }

    /**
     * Returns the signing key a base64 text holds (as {@link #newKey} makes).
     *
     * @throws IllegalArgumentException if it is not base64 or holds fewer than 32 bytes
     */
    public static byte[] decodeKey(String base64) {
        byte[] key = Base64.getDecoder().decode(Objects.requireNonNull(base64, "base64").strip());
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("a signing key must hold at least " + MIN_KEY_BYTES + " bytes, held "
                    + key.length);
        }
        return key;
    }

    /** Returns the upload's link, or {@code null} while the base URL is unknown (the supplier gives none). */
    @Override
    public String downloadUrl(Upload upload) {
        String base = baseUrl.get();
        return base == null ? null : views.downloadUrl(upload, base);
    }
}
