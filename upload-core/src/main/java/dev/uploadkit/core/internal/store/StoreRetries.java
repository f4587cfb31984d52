package dev.uploadkit.core.internal.store;

import org.jclouds.http.HttpResponse;
import org.jclouds.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Retries the S3 requests of a write that are safe to repeat (single puts, parts, starting and completing a
 * multipart upload) on what is usually transient: a 500, 502, 503 or 504, a connection reset or a reply cut
 * short. Waits {@code firstDelay}, then twice as long each time, up to {@code attempts} attempts in all.
 *
 * <p>jclouds retries some of these itself, but not all: a 500 answered to a put's {@code Expect: 100-continue}
 * and a reply cut in its headers ("did not receive ETag") reach the caller. Each failure recovered from is logged
 * once at WARN with its message and no stack trace; the last one is thrown as it was.
 *
 * <p>A retried start of a multipart upload may leave the first one open on the server when only its reply was
 * lost; the multipart sweep ({@code FileStore#abortStaleMultipartUploads}) aborts those.
 */
public final class StoreRetries {
    private static final Logger LOG = LoggerFactory.getLogger(StoreRetries.class);
    // Bounds the walk down a cause chain that might, through a buggy library, be cyclic.
    private static final int MAX_CAUSE_DEPTH = 32;

    /** Four attempts, 100 ms, 200 ms and 400 ms apart. */
    public static final StoreRetries DEFAULT = new StoreRetries(4, Duration.ofMillis(100));

    private final int attempts;
    private final Duration firstDelay;

    public StoreRetries(int attempts, Duration firstDelay) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
        }
        this.attempts = attempts;
        this.firstDelay = firstDelay;
    }

    /**
     * Runs {@code request}, again after a retryable failure, and returns its result.
     *
     * @param what names the request in log messages, e.g. {@code "part 3 of a/b.bin"}
     * @throws RuntimeException the last failure, or the first one that is not retryable; an interrupt during
     *     the wait ends the retries with the failure before it, the interrupt flag kept
     */
    public <T> T run(String what, Supplier<T> request) {
        long delay = firstDelay.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                return request.get();
            } catch (RuntimeException e) {
                if (attempt >= attempts || !retryable(e) || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                LOG.warn("S3 request failed, retrying in {} ms (attempt {} of {}): {}: {}",
                        Duration.ofNanos(delay).toMillis(), attempt + 1, attempts, what, describe(e));
                LockSupport.parkNanos(delay);
                if (Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                delay *= 2;
            }
        }
    }

    /**
     * Returns whether {@code failure} is worth repeating the same request for: a 500, 502, 503 or 504; a
     * success reply missing what jclouds needed from it (cut short); an I/O failure other than an interrupt.
     */
    static boolean retryable(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++, t = t.getCause()) {
            if (t instanceof InterruptedIOException || t instanceof InterruptedException) {
                return false;
            }
            if (t instanceof HttpResponseException http) {
                HttpResponse response = http.getResponse();
                int status = response == null ? 0 : response.getStatusCode();
                if (status == 500 || status == 502 || status == 503 || status == 504
                        || (status >= 200 && status < 300)) {
                    return true;
                }
                if (status != 0) {
                    return false;
                }
            }
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** Returns the HTTP status, if any, of {@code failure} or one of its causes; 0 if none. */
    static int status(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++, t = t.getCause()) {
            if (t instanceof HttpResponseException http && http.getResponse() != null) {
                return http.getResponse().getStatusCode();
            }
        }
        return 0;
    }

    /** Returns the failure's class and message and its root cause's, for a one-line log message. */
    static String describe(Throwable failure) {
        Throwable root = failure;
        for (int depth = 0; root.getCause() != null && depth < MAX_CAUSE_DEPTH; depth++) {
            root = root.getCause();
        }
        String first = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        return root == failure ? first
                : first + " (cause " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
}
