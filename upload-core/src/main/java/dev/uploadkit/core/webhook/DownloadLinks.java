package dev.uploadkit.core.webhook;

import dev.uploadkit.core.Upload;

/**
 * Makes the {@code download_url} of an upload for event payloads, which are written outside any HTTP request.
 * The servlet module's {@code SignedDownloadLinks} makes the same links as the API.
 */
@FunctionalInterface
public interface DownloadLinks {

    /** Links nothing: payloads carry {@code "download_url": null}. */
    DownloadLinks NONE = upload -> null;

    /** Returns the link the upload's bytes are served at, or {@code null} when there are none to serve. */
    String downloadUrl(Upload upload);
}
