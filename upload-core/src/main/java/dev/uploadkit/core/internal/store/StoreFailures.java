package dev.uploadkit.core.internal.store;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import org.jclouds.blobstore.domain.BlobMetadata;
import org.jclouds.http.HttpResponse;
import org.jclouds.http.HttpResponseException;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * Turns what jclouds or a caller's stream threw into the {@link UploadException} a store throws.
 *
 * <p>Messages name the store and key only: jclouds' own messages may carry endpoints and request details, so
 * they stay in the cause, for logs.
 */
public final class StoreFailures {
    // Bounds the walk down a cause chain that might, through a buggy library, be cyclic.
    private static final int MAX_CAUSE_DEPTH = 32;

    private StoreFailures() {
    }

    /** Returns the object's size from its metadata; {@code STORAGE_ERROR} if the store did not report it. */
    public static long sizeOf(String storeId, BlobMetadata metadata) {
        Long size = metadata.getSize();
        if (size == null) {
            size = metadata.getContentMetadata().getContentLength();
        }
        if (size == null) {
            throw new UploadException(ErrorCode.STORAGE_ERROR, "Store '" + storeId + "' did not report the size of '"
                    + metadata.getName() + "'.");
        }
        return size;
    }

    /**
     * Returns the exception for a failed write of {@code key}: what the source threw if it failed (an
     * {@link UploadException} unchanged), else the translated store failure.
     *
     * @throws Error if the source threw one
     */
    public static UploadException forPut(String storeId, String key, SourceStream source, Throwable failure) {
        Throwable fromSource = source.failure();
        if (fromSource instanceof Error error) {
            throw error;
        }
        if (fromSource instanceof UploadException uploadException) {
            return uploadException;
        }
        if (fromSource != null) {
            return new UploadException(ErrorCode.STORAGE_ERROR, "Reading the content for '" + key
                    + "' failed after " + source.count() + " bytes; nothing was stored in store '" + storeId + "'.",
                    fromSource);
        }
        return translate("Could not store '" + key + "' in store '" + storeId + "'.", failure);
    }

    /**
     * Returns the {@link UploadException} in {@code failure}'s cause chain if there is one, else a new one with
     * {@code message}: {@code SERVICE_UNAVAILABLE} if the store could not be reached or said it is unavailable,
     * {@code STORAGE_ERROR} otherwise.
     */
    public static UploadException translate(String message, Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++, t = t.getCause()) {
            if (t instanceof UploadException uploadException) {
                return uploadException;
            }
        }
        ErrorCode code = unavailable(failure) ? ErrorCode.SERVICE_UNAVAILABLE : ErrorCode.STORAGE_ERROR;
        return new UploadException(code, message, failure);
    }

    private static boolean unavailable(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++, t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException || t instanceof SocketTimeoutException) {
                return true;
            }
            if (t instanceof HttpResponseException http) {
                HttpResponse response = http.getResponse();
                if (response != null && response.getStatusCode() == 503) {
                    return true;
                }
            }
        }
        return false;
    }
}
