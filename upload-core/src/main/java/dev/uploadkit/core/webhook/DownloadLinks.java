package dev.uploadkit.core.webhook;

import dev.uploadkit.core.Upload;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Makes the {@code download_url} of an upload for event payloads, which are written outside any HTTP request.
 * The servlet module's {@code SignedDownloadLinks} makes the same links as the API. A public file on a storage with
 * a public base URL is linked there instead, by the service itself ({@link #publicUrl}), as in the API (SPEC §3).
 */
@FunctionalInterface
public interface DownloadLinks {

    /** Links nothing: payloads carry {@code "download_url": null}. */
    DownloadLinks NONE = upload -> null;

    /** Returns the link the upload's bytes are served at, or {@code null} when there are none to serve. */
    String downloadUrl(Upload upload);

    /** Returns where a public object is served under a storage's public base URL: each key segment percent-encoded. */
    static String publicUrl(String publicBaseUrl, String objectKey) {
        StringBuilder out = new StringBuilder(publicBaseUrl).append('/');
        String[] segments = objectKey.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            out.append(i == 0 ? "" : "/")
                    .append(URLEncoder.encode(segments[i], StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return out.toString();
    }
}
