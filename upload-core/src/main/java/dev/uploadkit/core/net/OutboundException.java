package dev.uploadkit.core.net;

import java.util.Objects;

/**
 * Why an outbound request failed: a {@link Reason}, a message safe to record and show (it names the host and
 * the refused address class, never the URL's path, query or credentials), and for {@link Reason#HTTP_ERROR} the
 * status the server answered.
 *
 * <p>Kept apart from {@link dev.uploadkit.core.UploadException} because it is not itself a client error: a URL
 * import records {@link #reason()} as the upload's {@code error}, a webhook delivery as the attempt's outcome.
 */
public final class OutboundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The classes of failure. */
    public enum Reason {
        /** The policy refuses the address (private, loopback, link-local, metadata, …). */
        FORBIDDEN,
        /** The name did not resolve, the connection was refused or closed early. */
        UNREACHABLE,
        /** The connect timeout or the total timeout passed. */
        TIMEOUT,
        /** The server answered a status of 400 or more (or a redirect without a usable {@code Location}). */
        HTTP_ERROR,
        /** The response body is larger than allowed. */
        TOO_LARGE,
        /** More redirects than allowed. */
        TOO_MANY_REDIRECTS,
        /** The URL is not an absolute {@code http} or {@code https} URL with a valid host. */
        INVALID_URL
    }

    private final Reason reason;
    private final int status;
    private final boolean redirected;

    public OutboundException(Reason reason, String message) {
        this(reason, message, 0, null);
    }

    public OutboundException(Reason reason, String message, Throwable cause) {
        this(reason, message, 0, cause);
    }

    public OutboundException(Reason reason, String message, int status, Throwable cause) {
        this(reason, message, status, cause, false);
    }

    private OutboundException(Reason reason, String message, int status, Throwable cause, boolean redirected) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.status = status;
        this.redirected = redirected;
    }

    /** Returns this failure as met on a redirect's target rather than on the URL asked for. */
    public OutboundException afterRedirect() {
        return redirected ? this : new OutboundException(reason, getMessage(), status, getCause(), true);
    }

    /**
     * Returns whether the failure was met on a redirect's target: a {@link Reason#FORBIDDEN} or
     * {@link Reason#INVALID_URL} then is the source's doing, not the caller's URL.
     */
    public boolean redirected() {
        return redirected;
    }

    public Reason reason() {
        return reason;
    }

    /** Returns the HTTP status for {@link Reason#HTTP_ERROR}, else 0. */
    public int status() {
        return status;
    }
}
